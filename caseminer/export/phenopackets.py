"""GA4GH Phenopackets v2: one packet per patient, built as protobuf messages and written as JSON.

Building the protobuf message is the validation: an unknown field, a wrong type or a bad enum
fails in the constructor, so every file written is a well-formed v2 packet.

Each packet carries what curators' packets (Phenopacket Store) carry: the subject's sex, time at
last encounter (the latest age stated) and vital status with the age at death; the phenotypic
features present and excluded with their onset; the diseases with the onset; the variants in
HGVS (the c. change behind its transcript where the text gives one), with the allelic state (GENO)
and the gene; and metaData with the resources used and the article's PMID as external reference.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import phenopackets as pps
from google.protobuf.json_format import MessageToJson
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from caseminer import __version__ as caseminer_version
from caseminer.curation import curated_patients, curation_of
from caseminer.db.models import Article, Concept, MentionRow, PatientRow, PatientVariantRow

SCHEMA_VERSION = "2.0"
HSCT_PROCEDURE = ("MESH:D018380", "Hematopoietic Stem Cell Transplantation")
HGVS_SYNTAX = {"hgvs_c": "hgvs.c", "hgvs_p": "hgvs.p", "hgvs_g": "hgvs.g"}
SEX = {"male": pps.MALE, "female": pps.FEMALE}
# SCHEMA.md zygosity -> the GENO allelic state curators use (GPSEA reads the genotype from its label).
ALLELIC_STATE = {
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"),
    "hemizygous": ("GENO:0000134", "hemizygous"),
    "compound heterozygous": ("GENO:0000402", "compound heterozygous"),
}
VITAL_STATUS = {"alive": pps.VitalStatus.ALIVE, "deceased": pps.VitalStatus.DECEASED}
RESOURCES = {
    "HP": (
        "hp",
        "human phenotype ontology",
        "http://purl.obolibrary.org/obo/hp.owl",
        "http://purl.obolibrary.org/obo/HP_",
    ),
    "MONDO": (
        "mondo",
        "Mondo Disease Ontology",
        "http://purl.obolibrary.org/obo/mondo.obo",
        "http://purl.obolibrary.org/obo/MONDO_",
    ),
    "MESH": (
        "mesh",
        "Medical Subject Headings",
        "https://www.nlm.nih.gov/mesh/",
        "https://id.nlm.nih.gov/mesh/",
    ),
    "GENO": (
        "geno",
        "Genotype Ontology",
        "http://purl.obolibrary.org/obo/geno.owl",
        "http://purl.obolibrary.org/obo/GENO_",
    ),
    "NCBIGENE": (
        "ncbigene",
        "NCBI Gene",
        "https://www.ncbi.nlm.nih.gov/gene/",
        "https://www.ncbi.nlm.nih.gov/gene/",
    ),
}


# The prefix as the resource writes it where upper case (the key above) is not how it is spelled.
NAMESPACE_PREFIX = {"MESH": "MeSH", "NCBIGENE": "NCBIGene"}


def iso8601_age(days: int) -> str:
    """Days as an ISO 8601 duration in years, months and days (a month counted as 30 days)."""
    years, rest = divmod(days, 365)
    months, days_left = divmod(rest, 30)
    parts = [(years, "Y"), (months, "M"), (days_left, "D")]
    text = "".join(f"{value}{unit}" for value, unit in parts if value)
    return f"P{text or '0D'}"


def _age(days: int | None) -> pps.TimeElement | None:
    return pps.TimeElement(age=pps.Age(iso8601duration=iso8601_age(days))) if days is not None else None


def _term(curie: str, labels: dict[str, str | None], fallback: str | None = None) -> pps.OntologyClass:
    return pps.OntologyClass(id=curie, label=labels.get(curie) or fallback or curie)


# ECO: a curator's judgement, for a feature a curator accepted, corrected or added.
MANUAL_ASSERTION = pps.OntologyClass(id="ECO:0000218", label="manual assertion")
CURATION_WORDS = {"accept": "accepted", "correct": "corrected", "add": "added"}


def _curation_evidence(fact: object, article: Article) -> list[pps.Evidence]:
    curation = curation_of(fact)
    if curation is None:
        return []
    action, curator = curation
    reference = f"PMID:{article.pmid}" if article.pmid else _article_key(article)
    return [
        pps.Evidence(
            evidence_code=MANUAL_ASSERTION,
            reference=pps.ExternalReference(
                id=reference, description=f"{CURATION_WORDS.get(action, action)} by curator {curator}"
            ),
        )
    ]


def _article_key(article: Article) -> str:
    return article.pmcid or (f"PMID{article.pmid}" if article.pmid else f"DOI_{article.doi}")


def _article_diseases(session: Session, article_id: int) -> list[str]:
    """MONDO diseases the article asserts (not negated, hypothetical or family), most mentioned first."""
    ids = session.scalars(
        select(MentionRow.concept_id).where(
            MentionRow.article_id == article_id,
            MentionRow.source == "caseminer",
            MentionRow.concept_id.like("MONDO:%"),
            MentionRow.negated.is_(False),
            MentionRow.hypothetical.is_(False),
            MentionRow.family.is_(False),
        )
    )
    return [curie for curie, _ in Counter(ids).most_common()]


def build_phenopacket(
    patient: PatientRow,
    article: Article,
    diseases: list[str],
    labels: dict[str, str | None],
    created: datetime,
) -> pps.Phenopacket:
    packet_id = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{_article_key(article)}_{patient.label}")
    onset_days = min((a.days for a in patient.ages if a.role == "onset" and a.days is not None), default=None)
    last_days = _latest_age_days(patient)
    outcome = patient.outcome
    vital_status = None
    if outcome is not None and outcome.status in VITAL_STATUS:
        vital_status = pps.VitalStatus(
            status=VITAL_STATUS[outcome.status], time_of_death=_age(outcome.age_at_death_days)
        )
    subject = pps.Individual(
        id=patient.label,
        sex=SEX.get(patient.sex or "", pps.UNKNOWN_SEX),
        time_at_last_encounter=_age(last_days),
        vital_status=vital_status,
    )
    features = [
        pps.PhenotypicFeature(
            type=_term(f.hpo_id, labels, f.label),
            excluded=f.excluded,
            onset=_age(f.onset_days),
            description=f.text,
            evidence=_curation_evidence(f, article),
        )
        for f in patient.phenotypes
        if f.hpo_id
    ]
    disease_ids = list(
        dict.fromkeys([*diseases, *(f.mondo_id for f in patient.phenotypes if f.mondo_id and not f.excluded)])
    )
    genomic = [
        pps.GenomicInterpretation(
            subject_or_biosample_id=subject.id,
            interpretation_status=pps.GenomicInterpretation.CONTRIBUTORY,
            variant_interpretation=pps.VariantInterpretation(
                variation_descriptor=pps.VariationDescriptor(
                    id=f"{packet_id}_variant_{number}",
                    label=v.text or v.hgvs_c or v.hgvs_p or "",
                    gene_context=pps.GeneDescriptor(value_id=v.gene_id, symbol=v.gene or "")
                    if v.gene_id
                    else None,
                    expressions=_expressions(v),
                    allelic_state=_allelic_state(v.zygosity),
                )
            ),
        )
        for number, v in enumerate(patient.variants, start=1)
    ]
    interpretations = []
    if disease_ids or genomic:
        diagnosis = pps.Diagnosis(genomic_interpretations=genomic)
        if disease_ids:
            diagnosis.disease.CopyFrom(_term(disease_ids[0], labels))
        interpretations.append(
            pps.Interpretation(
                id=f"{packet_id}_interpretation",
                progress_status=pps.Interpretation.SOLVED if disease_ids else pps.Interpretation.IN_PROGRESS,
                diagnosis=diagnosis,
            )
        )
    actions = [
        pps.MedicalAction(procedure=pps.Procedure(code=_term(t.concept_id, labels, t.label)))
        if t.kind == "procedure"
        else pps.MedicalAction(treatment=pps.Treatment(agent=_term(t.concept_id, labels, t.label)))
        for t in patient.treatments
        if t.concept_id
    ]
    if patient.hsct is not None and patient.hsct.performed:
        curie, label = HSCT_PROCEDURE
        actions.append(
            pps.MedicalAction(
                procedure=pps.Procedure(
                    code=pps.OntologyClass(id=curie, label=label), performed=_age(patient.hsct.age_days)
                )
            )
        )
    used_prefixes = {
        curie.split(":", 1)[0].upper()
        for curie in [
            *(f.type.id for f in features),
            *disease_ids,
            *(v.gene_id for v in patient.variants if v.gene_id),
            *(ALLELIC_STATE[v.zygosity][0] for v in patient.variants if v.zygosity in ALLELIC_STATE),
            *(a.treatment.agent.id or a.procedure.code.id for a in actions),
        ]
    }
    timestamp = Timestamp()
    timestamp.FromDatetime(created)
    meta = pps.MetaData(
        created=timestamp,
        created_by=f"caseminer {caseminer_version}",
        phenopacket_schema_version=SCHEMA_VERSION,
        resources=[
            pps.Resource(
                id=rid,
                name=name,
                url=url,
                version="unknown",
                namespace_prefix=NAMESPACE_PREFIX.get(prefix, prefix),
                iri_prefix=iri,
            )
            for prefix, (rid, name, url, iri) in RESOURCES.items()
            if prefix in used_prefixes
        ],
        external_references=[
            pps.ExternalReference(
                id=f"PMID:{article.pmid}",
                reference=f"https://pubmed.ncbi.nlm.nih.gov/{article.pmid}",
                description=article.title or "",
            )
        ]
        if article.pmid
        else [],
    )
    return pps.Phenopacket(
        id=packet_id,
        subject=subject,
        phenotypic_features=features,
        interpretations=interpretations,
        diseases=[pps.Disease(term=_term(curie, labels), onset=_age(onset_days)) for curie in disease_ids],
        medical_actions=actions,
        meta_data=meta,
    )


def _latest_age_days(patient: PatientRow) -> int | None:
    """The latest age the record states (an age of its own, at transplant or at death): the time
    at last encounter."""
    ages = [a.days for a in patient.ages]
    if patient.hsct is not None:
        ages.append(patient.hsct.age_days)
    if patient.outcome is not None:
        ages.append(patient.outcome.age_at_death_days)
    return max((days for days in ages if days is not None), default=None)


def _allelic_state(zygosity: str | None) -> pps.OntologyClass | None:
    if zygosity not in ALLELIC_STATE:
        return None
    curie, label = ALLELIC_STATE[zygosity]
    return pps.OntologyClass(id=curie, label=label)


def _expressions(variant: PatientVariantRow) -> list[pps.Expression]:
    """The variant's HGVS forms; the c. change behind its transcript where the text gives one."""
    expressions = []
    for column, syntax in HGVS_SYNTAX.items():
        value = getattr(variant, column)
        if value and column == "hgvs_c" and variant.transcript:
            value = f"{variant.transcript}:{value}"
        if value:
            expressions.append(pps.Expression(syntax=syntax, value=value))
    return expressions


def export_phenopackets(engine: Engine, out_dir: Path) -> list[Path]:
    """Write `<packet id>.json` for every patient in the registry; returns the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    written = []
    with Session(engine) as session:
        labels = {curie: label for curie, label in session.execute(select(Concept.curie, Concept.label))}
        patients = session.scalars(
            select(PatientRow)
            .options(
                selectinload(PatientRow.ages),
                selectinload(PatientRow.variants),
                selectinload(PatientRow.phenotypes),
                selectinload(PatientRow.treatments),
                selectinload(PatientRow.hsct),
                selectinload(PatientRow.outcome),
            )
            .order_by(PatientRow.id)
        ).all()
        patients = curated_patients(session, patients)
        diseases_by_article: dict[int, list[str]] = {}
        for patient in patients:
            article = session.get(Article, patient.article_id)
            assert article is not None
            if article.id not in diseases_by_article:
                diseases_by_article[article.id] = _article_diseases(session, article.id)
            packet = build_phenopacket(patient, article, diseases_by_article[article.id], labels, created)
            path = out_dir / f"{packet.id}.json"
            path.write_text(MessageToJson(packet) + "\n", encoding="utf-8")
            written.append(path)
    return written
