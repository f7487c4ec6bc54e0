"""caseminer.extractors.segmentation: who a report describes, on sentences written for these tests.

One test per form of the literature (patients' issue), and the traps: a review paragraph about other
publications' patients, "both parents were healthy", a relative named without a course of their own.
"""

from __future__ import annotations

import pytest
from extract_pipeline import jats_document, pipeline_for
from spacy.language import Language

from caseminer.pipeline.extract import extract_document
from caseminer.schemas.extraction import ExtractionResult, Patient
from caseminer.vocab import TerminologyStore


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


def _extract(nlp: Language, *paragraphs: str, discussion: str = "", abstract: str = "") -> ExtractionResult:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    sections = f"<sec><title>Case presentation</title>{body}</sec>"
    if discussion:
        sections += f"<sec><title>Discussion</title><p>{discussion}</p></sec>"
    return extract_document(jats_document(sections, abstract=abstract), nlp)


def _by_label(result: ExtractionResult) -> dict[str, Patient]:
    return {p.label: p for p in result.patients}


def _signs(patient: Patient) -> set[str]:
    return {p.text.lower() for p in patient.phenotypes}


def test_numbered_range_and_labels_with_their_variant(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Six patients (P1-P6) from unrelated families were studied.",
        "P1 was a boy with diarrhea. P2 (R347H) had eczema and diabetes.",
        "P3 had alopecia. P4 had thyroiditis. P5 had nephritis. P6 had anemia.",
    )
    patients = _by_label(result)
    assert list(patients) == [f"Patient {n}" for n in range(1, 7)]
    assert {"eczema", "diabetes"} <= _signs(patients["Patient 2"])
    assert [v.hgvs_p for v in patients["Patient 2"].variants] == ["p.Arg347His"]
    assert not patients["Patient 1"].variants


def test_pedigree_labels(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient II.3 is the youngest of three brothers. He had spasticity of the legs from 2 years.",
        "Patient II.1 is the oldest brother. He developed seizures at 4 months.",
        "Individual II:2 is healthy.",
    )
    patients = _by_label(result)
    assert list(patients) == ["II-3", "II-1"]  # II-2 has no course of his own
    assert "seizures" in _signs(patients["II-1"]) and "seizures" not in _signs(patients["II-3"])


def test_affected_members_listed_by_pedigree_position(nlp: Language) -> None:
    methods = (
        "<sec><title>Methods</title><p>DNA of the three affected siblings (II.1, II.3, and II.4) and of"
        " their unaffected sister II.2 was genotyped.</p></sec>"
    )
    case = "<sec><title>Case presentation</title><p>Patient II.3 had ptosis from 5 years.</p></sec>"
    result = extract_document(jats_document(methods + case), nlp)
    patients = _by_label(result)
    assert sorted(patients) == ["II-1", "II-3", "II-4"]  # the unaffected sister is no patient
    assert "ptosis" in _signs(patients["II-3"]) and "ptosis" not in _signs(patients["II-1"])


def test_patients_labelled_by_sample_numbers(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient #12 was a girl with hypotonia. Patient #31 harboured the de novo variant c.100C>T.",
        "Seizures were found in cases #12 and #31. Scoliosis was present in #31.",
        "The variant is listed in LOVD as #0000096186.",
    )
    patients = _by_label(result)
    assert list(patients) == ["#12", "#31"]
    assert {"seizures", "scoliosis"} <= _signs(patients["#31"])
    assert "seizures" in _signs(patients["#12"]) and "scoliosis" not in _signs(patients["#12"])
    assert [v.hgvs_c for v in patients["#31"].variants] == ["c.100C>T"] and not patients["#12"].variants


def test_fact_stated_for_both_goes_to_each(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a girl with myopathy.",
        "Patient 2, her sister, had scoliosis.",
        "A homozygous c.19G&gt;A variant of CFL2 was identified in both siblings.",
    )
    patients = _by_label(result)
    assert [[v.hgvs_c for v in p.variants] for p in patients.values()] == [["c.19G>A"], ["c.19G>A"]]
    assert "scoliosis" not in _signs(patients["Patient 1"])


def test_families_each_with_their_proband_and_relatives(nlp: Language) -> None:
    body = (
        "<sec><title>Family 1</title><p>A 37-year-old woman had spastic ataxia since 21 years.</p></sec>"
        "<sec><title>Family 2</title><p>A 54-year-old woman had dysarthria and spasticity.</p>"
        "<p>Her younger sister had ataxia since the age of 40 years.</p></sec>"
    )
    result = extract_document(jats_document(body), nlp)
    patients = _by_label(result)
    assert list(patients) == ["Family 1", "Family 2", "Family 2 younger sister"]
    assert patients["Family 2 younger sister"].sex == "female"
    assert "ataxia" in _signs(patients["Family 2 younger sister"])
    assert "ataxia" not in _signs(patients["Family 2"])


