"""`caseminer eval --phenopackets`: extraction measured against curators' GA4GH phenopackets.

Phenopacket Store (Monarch Initiative) holds one phenopacket per individual that curators wrote by
hand from a published case report. A folder of them is the gold: ``--phenopackets DIR`` with the
article texts in ``--texts DIR`` (``<PMID>.txt`` / ``.xml``), or the JAX-dev layout (one folder with
``phenopackets/`` and ``txt/``). Each file is read with the ``phenopackets`` package (protobuf,
``google.protobuf.json_format``); its article is the ``PMID:`` of ``metaData.externalReferences``.

``split=`` keeps one fixed half of the articles: the one a ``split.json`` beside the phenopackets
(or in the JAX folder) lists, else the halves of :func:`caseminer.evaluation.corpora.half_of` over
the ids of every text in the texts folder — for JAX-dev the rule and the halves of
``gold/jax-dev/split.json`` (all 67 texts sorted, every other one), whichever articles have
phenopackets.

How it counts:

* **Alignment**: per article, curated and predicted individuals are paired by the assignment of
  highest total similarity (:func:`caseminer.evaluation.gold.align_patients`, the Hungarian
  algorithm over :func:`~caseminer.evaluation.gold.patient_similarity`: the same normalised label
  counts most — "II-1" = "II:1" = "Patient II.1", "Patient 2" = "P2" = "Subject 2" — then a
  shared causative variant, the same sex, the onset age and shared HPO features). Predicted
  individuals left over are not errors (the registry keeps every described individual, curators
  the ones they could type); they are listed.
* **Fields**, accuracy over the curated individuals that state them (a curator leaves out what
  they did not record, so a curated blank says nothing either way); a curated individual without
  a predicted partner is wrong on each field it states:
  ``sex`` (MALE / FEMALE); ``causative variant`` (right when each of the individual's CAUSATIVE
  variants with a c. or p. expression is among the predicted individual's variants, matched by the
  c. or p. change with the transcript left out and the ``hgvs`` parser reading both — one- or
  three-letter amino acids, ``*`` / ``Ter``, the predicted form's brackets; the curated g. is on
  GRCh38 whatever the text's build and is not compared; extra predicted variants are listed as
  differences); ``onset`` (the disease's onset, else the earliest onset of a feature: an age is
  right within ±10%, at least ±3 days; an HPO onset class such as "Infantile onset" is right when
  the predicted onset age falls in the class's range, :data:`ONSET_CLASS_DAYS` — prenatal and
  birth are 0 days by SCHEMA.md); ``last encounter`` (``timeAtLastEncounter`` against the latest
  age the prediction states, same tolerance); ``vital status`` (ALIVE / DECEASED against the
  predicted outcome).
* **HPO features per individual**, present and excluded apart: the curated individual's terms
  against the predicted individual's HP terms of the same kind (``excluded`` flag), each term
  matched once by its id. Ids are compared as the terminology store has them (current HP terms;
  every curated id of JAX-dev is one). Reported as the mean over curated individuals with at least
  one such term of their own P, R and F1 (an individual with nothing predicted has P = R = F1 = 0)
  and micro-averaged over all of them. Beside the exact figure, the **ontology-neighbour** figure
  also counts a predicted term one or two ``is_a`` steps above or below a curated term as a match
  (after the exact matches): a parent or a child the text supports is a near miss, not noise.
* **Individual count**: per article, the curated number against the predicted number (the share
  equal, and the confusion table).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import phenopackets as pps
from google.protobuf.json_format import Parse
from google.protobuf.json_format import ParseError as JsonParseError
from hgvs.exceptions import HGVSError
from pydantic import BaseModel, Field
from rich.table import Table
from spacy.language import Language

from caseminer.evaluation.corpora import Half, half_of
from caseminer.evaluation.counts import Accuracy, Counts
from caseminer.evaluation.gold import (
    SPLIT_FILE,
    ages_agree,
    align_patients,
    match_variant_sets,
    normalise_hgvs,
    read_gold_text,
)
from caseminer.extractors.ages import DAYS_PER_UNIT
from caseminer.extractors.variants import hgvs_parser
from caseminer.parsing import ParseError
from caseminer.pipeline.extract import EXTRACTOR_VERSION, build_nlp, extract_documents
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import ExtractionResult

FIELDS = ("sex", "causative_variant", "onset", "last_encounter", "vital_status")
PACKETS_SUBFOLDER = "phenopackets"
TEXTS_SUBFOLDER = "txt"
NEIGHBOUR_STEPS = 2
_TEXT_SUFFIXES = (".txt", ".xml")
_PMID_REFERENCE = re.compile(r"^PMID:\s*(\d+)$", re.IGNORECASE)
_PMID_FILE_NAME = re.compile(r"^PMID_(\d+)_")
_ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_SEX = {pps.MALE: "male", pps.FEMALE: "female"}
_VITAL_STATUS = {pps.VitalStatus.ALIVE: "alive", pps.VitalStatus.DECEASED: "deceased"}
# HPO onset classes (HP:0003674 "Onset" subtree) as age ranges in days, by their HPO definitions;
# every prenatal class is 0 days, as SCHEMA.md counts prenatal ages.
_YEAR = DAYS_PER_UNIT["year"]
ONSET_CLASS_DAYS: dict[str, tuple[float, float]] = {
    "HP:0030674": (0, 0),  # Antenatal onset
    "HP:0011460": (0, 0),  # Embryonal onset
    "HP:0011461": (0, 0),  # Fetal onset
    "HP:0034199": (0, 0),  # Late first trimester onset
    "HP:0034198": (0, 0),  # Second trimester onset
    "HP:0034197": (0, 0),  # Third trimester onset
    "HP:0003577": (0, 0),  # Congenital onset (at birth)
    "HP:0003623": (0, 28),  # Neonatal onset: the first 28 days
    "HP:0003593": (28, _YEAR),  # Infantile onset: 28 days to 1 year
    "HP:0011463": (_YEAR, 5 * _YEAR),  # Childhood onset: 1 to 5 years
    "HP:0003621": (5 * _YEAR, 15 * _YEAR),  # Juvenile onset: 5 to 15 years
    "HP:0410280": (0, 16 * _YEAR),  # Pediatric onset: before 16 years
    "HP:0003581": (16 * _YEAR, 150 * _YEAR),  # Adult onset: 16 years or later
    "HP:0011462": (16 * _YEAR, 40 * _YEAR),  # Young adult onset
    "HP:0003596": (40 * _YEAR, 60 * _YEAR),  # Middle age onset
    "HP:0003584": (60 * _YEAR, 150 * _YEAR),  # Late onset
}


class PhenopacketFormatError(ValueError):
    """A file that is not a readable phenopacket of an article."""


class Ontology(Protocol):
    """The HPO's is_a graph: a term's direct parents (the terminology store has them)."""

    def parents(self, curie: str) -> Iterable[str]: ...


class StoreOntology:
    """:class:`Ontology` over the terminology store's concepts."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def parents(self, curie: str) -> Iterable[str]:
        concept = self.store.concept(curie)
        return concept.parents if concept is not None else ()


