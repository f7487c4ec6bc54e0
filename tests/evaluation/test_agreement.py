"""Two annotators' annotations compared field by field (`caseminer eval --gold A --against B`), and
a gold folder that annotates one phenotype vocabulary only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from caseminer.evaluation.gold import EvalReport, compare_annotations, evaluate_agreement


def _patient(label: str, sex: str | None, onset_days: int | None, hp: list[str]) -> dict[str, Any]:
    return {
        "label": label,
        "sex": sex,
        "age_at_onset": {"text": "x", "days": onset_days} if onset_days is not None else None,
        "variants": [],
        "phenotypes": [{"text": term, "ids": [term]} for term in hp],
        "treatments": [],
        "outcome": {"status": "unknown"},
    }


def _write(folder: Path, doc_id: str, patients: list[dict[str, Any]]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{doc_id}.json").write_text(json.dumps({"doc_id": doc_id, "patients": patients}))


def test_second_annotator_measured_against_the_first(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _write(
        first,
        "1",
        [_patient("Patient 1", "male", 0, ["HP:0001250"]), _patient("Patient 2", "female", 365, [])],
    )
    _write(first, "2", [_patient("proband", "female", None, ["HP:0001263"])])
    # the second annotator read patient 2's onset differently and found a third patient
    _write(
        second,
        "1",
        [
            _patient("P1", "male", 0, ["HP:0001250"]),
            _patient("P2", "female", 730, []),
            _patient("P3", "male", None, []),
        ],
    )
    _write(second, "3", [_patient("proband", "male", None, [])])  # not in the first folder: left out

    report = evaluate_agreement(first, second)

    assert [d.doc_id for d in report.documents] == ["1"]
    fields = report.to_json()["patient_fields"]
    assert fields["sex"]["correct"] == 2 and fields["sex"]["total"] == 2
    assert fields["age_at_onset"]["correct"] == 1 and fields["age_at_onset"]["total"] == 2
    assert report.to_json()["patient_count_confusion"] == {"2 -> 3": 1}
    assert report.phenotypes.tp == 1 and report.phenotypes.fp == 0


def test_predicted_phenotypes_outside_the_gold_vocabulary_are_out_of_scope() -> None:
    gold = {"patients": [_patient("proband", None, None, ["HP:0001250"])]}
    seizure = {"text": "seizures", "ids": ["HP:0001250", "MESH:D012640"]}
    syndrome = {"text": "Dravet syndrome", "ids": ["MONDO:0100135"]}  # the diagnosis: no HPO term
    predicted = {"patients": [{**_patient("proband", None, None, []), "phenotypes": [seizure, syndrome]}]}

    scoped = EvalReport(gold_dir="g")
    compare_annotations(scoped, "1", gold, predicted, phenotype_vocabulary="HP")
    unscoped = EvalReport(gold_dir="g")
    compare_annotations(unscoped, "1", gold, predicted)

    assert (scoped.phenotypes.tp, scoped.phenotypes.fp) == (1, 0)
    assert (unscoped.phenotypes.tp, unscoped.phenotypes.fp) == (1, 1)
    assert len(predicted["patients"][0]["phenotypes"]) == 2  # the caller's prediction is not edited
