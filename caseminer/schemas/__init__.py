"""Pydantic models for every stage of the pipeline.

source -> raw archive -> parsed document -> extraction -> database -> query/export.
Each stage reads the schema of the stage before it, so any stage can be re-run
from stored output of the previous one without refetching.
"""

from caseminer.schemas.document import Document, Passage, Section, Table
from caseminer.schemas.extraction import (
    Age,
    AgeRole,
    EntityRef,
    EntitySet,
    ExtractionResult,
    Hsct,
    Mention,
    Outcome,
    Patient,
    PatientPhenotype,
    PatientTreatment,
    PatientVariant,
    Provenance,
)
from caseminer.schemas.sources import ArticleIds, RawRecord, SearchHit, SourceName

__all__ = [
    "Age",
    "AgeRole",
    "ArticleIds",
    "Document",
    "EntityRef",
    "EntitySet",
    "ExtractionResult",
    "Hsct",
    "Mention",
    "Outcome",
    "Passage",
    "Patient",
    "PatientPhenotype",
    "PatientTreatment",
    "PatientVariant",
    "Provenance",
    "RawRecord",
    "SearchHit",
    "Section",
    "SourceName",
    "Table",
]
