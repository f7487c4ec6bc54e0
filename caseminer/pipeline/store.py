"""The stages after fetching, without network: parse an article's archived records, extract each
document, store the article in one transaction; and extract stored documents again."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import Article, DocumentRow
from caseminer.db.repository import (
    add_article_source,
    article_text_scopes,
    load_document,
    remove_documents,
    resolve_failure,
    store_document,
    store_external_mentions,
    store_extraction,
    store_raw_record,
    upsert_article,
)
from caseminer.parsing import ParseError, parse_bytes
from caseminer.pipeline.resources import (
    describe_error,
    pipeline_nlp,
    record_failures,
    retried_write,
    store_engine,
)
from caseminer.pipeline.work import ArticleWork, BatchOutcome, DocumentWork, FailureNote, timed
from caseminer.schemas import ArticleIds, Document, ExtractionResult, RawRecord
from caseminer.sources import RawArchive
from caseminer.sources.pubtator import PubTatorAnnotations, annotations_from_biocjson

if TYPE_CHECKING:
    from spacy.language import Language


# Topic membership is recorded as a listing in article_sources, so `reextract --topic` needs no network.
TOPIC_SOURCE = "topic"


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
            failures.append(FailureNote(source, work.source_id, "parse", describe_error(error)))
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
        with timed(outcome.durations, "extract"):
            for document in item.documents:
                try:
                    results.append(extract_document(document, nlp))
                except Exception as error:  # an extractor bug must not stop the run
                    failures.append(
                        FailureNote(item.source, item.source_id, "extract", describe_error(error))
                    )
        with timed(outcome.durations, "store"):
            try:
                article_id = retried_write(
                    engine, functools.partial(_store_article, item=item, results=results)
                )
            except Exception as error:
                failures.append(FailureNote(item.source, item.source_id, "store", describe_error(error)))
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
    with timed(outcome.durations, "parse"):
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
            with timed(outcome.durations, "extract"):
                result = extract_document(document, nlp)
            with timed(outcome.durations, "store"):
                retried_write(
                    engine, functools.partial(_store_reextraction, article_id=article_id, result=result)
                )
        except Exception as error:
            note = FailureNote("document", doc_id, "extract", describe_error(error))
            outcome.failures.append(note)
            record_failures(engine, [note])
            continue
        outcome.documents += 1
        outcome.article_ids.append(article_id)
    outcome.articles = len(set(outcome.article_ids))
    return outcome
