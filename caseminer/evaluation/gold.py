"""`caseminer eval --gold`: extraction measured against gold annotations (shared/gold/SCHEMA.md).

A gold folder holds ``<doc_id>.json`` annotations. The article text is ``<doc_id>.txt`` / ``.xml``
beside each JSON, or in a separate texts folder (``texts_dir``: gold written here for texts that
may not be copied, such as the JAX case reports of ``../shared/corpora``). ``split=`` ("tuning" /
"checking") keeps one fixed half of the folder: the one its ``split.json`` lists
(``{"tuning": [...], "checking": [...]}``), else :func:`caseminer.evaluation.corpora.half_of` (doc
ids sorted, every other one). Each text is parsed (``caseminer.parsing.parse_file``; a file
holding several articles contributes the one whose id is the stem, else its first) and extracted.
A document that does not parse or whose extraction fails is reported with its error and counts as
one where nothing was found.

How it counts (all micro-averaged over documents):

* **Entities** (genes, diseases, chemicals, variants), where the gold has ``entities``: precision /
  recall / F1 of the document-level sets. A gold entity with ids (its ``id`` and ``alt_ids``, which
  name the same concept) matches a predicted entity when the predicted primary id is one of them,
  or the gold primary id is among the predicted ids (without a gold primary id: when any id is
  shared); a gold entity without any id matches on normalised text (lower case, spaces, hyphens and
  brackets removed). Each gold and each predicted entity matches at most once.
* **Patients** are aligned by best match: the assignment of gold to predicted patients with the
  highest total similarity (:func:`patient_similarity`: the same label counts most — "P2" =
  "Patient 2" = "Case 2", "II-3" = "II:3" — then a shared variant, sex, ages and phenotypes).
  ``patient count`` is the share of documents with exactly the gold number of patients; the
  confusion counts documents by (gold number, predicted number).
* **Patient fields** (sex, age at onset, age at diagnosis, HSCT performed, outcome status, the
  patient's variants): accuracy over the gold patients and fields where gold or prediction states a
  value (a field both leave empty says nothing either way; a gold patient without a predicted
  partner counts as wrong where the gold states a value). Ages are right within ±10% of the gold
  days, at least ±3 days (months are 30.4 days by the schema, and authors round "11 months" either
  way). An outcome "unknown" states nothing. The variants are right when the predicted patient has
  exactly the gold patient's variants: each matched by its coding (``c.``) or protein (``p.``)
  change, compared in HGVS form (one- or three-letter amino acids, ``X`` or ``*`` for a stop); a
  variant that names no change ("a FOXP3 mutation", "exon 7 skipping") is left out on either side.
* **Patient phenotypes and treatments**: F1 over the aligned patients' lists, matched on ids (any
  shared id) or, for a gold item without ids, on normalised text; unaligned patients' items count as
  missed / spurious. A folder whose gold phenotypes are terms of one vocabulary only says so in its
  ``split.json`` (``"phenotype_vocabulary": "HP"``: the JAX reports list HPO features, not the
  diagnosis): a predicted phenotype without an id of it is outside what the gold annotates and is
  left out, the way the corpus benchmarks score only the identifiers their corpus uses.
* **Variants of the patients** (document level): the set of the document's patients' variants
  against the predicted patients' variants, each document's set compared as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field
from rich.table import Table
from scipy.optimize import linear_sum_assignment
from spacy.language import Language

from caseminer.evaluation.corpora import Half, half_of
from caseminer.evaluation.counts import Accuracy, Counts
from caseminer.extractors.variants import normalize_protein
from caseminer.parsing import ParseError, parse_file
from caseminer.pipeline.extract import EXTRACTOR_VERSION, build_nlp, extract_documents
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import ExtractionResult

ENTITY_TYPES = ("genes", "diseases", "chemicals", "variants")
PATIENT_FIELDS = ("sex", "age_at_onset", "age_at_diagnosis", "hsct_performed", "outcome_status", "variants")
AGE_RELATIVE_TOLERANCE = 0.10
AGE_MIN_TOLERANCE_DAYS = 3
_TEXT_SUFFIXES = (".txt", ".xml")
# The halves written down once for a folder whose documents are annotated over time, so a
# document's half never depends on which others are annotated yet.
SPLIT_FILE = "split.json"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_PEDIGREE_LABEL = re.compile(
    r"(?:\bfamily\s+(?P<family>\w+)\W+)?\b(?P<generation>[ivx]+)\s*[-:.]\s*(?P<n>\d+)\b"
)
# A number label, with a note in brackets after it allowed ("Patient 1 (proband)").
_NUMBERED_LABEL = re.compile(
    r"^(?:(?:patient|case|subject|individual|proband|pt\.?|p)\s*(?:no\.?|#)?\s*)?(?P<n>\d+|[ivx]+)"
    r"(?:\s*\(.*\))?$"
)
_PROBAND_LABEL = re.compile(
    r"^(?:the\s+)?(?:proband|proposit[au]s?|index(?:\s+(?:case|patient))?|patient)\b(?:\s*\(.*\))?$"
)


class FieldError(BaseModel):
    """One field of one aligned patient that the prediction got wrong."""

    gold_label: str | None
    predicted_label: str | None
    field: str
    gold: Any
    predicted: Any

    def __str__(self) -> str:
        return f"{self.gold_label}: {self.field}: {self.gold!r} != {self.predicted!r}"


class DocumentEval(BaseModel):
    doc_id: str
    error: str | None = None
    gold_patients: int = 0
    predicted_patients: int = 0
    # (gold label, predicted label) of each aligned pair; a None side is a patient left unaligned.
    alignment: list[tuple[str | None, str | None]] = Field(default_factory=list)
    entities: dict[str, Counts] = Field(default_factory=dict)
    field_errors: list[FieldError] = Field(default_factory=list)
    errors: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, description="per entity type / patient list: missed and spurious items"
    )

    def record_errors(self, name: str, counts: Counts) -> None:
        if counts.missed or counts.spurious:
            errors = self.errors.setdefault(name, {"missed": [], "spurious": []})
            errors["missed"].extend(counts.missed)
            errors["spurious"].extend(counts.spurious)


class EvalReport(BaseModel):
    gold_dir: str
    split: str | None = None
    documents: list[DocumentEval] = Field(default_factory=list)
    entities: dict[str, Counts] = Field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})
    fields: dict[str, Accuracy] = Field(default_factory=lambda: {f: Accuracy() for f in PATIENT_FIELDS})
    phenotypes: Counts = Field(default_factory=Counts)
    treatments: Counts = Field(default_factory=Counts)
    patient_variants: Counts = Field(default_factory=Counts)
    patient_count: Accuracy = Field(default_factory=Accuracy)
    # "gold n -> predicted m": the number of documents
    patient_count_confusion: dict[str, int] = Field(default_factory=dict)

    @property
    def has_entities(self) -> bool:
        return any(c.tp + c.fp + c.fn for c in self.entities.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "gold_dir": self.gold_dir,
            "split": self.split,
            "documents": len(self.documents),
            "entities": {name: counts.summary() for name, counts in self.entities.items()},
            "patient_fields": {
                name: {"accuracy": round(acc.value, 4), "correct": acc.correct, "total": acc.total}
                for name, acc in self.fields.items()
            },
            "patient_phenotypes": self.phenotypes.summary(),
            "patient_treatments": self.treatments.summary(),
            "patient_variants_document_level": self.patient_variants.summary(),
            "patient_count_exact": {
                "accuracy": round(self.patient_count.value, 4),
                "correct": self.patient_count.correct,
                "total": self.patient_count.total,
            },
            "patient_count_confusion": dict(
                sorted(self.patient_count_confusion.items(), key=_confusion_order)
            ),
            "per_document": [d.model_dump(mode="json") for d in self.documents],
        }

    def render_table(self) -> Table:
        split = f", {self.split} half" if self.split else ""
        table = Table(title=f"caseminer eval on {self.gold_dir} ({len(self.documents)} documents{split})")
        for column in ("measure", "P", "R", "F1 / accuracy", "tp / correct", "fp", "fn / total"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        rows = [(f"entities: {t}", c) for t, c in self.entities.items()] if self.has_entities else []
        rows += [
            ("patient phenotypes", self.phenotypes),
            ("patient treatments", self.treatments),
            ("patients' variants (document)", self.patient_variants),
        ]
        for name, counts in rows:
            table.add_row(
                name,
                f"{counts.precision:.3f}",
                f"{counts.recall:.3f}",
                f"{counts.f1:.3f}",
                str(counts.tp),
                str(counts.fp),
                str(counts.fn),
            )
        for name, accuracy in [*self.fields.items(), ("patient count exact", self.patient_count)]:
            table.add_row(
                name.replace("_", " "),
                "",
                "",
                f"{accuracy.value:.3f}",
                str(accuracy.correct),
                "",
                str(accuracy.total),
            )
        return table

    def render_confusion(self) -> Table:
        """Documents by gold and predicted number of patients."""
        table = Table(title="patients per document: gold -> predicted (documents)")
        table.add_column("gold n")
        table.add_column("predicted m")
        table.add_column("documents", justify="right")
        for key, documents in sorted(self.patient_count_confusion.items(), key=_confusion_order):
            gold, predicted = key.split(" -> ")
            table.add_row(gold, predicted, str(documents))
        return table


def _confusion_order(item: tuple[str, int]) -> tuple[int, int]:
    gold, predicted = item[0].split(" -> ")
    return int(gold), int(predicted)


def evaluate_gold(
    gold_dir: Path | str,
    nlp: Language | None = None,
    *,
    texts_dir: Path | str | None = None,
    split: Half | None = None,
) -> EvalReport:
    """Extract every gold document of `gold_dir` (texts beside the JSON, or in `texts_dir`) and
    compare with its JSON annotation; `split` limits it to one fixed half of the folder."""
    gold_dir = Path(gold_dir)
    nlp = nlp or build_nlp()
    report = EvalReport(gold_dir=str(gold_dir), split=split)
    vocabulary = _manifest(gold_dir).get("phenotype_vocabulary")
    pairs: list[tuple[Document, dict[str, Any]]] = []
    failed: dict[str, str] = {}
    for json_path, text_path in gold_files(gold_dir, Path(texts_dir) if texts_dir else None, split):
        gold = json.loads(json_path.read_text(encoding="utf-8"))
        doc_id = json_path.stem
        try:
            if text_path is None:
                raise ParseError(f"no text for {doc_id} (.txt or .xml)")
            pairs.append((read_gold_text(text_path, doc_id), gold))
        except ParseError as error:
            failed[doc_id] = str(error)
            pairs.append((Document(doc_id=doc_id, source_format="text", text=""), gold))

    def record_failure(document: Document, error: Exception) -> None:
        failed[document.doc_id] = f"extraction failed: {type(error).__name__}: {error}"

    parsed = (d for d, _ in pairs if d.doc_id not in failed)
    results = {r.doc_id: r for r in extract_documents(parsed, nlp, on_error=record_failure)}
    for document, gold in pairs:
        # A document that fails counts as found nothing: its gold is missed, not skipped.
        result = results.get(document.doc_id) or ExtractionResult(
            doc_id=document.doc_id, extractor_version=EXTRACTOR_VERSION
        )
        evaluation = compare_document(report, document.doc_id, gold, result, vocabulary)
        evaluation.error = failed.get(document.doc_id)
        report.documents.append(evaluation)
    return report


def evaluate_agreement(gold_dir: Path | str, other_dir: Path | str) -> EvalReport:
    """Another annotator's annotations (`other_dir`) of documents of `gold_dir`, measured against
    them the way an extraction is: the agreement of two annotators, per field. Only the documents
    both annotated count; nothing is extracted."""
    gold_dir, other_dir = Path(gold_dir), Path(other_dir)
    vocabulary = _manifest(gold_dir).get("phenotype_vocabulary")
    report = EvalReport(gold_dir=str(gold_dir))
    for other_path in sorted(other_dir.glob("*.json")):
        gold_path = gold_dir / other_path.name
        if other_path.name == SPLIT_FILE or not gold_path.is_file():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        other = json.loads(other_path.read_text(encoding="utf-8"))
        report.documents.append(compare_annotations(report, other_path.stem, gold, other, vocabulary))
    return report


def gold_files(gold_dir: Path, texts_dir: Path | None, split: Half | None) -> list[tuple[Path, Path | None]]:
    """(annotation, text or None) of each gold document, in doc id order, of `split` when given."""
    annotations = [path for path in sorted(gold_dir.glob("*.json")) if path.name != SPLIT_FILE]
    if split is not None:
        written = _manifest(gold_dir).get(split)
        keep = set(written) if written is not None else half_of((path.stem for path in annotations), split)
        annotations = [path for path in annotations if path.stem in keep]
    found = []
    folder = texts_dir or gold_dir
    for json_path in annotations:
        candidates = (folder / f"{json_path.stem}{suffix}" for suffix in _TEXT_SUFFIXES)
        text = next((path for path in candidates if path.is_file()), None)
        if text is None and texts_dir is None:
            continue  # a JSON without its text beside it is no gold pair (a report, a config)
        found.append((json_path, text))
    return found


def _manifest(gold_dir: Path) -> dict[str, Any]:
    written = gold_dir / SPLIT_FILE
    return json.loads(written.read_text(encoding="utf-8")) if written.is_file() else {}


def read_gold_text(path: Path, doc_id: str) -> Document:
    documents = parse_file(path)
    document = next((d for d in documents if d.doc_id == doc_id), documents[0])
    return document.model_copy(update={"doc_id": doc_id})


def compare_document(
    report: EvalReport,
    doc_id: str,
    gold: dict[str, Any],
    result: ExtractionResult,
    phenotype_vocabulary: str | None = None,
) -> DocumentEval:
    """Add one document's comparison to `report` and return it; with `phenotype_vocabulary`
    ("HP"), predicted phenotypes without an id of it are out of the gold's scope."""
    return compare_annotations(report, doc_id, gold, result.to_gold_json(), phenotype_vocabulary)


