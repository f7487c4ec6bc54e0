"""Re-extraction of stored documents with the current extractor version (no network, no re-parse)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import ArticleSource, DocumentRow, Extraction
from caseminer.pipeline.resources import extractor_version, store_engine
from caseminer.pipeline.runs import begin_run, complete_run, run_record_closed_on_error
from caseminer.pipeline.stages import SequentialStages, Stages, finish_batches
from caseminer.pipeline.store import TOPIC_SOURCE
from caseminer.pipeline.work import (
    DEFAULT_BATCH_SIZE,
    BatchOutcome,
    ProgressCallback,
    RunSummary,
    batched,
    no_progress,
)

if TYPE_CHECKING:
    from spacy.language import Language


def documents_to_reextract(engine: Engine, topic: str | None = None, *, force: bool = False) -> list[str]:
    """Ids of stored documents whose extraction is missing or from another extractor version."""
    current = extractor_version()
    statement = (
        select(DocumentRow.doc_id)
        .outerjoin(
            Extraction,
            (Extraction.doc_id == DocumentRow.doc_id) & (Extraction.article_id == DocumentRow.article_id),
        )
        .order_by(DocumentRow.doc_id)
    )
    if not force:
        statement = statement.where(Extraction.id.is_(None) | (Extraction.extractor_version != current))
    if topic is not None:
        members = select(ArticleSource.article_id).where(
            ArticleSource.source == TOPIC_SOURCE, ArticleSource.source_record_id == topic
        )
        statement = statement.where(DocumentRow.article_id.in_(members))
    with session_scope(engine) as session:
        return list(session.scalars(statement))


def _focus_concepts(topic_name: str) -> list[str]:
    """A shipped topic's focus concepts; none for a topic known only by the name its runs stored."""
    from caseminer.sources import TopicError, load_topic

    try:
        return list(load_topic(topic_name).focus_concepts)
    except TopicError:
        return []


def reextract(
    settings: Settings,
    topic: str | None = None,
    nlp: Language | None = None,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stages: Stages | None = None,
) -> RunSummary:
    """Re-run extraction over stored documents (all, or a topic's) with the current extractor version.

    Only documents extracted by another version (or never) are redone unless `force`.
    """
    if topic:
        settings = settings.model_copy(update={"topic_concepts": _focus_concepts(topic)})
    engine = store_engine(settings.database_url)
    run_name = f"reextract:{topic or 'all'}"
    run_id, _ = begin_run(engine, run_name)
    summary = RunSummary(topic=run_name, run_id=run_id)
    report = progress or no_progress
    with run_record_closed_on_error(engine, summary):
        doc_ids = documents_to_reextract(engine, topic, force=force)
        summary.found = summary.updated = len(doc_ids)
        outcome = BatchOutcome()
        run_batch = (stages or SequentialStages()).reextract
        pending = [(run_batch(batch, settings, nlp), len(batch)) for batch in batched(doc_ids, batch_size)]
        finish_batches(pending, outcome, report, "extract")
        return complete_run(engine, summary, outcome)
