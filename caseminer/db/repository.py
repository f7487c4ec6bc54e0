"""Writing to the registry: idempotent upserts that behave the same on SQLite and PostgreSQL.

Identity: one article is one row whatever source listed it. PMID, PMCID and DOI are each unique;
an upsert finds every row sharing any of the given ids, merges them into one and fills in the ids
and metadata it did not know yet. On PostgreSQL, concurrent writers serialise per identifier with
transaction-scoped advisory locks, so two workers seeing the same article cannot create two rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from caseminer.db.models import (
    Article,
    ArticleSource,
    Concept,
    Crosswalk,
    Curation,
    DocumentRow,
    Extraction,
    Failure,
    IngestRun,
    MentionRow,
    PassageRow,
    PatientAge,
    PatientHsct,
    PatientOutcome,
    PatientPhenotypeRow,
    PatientRow,
    PatientTreatmentRow,
    PatientVariantRow,
    RawResponse,
    Watermark,
)
from caseminer.schemas import (
    Age,
    ArticleIds,
    Document,
    ExtractionResult,
    Mention,
    Patient,
    Provenance,
    RawRecord,
)

ARTICLE_METADATA = (
    "title",
    "journal",
    "year",
    "publication_types",
    "license",
    "is_open_access",
    "is_case_report",
    "first_index_date",
    "update_date",
)
ARTICLE_ID_FIELDS = ("pmid", "pmcid", "doi")
PATIENT_AGE_ROLES = {
    "age_at_onset": "onset",
    "age_at_diagnosis": "diagnosis",
    "age_at_presentation": "presentation",
    "age_at_last_report": "last_report",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _insert(session: Session, table: Table) -> Any:
    """The dialect's INSERT, which offers ON CONFLICT on both SQLite and PostgreSQL."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _advisory_lock(session: Session, keys: Iterable[str]) -> None:
    if not _is_postgresql(session):
        return  # SQLite has a single writer: the database lock already serialises.
    for key in sorted(set(keys)):  # a fixed order, so two writers cannot deadlock
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(lock_id)))


# --- articles -------------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _enrich(article: Article, metadata: dict[str, Any]) -> None:
    """Fill what the row does not know yet; publication types accumulate, update_date only advances."""
    for key, value in metadata.items():
        if value is None:
            continue
        if key in ("first_index_date", "update_date"):
            value = _as_date(value)
        current = getattr(article, key)
        if key == "publication_types":
            merged = list(dict.fromkeys([*(current or []), *value]))
            if merged != current:
                article.publication_types = merged
        elif key == "update_date" and current is not None:
            article.update_date = max(current, value)
        elif current is None:
            setattr(article, key, value)


def _merge_articles(session: Session, survivor: Article, duplicates: Sequence[Article]) -> None:
    """Fold rows that turned out to be one article into `survivor` (children re-pointed, ids kept)."""
    for duplicate in duplicates:
        old, new = duplicate.id, survivor.id
        kept = aliased(ArticleSource)
        session.execute(
            delete(ArticleSource).where(
                ArticleSource.article_id == old,
                exists().where(
                    kept.article_id == new,
                    kept.source == ArticleSource.source,
                    kept.source_record_id == ArticleSource.source_record_id,
                ),
            )
        )
        survivor_docs = select(Extraction.doc_id).where(Extraction.article_id == new)
        session.execute(
            delete(Extraction).where(Extraction.article_id == old, Extraction.doc_id.in_(survivor_docs))
        )
        external_docs = select(MentionRow.doc_id).where(
            MentionRow.article_id == new, MentionRow.extraction_id.is_(None)
        )
        session.execute(
            delete(MentionRow).where(
                MentionRow.article_id == old,
                MentionRow.extraction_id.is_(None),
                MentionRow.doc_id.in_(external_docs),
            )
        )
        for model in (ArticleSource, DocumentRow, Extraction, MentionRow, PatientRow, Curation):
            session.execute(
                update(model).where(model.article_id == old).values(article_id=new),
                execution_options={"synchronize_session": False},
            )
        session.execute(
            update(Curation).where(Curation.other_article_id == old).values(other_article_id=new),
            execution_options={"synchronize_session": False},
        )
        ids = {field: getattr(duplicate, field) for field in ARTICLE_ID_FIELDS}
        metadata = {key: getattr(duplicate, key) for key in ARTICLE_METADATA}
        session.delete(duplicate)
        session.flush()  # the duplicate's unique ids must be gone before the survivor takes them
        _enrich(survivor, {**ids, **metadata})
        session.flush()
    # Children were re-pointed with bulk UPDATEs; reload so relationships show the merged state.
    session.expire_all()


