"""Ingestion as plain functions: search → fetch → archive → parse → extract → store.

The Prefect flows in `caseminer.flows` compose exactly these functions; `ingest_topic` composes
them sequentially for the CLI's default path (no Prefect, no ephemeral server start-up).

Guarantees:
- One bad document never fails a run: a fetch, parse, extraction or store error is recorded in
  `failures` (stage + message) and the run goes on. A failed article is retried on the next run.
- Each article is written in one transaction (article row, raw records, documents, extraction,
  PubTator3 mentions, topic membership), so a run killed at any moment leaves every article either
  fully stored or absent, and the rerun completes the rest.
- Writes are idempotent (natural keys, upserts, atomic replacement of an extraction), and a write that
  collides with a concurrent writer is retried from scratch: two concurrent ingests of one topic end
  in the same database as one. We chose idempotent writes over a run lock so several Dask workers can
  write at once.
- A source whose search fails (an outage, no network) is recorded in `failures` (stage "search") and
  in the run's row (`failed_sources`); the other sources go on and the run ends "partial" ("failed"
  when no source answered).
- Each source of a topic has its own watermark, which advances only when its search succeeded in a
  completed run: the next incremental run searches a failed source's missed window again.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from caseminer.config import Settings
from caseminer.curation.individuals import candidate_links
from caseminer.db import init_db, session_scope
from caseminer.db.models import (
    Article,
    ArticleSource,
    DocumentRow,
    Extraction,
    PatientRow,
)
from caseminer.db.repository import (
    add_article_source,
    article_text_scopes,
    find_article,
    finish_run,
    get_watermark,
    load_document,
    pending_failures,
    record_failure,
    remove_documents,
    resolve_failure,
    set_watermark,
    start_run,
    store_document,
    store_external_mentions,
    store_extraction,
    store_raw_record,
    upsert_article,
)
from caseminer.parsing import ParseError, parse_bytes
from caseminer.schemas import ArticleIds, Document, ExtractionResult, RawRecord, SearchHit
from caseminer.sources import RawArchive, SourceError, clients_from_settings, fetch_article
from caseminer.sources.clients import SourceClients
from caseminer.sources.dates import DateWindow
from caseminer.sources.http import Transport
from caseminer.sources.local import iter_local_files
from caseminer.sources.pubtator import PubTatorAnnotations, annotations_from_biocjson
from caseminer.sources.search import SEARCH_SOURCES, TopicSearch, search_each_source, topic_sources
from caseminer.sources.topic import Topic

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

# Watermarks are kept per topic and per search source. Databases of earlier versions kept one for all
# sources under this key: a source without its own watermark starts from it.
SHARED_WATERMARK = "search"
# The stage of a source's failed search in `failures` (its source_id is the topic's name).
SEARCH_STAGE = "search"
# Topic membership is recorded as a listing in article_sources, so `reextract --topic` needs no network.
TOPIC_SOURCE = "topic"
# Failures of these sources are retried by fetching the article again (PubTator3's are optional parts).
RETRIED_SOURCES = (*SEARCH_SOURCES, "pubtator3")
# A write that meets a concurrent writer (SQLite busy snapshot, unique-key race) is retried this often.
WRITE_ATTEMPTS = 6
# Articles per batch; see caseminer.flows for the Prefect overhead measurement behind the number.
DEFAULT_BATCH_SIZE = 25

# (stage, completed, total) — total 0 when unknown.
ProgressCallback = Callable[[str, int, int], None]
T = TypeVar("T")


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureNote:
    source: str
    source_id: str
    stage: str
    error: str


@dataclass(frozen=True)
class PatientSummary:
    """One row of the CLI's per-patient table."""

    doc_id: str
    patient: str
    sex: str | None
    onset: str | None
    variant: str | None
    phenotypes: int
    hsct: bool | None
    outcome: str | None


@dataclass(frozen=True)
class LinkSummary:
    """A candidate individual link of a run's patients: two records of different articles that may
    be one person (caseminer.curation.individuals), with the curator's decision if there is one."""

    first: str
    second: str
    score: float
    explanation: str
    decision: str | None


