"""Hand-built pipeline outputs for the store and export tests (extractors are tested elsewhere).

Identifiers are real: article ids of gold document pmid38763967, FOXP3 = NCBIGene:50943,
IPEX = MONDO:0010580, HP:0000857 neonatal insulin-dependent diabetes mellitus, HP:0002014 diarrhea,
HP:0000964 eczematoid dermatitis, tacrolimus = MESH:D016559, sirolimus = MESH:D020123 (shared/vocab),
and the FOXP3 variant c.1150G>A p.Ala384Thr of gold document turkjpediatr-2019-61-424.
"""

from __future__ import annotations

from caseminer.schemas import (
    Age,
    ArticleIds,
    Document,
    ExtractionResult,
    Hsct,
    Mention,
    Outcome,
    Passage,
    Patient,
    PatientPhenotype,
    PatientTreatment,
    PatientVariant,
    Provenance,
    Section,
)

PMID, PMCID, DOI = "38763967", "PMC11608206", "10.1007/s13730-024-00883-1"
IDS = ArticleIds(pmid=PMID, pmcid=PMCID, doi=DOI)
DOC_ID = PMCID

TITLE = "IPEX syndrome in an infant"
CASE = (
    "A 2-month-old boy presented with neonatal diabetes and diarrhea. "
    "Eczema was absent. FOXP3 sequencing showed c.1150G>A (p.Ala384Thr). "
    "He was treated with tacrolimus and underwent HSCT at 8 months; he is alive."
)
TEXT = f"{TITLE}\n{CASE}"
CASE_START = len(TITLE) + 1


def span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def provenance(phrase: str, version: str) -> Provenance:
    start, end = span(phrase)
    return Provenance(
        doc_id=DOC_ID,
        start=start,
        end=end,
        section="case",
        sentence=phrase,
        extractor="test",
        extractor_version=version,
    )


def document() -> Document:
    return Document(
        doc_id=DOC_ID,
        ids=IDS,
        title=TITLE,
        year=2024,
        publication_types=["Case Reports"],
        source_format="jats",
        text=TEXT,
        sections=[
            Section(title=None, kind="title", start=0, end=len(TITLE)),
            Section(title="Case", kind="case", start=CASE_START, end=len(TEXT)),
        ],
        passages=[
            Passage(start=0, end=len(TITLE), section="title", kind="title"),
            Passage(start=CASE_START, end=len(TEXT), section="case", section_title="Case"),
        ],
        raw_sha256="0" * 64,
    )


def mention(phrase: str, type_: str, concept_id: str, label: str, **flags: bool) -> Mention:
    start, end = span(phrase)
    return Mention(
        start=start,
        end=end,
        text=phrase,
        type=type_,
        concept_id=concept_id,
        label=label,
        section="case",
        **flags,
    )


def patient(version: str, *, sex: str = "male") -> Patient:
    return Patient(
        label="proband",
        sex=sex,
        sex_provenance=provenance("boy", version),
        age_at_onset=Age(
            text="2-month-old", days=61, role="onset", provenance=provenance("2-month-old", version)
        ),
        variants=[
            PatientVariant(
                gene="FOXP3",
                gene_id="NCBIGene:50943",
                hgvs_c="c.1150G>A",
                hgvs_p="p.Ala384Thr",
                transcript="NM_014009.4",
                zygosity="hemizygous",
                provenance=provenance("c.1150G>A", version),
            )
        ],
        phenotypes=[
            PatientPhenotype(
                text="neonatal diabetes",
                ids=["HP:0000857"],
                label="Neonatal insulin-dependent diabetes mellitus",
                onset=Age(text="2-month-old", days=61, role="onset"),
                provenance=provenance("neonatal diabetes", version),
            ),
            PatientPhenotype(
                text="diarrhea",
                ids=["HP:0002014"],
                label="Diarrhea",
                provenance=provenance("diarrhea", version),
            ),
            PatientPhenotype(
                text="Eczema",
                ids=["HP:0000964", "MESH:D004485"],
                label="Eczematoid dermatitis",
                excluded=True,
                provenance=provenance("Eczema", version),
            ),
        ],
        treatments=[
            PatientTreatment(
                text="tacrolimus",
                ids=["MESH:D016559"],
                label="Tacrolimus",
                provenance=provenance("tacrolimus", version),
            )
        ],
        hsct=Hsct(
            performed=True,
            age=Age(text="8 months", days=243, role="transplant"),
            provenance=provenance("HSCT", version),
        ),
        outcome=Outcome(status="alive", text="he is alive", provenance=provenance("he is alive", version)),
    )


def extraction(version: str = "1.0", *, patients: int = 1) -> ExtractionResult:
    return ExtractionResult(
        doc_id=DOC_ID,
        pmid=PMID,
        pmcid=PMCID,
        doi=DOI,
        title=TITLE,
        extractor_version=version,
        mentions=[
            mention("FOXP3", "gene", "NCBIGene:50943", "FOXP3"),
            mention("IPEX syndrome", "disease", "MONDO:0010580", "IPEX syndrome"),
            mention("Eczema", "disease", "MESH:D004485", "Eczema", negated=True),
            mention("tacrolimus", "chemical", "MESH:D016559", "Tacrolimus"),
        ],
        patients=[patient(version) for _ in range(patients)],
    )