def upsert_article(
    session: Session,
    ids: ArticleIds,
    *,
    source: str | None = None,
    source_record_id: str | None = None,
    raw_sha256: str | None = None,
    **metadata: Any,
) -> Article:
    """The one row of the article known by any of `ids`, created, enriched or merged as needed.

    `metadata` keys are the Article columns in ARTICLE_METADATA; with `source`, the listing is
    recorded in article_sources (record id defaults to the article's display key).
    """
    unknown = set(metadata) - set(ARTICLE_METADATA)
    if unknown:
        raise TypeError(f"unknown article metadata: {', '.join(sorted(unknown))}")
    if ids.is_empty():
        raise ValueError("an article needs at least one of PMID, PMCID or DOI")
    known = {field: getattr(ids, field) for field in ARTICLE_ID_FIELDS if getattr(ids, field)}
    _advisory_lock(session, (f"article:{field}:{value}" for field, value in known.items()))
    matching = (
        select(Article)
        .where(or_(*(getattr(Article, field) == value for field, value in known.items())))
        .order_by(Article.id)
    )
    if _is_postgresql(session):
        # Row lock before any child insert: a child's foreign-key share lock taken first would let two
        # writers of the same article deadlock when each then asks for the row.
        matching = matching.with_for_update()
    matches = list(session.scalars(matching))
    now = _now()
    if matches:
        article, duplicates = matches[0], matches[1:]
        if duplicates:
            _merge_articles(session, article, duplicates)
            article = session.get(Article, article.id)
            assert article is not None
    else:
        article = Article(created_at=now, updated_at=now, publication_types=[])
        session.add(article)
    _enrich(article, {**known, **metadata})
    if session.is_modified(article):
        article.updated_at = now
    session.flush()
    if source is not None:
        add_article_source(session, article, source, source_record_id or ids.key, raw_sha256)
    return article


def add_article_source(
    session: Session, article: Article, source: str, source_record_id: str, raw_sha256: str | None = None
) -> None:
    """Record that `source` lists `article` as `source_record_id` (idempotent)."""
    statement = _insert(session, ArticleSource.__table__).values(
        article_id=article.id,
        source=source,
        source_record_id=source_record_id,
        raw_sha256=raw_sha256,
        seen_at=_now(),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["article_id", "source", "source_record_id"],
            set_={"raw_sha256": statement.excluded.raw_sha256, "seen_at": statement.excluded.seen_at},
        )
    )


def find_article(session: Session, ids: ArticleIds) -> Article | None:
    known = {field: getattr(ids, field) for field in ARTICLE_ID_FIELDS if getattr(ids, field)}
    if not known:
        return None
    return session.scalars(
        select(Article)
        .where(or_(*(getattr(Article, field) == value for field, value in known.items())))
        .order_by(Article.id)
    ).first()


# --- raw responses and documents ------------------------------------------------------------