# -- the curated individuals ---------------------------------------------------------------------


@dataclass(frozen=True)
class Onset:
    """An onset as curators write it: an age in days, or an HPO onset class."""

    days: float | None = None
    term: str | None = None
    text: str = ""

    def agrees(self, predicted_days: float | None) -> bool:
        if predicted_days is None:
            return False
        if self.days is not None:
            return ages_agree(self.days, predicted_days)
        low, high = ONSET_CLASS_DAYS.get(self.term or "", (None, None))
        return low is not None and high is not None and low - 3 <= predicted_days <= high + 3


@dataclass
class CuratedIndividual:
    packet_id: str
    pmid: str
    label: str
    sex: str | None = None
    onset: Onset | None = None
    last_encounter_days: float | None = None
    vital_status: str | None = None
    # SCHEMA.md-shaped variants ({gene, hgvs_c, hgvs_p}) of the CAUSATIVE interpretations
    variants: list[dict[str, Any]] = field(default_factory=list)
    present: dict[str, str] = field(default_factory=dict)  # HP id -> label
    excluded: dict[str, str] = field(default_factory=dict)

    def as_gold_patient(self) -> dict[str, Any]:
        """The SCHEMA.md shape the alignment of :mod:`caseminer.evaluation.gold` reads."""
        onset_days = self.onset.days if self.onset is not None else None
        return {
            "label": self.label,
            "packet_id": self.packet_id,
            "sex": self.sex,
            "age_at_onset": {"text": self.onset.text, "days": onset_days} if onset_days is not None else None,
            "variants": self.variants,
            "phenotypes": [{"text": label, "ids": [curie]} for curie, label in self.present.items()],
        }


