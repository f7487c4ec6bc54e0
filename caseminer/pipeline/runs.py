"""Run records: opened with each source's watermark, closed with their counts (advancing the
watermarks of the sources that answered) or abandoned, and the patient table a run reports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from caseminer.curation.individuals import candidate_links
from caseminer.db import session_scope
from caseminer.db.models import Extraction, PatientRow
from caseminer.db.repository import (
    find_article,
    finish_run,
    get_watermark,
    set_watermark,
    start_run,
)
from caseminer.pipeline.resources import retried_write
from caseminer.pipeline.work import BatchOutcome, LinkSummary, PatientSummary, RunSummary
from caseminer.schemas import SearchHit
from caseminer.sources.search import SEARCH_SOURCES

# Watermarks are kept per topic and per search source. Databases of earlier versions kept one for all
# sources under this key: a source without its own watermark starts from it.
SHARED_WATERMARK = "search"


def begin_run(engine: Engine, topic: str, *, incremental: bool = False) -> tuple[int, dict[str, date]]:
    """Open a run record; with `incremental`, also each search source's watermark (its `since`)."""

    def write(session: Session) -> tuple[int, dict[str, date]]:
        run = start_run(session, topic)
        if not incremental:
            return run.id, {}
        shared = get_watermark(session, topic, SHARED_WATERMARK)
        marks = {source: get_watermark(session, topic, source) or shared for source in SEARCH_SOURCES}
        return run.id, {source: date.fromisoformat(mark) for source, mark in marks.items() if mark}

    return retried_write(engine, write)


def complete_run(
    engine: Engine,
    summary: RunSummary,
    outcome: BatchOutcome,
    *,
    advance_watermark_to: date | None = None,
    patients_of: Iterable[int] = (),
) -> RunSummary:
    """Close the run record with its counts, advance the watermark of each source that answered,
    gather the patient table."""
    summary.failures = outcome.failures
    summary.failed = len(outcome.failed_articles)
    summary.documents = outcome.documents
    for stage, seconds in outcome.durations.items():
        summary.durations[stage] = summary.durations.get(stage, 0.0) + seconds
    summary.status = summary.final_status()

    def write(session: Session) -> tuple[list[PatientSummary], list[LinkSummary]]:
        _close_record(session, summary)
        if advance_watermark_to is not None:
            for source in summary.sources:
                set_watermark(session, summary.topic, source, advance_watermark_to.isoformat())
        article_ids = {*outcome.article_ids, *patients_of}
        return patient_summaries(session, article_ids), link_summaries(session, article_ids)

    summary.patients, summary.links = retried_write(engine, write)
    return summary


def abandon_run(engine: Engine, summary: RunSummary, status: str = "failed") -> None:
    """Close the run record of a run that did not complete; the watermark stays where it was."""
    if summary.run_id is None:
        return
    summary.status = status
    retried_write(engine, lambda session: _close_record(session, summary))


def _close_record(session: Session, summary: RunSummary) -> None:
    """Write the run's status, counts and stage durations to its record."""
    assert summary.run_id is not None
    finish_run(
        session,
        summary.run_id,
        status=summary.status,
        found=summary.found,
        new=summary.new,
        updated=summary.updated,
        failed=summary.failed,
        failed_sources=summary.failed_sources,
        durations={stage: round(seconds, 3) for stage, seconds in summary.durations.items()},
    )


@contextmanager
def run_record_closed_on_error(engine: Engine, summary: RunSummary) -> Iterator[None]:
    """A run that raises leaves its record "interrupted" (Ctrl-C, kill) or "failed"; the error goes on."""
    try:
        yield
    except BaseException as error:
        abandon_run(engine, summary, "interrupted" if isinstance(error, KeyboardInterrupt) else "failed")
        raise


def stored_article_ids(engine: Engine, hits: Iterable[SearchHit]) -> list[int]:
    with session_scope(engine) as session:
        articles = (find_article(session, hit.ids) for hit in hits)
        return [article.id for article in articles if article is not None]


def patient_summaries(session: Session, article_ids: Iterable[int]) -> list[PatientSummary]:
    """The per-patient table of the given articles, in document and patient order."""
    ids = sorted(set(article_ids))
    if not ids:
        return []
    rows = session.execute(
        select(PatientRow, Extraction.doc_id)
        .join(Extraction, Extraction.id == PatientRow.extraction_id)
        .where(PatientRow.article_id.in_(ids))
        .options(
            selectinload(PatientRow.ages),
            selectinload(PatientRow.variants),
            selectinload(PatientRow.phenotypes),
            selectinload(PatientRow.hsct),
            selectinload(PatientRow.outcome),
        )
        .order_by(Extraction.doc_id, PatientRow.id)
    ).all()
    return [_patient_summary(doc_id, row) for row, doc_id in rows]


def link_summaries(session: Session, article_ids: Iterable[int]) -> list[LinkSummary]:
    """The candidate individual links with a patient of one of these articles, best first."""
    ids = set(article_ids)
    if not ids:
        return []
    return [
        LinkSummary(link.first.name, link.second.name, link.score, link.explanation, link.decision)
        for link in candidate_links(session, article_ids=ids)
    ]


def _patient_summary(doc_id: str, row: PatientRow) -> PatientSummary:
    onset = next((age.text for age in row.ages if age.role == "onset"), None)
    variants = ", ".join(dict.fromkeys(v.hgvs_c or v.hgvs_p or v.text or "" for v in row.variants)) or None
    return PatientSummary(
        doc_id=doc_id,
        patient=row.label,
        sex=row.sex,
        onset=onset,
        variant=variants,
        phenotypes=sum(1 for p in row.phenotypes if not p.excluded),
        hsct=row.hsct.performed if row.hsct else None,
        outcome=row.outcome.status if row.outcome else None,
    )