def store_raw_record(session: Session, record: RawRecord) -> RawResponse:
    """Register an archived response body (content-addressed: the same body is stored once)."""
    session.execute(
        _insert(session, RawResponse.__table__)
        .values(record.model_dump())
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    row = session.scalars(select(RawResponse).where(RawResponse.sha256 == record.sha256)).one()
    return row


def store_document(session: Session, article: Article, document: Document) -> DocumentRow:
    """Keep the parsed document (whole, as JSON) and its passages; a re-parse replaces them."""
    row = session.scalars(select(DocumentRow).where(DocumentRow.doc_id == document.doc_id)).one_or_none()
    if row is None:
        row = DocumentRow(doc_id=document.doc_id)
        session.add(row)
    else:
        session.execute(delete(PassageRow).where(PassageRow.document_id == row.id))
    row.article_id = article.id
    row.raw_sha256 = document.raw_sha256
    row.source_format = document.source_format
    row.text_scope = document.text_scope
    row.content = document.model_dump(mode="json")
    row.stored_at = _now()
    session.flush()
    session.add_all(
        PassageRow(
            document_id=row.id,
            ordinal=ordinal,
            start=passage.start,
            end=passage.end,
            section=passage.section,
            section_title=passage.section_title,
            kind=passage.kind,
            text=document.text[passage.start : passage.end],
        )
        for ordinal, passage in enumerate(document.passages)
    )
    session.flush()
    session.expire(row, ["passages"])
    return row


def load_document(row: DocumentRow) -> Document:
    return Document.model_validate(row.content)


# --- concepts -------------------------------------------------------------------------------


def _vocabulary(curie: str) -> str:
    return curie.split(":", 1)[0].upper() if ":" in curie else "UNKNOWN"


def _store_concepts(session: Session, labels: dict[str, str | None], xrefs: set[tuple[str, str]]) -> None:
    """Register the concepts stored facts use, so every id in the registry has a label and vocabulary."""
    if labels:
        # Rows go as executemany parameters, not .values([...]): the statement then compiles once per
        # process instead of once per document.
        statement = _insert(session, Concept.__table__)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["curie"],
                set_={"label": statement.excluded.label},
                where=Concept.__table__.c.label.is_(None),
            ),
            [
                {"curie": curie, "vocabulary": _vocabulary(curie), "label": label}
                for curie, label in sorted(labels.items())
            ],
        )
    if xrefs:
        session.execute(
            _insert(session, Crosswalk.__table__).on_conflict_do_nothing(
                index_elements=["from_curie", "to_curie", "relation"]
            ),
            [{"from_curie": a, "to_curie": b, "relation": "xref"} for a, b in sorted(xrefs)],
        )


def _collect_concepts(
    mentions: Iterable[Mention], patients: Iterable[Patient]
) -> tuple[dict[str, str | None], set[tuple[str, str]]]:
    labels: dict[str, str | None] = {}
    xrefs: set[tuple[str, str]] = set()

    def note(ids: Sequence[str], label: str | None) -> None:
        if not ids:
            return
        primary = ids[0]
        if labels.get(primary) is None:
            labels[primary] = label
        for other in ids[1:]:
            labels.setdefault(other, None)
            xrefs.add((primary, other))

    for mention in mentions:
        note([i for i in [mention.concept_id, *mention.alt_ids] if i], mention.label)
    for patient in patients:
        for phenotype in patient.phenotypes:
            note(phenotype.ids, phenotype.label)
        for treatment in patient.treatments:
            note(treatment.ids, treatment.label)
        for variant in patient.variants:
            if variant.gene_id:
                note([variant.gene_id], variant.gene)
    return labels, xrefs


# --- extraction -----------------------------------------------------------------------------


def _provenance(provenance: Provenance | None) -> dict[str, Any]:
    if provenance is None:
        return {}
    return {
        "doc_id": provenance.doc_id,
        "section": provenance.section,
        "char_start": provenance.start,
        "char_end": provenance.end,
        "sentence": provenance.sentence,
        "extractor": provenance.extractor,
        "extractor_version": provenance.extractor_version,
    }


def _first_with_prefix(ids: Sequence[str], prefix: str) -> str | None:
    return next((i for i in ids if i.upper().startswith(prefix)), None)


def _age_row(role: str, age: Age) -> PatientAge:
    return PatientAge(role=role, text=age.text, days=age.days, **_provenance(age.provenance))