def read_phenopacket(path: Path) -> CuratedIndividual:
    try:
        packet = Parse(path.read_text(encoding="utf-8"), pps.Phenopacket())
    except (JsonParseError, UnicodeDecodeError, OSError) as error:
        raise PhenopacketFormatError(f"{path}: not a phenopacket: {error}") from error
    pmid = next(
        (m.group(1) for r in packet.meta_data.external_references if (m := _PMID_REFERENCE.match(r.id))),
        None,
    ) or (m.group(1) if (m := _PMID_FILE_NAME.match(path.name)) else None)
    if pmid is None:
        raise PhenopacketFormatError(f"{path}: no PMID in metaData.externalReferences nor in the name")
    subject = packet.subject
    individual = CuratedIndividual(
        packet_id=packet.id,
        pmid=pmid,
        label=subject.id,
        sex=_SEX.get(subject.sex),
        last_encounter_days=_days(subject.time_at_last_encounter),
        vital_status=_VITAL_STATUS.get(subject.vital_status.status)
        if subject.HasField("vital_status")
        else None,
    )
    for feature in packet.phenotypic_features:
        kind = individual.excluded if feature.excluded else individual.present
        kind[feature.type.id] = feature.type.label
    individual.onset = next(
        (o for d in packet.diseases if (o := _onset(d.onset)) is not None), None
    ) or _earliest_feature_onset(packet)
    for interpretation in packet.interpretations:
        for genomic in interpretation.diagnosis.genomic_interpretations:
            if genomic.interpretation_status != pps.GenomicInterpretation.CAUSATIVE:
                continue
            descriptor = genomic.variant_interpretation.variation_descriptor
            changes = {
                expression.syntax: change
                for expression in descriptor.expressions
                if (change := curated_change(expression.value))
            }
            if changes.get("hgvs.c") or changes.get("hgvs.p"):
                individual.variants.append(
                    {
                        "gene": descriptor.gene_context.symbol or None,
                        "hgvs_c": changes.get("hgvs.c"),
                        "hgvs_p": changes.get("hgvs.p"),
                        "zygosity": descriptor.allelic_state.label or None,
                    }
                )
    return individual


def curated_change(expression: str) -> str | None:
    """ "NM_138638.5:c.19G>A" -> "c.19G>A", "NP_619579.1:p.(Val7Met)" -> "p.Val7Met": the change
    without its transcript, read by the hgvs parser and written as the extractor writes changes."""
    try:
        variant = hgvs_parser().parse_hgvs_variant(expression)
    except HGVSError:
        # a form the grammar rejects: the change after the accession, as written
        return normalise_hgvs(expression.rsplit(":", 1)[-1])
    posedit = variant.posedit
    if posedit is None:
        return None
    posedit.uncertain = False  # "p.(Val7Met)": predicted, the same change
    return normalise_hgvs(f"{variant.type}.{posedit}")