def compare_annotations(
    report: EvalReport,
    doc_id: str,
    gold: dict[str, Any],
    predicted: dict[str, Any],
    phenotype_vocabulary: str | None = None,
) -> DocumentEval:
    """:func:`compare_document` on a prediction in the gold JSON form — also another annotator's
    annotation of the same text, for agreement."""
    predicted = json.loads(json.dumps(predicted))  # the filters below must not edit the input
    prefix = f"{phenotype_vocabulary}:" if phenotype_vocabulary else ""
    for patient in predicted["patients"]:
        # SCHEMA.md's phenotypes are the features a patient has; an excluded one is not among them
        patient["phenotypes"] = [
            phenotype
            for phenotype in patient.get("phenotypes") or []
            if not phenotype.get("excluded")
            and any(i.startswith(prefix) for i in phenotype.get("ids") or [""])
        ]
    gold_patients: list[dict[str, Any]] = gold.get("patients") or []
    predicted_patients: list[dict[str, Any]] = predicted["patients"]
    evaluation = DocumentEval(
        doc_id=doc_id, gold_patients=len(gold_patients), predicted_patients=len(predicted_patients)
    )
    if gold.get("entities"):
        for entity_type in ENTITY_TYPES:
            key = _variant_keys if entity_type == "variants" else _concept_keys
            found = (predicted.get("entities") or {}).get(entity_type, [])
            counts = _match(gold["entities"].get(entity_type, []), found, key)
            evaluation.entities[entity_type] = counts
            evaluation.record_errors(entity_type, counts)
            report.entities[entity_type].add(counts)
    report.patient_count.add(len(gold_patients) == len(predicted_patients))
    confusion = f"{len(gold_patients)} -> {len(predicted_patients)}"
    report.patient_count_confusion[confusion] = report.patient_count_confusion.get(confusion, 0) + 1
    variants = match_variant_sets(
        [v for p in gold_patients for v in p.get("variants") or []],
        [v for p in predicted_patients for v in p.get("variants") or []],
    )
    report.patient_variants.add(variants)
    evaluation.record_errors("patients' variants", variants)
    for gold_patient, predicted_patient in align_patients(gold_patients, predicted_patients):
        evaluation.alignment.append(
            (
                gold_patient.get("label") if gold_patient else None,
                predicted_patient.get("label") if predicted_patient else None,
            )
        )
        if gold_patient is not None:
            _compare_fields(report, evaluation, gold_patient, predicted_patient)
        for name, target in (("phenotypes", report.phenotypes), ("treatments", report.treatments)):
            counts = _match(
                (gold_patient or {}).get(name) or [], (predicted_patient or {}).get(name) or [], _item_keys
            )
            target.add(counts)
            evaluation.record_errors(f"patient {name}", counts)
    return evaluation


