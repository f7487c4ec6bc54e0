"""The registry schema: articles and their raw sources, parsed documents, mentions, patients and facts.

Every patient fact carries its provenance (document, section, character offsets, sentence,
extractor and version) so a curator can always read the sentence a value came from.
Natural keys are unique constraints, so a duplicate row is impossible rather than unlikely.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ID_LENGTH = 64


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[str]: JSON}


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    pmid: Mapped[str | None] = mapped_column(String(ID_LENGTH), unique=True)
    pmcid: Mapped[str | None] = mapped_column(String(ID_LENGTH), unique=True)
    doi: Mapped[str | None] = mapped_column(String(255), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    journal: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    publication_types: Mapped[list[str]] = mapped_column(default=list)
    license: Mapped[str | None] = mapped_column(String(255))
    is_open_access: Mapped[bool | None] = mapped_column(Boolean)
    is_case_report: Mapped[bool | None] = mapped_column(Boolean, index=True)
    first_index_date: Mapped[date | None] = mapped_column(Date)
    update_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sources: Mapped[list[ArticleSource]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class RawResponse(Base):
    __tablename__ = "raw_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)


class ArticleSource(Base):
    """Which source listed an article, under which record id, from which raw response."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("article_id", "source", "source_record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    source_record_id: Mapped[str] = mapped_column(String(255))
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    article: Mapped[Article] = relationship(back_populates="sources")


class DocumentRow(Base):
    """A parsed Document, kept whole as JSON so extraction can be re-run without the network."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(255), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(16))
    text_scope: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column()
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    passages: Mapped[list[PassageRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PassageRow(Base):
    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(32), index=True)
    section_title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class Concept(Base):
    """A vocabulary concept referenced by a mention or fact, so the registry explains its own ids."""

    __tablename__ = "concepts"

    curie: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(32), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    release: Mapped[str | None] = mapped_column(String(64))


class Crosswalk(Base):
    __tablename__ = "crosswalks"
    __table_args__ = (UniqueConstraint("from_curie", "to_curie", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_curie: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    to_curie: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    relation: Mapped[str] = mapped_column(String(32))


class Extraction(Base):
    """One extraction of one document; replacing it replaces every caseminer fact read from it."""

    __tablename__ = "extractions"
    __table_args__ = (UniqueConstraint("article_id", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    doc_id: Mapped[str] = mapped_column(String(255))
    extractor_version: Mapped[str] = mapped_column(String(64))
    text_scope: Mapped[str] = mapped_column(String(16))
    extracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    mentions: Mapped[list[MentionRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    patients: Mapped[list[PatientRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class MentionRow(Base):
    """An entity mention; caseminer mentions belong to an extraction, PubTator3 ones only to the article."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("article_id", "source", "doc_id", "start", "end", "type", "concept_id"),
        Index("ix_mentions_concept", "concept_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    extraction_id: Mapped[int | None] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    doc_id: Mapped[str] = mapped_column(String(255))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16))
    # '' rather than NULL: NULLs never collide in a unique constraint, so unlinked mentions would duplicate.
    concept_id: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    alt_ids: Mapped[list[str]] = mapped_column(default=list)
    label: Mapped[str | None] = mapped_column(Text)
    negated: Mapped[bool] = mapped_column(Boolean, default=False)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    family: Mapped[bool] = mapped_column(Boolean, default=False)
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False)
    section: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    extractor_version: Mapped[str | None] = mapped_column(String(64))


class ProvenanceColumns:
    """Where a fact was read; mixed into every fact table."""

    doc_id: Mapped[str | None] = mapped_column(String(255))
    section: Mapped[str | None] = mapped_column(String(64))
    char_start: Mapped[int | None] = mapped_column(Integer)
    char_end: Mapped[int | None] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)
    extractor: Mapped[str | None] = mapped_column(String(64))
    extractor_version: Mapped[str | None] = mapped_column(String(64))