def read_curated(folder: Path) -> dict[str, list[CuratedIndividual]]:
    """PMID -> the curated individuals of the article, in file name order."""
    by_article: dict[str, list[CuratedIndividual]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name == SPLIT_FILE:
            continue
        individual = read_phenopacket(path)
        by_article.setdefault(individual.pmid, []).append(individual)
    return by_article


def phenopacket_layout(phenopackets: Path, texts: Path | None) -> tuple[Path, Path]:
    """(phenopackets folder, texts folder): as given, or the JAX-dev layout (one folder holding
    ``phenopackets/`` and ``txt/``)."""
    if (phenopackets / PACKETS_SUBFOLDER).is_dir():
        return phenopackets / PACKETS_SUBFOLDER, texts or phenopackets / TEXTS_SUBFOLDER
    if texts is None:
        raise PhenopacketFormatError(
            f"{phenopackets}: give the texts (--texts DIR) or a folder with {PACKETS_SUBFOLDER}/ and "
            f"{TEXTS_SUBFOLDER}/ (the JAX-dev layout)"
        )
    return phenopackets, texts


def split_articles(packets_dir: Path, texts_dir: Path, split: Half) -> set[str]:
    """The PMIDs of one fixed half (see the module docstring)."""
    for candidate in (packets_dir / SPLIT_FILE, packets_dir.parent / SPLIT_FILE):
        if candidate.is_file():
            return set(json.loads(candidate.read_text(encoding="utf-8"))[split])
    texts = {path.stem for path in texts_dir.iterdir() if path.suffix in _TEXT_SUFFIXES}
    return half_of(texts, split)


def _days(element: pps.TimeElement) -> float | None:
    if not element.HasField("age"):
        return None
    match = _ISO_DURATION.match(element.age.iso8601duration)
    if match is None or not any(match.groups()):
        return None
    units = ("year", "month", "week", "day")
    return sum(
        int(value) * DAYS_PER_UNIT[unit] for value, unit in zip(match.groups(), units, strict=True) if value
    )


def _onset(element: pps.TimeElement) -> Onset | None:
    if element.HasField("ontology_class") and element.ontology_class.id in ONSET_CLASS_DAYS:
        return Onset(term=element.ontology_class.id, text=element.ontology_class.label)
    days = _days(element)
    return Onset(days=days, text=element.age.iso8601duration) if days is not None else None


def _earliest_feature_onset(packet: pps.Phenopacket) -> Onset | None:
    onsets = [o for f in packet.phenotypic_features if not f.excluded and (o := _onset(f.onset))]
    aged = [o for o in onsets if o.days is not None]
    if aged:
        return min(aged, key=lambda o: o.days or 0.0)
    return min(onsets, key=lambda o: ONSET_CLASS_DAYS[o.term or ""][0], default=None)


# -- scoring -------------------------------------------------------------------------------------


class FieldDifference(BaseModel):
    field: str
    curated: Any
    predicted: Any


class IndividualEval(BaseModel):
    packet_id: str
    curated_label: str
    predicted_label: str | None
    differences: list[FieldDifference] = Field(default_factory=list)
    present: Counts = Field(default_factory=Counts)
    excluded: Counts = Field(default_factory=Counts)
    present_neighbours: Counts = Field(default_factory=Counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "packet_id": self.packet_id,
            "curated_label": self.curated_label,
            "predicted_label": self.predicted_label,
            "differences": [d.model_dump(mode="json") for d in self.differences],
            **{
                f"{name}_hpo": {**counts.summary(), "missed": counts.missed, "spurious": counts.spurious}
                for name, counts in (("present", self.present), ("excluded", self.excluded))
            },
        }


class ArticleEval(BaseModel):
    pmid: str
    error: str | None = None
    curated: int = 0
    predicted: int = 0
    individuals: list[IndividualEval] = Field(default_factory=list)
    unaligned_predicted: list[str] = Field(default_factory=list)


class PerIndividual(BaseModel):
    """The mean of each individual's own P, R and F1."""

    individuals: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0

    @classmethod
    def of(cls, counts: list[Counts]) -> PerIndividual:
        if not counts:
            return cls()
        n = len(counts)
        return cls(
            individuals=n,
            precision=sum(c.precision for c in counts) / n,
            recall=sum(c.recall for c in counts) / n,
            f1=sum(c.f1 for c in counts) / n,
        )


class PhenopacketReport(BaseModel):
    phenopackets_dir: str
    split: str | None = None
    articles: list[ArticleEval] = Field(default_factory=list)
    fields: dict[str, Accuracy] = Field(default_factory=lambda: {f: Accuracy() for f in FIELDS})
    individual_count: Accuracy = Field(default_factory=Accuracy)
    # "curated n -> predicted m": the number of articles
    count_confusion: dict[str, int] = Field(default_factory=dict)

    def _counts(self, name: str) -> list[Counts]:
        """Each curated individual's counts of `name`, for the individuals with a curated term of it."""
        return [
            counts
            for article in self.articles
            for individual in article.individuals
            if (counts := getattr(individual, name)).tp + counts.fn
        ]

    def per_individual(self, name: str) -> PerIndividual:
        return PerIndividual.of(self._counts(name))

    def micro(self, name: str) -> Counts:
        total = Counts()
        for article in self.articles:
            for individual in article.individuals:
                total.add(getattr(individual, name))
        return total

    def hpo_rows(self) -> list[tuple[str, PerIndividual, Counts]]:
        return [
            ("present HPO", self.per_individual("present"), self.micro("present")),
            (
                "present HPO, ontology neighbours",
                self.per_individual("present_neighbours"),
                self.micro("present_neighbours"),
            ),
            ("excluded HPO", self.per_individual("excluded"), self.micro("excluded")),
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "phenopackets_dir": self.phenopackets_dir,
            "split": self.split,
            "articles": len(self.articles),
            "curated_individuals": sum(a.curated for a in self.articles),
            "fields": {
                name: {"accuracy": round(acc.value, 4), "correct": acc.correct, "total": acc.total}
                for name, acc in self.fields.items()
            },
            "hpo": {
                name.replace(", ", "_").replace(" ", "_"): {
                    "per_individual": per.model_dump(mode="json"),
                    "micro": micro.summary(),
                }
                for name, per, micro in self.hpo_rows()
            },
            "individual_count_exact": {
                "accuracy": round(self.individual_count.value, 4),
                "correct": self.individual_count.correct,
                "total": self.individual_count.total,
            },
            "individual_count_confusion": dict(sorted(self.count_confusion.items(), key=_confusion_order)),
            "per_article": [
                {
                    "pmid": a.pmid,
                    "error": a.error,
                    "curated": a.curated,
                    "predicted": a.predicted,
                    "individuals": [i.to_json() for i in a.individuals],
                    "unaligned_predicted": a.unaligned_predicted,
                }
                for a in self.articles
            ],
        }

    def render_table(self) -> Table:
        split = f", {self.split} half" if self.split else ""
        curated = sum(a.curated for a in self.articles)
        table = Table(
            title=f"caseminer eval on {self.phenopackets_dir} ({len(self.articles)} articles, "
            f"{curated} curated individuals{split})"
        )
        for column in ("per curated individual", "P", "R", "F1 / accuracy", "micro P / R / F1", "n"):
            table.add_column(column, justify="left" if column.startswith("per") else "right")
        for name, accuracy in self.fields.items():
            table.add_row(
                name.replace("_", " "),
                "",
                "",
                f"{accuracy.value:.3f}",
                "",
                f"{accuracy.correct}/{accuracy.total}",
            )
        for name, per, micro in self.hpo_rows():
            table.add_row(
                name,
                f"{per.precision:.3f}",
                f"{per.recall:.3f}",
                f"{per.f1:.3f}",
                f"{micro.precision:.3f} / {micro.recall:.3f} / {micro.f1:.3f}",
                str(per.individuals),
            )
        count = self.individual_count
        table.add_row(
            "individual count equal (articles)",
            "",
            "",
            f"{count.value:.3f}",
            "",
            f"{count.correct}/{count.total}",
        )
        return table

    def render_confusion(self) -> Table:
        table = Table(title="individuals per article: curated -> predicted (articles)")
        for column in ("curated n", "predicted m", "articles"):
            table.add_column(column, justify="right" if column == "articles" else "left")
        for key, articles in sorted(self.count_confusion.items(), key=_confusion_order):
            curated, predicted = key.split(" -> ")
            table.add_row(curated, predicted, str(articles))
        return table


def _confusion_order(item: tuple[str, int]) -> tuple[int, int]:
    curated, predicted = item[0].split(" -> ")
    return int(curated), int(predicted)


def compare_article(
    report: PhenopacketReport,
    pmid: str,
    curated: list[CuratedIndividual],
    result: ExtractionResult,
    ontology: Ontology | None = None,
) -> ArticleEval:
    """Add one article's comparison to `report` and return it."""
    predicted: list[dict[str, Any]] = result.to_gold_json()["patients"]
    evaluation = ArticleEval(pmid=pmid, curated=len(curated), predicted=len(predicted))
    report.articles.append(evaluation)
    report.individual_count.add(len(curated) == len(predicted))
    key = f"{len(curated)} -> {len(predicted)}"
    report.count_confusion[key] = report.count_confusion.get(key, 0) + 1
    by_packet = {individual.packet_id: individual for individual in curated}
    # aligned on what the curators record: the predicted individual's present HP terms
    for_alignment = [
        {**patient, "_index": index, "phenotypes": _hp_terms(patient, excluded=False)}
        for index, patient in enumerate(predicted)
    ]
    pairs = align_patients([c.as_gold_patient() for c in curated], for_alignment)
    for curated_patient, predicted_patient in pairs:
        partner = predicted[predicted_patient["_index"]] if predicted_patient is not None else None
        if curated_patient is None:
            evaluation.unaligned_predicted.append(partner["label"] if partner else "?")
            continue
        individual = compare_individual(report, by_packet[curated_patient["packet_id"]], partner, ontology)
        evaluation.individuals.append(individual)
    return evaluation


def compare_individual(
    report: PhenopacketReport,
    curated: CuratedIndividual,
    predicted: dict[str, Any] | None,
    ontology: Ontology | None = None,
) -> IndividualEval:
    evaluation = IndividualEval(
        packet_id=curated.packet_id,
        curated_label=curated.label,
        predicted_label=predicted["label"] if predicted else None,
    )
    patient = predicted or {}

    def score(name: str, curated_value: Any, predicted_value: Any, correct: bool) -> None:
        report.fields[name].add(predicted is not None and correct)
        if predicted is None or not correct:
            evaluation.differences.append(
                FieldDifference(field=name, curated=curated_value, predicted=predicted_value)
            )

    if curated.sex is not None:
        score("sex", curated.sex, patient.get("sex"), patient.get("sex") == curated.sex)
    predicted_variants = patient.get("variants") or []
    matched = match_variant_sets(curated.variants, predicted_variants)
    if curated.variants:
        score(
            "causative_variant",
            matched.missed or _changes(curated.variants),
            matched.spurious,
            matched.fn == 0,
        )
    elif matched.spurious:
        evaluation.differences.append(
            FieldDifference(field="variants_not_curated", curated=None, predicted=matched.spurious)
        )
    if curated.onset is not None:
        onset_days = _age_days(patient.get("age_at_onset"))
        score("onset", curated.onset.text, onset_days, curated.onset.agrees(onset_days))
    if curated.last_encounter_days is not None:
        last = _latest_age_days(patient)
        score(
            "last_encounter",
            curated.last_encounter_days,
            last,
            last is not None and ages_agree(curated.last_encounter_days, last),
        )
    if curated.vital_status is not None:
        status = (patient.get("outcome") or {}).get("status")
        score("vital_status", curated.vital_status, status, status == curated.vital_status)
    for excluded in (False, True):
        curated_terms = curated.excluded if excluded else curated.present
        predicted_terms = {p["ids"][0]: p.get("label") or p["text"] for p in _hp_terms(patient, excluded)}
        exact = match_terms(curated_terms, predicted_terms)
        setattr(evaluation, "excluded" if excluded else "present", exact)
        if not excluded and ontology is not None:
            evaluation.present_neighbours = match_terms(curated_terms, predicted_terms, ontology)
    return evaluation


def match_terms(
    curated: dict[str, str], predicted: dict[str, str], ontology: Ontology | None = None
) -> Counts:
    """Curated against predicted HP terms (id -> label), each matched once: the same id; with an
    `ontology`, then also a term within :data:`NEIGHBOUR_STEPS` is_a steps above or below."""
    remaining_curated = [c for c in curated if c not in predicted]
    remaining_predicted = [p for p in predicted if p not in curated]
    tp = len(curated) - len(remaining_curated)
    if ontology is not None:
        for curie in list(remaining_curated):
            near = _near(curie, ontology)
            partner = next((p for p in remaining_predicted if p in near or curie in _near(p, ontology)), None)
            if partner is not None:
                remaining_curated.remove(curie)
                remaining_predicted.remove(partner)
                tp += 1
    return Counts(
        tp=tp,
        fp=len(remaining_predicted),
        fn=len(remaining_curated),
        missed=[f"{curated[c]} | {c}" for c in remaining_curated],
        spurious=[f"{predicted[p]} | {p}" for p in remaining_predicted],
    )


def _near(curie: str, ontology: Ontology) -> frozenset[str]:
    """The terms up to NEIGHBOUR_STEPS is_a steps above `curie`."""
    return _ancestors_within(curie, ontology, NEIGHBOUR_STEPS)


@lru_cache(maxsize=65_536)
def _ancestors_within(curie: str, ontology: Ontology, steps: int) -> frozenset[str]:
    found: set[str] = set()
    level = {curie}
    for _ in range(steps):
        level = {parent for term in level for parent in ontology.parents(term)} - found
        found |= level
    return frozenset(found)


def _hp_terms(patient: dict[str, Any], excluded: bool) -> list[dict[str, Any]]:
    """The patient's phenotypes of one kind with an HP id first (the ids' order puts HP first)."""
    return [
        {**p, "ids": [i for i in p.get("ids") or [] if i.startswith("HP:")]}
        for p in patient.get("phenotypes") or []
        if bool(p.get("excluded")) == excluded and any(i.startswith("HP:") for i in p.get("ids") or [])
    ]


def _changes(variants: list[dict[str, Any]]) -> list[str]:
    return [" ".join(x for x in (v.get("hgvs_c"), v.get("hgvs_p")) if x) for v in variants]


def _age_days(age: dict[str, Any] | None) -> float | None:
    return age.get("days") if age else None


def _latest_age_days(patient: dict[str, Any]) -> float | None:
    """The latest age the prediction states for the individual (what the export writes as the time
    at last encounter)."""
    ages = [
        _age_days(patient.get(name))
        for name in ("age_at_onset", "age_at_diagnosis", "age_at_presentation", "age_at_last_report")
    ] + [
        _age_days((patient.get("hsct") or {}).get("age")),
        _age_days((patient.get("outcome") or {}).get("age_at_death")),
    ]
    known = [a for a in ages if a is not None]
    return max(known) if known else None


def evaluate_phenopackets(
    phenopackets: Path | str,
    nlp: Language | None = None,
    *,
    texts_dir: Path | str | None = None,
    split: Half | None = None,
    ontology: Ontology | None = None,
) -> PhenopacketReport:
    """Extract the text of every article with curated phenopackets (of `split` when given) and
    compare the predicted individuals with the curated ones."""
    packets_dir, texts = phenopacket_layout(Path(phenopackets), Path(texts_dir) if texts_dir else None)
    curated = read_curated(packets_dir)
    if split is not None:
        keep = split_articles(packets_dir, texts, split)
        curated = {pmid: individuals for pmid, individuals in curated.items() if pmid in keep}
    report = PhenopacketReport(phenopackets_dir=str(phenopackets), split=split)
    failed: dict[str, str] = {}
    documents: list[Document] = []
    for pmid in sorted(curated, key=int):
        path = next((p for s in _TEXT_SUFFIXES if (p := texts / f"{pmid}{s}").is_file()), None)
        try:
            if path is None:
                raise ParseError(f"no text for {pmid} (.txt or .xml) in {texts}")
            documents.append(read_gold_text(path, pmid))
        except ParseError as error:
            failed[pmid] = str(error)

    def record_failure(document: Document, error: Exception) -> None:
        failed[document.doc_id] = f"extraction failed: {type(error).__name__}: {error}"

    results = {r.doc_id: r for r in extract_documents(documents, nlp or build_nlp(), on_error=record_failure)}
    for pmid in sorted(curated, key=int):
        # an article that fails counts as found nothing: its individuals are missed, not skipped
        result = results.get(pmid) or ExtractionResult(doc_id=pmid, extractor_version=EXTRACTOR_VERSION)
        evaluation = compare_article(report, pmid, curated[pmid], result, ontology)
        evaluation.error = failed.get(pmid)
    return report


__all__ = [
    "FIELDS",
    "ONSET_CLASS_DAYS",
    "CuratedIndividual",
    "Onset",
    "Ontology",
    "PhenopacketFormatError",
    "PhenopacketReport",
    "StoreOntology",
    "compare_article",
    "compare_individual",
    "curated_change",
    "evaluate_phenopackets",
    "match_terms",
    "phenopacket_layout",
    "read_curated",
    "read_phenopacket",
    "split_articles",
]