@dataclass
class BatchOutcome:
    """What processing one batch did; outcomes of several batches add up."""

    articles: int = 0
    documents: int = 0
    article_ids: list[int] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)

    def add(self, other: BatchOutcome) -> BatchOutcome:
        self.articles += other.articles
        self.documents += other.documents
        self.article_ids.extend(other.article_ids)
        self.failures.extend(other.failures)
        for stage, seconds in other.durations.items():
            self.durations[stage] = self.durations.get(stage, 0.0) + seconds
        return self

    @property
    def failed_articles(self) -> set[str]:
        return {note.source_id for note in self.failures}


@dataclass
class RunSummary:
    topic: str
    run_id: int | None = None
    status: str = "running"
    found: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    documents: int = 0
    since: date | None = None
    until: date | None = None
    durations: dict[str, float] = field(default_factory=dict)
    failures: list[FailureNote] = field(default_factory=list)
    patients: list[PatientSummary] = field(default_factory=list)
    links: list[LinkSummary] = field(default_factory=list)
    # The search sources that answered, and the one-line error of each that did not.
    sources: list[str] = field(default_factory=list)
    failed_sources: dict[str, str] = field(default_factory=dict)

    def final_status(self) -> str:
        """The run's status: succeeded; partial when a search source failed; failed when none answered."""
        if not self.failed_sources:
            return "succeeded"
        return "partial" if self.sources else "failed"


