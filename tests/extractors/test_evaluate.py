"""caseminer.evaluation.gold: counting against gold, on a gold folder written here and on the real one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from extract_pipeline import pipeline_for
from rich.console import Console
from spacy.language import Language

from caseminer.evaluation.gold import EvalReport, align_patients, compare_document, evaluate_gold, label_key
from caseminer.schemas.extraction import ExtractionResult, Outcome, Patient, PatientVariant
from caseminer.vocab import TerminologyStore

REPORT_TEXT = """Immune dysregulation in two brothers

Case Report

Patient 1 was a 2-month-old boy with watery diarrhea and eczema.
He was treated with tacrolimus and is doing well.

Patient 2 was a 10-month-old boy with alopecia. He died at 14 months of age.
"""


def _patient(label: str, **fields: Any) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "label": label,
        "sex": None,
        "age_at_onset": None,
        "age_at_diagnosis": None,
        "phenotypes": [],
        "treatments": [],
        "hsct": {"performed": None},
        "outcome": {"status": "unknown"},
    }
    patient.update(fields)
    return patient


GOLD = {
    "doc_id": "brothers",
    "patients": [
        # Listed out of order: pairing goes by label ("P2" is "Patient 2"), not by position.
        _patient(
            "P2",
            sex="male",
            age_at_diagnosis={"text": "10 months", "days": 304},
            phenotypes=[{"text": "alopecia", "ids": ["HP:0001596"]}],
            outcome={"status": "deceased"},
        ),
        _patient(
            "P1",
            sex="female",  # deliberately wrong gold: must count as an error
            age_at_diagnosis={"text": "2 months", "days": 61},
            phenotypes=[
                {"text": "watery diarrhea", "ids": ["MESH:D003967"]},
                {"text": "eczema", "ids": ["MESH:D004485"]},
                {"text": "hepatitis", "ids": ["MESH:D006505"]},
            ],
            treatments=[{"text": "tacrolimus", "ids": ["MESH:D016559"], "kind": "drug"}],
            outcome={"status": "alive"},
        ),
    ],
    "entities": {
        "genes": [],
        # alt ids name the same concept: a prediction with the MeSH id matches the MONDO-only gold
        "diseases": [
            {"text": "diarrhea", "id": None, "alt_ids": ["MONDO:0001673"]},
            {"text": "eczema", "id": "MESH:D004485"},
            {"text": "alopecia", "id": "MESH:D000505"},
            {"text": "hepatitis", "id": "MESH:D006505"},
            {"text": "an unverified sign", "id": None},
        ],
        "chemicals": [{"text": "tacrolimus", "id": "MESH:D016559"}],
        "variants": [],
    },
}


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


@pytest.fixture(scope="module")
def written_gold(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> EvalReport:
    folder = tmp_path_factory.mktemp("gold")
    (folder / "brothers.txt").write_text(REPORT_TEXT)
    (folder / "brothers.json").write_text(json.dumps(GOLD))
    (folder / "no-annotation.txt").write_text("A text without gold is not evaluated.")
    (folder / "broken.xml").write_text("<article><body>")
    broken_gold = {
        "doc_id": "broken",
        "patients": [_patient("proband", sex="female")],
        "entities": {"genes": [{"text": "FOXP3", "id": "NCBIGene:50943"}]},
    }
    (folder / "broken.json").write_text(json.dumps(broken_gold))
    return evaluate_gold(folder, nlp)


def test_entities_matched_by_id_alt_ids_and_text(written_gold: EvalReport) -> None:
    diseases = written_gold.entities["diseases"]
    # diarrhea (by MONDO alt id), eczema and alopecia found; hepatitis and the id-less sign missed.
    assert (diseases.tp, diseases.fn) == (3, 2)
    assert diseases.recall == pytest.approx(3 / 5)
    chemicals = written_gold.entities["chemicals"]
    assert (chemicals.tp, chemicals.fp, chemicals.fn) == (1, 0, 0) and chemicals.f1 == 1.0


def test_patients_paired_by_label_and_fields_counted(written_gold: EvalReport) -> None:
    fields = written_gold.fields
    # P1's gold sex is wrong on purpose; the broken document's proband was not extracted at all.
    assert (fields["sex"].correct, fields["sex"].total) == (1, 3)
    assert (fields["age_at_diagnosis"].correct, fields["age_at_diagnosis"].total) == (2, 2)
    assert (fields["outcome_status"].correct, fields["outcome_status"].total) == (2, 2)
    assert fields["age_at_onset"].total == 0  # neither side states it: not counted
    assert (written_gold.phenotypes.tp, written_gold.phenotypes.fn) == (3, 1)
    assert (written_gold.treatments.tp, written_gold.treatments.fp, written_gold.treatments.fn) == (1, 0, 0)
    assert (written_gold.patient_count.correct, written_gold.patient_count.total) == (1, 2)


def test_documents_that_do_not_parse_are_reported_and_count_as_missed(written_gold: EvalReport) -> None:
    by_id = {d.doc_id: d for d in written_gold.documents}
    assert set(by_id) == {"brothers", "broken"}
    assert by_id["broken"].error and "malformed XML" in by_id["broken"].error
    assert by_id["broken"].entities["genes"].fn == 1 and written_gold.entities["genes"].fn == 1
    assert [str(e) for e in by_id["broken"].field_errors] == ["proband: sex: 'female' != None"]
    assert [str(e) for e in by_id["brothers"].field_errors] == ["P1: sex: 'female' != 'male'"]
    assert by_id["brothers"].alignment == [("P2", "Patient 2"), ("P1", "Patient 1")]


def test_report_renders_as_table_and_json(written_gold: EvalReport) -> None:
    console = Console(record=True, width=120)
    console.print(written_gold.render_table())
    rendered = console.export_text()
    assert "entities: diseases" in rendered and "patient count exact" in rendered
    payload = json.loads(json.dumps(written_gold.to_json()))
    assert payload["entities"]["diseases"]["recall"] == 0.6
    assert payload["patient_fields"]["sex"] == {"accuracy": round(1 / 3, 4), "correct": 1, "total": 3}


def test_each_document_lists_what_was_missed(written_gold: EvalReport) -> None:
    errors = next(d for d in written_gold.to_json()["per_document"] if d["doc_id"] == "brothers")["errors"]
    assert set(errors["diseases"]["missed"]) == {"hepatitis | MESH:D006505", "an unverified sign | -"}
    assert errors["patient phenotypes"]["missed"] == ["hepatitis | MESH:D006505"]
    assert "patient treatments" not in errors  # nothing missed, nothing spurious
    broken = next(d for d in written_gold.to_json()["per_document"] if d["doc_id"] == "broken")
    assert broken["errors"]["genes"] == {"missed": ["FOXP3 | NCBIGene:50943"], "spurious": []}


def test_real_gold_dev_set(nlp: Language, gold_dir: Path) -> None:
    report = evaluate_gold(gold_dir, nlp)
    gold_ids = {p.stem for p in gold_dir.glob("*.json")}
    assert {d.doc_id for d in report.documents} == gold_ids
    assert not [d.doc_id for d in report.documents if d.error]
    assert report.patient_count.total == len(gold_ids)
    # Floors well below the measured scores (see the README table): a regression guard, not a target.
    assert report.entities["genes"].f1 > 0.8
    assert report.entities["variants"].f1 > 0.8
    assert report.fields["sex"].value > 0.8


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("P2", "2"),
        ("Patient 2", "2"),
        ("case II", "2"),
        ("Subject no. 3", "3"),
        ("II-3", "2-3"),
        ("II:3", "2-3"),
        ("Family A IV-4", "a:4-4"),
        ("the proband", "proband"),
        ("Index case", "proband"),
        ("Elder  brother", "elder brother"),
        ("Patient 1 (proband)", "1"),
        ("proband (III:5)", "3-5"),
        ("Patient II.3", "2-3"),
        ("proposita", "proband"),
        ("HLA-identical brother of P5", "hla-identical brother of p5"),
    ],
)
def test_labels_compared_in_canonical_form(label: str, key: str) -> None:
    assert label_key(label) == key


def _variant(c: str | None = None, p: str | None = None) -> dict[str, Any]:
    return {"gene": "FOXP3", "hgvs_c": c, "hgvs_p": p}


def test_patients_aligned_by_best_match_not_by_order() -> None:
    # Unlabelled siblings listed in another order: the variant and sex decide who is who.
    gold = [
        _patient("elder brother", sex="male", variants=[_variant("c.1150G>A")]),
        _patient("sister", sex="female", variants=[_variant(p="p.Arg347His")]),
    ]
    predicted = [
        _patient("sister", sex="female", variants=[_variant(p="p.R347H")]),
        _patient("brother", sex="male", variants=[_variant("c.1150 G>A")]),
        _patient("mother", sex="female"),
    ]
    pairs = align_patients(gold, predicted)
    assert [(g and g["label"], p and p["label"]) for g, p in pairs] == [
        ("elder brother", "brother"),
        ("sister", "sister"),
        (None, "mother"),
    ]


def test_variant_field_needs_exactly_the_patients_variants() -> None:
    report = EvalReport(gold_dir="-")
    gold = {
        "patients": [
            _patient("P1", variants=[_variant("c.543+5G>A"), _variant(p="p.Leu76GlnfsTer53")]),
            _patient("P2", variants=[_variant("c.1189C>T"), _variant("c.7276_7280delCAATA")]),
            _patient("P3"),
        ]
    }
    result = ExtractionResult(
        doc_id="d",
        extractor_version="test",
        patients=[
            Patient(
                label="Patient 1",
                variants=[PatientVariant(hgvs_c="c.543+5G>A"), PatientVariant(hgvs_p="p.Leu76Glnfs*53")],
            ),
            # a relative's variant given to P2 as well: not P2's variants any more
            Patient(
                label="Patient 2",
                variants=[
                    PatientVariant(hgvs_c="c.1189C>T"),
                    PatientVariant(hgvs_c="c.7276_7280del"),  # the deleted bases left out
                    PatientVariant(hgvs_c="c.1G>A"),
                ],
            ),
            Patient(label="Patient 3"),
        ],
    )
    evaluation = compare_document(report, "d", gold, result)
    assert (report.fields["variants"].correct, report.fields["variants"].total) == (1, 2)
    assert [e.field for e in evaluation.field_errors] == ["variants"]
    assert (report.patient_variants.tp, report.patient_variants.fp) == (4, 1)
    assert report.patient_count_confusion == {"3 -> 3": 1}


def test_outcome_unknown_in_gold_makes_a_stated_alive_wrong() -> None:
    report = EvalReport(gold_dir="-")
    gold = {"patients": [_patient("proband", outcome={"status": "unknown"})]}
    result = ExtractionResult(
        doc_id="d", extractor_version="test", patients=[Patient(outcome=Outcome(status="alive"))]
    )
    compare_document(report, "d", gold, result)
    assert (report.fields["outcome_status"].correct, report.fields["outcome_status"].total) == (0, 1)


def test_gold_kept_apart_from_its_texts_with_a_fixed_split(tmp_path: Path, nlp: Language) -> None:
    gold_dir, texts = tmp_path / "gold", tmp_path / "texts"
    gold_dir.mkdir()
    texts.mkdir()
    (texts / "brothers.txt").write_text(REPORT_TEXT)
    (texts / "other.txt").write_text("Patient 1 was a girl.")
    (gold_dir / "brothers.json").write_text(json.dumps({**GOLD, "entities": None}))
    (gold_dir / "other.json").write_text(json.dumps({"doc_id": "other", "patients": [_patient("P1")]}))
    (gold_dir / "third.json").write_text(json.dumps({"doc_id": "third", "patients": []}))
    # the fixed halves: ids sorted, every other one ("brothers", "other", "third")
    report = evaluate_gold(gold_dir, nlp, texts_dir=texts, split="tuning")
    assert [d.doc_id for d in report.documents] == ["brothers", "third"]
    assert report.documents[1].error == "no text for third (.txt or .xml)"
    assert not report.has_entities  # gold without entity sets: only the patients are measured
    assert report.patient_count_confusion == {"2 -> 2": 1, "0 -> 0": 1}
    checking = evaluate_gold(gold_dir, nlp, texts_dir=texts, split="checking")
    assert [d.doc_id for d in checking.documents] == ["other"]