def _patient_row(article: Article, extraction: Extraction, label: str, patient: Patient) -> PatientRow:
    row = PatientRow(
        article_id=article.id,
        extraction_id=extraction.id,
        label=label,
        sex=patient.sex,
        consanguinity=patient.consanguinity,
        country=patient.country,
        **_provenance(patient.sex_provenance),
    )
    row.ages = [
        _age_row(role, age)
        for field, role in PATIENT_AGE_ROLES.items()
        if (age := getattr(patient, field)) is not None
    ]
    row.variants = [
        PatientVariantRow(
            gene=v.gene,
            gene_id=v.gene_id,
            hgvs_c=v.hgvs_c,
            hgvs_p=v.hgvs_p,
            hgvs_g=v.hgvs_g,
            transcript=v.transcript,
            text=v.text,
            zygosity=v.zygosity,
            origin=v.origin,
            **_provenance(v.provenance),
        )
        for v in patient.variants
    ]
    row.phenotypes = [
        PatientPhenotypeRow(
            text=f.text,
            hpo_id=_first_with_prefix(f.ids, "HP:"),
            mondo_id=_first_with_prefix(f.ids, "MONDO:"),
            mesh_id=_first_with_prefix(f.ids, "MESH:"),
            ids=f.ids,
            label=f.label,
            excluded=f.excluded,
            onset_text=f.onset.text if f.onset else None,
            onset_days=f.onset.days if f.onset else None,
            **_provenance(f.provenance),
        )
        for f in patient.phenotypes
    ]
    row.treatments = [
        PatientTreatmentRow(
            kind=t.kind,
            text=t.text,
            concept_id=t.ids[0] if t.ids else None,
            ids=t.ids,
            label=t.label,
            **_provenance(t.provenance),
        )
        for t in patient.treatments
    ]
    hsct = patient.hsct
    row.hsct = PatientHsct(
        performed=hsct.performed,
        donor=hsct.donor,
        age_text=hsct.age.text if hsct.age else None,
        age_days=hsct.age.days if hsct.age else None,
        conditioning=hsct.conditioning,
        **_provenance(hsct.provenance),
    )
    outcome = patient.outcome
    row.outcome = PatientOutcome(
        status=outcome.status,
        text=outcome.text,
        age_at_death_text=outcome.age_at_death.text if outcome.age_at_death else None,
        age_at_death_days=outcome.age_at_death.days if outcome.age_at_death else None,
        follow_up_text=outcome.follow_up.text if outcome.follow_up else None,
        follow_up_days=outcome.follow_up.days if outcome.follow_up else None,
        **_provenance(outcome.provenance),
    )
    return row


def _unique_labels(patients: Sequence[Patient]) -> list[str]:
    """Patient labels made unique within a document ("patient 1", "patient 1 (2)")."""
    seen: dict[str, int] = {}
    labels = []
    for patient in patients:
        count = seen.get(patient.label, 0) + 1
        seen[patient.label] = count
        labels.append(patient.label if count == 1 else f"{patient.label} ({count})")
    return labels


def _mention_key(mention: Mention, source: str, doc_id: str) -> tuple[Any, ...]:
    return (source, doc_id, mention.start, mention.end, mention.type, mention.concept_id or "")


def _mention_values(article: Article, mention: Mention, doc_id: str, source: str) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "doc_id": doc_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "type": mention.type,
        "concept_id": mention.concept_id or "",
        "alt_ids": mention.alt_ids,
        "label": mention.label,
        "negated": mention.negated,
        "uncertain": mention.uncertain,
        "family": mention.family,
        "hypothetical": mention.hypothetical,
        "section": mention.section,
        "source": source,
        "extractor_version": mention.extractor_version,
    }


def article_text_scopes(session: Session, article: Article) -> dict[str, str]:
    """doc_id -> text scope ("full", "abstract", ...) of the article's stored documents."""
    rows = session.execute(
        select(DocumentRow.doc_id, DocumentRow.text_scope).where(DocumentRow.article_id == article.id)
    )
    return {doc_id: scope for doc_id, scope in rows}


def remove_documents(session: Session, article: Article, doc_ids: Iterable[str]) -> None:
    """Delete documents of the article and everything read from them (extractions, facts, passages)."""
    doc_ids = list(doc_ids)
    if not doc_ids:
        return
    session.execute(
        delete(Extraction).where(Extraction.article_id == article.id, Extraction.doc_id.in_(doc_ids))
    )
    documents = select(DocumentRow.id).where(
        DocumentRow.article_id == article.id, DocumentRow.doc_id.in_(doc_ids)
    )
    session.execute(delete(PassageRow).where(PassageRow.document_id.in_(documents)))
    session.execute(
        delete(DocumentRow).where(DocumentRow.article_id == article.id, DocumentRow.doc_id.in_(doc_ids))
    )
    session.flush()


def store_extraction(session: Session, article: Article, result: ExtractionResult) -> Extraction:
    """Replace everything caseminer read from `result.doc_id` with `result`, atomically.

    Runs in a savepoint: if anything fails half-way the previous facts are untouched.
    """
    with session.begin_nested():
        if _is_postgresql(session):
            # Concurrent writers of the same article queue here instead of interleaving deletes.
            session.execute(select(Article.id).where(Article.id == article.id).with_for_update())
        session.execute(
            delete(Extraction).where(Extraction.article_id == article.id, Extraction.doc_id == result.doc_id)
        )
        extraction = Extraction(
            article_id=article.id,
            doc_id=result.doc_id,
            extractor_version=result.extractor_version,
            text_scope=result.text_scope,
            extracted_at=_now(),
        )
        session.add(extraction)
        session.flush()
        mentions = {
            _mention_key(m, "caseminer", result.doc_id): m for m in result.mentions if m.source == "caseminer"
        }
        session.add_all(
            MentionRow(
                extraction_id=extraction.id,
                **_mention_values(article, m, result.doc_id, "caseminer")
                | {"extractor_version": m.extractor_version or result.extractor_version},
            )
            for m in mentions.values()
        )
        session.add_all(
            _patient_row(article, extraction, label, patient)
            for label, patient in zip(_unique_labels(result.patients), result.patients, strict=True)
        )
        _store_concepts(session, *_collect_concepts(mentions.values(), result.patients))
        session.flush()
    return extraction


