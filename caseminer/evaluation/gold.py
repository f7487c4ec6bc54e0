"""`caseminer eval --gold`: extraction measured against gold annotations (shared/gold/SCHEMA.md).

Every ``<doc_id>.txt`` / ``.xml`` of the gold folder with a ``<doc_id>.json`` beside it is parsed
(``caseminer.parsing.parse_file``; a file holding several articles contributes the one whose id is
the stem, else its first) and extracted; the result is compared with the JSON. A document that does
not parse or whose extraction fails is reported with its error and counts as one where nothing was
found.

How it counts (all micro-averaged over documents):

* **Entities** (genes, diseases, chemicals, variants): precision / recall / F1 of the document-level
  sets. A gold entity with ids (its ``id`` and ``alt_ids``, which name the same concept) matches a
  predicted entity when the predicted primary id is one of them, or the gold primary id is among the
  predicted ids (without a gold primary id: when any id is shared); a gold entity without any id
  matches on normalised text (lower case, spaces,
  hyphens and brackets removed). Each gold and each predicted entity matches at most once.
* **Patients** are paired by label (numbers compared: "P2" = "Patient 2" = "Case 2"), then the rest
  in order. ``patient count`` is the share of documents with exactly the gold number of patients.
* **Patient fields** (sex, age at onset, age at diagnosis, HSCT performed, outcome status):
  accuracy over the gold patients and fields where gold or prediction states a value (a field both
  leave empty says nothing either way; a gold patient without a predicted partner counts as wrong).
  Ages are right within ±10% of the gold days, at least ±3 days (months are 30.4 days by the
  schema, and authors round "11 months" either way).
* **Patient phenotypes and treatments**: F1 over the paired patients' lists, matched on ids
  (any shared id) or, for a gold item without ids, on normalised text; unpaired patients' items
  count as missed / spurious.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.table import Table
from spacy.language import Language

from caseminer.evaluation.counts import Accuracy, Counts
from caseminer.parsing import ParseError, parse_file
from caseminer.pipeline.extract import EXTRACTOR_VERSION, build_nlp, extract_documents
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import ExtractionResult

ENTITY_TYPES = ("genes", "diseases", "chemicals", "variants")
PATIENT_FIELDS = ("sex", "age_at_onset", "age_at_diagnosis", "hsct_performed", "outcome_status")
AGE_RELATIVE_TOLERANCE = 0.10
AGE_MIN_TOLERANCE_DAYS = 3
_GOLD_SUFFIXES = (".txt", ".xml")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


class DocumentEval(BaseModel):
    doc_id: str
    error: str | None = None
    gold_patients: int = 0
    predicted_patients: int = 0
    entities: dict[str, Counts] = Field(default_factory=dict)
    field_errors: list[str] = Field(default_factory=list, description="field: gold != predicted")
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
    documents: list[DocumentEval] = Field(default_factory=list)
    entities: dict[str, Counts] = Field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})
    fields: dict[str, Accuracy] = Field(default_factory=lambda: {f: Accuracy() for f in PATIENT_FIELDS})
    phenotypes: Counts = Field(default_factory=Counts)
    treatments: Counts = Field(default_factory=Counts)
    patient_count: Accuracy = Field(default_factory=Accuracy)

    def to_json(self) -> dict[str, Any]:
        return {
            "gold_dir": self.gold_dir,
            "documents": len(self.documents),
            "entities": {name: counts.summary() for name, counts in self.entities.items()},
            "patient_fields": {
                name: {"accuracy": round(acc.value, 4), "correct": acc.correct, "total": acc.total}
                for name, acc in self.fields.items()
            },
            "patient_phenotypes": self.phenotypes.summary(),
            "patient_treatments": self.treatments.summary(),
            "patient_count_exact": {
                "accuracy": round(self.patient_count.value, 4),
                "correct": self.patient_count.correct,
                "total": self.patient_count.total,
            },
            "per_document": [d.model_dump(mode="json") for d in self.documents],
        }

    def render_table(self) -> Table:
        table = Table(title=f"caseminer eval on {self.gold_dir} ({len(self.documents)} documents)")
        for column in ("measure", "P", "R", "F1 / accuracy", "tp / correct", "fp", "fn / total"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        rows = [(f"entities: {t}", c) for t, c in self.entities.items()]
        rows += [("patient phenotypes", self.phenotypes), ("patient treatments", self.treatments)]
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


def evaluate_gold(gold_dir: Path | str, nlp: Language | None = None) -> EvalReport:
    """Extract every gold document of `gold_dir` and compare with its JSON annotation."""
    gold_dir = Path(gold_dir)
    nlp = nlp or build_nlp()
    report = EvalReport(gold_dir=str(gold_dir))
    pairs: list[tuple[Document, dict[str, Any]]] = []
    failed: dict[str, str] = {}
    for text_path in _gold_files(gold_dir):
        gold = json.loads(text_path.with_suffix(".json").read_text(encoding="utf-8"))
        try:
            pairs.append((_gold_document(text_path), gold))
        except ParseError as error:
            failed[text_path.stem] = str(error)
            pairs.append((Document(doc_id=text_path.stem, source_format="text", text=""), gold))

    def record_failure(document: Document, error: Exception) -> None:
        failed[document.doc_id] = f"extraction failed: {type(error).__name__}: {error}"

    parsed = (d for d, _ in pairs if d.doc_id not in failed)
    results = {r.doc_id: r for r in extract_documents(parsed, nlp, on_error=record_failure)}
    for document, gold in pairs:
        # A document that fails counts as found nothing: its gold is missed, not skipped.
        result = results.get(document.doc_id) or ExtractionResult(
            doc_id=document.doc_id, extractor_version=EXTRACTOR_VERSION
        )
        evaluation = _compare_document(report, document.doc_id, gold, result)
        evaluation.error = failed.get(document.doc_id)
        report.documents.append(evaluation)
    return report


def _gold_files(gold_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in gold_dir.iterdir()
        if path.suffix in _GOLD_SUFFIXES and path.with_suffix(".json").is_file()
    )


def _gold_document(path: Path) -> Document:
    documents = parse_file(path)
    document = next((d for d in documents if d.doc_id == path.stem), documents[0])
    return document.model_copy(update={"doc_id": path.stem})


def _compare_document(
    report: EvalReport, doc_id: str, gold: dict[str, Any], result: ExtractionResult
) -> DocumentEval:
    predicted = result.to_gold_json()
    evaluation = DocumentEval(
        doc_id=doc_id, gold_patients=len(gold.get("patients", [])), predicted_patients=len(result.patients)
    )
    for entity_type in ENTITY_TYPES:
        key = _variant_keys if entity_type == "variants" else _concept_keys
        counts = _match(gold["entities"].get(entity_type, []), predicted["entities"][entity_type], key)
        evaluation.entities[entity_type] = counts
        evaluation.record_errors(entity_type, counts)
        report.entities[entity_type].add(counts)
    report.patient_count.add(evaluation.gold_patients == evaluation.predicted_patients)
    pairs, unpaired = _pair_patients(gold.get("patients", []), predicted["patients"])
    for gold_patient, predicted_patient in pairs:
        for field in PATIENT_FIELDS:
            gold_value = _field(gold_patient, field)
            predicted_value = _field(predicted_patient, field) if predicted_patient else None
            if gold_value is None and predicted_value is None:
                continue
            correct = predicted_patient is not None and _same_value(field, gold_value, predicted_value)
            report.fields[field].add(correct)
            if not correct:
                evaluation.field_errors.append(f"{field}: {gold_value!r} != {predicted_value!r}")
        for name, target in (("phenotypes", report.phenotypes), ("treatments", report.treatments)):
            counts = _match(gold_patient.get(name, []), (predicted_patient or {}).get(name, []), _item_keys)
            target.add(counts)
            evaluation.record_errors(f"patient {name}", counts)
    for extra in unpaired:
        for name, target in (("phenotypes", report.phenotypes), ("treatments", report.treatments)):
            counts = Counts(fp=len(extra[name]), spurious=[_described(i) for i in extra[name]])
            target.add(counts)
            evaluation.record_errors(f"patient {name}", counts)
    return evaluation


# -- matching ------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    return re.sub(r"[\s\-‐–()\[\]]", "", text.lower())


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


def _label_number(label: str | None) -> str:
    last = (label or "").strip().lower().rsplit(None, 1)[-1] if label and label.strip() else ""
    last = last.lstrip("p")
    if last.isdigit():
        return str(int(last))
    return str(_ROMAN[last]) if last in _ROMAN else (label or "").strip().lower()


def _pair_patients(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any] | None]], list[dict[str, Any]]]:
    """Pairs by label first, then the unpaired in order; and the predicted patients left over."""
    unpaired = list(predicted)
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    waiting: list[dict[str, Any]] = []
    for patient in gold:
        number = _label_number(patient.get("label"))
        partner = next((p for p in unpaired if _label_number(p.get("label")) == number), None)
        if partner is None:
            waiting.append(patient)
            continue
        unpaired.remove(partner)
        pairs.append((patient, partner))
    for patient in waiting:
        pairs.append((patient, unpaired.pop(0) if unpaired else None))
    return pairs, unpaired


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
        return abs(gold - predicted) <= max(AGE_RELATIVE_TOLERANCE * gold, AGE_MIN_TOLERANCE_DAYS)
    return bool(gold == predicted)


__all__ = [
    "AGE_MIN_TOLERANCE_DAYS",
    "AGE_RELATIVE_TOLERANCE",
    "EvalReport",
    "evaluate_gold",
    "normalise_text",
]
