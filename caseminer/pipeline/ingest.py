"""Topic runs: search → fetch → archive → parse → extract → store, once or per date window.

The Prefect flows in `caseminer.flows` compose the same stage functions; `ingest_topic` composes
them sequentially for the CLI's default path (no Prefect, no ephemeral server start-up)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseminer.config import Settings
from caseminer.db.repository import (
    resolve_failure,
)
from caseminer.pipeline.fetch import SEARCH_STAGE, plan_fetches
from caseminer.pipeline.resources import record_failures, retried_write, store_engine
from caseminer.pipeline.runs import begin_run, complete_run, run_record_closed_on_error, stored_article_ids
from caseminer.pipeline.stages import PendingOutcome, SequentialStages, Stages, finish_batches
from caseminer.pipeline.work import (
    DEFAULT_BATCH_SIZE,
    BatchOutcome,
    FailureNote,
    ProgressCallback,
    RunSummary,
    batched,
    no_progress,
    timed,
)
from caseminer.sources import clients_from_settings
from caseminer.sources.dates import DateWindow
from caseminer.sources.http import Transport
from caseminer.sources.search import TopicSearch, topic_sources
from caseminer.sources.topic import Topic

if TYPE_CHECKING:
    from spacy.language import Language


def ingest_topic(
    topic: Topic,
    *,
    settings: Settings,
    transport: Transport | None = None,
    since: date | None = None,
    until: date | None = None,
    incremental: bool = False,
    advance_watermark: bool = True,
    nlp: Language | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stages: Stages | None = None,
) -> RunSummary:
    """Search, fetch the new and updated articles, parse, extract and store them; one run record.

    With `incremental` and no `since`, each source's search starts at its watermark; a completed run
    moves the watermark of each source that answered to `until` (default today) unless
    `advance_watermark` is False (backfills). A source whose search fails is recorded and skipped.
    Network calls are `search_each_source(topic, clients, since, until)`, then
    `fetch_article(hit, clients)` for each new or updated hit.
    """
    stages = stages or SequentialStages()
    settings = settings.model_copy(update={"topic_concepts": list(topic.focus_concepts)})
    engine = store_engine(settings.database_url)
    run_id, watermarks = begin_run(engine, topic.name, incremental=incremental)
    summary = RunSummary(topic=topic.name, run_id=run_id, until=until)
    report = progress or no_progress
    with run_record_closed_on_error(engine, summary):
        clients = clients_from_settings(settings, topic, transport=transport)
        starts = {source: since or watermarks.get(source) for source in topic_sources(topic, clients)}
        summary.since = min((start for start in starts.values() if start), default=None)
        with timed(summary.durations, "search"):
            report("search", 0, 0)
            searched = stages.search(topic, clients, starts, until)
            _record_search_outcome(engine, topic.name, searched)
            summary.sources, summary.failed_sources = searched.searched, searched.failed
            plan = plan_fetches(engine, searched.hits)
            report("search", plan.found, plan.found)
        summary.found, summary.new, summary.updated = plan.found, len(plan.new), len(plan.updated)
        summary.unchanged = len(plan.unchanged)
        outcome = BatchOutcome()
        pending: list[tuple[PendingOutcome, int]] = []
        fetched_count = 0
        for batch in batched(plan.to_fetch, batch_size):
            with timed(summary.durations, "fetch"):
                fetched = stages.fetch(batch, clients, topic.name)
            record_failures(engine, fetched.failures)
            outcome.failures.extend(fetched.failures)
            pending.append((stages.process(fetched.works, settings, nlp), len(batch)))
            fetched_count += len(batch)
            report("fetch", fetched_count, len(plan.to_fetch))
        finish_batches(pending, outcome, report, "store")
        return complete_run(
            engine,
            summary,
            outcome,
            advance_watermark_to=(until or date.today()) if advance_watermark else None,
            patients_of=stored_article_ids(engine, plan.unchanged),
        )


def _record_search_outcome(engine: Engine, topic: str, searched: TopicSearch) -> None:
    """A failed search becomes a pending failure of its source; a successful one resolves it."""
    record_failures(
        engine, [FailureNote(source, topic, SEARCH_STAGE, error) for source, error in searched.failed.items()]
    )

    def resolve(session: Session) -> None:
        for source in searched.searched:
            resolve_failure(session, source=source, source_id=topic, stage=SEARCH_STAGE)

    retried_write(engine, resolve)


def backfill_windows(start: date, end: date, window_days: int) -> list[DateWindow]:
    """Consecutive windows of `window_days` days covering `start`..`end` (the last may be shorter)."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    windows, first = [], start
    while first <= end:
        last = min(first + timedelta(days=window_days - 1), end)
        windows.append(DateWindow(first, last))
        first = last + timedelta(days=1)
    return windows


def backfill(
    topic: Topic,
    start: date,
    end: date,
    window_days: int = 365,
    *,
    settings: Settings,
    **options: Any,
) -> list[RunSummary]:
    """One run per date window from `start` to `end`; backfills never move the nightly watermark.

    `options` are those of `ingest_topic` (transport, nlp, progress, batch_size, stages).
    """
    return [
        ingest_topic(
            topic, settings=settings, since=window.start, until=window.end, advance_watermark=False, **options
        )
        for window in backfill_windows(start, end, window_days)
    ]