class PatientRow(ProvenanceColumns, Base):
    """A patient with demographics; the provenance columns are those of the sex statement."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("extraction_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(255))
    sex: Mapped[str | None] = mapped_column(String(16), index=True)
    consanguinity: Mapped[bool | None] = mapped_column(Boolean)
    country: Mapped[str | None] = mapped_column(String(128))

    ages: Mapped[list[PatientAge]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    variants: Mapped[list[PatientVariantRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    phenotypes: Mapped[list[PatientPhenotypeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    treatments: Mapped[list[PatientTreatmentRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    hsct: Mapped[PatientHsct | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    outcome: Mapped[PatientOutcome | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)


def _patient_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class PatientAge(ProvenanceColumns, Base):
    __tablename__ = "patient_ages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    role: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    days: Mapped[int | None] = mapped_column(Integer)


class PatientVariantRow(ProvenanceColumns, Base):
    __tablename__ = "patient_variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    gene: Mapped[str | None] = mapped_column(String(64), index=True)
    gene_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    hgvs_c: Mapped[str | None] = mapped_column(Text)
    hgvs_p: Mapped[str | None] = mapped_column(Text)
    hgvs_g: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    zygosity: Mapped[str | None] = mapped_column(String(32))
    origin: Mapped[str | None] = mapped_column(String(16))


class PatientPhenotypeRow(ProvenanceColumns, Base):
    __tablename__ = "patient_phenotypes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    text: Mapped[str] = mapped_column(Text)
    hpo_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    mondo_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    mesh_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    ids: Mapped[list[str]] = mapped_column(default=list)
    label: Mapped[str | None] = mapped_column(Text)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    onset_text: Mapped[str | None] = mapped_column(Text)
    onset_days: Mapped[int | None] = mapped_column(Integer)


class PatientTreatmentRow(ProvenanceColumns, Base):
    __tablename__ = "patient_treatments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    concept_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    ids: Mapped[list[str]] = mapped_column(default=list)
    label: Mapped[str | None] = mapped_column(Text)


class PatientHsct(ProvenanceColumns, Base):
    __tablename__ = "patient_hsct"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), unique=True)
    performed: Mapped[bool | None] = mapped_column(Boolean)
    donor: Mapped[str | None] = mapped_column(String(32))
    age_text: Mapped[str | None] = mapped_column(Text)
    age_days: Mapped[int | None] = mapped_column(Integer)
    conditioning: Mapped[list[str]] = mapped_column(default=list)


class PatientOutcome(ProvenanceColumns, Base):
    __tablename__ = "patient_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    age_at_death_text: Mapped[str | None] = mapped_column(Text)
    age_at_death_days: Mapped[int | None] = mapped_column(Integer)
    follow_up_text: Mapped[str | None] = mapped_column(Text)
    follow_up_days: Mapped[int | None] = mapped_column(Integer)


CURATION_ACTIONS = ("accept", "reject", "correct", "add", "merge", "split")


class Curation(Base):
    """A curator's decision about one fact, or about two patient records being one individual.

    Keyed by what the fact is (article, patient label, field, normalized value), never by a fact row id:
    re-extraction replaces the fact rows, and a curation then applies to whichever new row has the same
    identity. The evidence columns only help a curator find the fact again when it is gone.
    `merge` and `split` name a second patient record (`other_*`): one individual, or two distinct ones.
    A later curation of the same fact (or the same pair) supersedes an earlier one; none is ever deleted.
    """

    __tablename__ = "curations"
    __table_args__ = (Index("ix_curations_fact", "article_id", "patient_label", "field", "value_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    patient_label: Mapped[str] = mapped_column(String(255))
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    value_key: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    correction: Mapped[str | None] = mapped_column(Text)
    other_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    other_patient_label: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    curator: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    doc_id: Mapped[str | None] = mapped_column(String(255))
    char_start: Mapped[int | None] = mapped_column(Integer)
    char_end: Mapped[int | None] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(128), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    found: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # Search sources that failed in this run: source -> one-line error (their windows are searched again).
    failed_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    durations: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Watermark(Base):
    __tablename__ = "watermarks"
    __table_args__ = (UniqueConstraint("topic", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Failure(Base):
    """A record that failed at some stage; retried on the next run until resolved."""

    __tablename__ = "failures"
    __table_args__ = (UniqueConstraint("source", "source_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(1024))
    stage: Mapped[str] = mapped_column(String(32))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    first_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