def test_index_case_and_relatives_with_a_course_of_their_own(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 2-month-old boy presented with watery diarrhea. He has a brother with eczema and a cousin"
        " who was born with an imperforate anus.",
        "The proband's 58-year-old mother had hypothyroidism. Both parents were healthy otherwise.",
        "His father was a heterozygous carrier. He has a healthy sister.",
    )
    patients = _by_label(result)
    assert list(patients) == ["proband", "brother", "cousin", "mother"]
    assert _signs(patients["brother"]) == {"eczema"} and _signs(patients["cousin"]) == {"imperforate anus"}
    assert patients["mother"].sex == "female" and "hypothyroidism" in _signs(patients["mother"])
    assert "eczema" not in _signs(patients["proband"])


def test_relatives_in_a_clause_and_two_relatives_in_one_subject(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 14-year-old girl had progressive ptosis. Her parents were cousins, and one of her younger"
        " sisters had similar ptosis.",
        "The proband's aunt and uncle both had cataracts. Her grandmother was healthy.",
    )
    patients = _by_label(result)
    assert list(patients) == ["proband", "younger sister", "aunt", "uncle"]
    assert "ptosis" in _signs(patients["younger sister"]) and patients["younger sister"].sex == "female"
    assert "cataracts" in _signs(patients["aunt"]) and "cataracts" in _signs(patients["uncle"])
    assert patients["uncle"].sex == "male"


def test_fetuses_of_successive_pregnancies(nlp: Language) -> None:
    result = _extract(
        nlp,
        "In the first pregnancy, the fetus had hydrops at 22 weeks of gestation.",
        "In the second pregnancy, the fetus had cystic hygroma and the pregnancy was terminated.",
    )
    patients = _by_label(result)
    assert list(patients) == ["Fetus 1", "Fetus 2"]
    assert "hydrops" in " ".join(_signs(patients["Fetus 1"]))
    assert "cystic hygroma" in _signs(patients["Fetus 2"])
    assert patients["Fetus 1"].age_at_onset is not None and patients["Fetus 1"].age_at_onset.days == 0


def test_patients_of_a_table(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 1</label><caption><p>Patients</p></caption><table>"
        "<thead><tr><th>Patient</th><th>Sex</th><th>Age at onset</th></tr></thead><tbody>"
        "<tr><td>1</td><td>M</td><td>3 weeks</td></tr><tr><td>2</td><td>F</td><td>2 months</td></tr>"
        "</tbody></table></table-wrap>"
    )
    result = extract_document(jats_document(f"<sec><title>Results</title>{table}</sec>"), nlp)
    assert [(p.label, p.sex) for p in result.patients] == [("Patient 1", "male"), ("Patient 2", "female")]


def test_review_of_other_publications_patients_is_no_patient_of_this_article(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 4-year-old girl had seizures. Sequencing found c.100C&gt;T in the patient.",
        "Patient 3 of Smith et al. carried c.200G&gt;A, c.300G&gt;A and c.400G&gt;A.",
        "Previously reported variants include c.500A&gt;G (n = 3), c.600del (n = 2) and c.700C&gt;T.",
    )
    (patient,) = result.patients
    assert [v.hgvs_c for v in patient.variants] == ["c.100C>T"]
    assert {v.text for v in result.entities.variants} >= {"c.200G>A", "c.500A>G"}  # still entities


def test_relatives_named_without_a_course_are_no_patients(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 9-year-old boy had ataxia and dysarthria. Both parents were healthy.",
        "His mother was heterozygous for the variant. His brother is 12 years old.",
    )
    assert [p.label for p in result.patients] == ["proband"]


def test_siblings_the_report_counts_are_all_its_patients(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Two brothers of consanguineous parents were referred with ataxia.",
        "The elder brother had seizures since 3 years. The younger brother had scoliosis.",
    )
    patients = _by_label(result)
    assert list(patients) == ["elder brother", "younger brother"]
    assert all("ataxia" in _signs(p) for p in patients.values())  # said of both
    assert "scoliosis" not in _signs(patients["elder brother"])
    assert all(p.sex == "male" and p.consanguinity for p in patients.values())


def test_relative_of_a_numbered_patient_who_shares_the_disease(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a 3-year-old boy with short stature and prominent eyes.",
        "Patient 2 was a 5-year-old girl with mesomelia and short stature. "
        "The mother of the proband also had short stature and mesomelia. "
        "Her father has bipolar disorder.",
        "Patient 3 was a 2-year-old boy with prominent eyes. The father (Patient 1) also had prominent eyes.",
    )
    patients = _by_label(result)
    # the father with a condition of his own is family history; the numbered father is Patient 1
    assert list(patients) == ["Patient 1", "Patient 2", "Patient 3", "Patient 2 mother"]
    assert patients["Patient 2 mother"].sex == "female"
    assert "mesomelia" in _signs(patients["Patient 2 mother"])
    assert "bipolar disorder" not in _signs(patients["Patient 2"])
