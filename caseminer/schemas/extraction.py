"""Stage 4: what extraction finds in one document.

`ExtractionResult.to_gold_json()` gives the shape of shared/gold/SCHEMA.md (document-level
`entities` plus `patients`), which is what `caseminer extract --format json` prints and what
`caseminer eval` compares with gold annotations.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

EntityType = Literal["gene", "disease", "chemical", "variant", "procedure", "species"]
AgeRole = Literal["onset", "diagnosis", "presentation", "transplant", "death", "last_report", "unknown"]
MentionSource = Literal["caseminer", "pubtator3"]


class Provenance(BaseModel):
    """Where a fact was read: enough to show the sentence to a curator."""

    doc_id: str
    start: int
    end: int
    section: str | None = None
    sentence: str | None = None
    extractor: str
    extractor_version: str


class Mention(BaseModel):
    """One entity mention with its normalised concept(s)."""

    start: int
    end: int
    text: str
    type: EntityType
    concept_id: str | None = Field(
        default=None, description="primary id, e.g. NCBIGene:50943 or MESH:D016559"
    )
    alt_ids: list[str] = Field(default_factory=list)
    label: str | None = None
    negated: bool = False
    uncertain: bool = False
    family: bool = False
    hypothetical: bool = False
    section: str | None = None
    source: MentionSource = "caseminer"
    extractor_version: str | None = None


class Age(BaseModel):
    text: str
    days: int | None = None
    role: AgeRole = "unknown"
    provenance: Provenance | None = None


class PatientVariant(BaseModel):
    gene: str | None = None
    gene_id: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    hgvs_g: str | None = None
    transcript: str | None = Field(default=None, description="the c. change's reference sequence, NM_...")
    text: str | None = None
    zygosity: Literal["hemizygous", "heterozygous", "homozygous", "compound heterozygous"] | None = None
    origin: Literal["de novo", "maternal", "paternal", "inherited"] | None = None
    provenance: Provenance | None = None


class PatientPhenotype(BaseModel):
    text: str
    ids: list[str] = Field(default_factory=list, description="HP first, then MONDO and MeSH")
    label: str | None = None
    excluded: bool = False
    onset: Age | None = None
    provenance: Provenance | None = None


class PatientTreatment(BaseModel):
    text: str
    ids: list[str] = Field(default_factory=list)
    label: str | None = None
    kind: Literal["drug", "procedure"] = "drug"
    provenance: Provenance | None = None


class Hsct(BaseModel):
    performed: bool | None = None
    donor: (
        Literal[
            "haploidentical", "matched unrelated", "matched sibling", "cord blood", "mismatched unrelated"
        ]
        | None
    ) = None
    age: Age | None = None
    conditioning: list[str] = Field(default_factory=list)
    provenance: Provenance | None = None


class Outcome(BaseModel):
    status: Literal["alive", "deceased", "unknown"] = "unknown"
    text: str | None = None
    age_at_death: Age | None = None
    follow_up: Age | None = None
    provenance: Provenance | None = None


class Patient(BaseModel):
    label: str = "proband"
    sex: Literal["male", "female"] | None = None
    sex_provenance: Provenance | None = None
    age_at_onset: Age | None = None
    age_at_diagnosis: Age | None = None
    age_at_presentation: Age | None = None
    age_at_last_report: Age | None = None
    consanguinity: bool | None = None
    country: str | None = None
    variants: list[PatientVariant] = Field(default_factory=list)
    phenotypes: list[PatientPhenotype] = Field(default_factory=list)
    treatments: list[PatientTreatment] = Field(default_factory=list)
    hsct: Hsct = Field(default_factory=Hsct)
    outcome: Outcome = Field(default_factory=Outcome)


class EntityRef(BaseModel):
    text: str
    id: str | None = None
    alt_ids: list[str] = Field(default_factory=list)
    gene: str | None = None


class EntitySet(BaseModel):
    genes: list[EntityRef] = Field(default_factory=list)
    diseases: list[EntityRef] = Field(default_factory=list)
    chemicals: list[EntityRef] = Field(default_factory=list)
    variants: list[EntityRef] = Field(default_factory=list)


class ExtractionResult(BaseModel):
    doc_id: str
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    is_case_report: bool | None = None
    text_scope: Literal["full", "abstract", "title"] = "full"
    extractor_version: str
    mentions: list[Mention] = Field(default_factory=list)
    patients: list[Patient] = Field(default_factory=list)
    entities: EntitySet = Field(default_factory=EntitySet)

    def to_gold_json(self) -> dict[str, Any]:
        """The shared/gold/SCHEMA.md shape (ages as {text, days}; provenance kept under `provenance`)."""
        return self.model_dump(mode="json", exclude_none=False)