def _compare_fields(
    report: EvalReport, evaluation: DocumentEval, gold: dict[str, Any], predicted: dict[str, Any] | None
) -> None:
    for field in PATIENT_FIELDS:
        if field == "variants":
            gold_value: Any = sorted(
                _variant_names(v for v in gold.get("variants") or [] if _variant_keys_of(v))
            )
            predicted_value: Any = sorted(
                _variant_names(v for v in (predicted or {}).get("variants") or [] if _variant_keys_of(v))
            )
            if not gold_value and not predicted_value:
                continue
            matched = match_variant_sets(gold.get("variants") or [], (predicted or {}).get("variants") or [])
            correct = predicted is not None and matched.fn == 0 and matched.fp == 0
        else:
            gold_value = _field(gold, field)
            predicted_value = _field(predicted, field) if predicted else None
            if gold_value is None and predicted_value is None:
                continue
            correct = predicted is not None and _same_value(field, gold_value, predicted_value)
        report.fields[field].add(correct)
        if not correct:
            evaluation.field_errors.append(
                FieldError(
                    gold_label=gold.get("label"),
                    predicted_label=(predicted or {}).get("label"),
                    field=field,
                    gold=gold_value,
                    predicted=predicted_value,
                )
            )


# -- aligning patients ---------------------------------------------------------------------------


