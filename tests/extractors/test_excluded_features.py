"""Excluded features: what curators record as looked for and absent in an individual. A table cell
saying absent under a sign ("−", "N"), a sign the case text negates ("no seizures", "ruled out"),
a normal result ("normal hearing" -> hearing impairment excluded); a cell saying the sign was not
assessed ("nd", "n.a.") says nothing."""

from __future__ import annotations

import pytest
import spacy
from extract_pipeline import case_report, jats_document, pipeline_for
from spacy.language import Language

from caseminer.extractors.normal_findings import find_normal_findings
from caseminer.extractors.patients import cell_reading
from caseminer.pipeline.extract import extract_document
from caseminer.schemas.extraction import Patient
from caseminer.vocab import TerminologyStore

INTELLECTUAL_DISABILITY = "HP:0001249"
HEARING_IMPAIRMENT = "HP:0000365"
VISUAL_IMPAIRMENT = "HP:0000505"
ELEVATED_CK = "HP:0003236"
ABNORMAL_NERVE_CONDUCTION = "HP:0040129"


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


def _ids(patient: Patient, *, excluded: bool) -> set[str]:
    return {i for p in patient.phenotypes if p.excluded == excluded for i in p.ids}


def _texts(patient: Patient, *, excluded: bool) -> set[str]:
    return {p.text.lower() for p in patient.phenotypes if p.excluded == excluded}


@pytest.mark.parametrize("value", ["+", "++", "+++", "+a", "Y", "yes", "Present"])
def test_a_cell_saying_present(value: str) -> None:
    assert cell_reading(value) is True


@pytest.mark.parametrize("value", ["−", "-", "–", "—", "−b", "---", "N", "no", "None", "absent"])
def test_a_cell_saying_absent(value: str) -> None:
    assert cell_reading(value) is False


@pytest.mark.parametrize(
    "value", ["nd", "ND", "N.D.", "not done", "n.a.", "NA", "N/A", "unknown", "±", "?", "12 years", ""]
)
def test_a_cell_saying_neither(value: str) -> None:
    """Not assessed, unsure, or a value: the sign is neither present nor excluded."""
    assert cell_reading(value) is None


SIGN_TABLE = """<sec><title>Case presentation</title><p>Three unrelated children were studied.</p>
<table-wrap id="t1"><label>Table 1</label><caption><p>Clinical findings</p></caption><table>
<thead><tr><th>Patient</th><th>Sex</th><th>Seizures</th><th>Microcephaly</th><th>HSCT</th></tr></thead>
<tbody><tr><td>P1</td><td>M</td><td>+</td><td>&#8722;</td><td>not done</td></tr>
<tr><td>P2</td><td>F</td><td>&#8722;</td><td>nd</td><td>yes</td></tr>
<tr><td>P3</td><td>F</td><td>n.a.</td><td>unknown</td><td>&#8722;</td></tr></tbody>
</table></table-wrap></sec>"""


def test_sign_cells_say_present_absent_or_nothing(nlp: Language) -> None:
    patients = {p.label: p for p in extract_document(jats_document(SIGN_TABLE), nlp).patients}
    assert list(patients) == ["Patient 1", "Patient 2", "Patient 3"]
    assert _texts(patients["Patient 1"], excluded=False) == {"seizures"}
    assert _texts(patients["Patient 1"], excluded=True) == {"microcephaly"}  # the minus sign, U+2212
    assert _texts(patients["Patient 2"], excluded=True) == {"seizures"}
    assert _texts(patients["Patient 2"], excluded=False) == set()  # "nd": not assessed
    assert patients["Patient 3"].phenotypes == []  # "n.a.", "unknown": not assessed
    # under a transplant column "not done" still says the transplant was not performed
    assert [p.hsct.performed for p in patients.values()] == [False, True, False]


def test_normal_results_exclude_the_abnormality_they_rule_out(nlp: Language) -> None:
    result = case_report(
        "<p>A 6-year-old girl was referred for muscle weakness. She had normal intelligence, and her"
        " vision and hearing were normal. Her creatine kinase was 140 U/L (normal). Nerve conduction"
        " velocities were normal.</p>",
        nlp,
    )
    (patient,) = result.patients
    assert {INTELLECTUAL_DISABILITY, HEARING_IMPAIRMENT, VISUAL_IMPAIRMENT, ELEVATED_CK} <= _ids(
        patient, excluded=True
    )
    assert ABNORMAL_NERVE_CONDUCTION in _ids(patient, excluded=True)
    assert not _ids(patient, excluded=True) & _ids(patient, excluded=False)
    (hearing,) = [p for p in patient.phenotypes if HEARING_IMPAIRMENT in p.ids]
    assert hearing.text == "hearing" and hearing.label == "Hearing impairment"
    assert hearing.provenance is not None and hearing.provenance.extractor == "caseminer_context"
    assert hearing.provenance.sentence.endswith("vision and hearing were normal.")


def test_a_normal_result_said_in_general_or_mixed_excludes_nothing(nlp: Language) -> None:
    result = case_report(
        "<p>A 2-year-old boy had recurrent seizures and hearing loss. His creatine kinase levels were"
        " normal or mildly elevated on repeated testing.</p>",
        nlp,
        discussion="Children with this syndrome usually have normal intelligence.",
    )
    (patient,) = result.patients
    excluded = _ids(patient, excluded=True)
    assert not {ELEVATED_CK, INTELLECTUAL_DISABILITY, HEARING_IMPAIRMENT} & excluded
    assert "hearing loss" in _texts(patient, excluded=False)


def test_negated_signs_of_the_case_are_excluded(nlp: Language) -> None:
    result = case_report(
        "<p>A 4-year-old boy presented with short stature and scoliosis. He had no seizures. Blood"
        " tests ruled out renal insufficiency. A urinary infection was ruled out by culture.</p>",
        nlp,
    )
    (patient,) = result.patients
    assert {"seizures", "renal insufficiency", "urinary infection"} <= _texts(patient, excluded=True)
    assert "scoliosis" in _texts(patient, excluded=False)


@pytest.mark.parametrize(
    ("sentence", "subjects"),
    [
        ("A girl with normal intelligence and social skills.", ["intelligence"]),
        ("Vision and hearing were normal.", ["Vision", "hearing"]),
        ("EMG showed normal motor and sensory conduction velocities.", ["conduction velocities"]),
        ("The serum CK and LDH levels were within normal limits.", ["CK", "LDH"]),
        ("Brain magnetic resonance imaging was normal.", ["Brain magnetic resonance imaging"]),
        ("He had hearing loss, normal vision and a squint.", ["vision"]),
        ("Hearing was not normal.", []),
        ("Creatine kinase was elevated; hearing was normal.", ["hearing"]),
        ("The CK level was normal to low.", []),
        ("An abnormal EEG was recorded.", []),
    ],
)
def test_normal_findings_of_a_sentence(sentence: str, subjects: list[str]) -> None:
    doc = spacy.blank("en")(sentence)
    assert [span.text for span in find_normal_findings(doc, sentence.lower())] == subjects