def store_external_mentions(
    session: Session,
    article: Article,
    mentions: Sequence[Mention],
    *,
    doc_id: str | None = None,
    source: str = "pubtator3",
) -> int:
    """Store another annotator's mentions beside ours (idempotent); returns how many were new."""
    document = doc_id or f"{source}:{article.pmid or article.pmcid or article.doi}"
    rows = {
        _mention_key(m, source, document): _mention_values(article, m, document, source) for m in mentions
    }
    if not rows:
        return 0
    inserted = session.scalars(
        _insert(session, MentionRow.__table__)
        .on_conflict_do_nothing(
            index_elements=["article_id", "source", "doc_id", "start", "end", "type", "concept_id"]
        )
        .returning(MentionRow.__table__.c.id),
        list(rows.values()),
    ).all()
    _store_concepts(session, *_collect_concepts(mentions, []))
    return len(inserted)


# --- failures, watermarks, runs -------------------------------------------------------------


def record_failure(session: Session, *, source: str, source_id: str, stage: str, error: str) -> None:
    """Record (or count again) a failure of `source_id` at `stage`; it stays pending until resolved."""
    now = _now()
    table = Failure.__table__
    statement = _insert(session, table).values(
        source=source,
        source_id=source_id,
        stage=stage,
        error=error,
        attempts=1,
        resolved=False,
        first_failed_at=now,
        last_failed_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["source", "source_id", "stage"],
            set_={
                "error": statement.excluded.error,
                "attempts": table.c.attempts + 1,
                "resolved": False,
                "last_failed_at": statement.excluded.last_failed_at,
            },
        )
    )


def resolve_failure(session: Session, *, source: str, source_id: str, stage: str | None = None) -> int:
    """Mark the failures of `source_id` (at `stage`, or all stages) resolved; returns how many."""
    statement = update(Failure).where(
        Failure.source == source, Failure.source_id == source_id, Failure.resolved.is_(False)
    )
    if stage is not None:
        statement = statement.where(Failure.stage == stage)
    return session.execute(statement.values(resolved=True)).rowcount


def pending_failures(
    session: Session, *, source: str | None = None, stage: str | None = None
) -> list[Failure]:
    statement = select(Failure).where(Failure.resolved.is_(False)).order_by(Failure.id)
    if source is not None:
        statement = statement.where(Failure.source == source)
    if stage is not None:
        statement = statement.where(Failure.stage == stage)
    return list(session.scalars(statement))


def get_watermark(session: Session, topic: str, source: str) -> str | None:
    return session.scalars(
        select(Watermark.value).where(Watermark.topic == topic, Watermark.source == source)
    ).one_or_none()


def set_watermark(session: Session, topic: str, source: str, value: str) -> None:
    statement = _insert(session, Watermark.__table__).values(
        topic=topic, source=source, value=value, updated_at=_now()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["topic", "source"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    )


def start_run(session: Session, topic: str) -> IngestRun:
    run = IngestRun(topic=topic, started_at=_now(), status="running", durations={})
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run: IngestRun | int,
    *,
    status: str,
    found: int = 0,
    new: int = 0,
    updated: int = 0,
    failed: int = 0,
    failed_sources: dict[str, str] | None = None,
    durations: dict[str, float] | None = None,
) -> IngestRun:
    row = session.get(IngestRun, run) if isinstance(run, int) else run
    if row is None:
        raise LookupError(f"no ingest run {run}")
    row.finished_at = _now()
    row.status = status
    row.found, row.new, row.updated, row.failed = found, new, updated, failed
    row.failed_sources = failed_sources or {}
    row.durations = durations or {}
    session.flush()
    return row