def label_key(label: str | None) -> str:
    """A patient label in a canonical form: "P2", "Patient 2", "case II" -> "2"; "II-3", "II:3" ->
    "2-3" (with a family letter: "Family A IV-4" -> "a:4-4"); "the proband", "index case" ->
    "proband"; other labels lower-cased with single spaces."""
    text = re.sub(r"\s+", " ", (label or "").strip().lower())
    pedigree = _PEDIGREE_LABEL.search(text)
    if pedigree:
        family = pedigree.group("family")
        generation = _ROMAN.get(pedigree.group("generation"), pedigree.group("generation"))
        return f"{family + ':' if family else ''}{generation}-{int(pedigree.group('n'))}"
    numbered = _NUMBERED_LABEL.match(text)
    if numbered:
        number = numbered.group("n")
        return str(int(number)) if number.isdigit() else str(_ROMAN.get(number, number))
    if _PROBAND_LABEL.match(text):
        return "proband"
    return text


def patient_similarity(gold: dict[str, Any], predicted: dict[str, Any]) -> float:
    """How alike two patient records are: the same label counts most, then a shared variant, the
    same sex, ages within the field tolerance and the share of shared phenotypes."""
    score = 0.0
    if label_key(gold.get("label")) == label_key(predicted.get("label")):
        score += 4.0
    gold_sex, predicted_sex = gold.get("sex"), predicted.get("sex")
    if gold_sex and predicted_sex:
        score += 1.0 if gold_sex == predicted_sex else -1.0
    shared = match_variant_sets(gold.get("variants") or [], predicted.get("variants") or [])
    if shared.tp:
        score += 2.0
    for field in ("age_at_onset", "age_at_diagnosis"):
        gold_age, predicted_age = _field(gold, field), _field(predicted, field)
        if gold_age is not None and predicted_age is not None and _same_value(field, gold_age, predicted_age):
            score += 0.5
    phenotypes = _match(gold.get("phenotypes") or [], predicted.get("phenotypes") or [], _item_keys)
    if phenotypes.tp:
        score += 2.0 * phenotypes.tp / (phenotypes.tp + phenotypes.fp + phenotypes.fn)
    return score