@contextmanager
def _timed(durations: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        durations[stage] = durations.get(stage, 0.0) + time.perf_counter() - started


# --- per-process resources (also inside Dask workers) ----------------------------------------


@functools.lru_cache(maxsize=4)
def store_engine(database_url: str) -> Engine:
    """The registry engine of this process, schema upgraded once per process."""
    return init_db(database_url)


@functools.lru_cache(maxsize=2)
def _cached_nlp(vocab_path: Path, vocab_source_dir: Path | None, topic_concepts: tuple[str, ...]) -> Language:
    from caseminer.pipeline.extract import build_nlp
    from caseminer.vocab import TerminologyStore

    store = TerminologyStore.open(vocab_path, build_if_missing=True, source_dir=vocab_source_dir)
    return build_nlp(store, topic_concepts=topic_concepts)


def pipeline_nlp(settings: Settings) -> Language:
    """The extraction pipeline over the configured terminology store and topic, built once per process."""
    topic = tuple(settings.topic_concepts)
    return _cached_nlp(settings.resolved_vocab_path, settings.vocab_source_dir, topic)


def extractor_version() -> str:
    from caseminer.pipeline.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def _write(engine: Engine, write: Callable[[Session], T]) -> T:
    """Run `write` in its own transaction, retried when it collides with a concurrent writer.

    Every write here is idempotent, so running it again after a rollback is always safe.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with session_scope(engine) as session:
                if engine.dialect.name == "sqlite":
                    # Take SQLite's write lock first (waiting up to its busy timeout): a transaction that
                    # read first cannot write once another process has committed, and starts over.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                return write(session)
        except (OperationalError, IntegrityError) as error:
            if attempt == WRITE_ATTEMPTS:
                raise
            log.info("write collided with a concurrent writer (%s); retrying", type(error.orig).__name__)
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")


def record_failures(engine: Engine, notes: Sequence[FailureNote]) -> None:
    if not notes:
        return

    def write(session: Session) -> None:
        for note in notes:
            record_failure(
                session, source=note.source, source_id=note.source_id, stage=note.stage, error=note.error
            )

    _write(engine, write)


def _describe(error: BaseException) -> str:
    return str(error) if isinstance(error, ParseError | SourceError) else f"{type(error).__name__}: {error}"


# --- work items -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleWork:
    """One article's raw records, fetched and archived, waiting to be parsed (picklable for Dask).

    `ids` empty means the records name their own articles (local bulk files): each parsed document
    then becomes its own article.
    """

    source: str
    source_id: str
    ids: ArticleIds
    records: list[RawRecord]
    metadata: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None


@dataclass(frozen=True)
class DocumentWork:
    """One article's parsed documents and external annotations, waiting to be extracted and stored."""

    source: str
    source_id: str
    ids: ArticleIds
    documents: list[Document]
    records: list[RawRecord] = field(default_factory=list)
    annotations: list[PubTatorAnnotations] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None


def _hit_metadata(hit: SearchHit) -> dict[str, Any]:
    return {
        "title": hit.title,
        "journal": hit.journal,
        "year": hit.year,
        "publication_types": hit.publication_types,
        "license": hit.license,
        "is_open_access": hit.is_open_access,
        "first_index_date": hit.first_index_date,
        "update_date": hit.update_date,
    }


def _document_metadata(document: Document) -> dict[str, Any]:
    known_type = bool(document.publication_types or document.article_type)
    return {
        "title": document.title,
        "journal": document.journal,
        "year": document.year,
        "publication_types": document.publication_types,
        "license": document.license,
        "is_open_access": document.is_open_access,
        "is_case_report": document.is_case_report if known_type else None,
    }


def _combined_metadata(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """`first`'s values, gaps filled from `second`; publication types from both."""
    combined = {key: value for key, value in second.items() if value is not None}
    combined.update({key: value for key, value in first.items() if value is not None})
    types = [*(first.get("publication_types") or []), *(second.get("publication_types") or [])]
    combined["publication_types"] = list(dict.fromkeys(types))
    return combined


# --- search and plan ------------------------------------------------------------------------


def ids_from_key(key: str) -> ArticleIds:
    """The ids behind `ArticleIds.key` ("PMC123", "PMID123", "DOI:10.x/y")."""
    if key.upper().startswith("PMID"):
        return ArticleIds(pmid=key[4:])
    if key.upper().startswith("DOI:"):
        return ArticleIds(doi=key[4:])
    return ArticleIds(pmcid=key)


def retry_hits(session: Session) -> list[SearchHit]:
    """Articles that failed in an earlier run (fetch to store), as hits to fetch again."""
    hits: dict[str, SearchHit] = {}
    for failure in pending_failures(session):
        if failure.stage == SEARCH_STAGE:
            continue
        if failure.source in SEARCH_SOURCES and failure.source_id not in hits:
            hits[failure.source_id] = SearchHit(source=failure.source, ids=ids_from_key(failure.source_id))
    return list(hits.values())


@dataclass
class FetchPlan:
    """Which hits to fetch (new or updated) and which are already stored as they are."""

    new: list[SearchHit] = field(default_factory=list)
    updated: list[SearchHit] = field(default_factory=list)
    unchanged: list[SearchHit] = field(default_factory=list)

    @property
    def to_fetch(self) -> list[SearchHit]:
        return self.new + self.updated

    @property
    def found(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged)


def plan_fetches(engine: Engine, hits: Sequence[SearchHit], *, retry_failed: bool = True) -> FetchPlan:
    """Sort hits into new / updated / unchanged against the registry; failed articles count as new
    or updated and are fetched again (with `retry_failed`, also those this search did not list)."""
    plan = FetchPlan()
    with session_scope(engine) as session:
        pending = {
            f.source_id
            for f in pending_failures(session)
            if f.source in RETRIED_SOURCES and f.stage != SEARCH_STAGE
        }
        listed = {hit.ids.key for hit in hits}
        retries = [hit for hit in retry_hits(session) if hit.ids.key not in listed] if retry_failed else []
        for hit in [*hits, *retries]:
            article = find_article(session, hit.ids)
            stored = article is not None and session.scalar(
                select(DocumentRow.id).where(DocumentRow.article_id == article.id).limit(1)
            )
            if article is None or not stored:
                plan.new.append(hit)
            elif hit.ids.key in pending or _revised(hit, article):
                plan.updated.append(hit)
            else:
                plan.unchanged.append(hit)
    return plan


def _revised(hit: SearchHit, article: Article) -> bool:
    if not hit.update_date:
        return False
    revised = date.fromisoformat(hit.update_date[:10])
    return article.update_date is None or revised > article.update_date


# --- fetch ----------------------------------------------------------------------------------


@dataclass
class FetchOutcome:
    works: list[ArticleWork] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)


def fetch_batch(
    hits: Sequence[SearchHit], clients: SourceClients, *, topic: str | None = None
) -> FetchOutcome:
    """`fetch_article` for each hit (network); a hit that cannot be fetched becomes a failure note."""
    outcome = FetchOutcome()
    for hit in hits:
        try:
            records = fetch_article(hit, clients)
        except SourceError as error:
            outcome.failures.append(FailureNote(hit.source, hit.ids.key, "fetch", _describe(error)))
            continue
        outcome.works.append(
            ArticleWork(hit.source, hit.ids.key, hit.ids, records, _hit_metadata(hit), topic=topic)
        )
    return outcome


# --- parse, extract, store ------------------------------------------------------------------


def parse_work(work: ArticleWork, archive: RawArchive) -> tuple[list[DocumentWork], list[FailureNote]]:
    """Parse an article's raw records from the archive; a record that does not parse is a failure."""
    documents: list[Document] = []
    annotations: list[PubTatorAnnotations] = []
    failures: list[FailureNote] = []
    for record in work.records:
        try:
            body = archive.get(record.sha256)
            if record.source == "pubtator3":
                annotations.extend(annotations_from_biocjson(body))
            else:
                documents.extend(parse_bytes(body, filename=_record_name(record), raw_sha256=record.sha256))
        except (ParseError, KeyError, ValueError) as error:
            # Missing PubTator3 annotations never keep the article itself out of the registry.
            source = "pubtator3" if record.source == "pubtator3" else work.source
            failures.append(FailureNote(source, work.source_id, "parse", _describe(error)))
    if not documents:
        if not any(note.source == work.source for note in failures):
            failures.append(FailureNote(work.source, work.source_id, "parse", "no document in the records"))
        return [], failures
    if work.ids.is_empty():  # a bulk file: every document is an article of its own
        items = [
            DocumentWork(
                work.source,
                f"{work.source_id}#{document.doc_id}" if len(documents) > 1 else work.source_id,
                document.ids,
                [document],
                work.records,
                metadata=_document_metadata(document),
                topic=work.topic,
            )
            for document in documents
        ]
        return items, failures
    item = DocumentWork(
        work.source,
        work.source_id,
        work.ids.merged(documents[0].ids),
        documents,
        work.records,
        annotations,
        _combined_metadata(work.metadata, _document_metadata(documents[0])),
        work.topic,
    )
    return [item], failures


def _record_name(record: RawRecord) -> str | None:
    """A local file's name (for document ids of files without article ids); None for web responses."""
    return record.url.removeprefix("file://") if record.source == "local" else None


def _store_article(session: Session, item: DocumentWork, results: Sequence[ExtractionResult]) -> int:
    article = upsert_article(
        session,
        item.ids,
        source=item.source,
        source_record_id=item.source_id,
        raw_sha256=item.records[0].sha256 if item.records else None,
        **item.metadata,
    )
    if item.topic:
        add_article_source(session, article, TOPIC_SOURCE, item.topic)
    for record in item.records:
        store_raw_record(session, record)
    documents, results = _fullest_text(session, article, item.documents, results)
    for document in documents:
        store_document(session, article, document)
    for result in results:
        store_extraction(session, article, result)
    for annotation in item.annotations:
        if annotation.ids.is_empty() or _shares_id(annotation.ids, item.ids):
            store_external_mentions(session, article, annotation.mentions)
    for source in (item.source, "pubtator3"):  # a new PubTator3 failure is recorded after this write
        resolve_failure(session, source=source, source_id=item.source_id)
    return article.id


def _fullest_text(
    session: Session, article: Article, documents: list[Document], results: Sequence[ExtractionResult]
) -> tuple[list[Document], list[ExtractionResult]]:
    """An article keeps the fullest text it has: a full text replaces its abstract-only documents, and
    an abstract comes to an article that has a full text only as its listing, never as a second
    document (whose patients would be counted twice). Two listings of one article that no search
    linked (PubMed's PMID and PMC's PMCID when Europe PMC is down) thus end as one article with one
    document, as when they were linked."""
    stored = article_text_scopes(session, article)
    new_ids = {document.doc_id for document in documents}
    others = {doc_id: scope for doc_id, scope in stored.items() if doc_id not in new_ids}
    if any(document.text_scope == "full" for document in documents):
        remove_documents(session, article, [doc_id for doc_id, scope in others.items() if scope != "full"])
        return documents, list(results)
    if "full" in others.values():
        return [], []
    return documents, list(results)


def _shares_id(first: ArticleIds, second: ArticleIds) -> bool:
    return any(
        getattr(first, f) and getattr(first, f) == getattr(second, f) for f in ("pmid", "pmcid", "doi")
    )


def process_documents(items: Sequence[DocumentWork], *, engine: Engine, nlp: Language) -> BatchOutcome:
    """Extract and store each article of the batch, one transaction per article."""
    from caseminer.pipeline.extract import extract_document

    outcome = BatchOutcome()
    for item in items:
        if item.ids.is_empty():
            note = FailureNote(item.source, item.source_id, "store", "no PMID, PMCID or DOI to identify it")
            outcome.failures.append(note)
            continue
        results: list[ExtractionResult] = []
        failures: list[FailureNote] = []
        with _timed(outcome.durations, "extract"):
            for document in item.documents:
                try:
                    results.append(extract_document(document, nlp))
                except Exception as error:  # an extractor bug must not stop the run
                    failures.append(FailureNote(item.source, item.source_id, "extract", _describe(error)))
        with _timed(outcome.durations, "store"):
            try:
                article_id = _write(engine, functools.partial(_store_article, item=item, results=results))
            except Exception as error:
                failures.append(FailureNote(item.source, item.source_id, "store", _describe(error)))
            else:
                outcome.articles += 1
                outcome.documents += len(item.documents)
                outcome.article_ids.append(article_id)
            # Failures are recorded after the article's write, which resolves older ones.
            record_failures(engine, failures)
        outcome.failures.extend(failures)
    return outcome


def process_records(
    works: Sequence[ArticleWork],
    *,
    settings: Settings,
    nlp: Language | None = None,
    engine: Engine | None = None,
) -> BatchOutcome:
    """Parse, extract and store a batch of fetched articles (no network; runs in any worker)."""
    engine = engine or store_engine(settings.database_url)
    nlp = nlp or pipeline_nlp(settings)
    archive = RawArchive(settings.resolved_archive_dir)
    outcome = BatchOutcome()
    items: list[DocumentWork] = []
    parse_failures: list[FailureNote] = []
    with _timed(outcome.durations, "parse"):
        for work in works:
            parsed, failures = parse_work(work, archive)
            items.extend(parsed)
            parse_failures.extend(failures)
    outcome.failures.extend(parse_failures)
    # Only failures that leave the article out are recorded now; the others after its write.
    article_failures = [n for n in parse_failures if not any(i.source_id == n.source_id for i in items)]
    record_failures(engine, article_failures)
    outcome.add(process_documents(items, engine=engine, nlp=nlp))
    record_failures(engine, [n for n in parse_failures if n not in article_failures])
    return outcome


# --- runs -----------------------------------------------------------------------------------


def begin_run(engine: Engine, topic: str, *, incremental: bool = False) -> tuple[int, dict[str, date]]:
    """Open a run record; with `incremental`, also each search source's watermark (its `since`)."""

    def write(session: Session) -> tuple[int, dict[str, date]]:
        run = start_run(session, topic)
        if not incremental:
            return run.id, {}
        shared = get_watermark(session, topic, SHARED_WATERMARK)
        marks = {source: get_watermark(session, topic, source) or shared for source in SEARCH_SOURCES}
        return run.id, {source: date.fromisoformat(mark) for source, mark in marks.items() if mark}

    return _write(engine, write)


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
        if advance_watermark_to is not None:
            for source in summary.sources:
                set_watermark(session, summary.topic, source, advance_watermark_to.isoformat())
        article_ids = {*outcome.article_ids, *patients_of}
        return patient_summaries(session, article_ids), link_summaries(session, article_ids)

    summary.patients, summary.links = _write(engine, write)
    return summary


def abandon_run(engine: Engine, summary: RunSummary, status: str = "failed") -> None:
    """Close the run record of a run that did not complete; the watermark stays where it was."""
    if summary.run_id is None:
        return
    summary.status = status
    run_id = summary.run_id

    def write(session: Session) -> None:
        finish_run(
            session,
            run_id,
            status=status,
            found=summary.found,
            new=summary.new,
            updated=summary.updated,
            failed=summary.failed,
            failed_sources=summary.failed_sources,
            durations={stage: round(seconds, 3) for stage, seconds in summary.durations.items()},
        )

    _write(engine, write)


@contextmanager
def _run_record_closed_on_error(engine: Engine, summary: RunSummary) -> Iterator[None]:
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


def batched(items: Sequence[T], size: int) -> list[list[T]]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


# --- the whole run ---------------------------------------------------------------------------

PendingOutcome = Callable[[], BatchOutcome]


class Stages(Protocol):
    """How a run executes its stages. `SequentialStages` calls the functions in this process;
    `caseminer.flows` runs them as Prefect tasks (network stages retried, batches on Dask).
    `process`/`reextract` return a callable giving the batch's outcome, so batches may run
    while the next one is fetched."""

    def search(
        self, topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
    ) -> TopicSearch: ...

    def fetch(self, hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome: ...

    def process(
        self, works: list[ArticleWork], settings: Settings, nlp: Language | None
    ) -> PendingOutcome: ...

    def reextract(self, doc_ids: list[str], settings: Settings, nlp: Language | None) -> PendingOutcome: ...


class SequentialStages:
    def search(
        self, topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
    ) -> TopicSearch:
        return search_each_source(topic, clients, since, until)

    def fetch(self, hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome:
        return fetch_batch(hits, clients, topic=topic)

    def process(self, works: list[ArticleWork], settings: Settings, nlp: Language | None) -> PendingOutcome:
        outcome = process_records(works, settings=settings, nlp=nlp)
        return lambda: outcome

    def reextract(self, doc_ids: list[str], settings: Settings, nlp: Language | None) -> PendingOutcome:
        outcome = reextract_documents(doc_ids, settings=settings, nlp=nlp)
        return lambda: outcome


def _finish_batches(
    pending: Sequence[tuple[PendingOutcome, int]], outcome: BatchOutcome, report: ProgressCallback, stage: str
) -> None:
    total, done = sum(size for _, size in pending), 0
    for result, size in pending:
        outcome.add(result())
        done += size
        report(stage, done, total)


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
    report = progress or _no_progress
    with _run_record_closed_on_error(engine, summary):
        clients = clients_from_settings(settings, topic, transport=transport)
        starts = {source: since or watermarks.get(source) for source in topic_sources(topic, clients)}
        summary.since = min((start for start in starts.values() if start), default=None)
        with _timed(summary.durations, "search"):
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
            with _timed(summary.durations, "fetch"):
                fetched = stages.fetch(batch, clients, topic.name)
            record_failures(engine, fetched.failures)
            outcome.failures.extend(fetched.failures)
            pending.append((stages.process(fetched.works, settings, nlp), len(batch)))
            fetched_count += len(batch)
            report("fetch", fetched_count, len(plan.to_fetch))
        _finish_batches(pending, outcome, report, "store")
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

    _write(engine, resolve)


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


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


# --- local files ----------------------------------------------------------------------------


@dataclass
class LocalFiles:
    """The article files of a local path, archived; `failures` holds an archive that broke off."""

    works: list[ArticleWork] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)


def archive_local_files(path: str | Path, archive: RawArchive) -> LocalFiles:
    """Archive every article file under `path` (a directory, a .tar.gz or one bulk file) as a raw record.

    A truncated or corrupt archive keeps the members read before the break and becomes a failure
    named after the archive ("read" stage), so the good articles are still stored.
    """
    root = Path(path).resolve()
    local = LocalFiles()
    try:
        for file in iter_local_files(root):
            name = _local_name(root, file.name)
            record = archive.put(file.data, url=f"file://{root.parent}/{name}", source="local")
            local.works.append(ArticleWork("local", name, ArticleIds(), [record]))
    except SourceError as error:
        local.failures.append(FailureNote("local", root.name, "read", _describe(error)))
    return local


def _local_name(root: Path, member: str) -> str:
    """A file's name under the path given ("oa.tar.gz/PMC1/a.nxml", "bulk/x.xml", "articles.xml"), so
    members of two archives never share a failure record."""
    if root.is_file() and member == root.name:
        return member
    return str(PurePosixPath(root.name, PurePosixPath(member.removeprefix("./"))))


def _local_work_pending(work: ArticleWork, pending: set[str]) -> bool:
    """A file with a pending failure: its own, or one of its articles' (a bulk file's `name#doc_id`)."""
    return work.source_id in pending or any(key.startswith(f"{work.source_id}#") for key in pending)


def ingest_local(
    path: str | Path,
    settings: Settings,
    *,
    nlp: Language | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stages: Stages | None = None,
) -> RunSummary:
    """Ingest local bulk files (JATS / PubMed / BioC: a directory, a .tar.gz of PMC packages, or one file
    of many articles); files already stored unchanged (same content hash) are skipped.

    A file or an archive member that does not parse, and an archive that breaks off, are recorded
    failures (tried again on the next run); the good articles are stored.
    """
    if not Path(path).exists():
        raise SourceError(f"{path}: no such file or directory")
    stages = stages or SequentialStages()
    engine = store_engine(settings.database_url)
    root = Path(path).resolve()
    run_name = f"local:{root.name}"
    run_id, _ = begin_run(engine, run_name)
    summary = RunSummary(topic=run_name, run_id=run_id)
    report = progress or _no_progress
    with _run_record_closed_on_error(engine, summary):
        report("read", 0, 0)
        with _timed(summary.durations, "archive"):
            local = archive_local_files(root, RawArchive(settings.resolved_archive_dir))
        works = local.works
        report("read", len(works), len(works))
        with session_scope(engine) as session:
            stored = set(
                session.scalars(select(DocumentRow.raw_sha256).where(DocumentRow.raw_sha256.isnot(None)))
            )
            pending = {f.source_id for f in pending_failures(session, source="local")}
        todo = [w for w in works if w.records[0].sha256 not in stored or _local_work_pending(w, pending)]
        skipped = {w.records[0].sha256 for w in works} - {w.records[0].sha256 for w in todo}
        summary.found, summary.new, summary.unchanged = len(works), len(todo), len(works) - len(todo)
        outcome = BatchOutcome(failures=list(local.failures))
        if local.failures:
            record_failures(engine, local.failures)
        else:  # the archive read to its end this time
            _write(
                engine,
                lambda session: resolve_failure(session, source="local", source_id=root.name, stage="read"),
            )
        pending_batches = [
            (stages.process(batch, settings, nlp), len(batch)) for batch in batched(todo, batch_size)
        ]
        _finish_batches(pending_batches, outcome, report, "files")
        with session_scope(engine) as session:
            unchanged_ids = session.scalars(
                select(DocumentRow.article_id).where(DocumentRow.raw_sha256.in_(skipped))
            ).all()
        return complete_run(engine, summary, outcome, patients_of=unchanged_ids)


# --- re-extraction --------------------------------------------------------------------------


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


def _store_reextraction(session: Session, *, article_id: int, result: ExtractionResult) -> None:
    article = session.get(Article, article_id)
    if article is None:
        raise LookupError(f"article {article_id} of {result.doc_id} is gone")
    store_extraction(session, article, result)
    resolve_failure(session, source="document", source_id=result.doc_id)


def reextract_documents(
    doc_ids: Sequence[str], *, settings: Settings, nlp: Language | None = None, engine: Engine | None = None
) -> BatchOutcome:
    """Extract stored documents again with the current pipeline (no network, no re-parse)."""
    from caseminer.pipeline.extract import extract_document

    engine = engine or store_engine(settings.database_url)
    nlp = nlp or pipeline_nlp(settings)
    outcome = BatchOutcome()
    for doc_id in doc_ids:
        with session_scope(engine) as session:
            row = session.scalars(select(DocumentRow).where(DocumentRow.doc_id == doc_id)).one_or_none()
            if row is None:
                continue
            document, article_id = load_document(row), row.article_id
        try:
            with _timed(outcome.durations, "extract"):
                result = extract_document(document, nlp)
            with _timed(outcome.durations, "store"):
                _write(engine, functools.partial(_store_reextraction, article_id=article_id, result=result))
        except Exception as error:
            note = FailureNote("document", doc_id, "extract", _describe(error))
            outcome.failures.append(note)
            record_failures(engine, [note])
            continue
        outcome.documents += 1
        outcome.article_ids.append(article_id)
    outcome.articles = len(set(outcome.article_ids))
    return outcome


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
    report = progress or _no_progress
    with _run_record_closed_on_error(engine, summary):
        doc_ids = documents_to_reextract(engine, topic, force=force)
        summary.found = summary.updated = len(doc_ids)
        outcome = BatchOutcome()
        run_batch = (stages or SequentialStages()).reextract
        pending = [(run_batch(batch, settings, nlp), len(batch)) for batch in batched(doc_ids, batch_size)]
        _finish_batches(pending, outcome, report, "extract")
        return complete_run(engine, summary, outcome)