def align_patients(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Gold and predicted patients paired by the assignment of highest total similarity (ties in
    the order both list them); the patients of the longer list left over come with None."""
    if not gold or not predicted:
        return [(g, None) for g in gold] + [(None, p) for p in predicted]
    # A pair's position difference breaks ties, far below any similarity step (0.5).
    order_bonus = 0.01 / (1 + max(len(gold), len(predicted)))
    scores = np.array(
        [
            [patient_similarity(g, p) - order_bonus * abs(i - j) for j, p in enumerate(predicted)]
            for i, g in enumerate(gold)
        ]
    )
    rows, columns = linear_sum_assignment(scores, maximize=True)
    partner = dict(zip(rows.tolist(), columns.tolist(), strict=True))
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = [
        (g, predicted[partner[i]] if i in partner else None) for i, g in enumerate(gold)
    ]
    taken = set(partner.values())
    pairs += [(None, p) for j, p in enumerate(predicted) if j not in taken]
    return pairs


# -- matching ------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    return re.sub(r"[\s\-‐–()\[\]]", "", text.lower())


def normalise_hgvs(change: str | None) -> str | None:
    """A c./g. change without spaces or spelled-out deleted bases ("c.45_46delAG" = "c.45_46del"); a
    p. change in three-letter HGVS ("p.R347H" = "p.Arg347His", "p.W697X" = "p.Trp697*"); None for
    nothing."""
    if not change:
        return None
    compact = re.sub(r"\s+", "", change).replace("→", ">")
    if compact[:2].lower() == "p.":
        return normalize_protein(compact[2:].replace("Ter", "*")) or compact
    # deleted or duplicated bases spelled out are the same change ("c.45_46delAG" = "c.45_46del")
    compact = re.sub(r"(del|dup)[ACGT]+(?=$|ins)", r"\1", compact)
    return compact[0].lower() + compact[1:]


def _variant_keys_of(variant: dict[str, Any]) -> set[str]:
    keys = {normalise_hgvs(variant.get(name)) for name in ("hgvs_c", "hgvs_p", "hgvs_g")}
    return {k for k in keys if k}


def _variant_names(variants: Iterable[dict[str, Any]]) -> list[str]:
    return [
        " ".join(x for x in (v.get("hgvs_c"), v.get("hgvs_p")) if x) or (v.get("text") or "?")
        for v in variants
    ]


def match_variant_sets(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Counts:
    """Variants matched by any shared HGVS change (c., p. or g.), each at most once. A variant
    without a change ("a FOXP3 mutation", "exon 7 skipping") names nothing to compare and is left
    out on either side."""
    remaining = [(v, keys) for v in predicted if (keys := _variant_keys_of(v))]
    counts = Counts()
    for variant in gold:
        keys = _variant_keys_of(variant)
        if not keys:
            continue
        index = next((i for i, (_, other) in enumerate(remaining) if keys & other), None)
        if index is None:
            counts.fn += 1
            counts.missed.extend(_variant_names([variant]))
        else:
            counts.tp += 1
            remaining.pop(index)
    counts.fp = len(remaining)
    counts.spurious = _variant_names(v for v, _ in remaining)
    return counts


def _concept_keys(item: dict[str, Any]) -> tuple[str | None, set[str], str]:
    ids = {i for i in [item.get("id"), *(item.get("alt_ids") or [])] if i}
    return item.get("id"), ids, normalise_text(item.get("text") or "")


def _variant_keys(item: dict[str, Any]) -> tuple[str | None, set[str], str]:
    return None, set(), normalise_text(item.get("text") or "")


def _item_keys(item: dict[str, Any]) -> tuple[str | None, set[str], str]:
    ids = set(item.get("ids") or [])
    return None, ids, normalise_text(item.get("text") or "")


KeyFunction = Callable[[dict[str, Any]], tuple[str | None, set[str], str]]


def _matches(gold: tuple[str | None, set[str], str], predicted: tuple[str | None, set[str], str]) -> bool:
    gold_primary, gold_ids, gold_text = gold
    predicted_primary, predicted_ids, predicted_text = predicted
    if gold_ids:
        if gold_primary is None:  # only equivalent ids (alt ids, a phenotype's id list): any shared
            return bool(gold_ids & predicted_ids)
        return predicted_primary in gold_ids or gold_primary in predicted_ids
    return gold_text == predicted_text


def _match(gold: Iterable[dict[str, Any]], predicted: Iterable[dict[str, Any]], key: KeyFunction) -> Counts:
    remaining = [(item, key(item)) for item in predicted]
    counts = Counts()
    for item in gold:
        gold_key = key(item)
        index = next((i for i, (_, p) in enumerate(remaining) if _matches(gold_key, p)), None)
        if index is None:
            counts.fn += 1
            counts.missed.append(_described(item))
        else:
            counts.tp += 1
            remaining.pop(index)
    counts.fp = len(remaining)
    counts.spurious = [_described(item) for item, _ in remaining]
    return counts


def _described(item: dict[str, Any]) -> str:
    ids = [i for i in [item.get("id"), *(item.get("alt_ids") or []), *(item.get("ids") or [])] if i]
    return f"{item.get('text')} | {', '.join(ids) or '-'}"


def _field(patient: dict[str, Any], field: str) -> Any:
    if field == "hsct_performed":
        return (patient.get("hsct") or {}).get("performed")
    if field == "outcome_status":
        status = (patient.get("outcome") or {}).get("status")
        return None if status in (None, "unknown") else status
    if field.startswith("age_"):
        age = patient.get(field)
        return age.get("days") if age else None
    return patient.get(field)


def _same_value(field: str, gold: Any, predicted: Any) -> bool:
    if field.startswith("age_") and isinstance(gold, int | float) and isinstance(predicted, int | float):
        return ages_agree(gold, predicted)
    return bool(gold == predicted)


def ages_agree(gold_days: float, predicted_days: float) -> bool:
    """Within ±10% of the gold days, at least ±3 days (the field tolerance of ages)."""
    return abs(gold_days - predicted_days) <= max(AGE_RELATIVE_TOLERANCE * gold_days, AGE_MIN_TOLERANCE_DAYS)


__all__ = [
    "AGE_MIN_TOLERANCE_DAYS",
    "AGE_RELATIVE_TOLERANCE",
    "EvalReport",
    "ages_agree",
    "align_patients",
    "compare_document",
    "evaluate_agreement",
    "evaluate_gold",
    "gold_files",
    "label_key",
    "match_variant_sets",
    "normalise_hgvs",
    "normalise_text",
    "patient_similarity",
    "read_gold_text",
]
