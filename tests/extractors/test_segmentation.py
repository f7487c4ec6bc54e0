"""caseminer.extractors.segmentation: who a report describes, on sentences written for these tests.

One test per form of the literature (patients' issue), and the traps: a review paragraph about other
publications' patients, "both parents were healthy", a relative named without a course of their own.
"""

from __future__ import annotations

import pytest
from extract_pipeline import case_report, jats_document, pipeline_for
from spacy.language import Language

from caseminer.pipeline.extract import extract_document
from caseminer.schemas.extraction import ExtractionResult, Patient
from caseminer.vocab import TerminologyStore


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


def _extract(nlp: Language, *paragraphs: str, discussion: str = "", abstract: str = "") -> ExtractionResult:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return case_report(body, nlp, discussion=discussion, abstract=abstract)


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


@pytest.mark.parametrize(
    "sentence",
    [
        "Two of the variants, c.1106G&gt;A in patient 1 and c.1102G&gt;A in patient 2, lie in the middle"
        " domain.",
        "Sequencing in patient 1 revealed c.1106G&gt;A, whereas patient 2 carried c.1102G&gt;A.",
    ],
)
def test_each_part_of_a_sentence_naming_two_patients_goes_to_its_patient(
    sentence: str, nlp: Language
) -> None:
    result = _extract(nlp, "Patient 1 was a boy with myopathy. Patient 2 was a girl with ptosis.", sentence)
    patients = _by_label(result)
    assert [v.hgvs_c for v in patients["Patient 1"].variants] == ["c.1106G>A"]
    assert [v.hgvs_c for v in patients["Patient 2"].variants] == ["c.1102G>A"]


def test_a_variant_the_discussion_is_first_to_name_is_the_literatures(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 30-year-old man had seizures and chorea. Sequencing revealed a homozygous c.8282C&gt;G"
        " variant of VPS13A.",
        discussion="Seizures were the first symptom of our patient, as in the families with the c.2343del"
        " variant of VPS13A. The c.8282C&gt;G variant of our patient is novel.",
    )
    (patient,) = result.patients
    assert [v.hgvs_c for v in patient.variants] == ["c.8282C>G"]


def test_individuals_a_series_counts_by_sample_number(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 20-year-old man had spastic ataxia.",
        "We found variants in three more families. One Italian patient (ITA-101-005) harbored a"
        " homozygous c.183dup variant of CAPN1, two Tunisian siblings (Tun6627 and Tun6628) had a"
        " homozygous c.1534C&gt;T variant of CAPN1 and spasticity.",
    )
    patients = _by_label(result)
    assert {"ITA-101-005", "Tun6627", "Tun6628"} <= set(patients)
    assert [v.hgvs_c for v in patients["ITA-101-005"].variants] == ["c.183dup"]
    assert [v.hgvs_c for v in patients["Tun6628"].variants] == ["c.1534C>T"]


def test_patients_counted_in_words_are_a_numbered_series(nlp: Language) -> None:
    result = _extract(
        nlp,
        "The first patient was a 7-year-old girl with diabetes. The second patient was a 4-year-old boy"
        " with eczema.",
    )
    patients = _by_label(result)
    assert list(patients) == ["Patient 1", "Patient 2"]
    assert patients["Patient 1"].sex == "female" and patients["Patient 2"].sex == "male"
    assert "eczema" in _signs(patients["Patient 2"]) and "eczema" not in _signs(patients["Patient 1"])


def test_variants_the_report_calls_no_cause_are_not_the_patients(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 20-year-old man had albinism and nystagmus. Compound heterozygous c.808-3C&gt;G and"
        " c.2080-2A&gt;G variants of OCA2 were identified.",
        "Heterozygous c.814G&gt;A and c.890C&gt;T variants of SLC45A2 may not be associated with the"
        " disease in this family. The c.1221G&gt;A polymorphism of TYR was also found.",
    )
    (patient,) = result.patients
    assert {v.hgvs_c for v in patient.variants} == {"c.808-3C>G", "c.2080-2A>G"}


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


def test_a_fact_for_a_list_of_patients_with_a_serial_comma_goes_to_each(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a man with myopathy. Patient 2 was a woman with ptosis.",
        "Patient 3 was a boy with myopathy. Patient 4 was a girl with ptosis.",
        "Three of the patients (patients 1, 3, and 4) had scoliosis.",
    )
    patients = _by_label(result)
    assert ["scoliosis" in _signs(p) for p in patients.values()] == [True, False, True, True]


def test_the_patients_as_subject_is_each_of_them(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a man with myopathy.",
        "Patient 2, his brother, had scoliosis.",
        "Specifically, the patients had muscle weakness, with onset in the third decade.",
        discussion="Unlike the patients with POMT1 deficiency, none of them had seizures.",
    )
    patients = _by_label(result)
    assert [p.age_at_onset.days if p.age_at_onset else None for p in patients.values()] == [7300, 7300]
    assert all("muscle weakness" in _signs(p) for p in patients.values())
    assert not any("seizures" in _signs(p) for p in patients.values())


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


@pytest.mark.parametrize(
    ("discussion", "sister_signs"),
    [
        ("The proband's sister had ventricular tachycardia on testing.", {"ventricular tachycardia"}),
        ("The variant was found in an affected sister and in the proband.", set()),
    ],
)
def test_the_probands_relatives_in_the_discussion_are_this_reports_family(
    discussion: str, sister_signs: set[str], nlp: Language
) -> None:
    result = _extract(
        nlp,
        "A 35-year-old man had recurrent syncope. His 30-year-old sister carries the same variant.",
        discussion=f"{discussion} Brothers of patients with this syndrome often have syncope.",
    )
    patients = _by_label(result)
    assert list(patients) == ["proband", "sister"]
    assert patients["sister"].sex == "female" and sister_signs <= _signs(patients["sister"])


def test_what_follows_the_relatives_a_relative_had_is_theirs(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 3-year-old girl had growth failure and photosensitivity.",
        "Her mother also had two sons with the same condition who died in early childhood.",
    )
    patients = _by_label(result)
    assert "mother" not in patients
    assert "proband" in patients


def test_a_relatives_age_is_the_relatives_in_every_sentence_about_them(nlp: Language) -> None:
    result = _extract(
        nlp,
        "The proband was a 30-year-old man with syncope. The proband's 33-year-old sister was tested"
        " elsewhere and carries the same variant.",
        "The proband's sister had ventricular tachycardia on testing.",
    )
    patients = _by_label(result)
    assert patients["proband"].age_at_presentation is not None
    assert patients["proband"].age_at_presentation.days == 10950
    sister = patients["sister"].age_at_presentation
    assert sister is not None and sister.days == 12045


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


def test_a_patient_table_with_an_empty_cell_keeps_each_cell_in_its_column(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 1</label><caption><p>Patients</p></caption><table>"
        "<thead><tr><th>Patient</th><th>Country</th><th>Sex</th></tr></thead><tbody>"
        "<tr><td>1</td><td></td><td>M</td></tr><tr><td>2</td><td>Italy</td><td>F</td></tr>"
        "</tbody></table></table-wrap>"
    )
    result = extract_document(jats_document(f"<sec><title>Results</title>{table}</sec>"), nlp)
    assert [(p.label, p.sex) for p in result.patients] == [("Patient 1", "male"), ("Patient 2", "female")]


def test_variants_of_a_table_of_other_reports_stay_theirs_when_the_text_names_them(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 2</label><caption><p>Splicing assays</p></caption><table>"
        "<thead><tr><th>Mutation</th><th>Reference</th><th>Exon</th></tr></thead><tbody>"
        "<tr><td>c.725T&gt;C</td><td></td><td>9</td></tr><tr><td>c.741G&gt;T</td><td></td><td>9</td></tr>"
        "<tr><td>c.1221G&gt;A</td><td>This study</td><td>12</td></tr>"
        "</tbody></table></table-wrap>"
    )
    body = (
        "<sec><title>Case presentation</title><p>A 4-year-old boy had cataract. Sequencing of OCRL"
        " found the c.1221G&gt;A variant in the patient.</p>"
        "<p>In the patient, the minigenes with mutations c.725T&gt;C and c.741G&gt;T showed aberrant"
        f" splicing.</p>{table}</sec>"
    )
    (patient,) = extract_document(jats_document(body), nlp).patients
    assert [v.hgvs_c for v in patient.variants] == ["c.1221G>A"]


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


def test_a_relative_named_beside_the_patient_shares_the_sentence(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a 3-year-old boy with short stature.",
        "Patient 2 was a 5-year-old boy with mesomelia. The elder sibling of the proband also had mesomelia.",
        "Patient 1 had a homozygous c.545G&gt;A variant of ROR2. "
        "Patient 2 and his elder sib had a homozygous c.227G&gt;A variant of ROR2.",
    )
    patients = _by_label(result)
    assert [v.hgvs_c for v in patients["Patient 2 elder sibling"].variants] == ["c.227G>A"]
    assert [v.hgvs_c for v in patients["Patient 1"].variants] == ["c.545G>A"]


def test_a_variant_that_segregates_is_shared_within_each_family(nlp: Language) -> None:
    body = (
        "<sec><title>Family 1</title><p>A 37-year-old woman had spastic ataxia. Sequencing revealed a"
        " homozygous c.994G&gt;A variant of CAPN1.</p></sec>"
        "<sec><title>Family 2</title><p>A 54-year-old woman had dysarthria and spasticity. Her younger"
        " sister also had spasticity since the age of 40 years. A homozygous c.1176G&gt;A variant of"
        " CAPN1 was found in the proband and segregated with the disease.</p></sec>"
    )
    patients = _by_label(extract_document(jats_document(body), nlp))
    assert list(patients) == ["Family 1", "Family 2", "Family 2 younger sister"]
    assert [v.hgvs_c for v in patients["Family 2 younger sister"].variants] == ["c.1176G>A"]
    assert [v.hgvs_c for v in patients["Family 1"].variants] == ["c.994G>A"]


def test_a_family_variant_named_for_no_member_is_each_affected_members(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A homozygous splice site variant of NT5C2 (c.1159+1G&gt;T) was identified that segregated"
        " with the disease in the family.",
        "Patient II.3 is a 3-year-old boy with spasticity. Patient II.1 is his 9-year-old brother"
        " with spasticity and developmental delay.",
    )
    patients = _by_label(result)
    assert list(patients) == ["II-3", "II-1"]
    assert all([v.hgvs_c for v in p.variants] == ["c.1159+1G>T"] for p in patients.values())


def test_a_relative_called_affected_where_a_variant_is_found_is_an_individual(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 12-year-old boy had ptosis and muscle weakness.",
        "A heterozygous c.640G&gt;T variant of GSN was identified in the proband and in his affected"
        " brother. A photograph of the affected father is shown in Figure 1.",
    )
    patients = _by_label(result)
    assert list(patients) == ["proband", "brother"]
    assert patients["brother"].sex == "male"
    assert [v.hgvs_c for v in patients["brother"].variants] == ["c.640G>T"]


def test_the_other_patients_are_those_the_sentence_has_not_named(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Patient 1 was a 9-year-old boy with ptosis. Patient 2 was a 12-year-old girl with ptosis.",
        "Patient 3 was a 15-year-old boy with scoliosis.",
        "At the last visit, patient 2 had dysphagia, while the other two patients had muscle cramps.",
    )
    patients = _by_label(result)
    assert ["muscle cramps" in _signs(p) for p in patients.values()] == [True, False, True]
    assert ["dysphagia" in _signs(p) for p in patients.values()] == [False, True, False]


def test_a_table_with_a_column_per_individual_named_by_pedigree_or_registry_number(nlp: Language) -> None:
    def table(first: str, second: str) -> str:
        return (
            "<table-wrap><label>Table 1</label><caption><p>Clinical features</p></caption><table>"
            f"<thead><tr><th>Feature</th><th>{first}</th><th>{second}</th></tr></thead><tbody>"
            "<tr><td>Sex</td><td>M</td><td>F</td></tr><tr><td>Seizures</td><td>+</td><td>−</td></tr>"
            "</tbody></table></table-wrap>"
        )

    by_pedigree = extract_document(
        jats_document(
            "<sec><title>Case presentation</title><p>II-1 had ataxia since the age of 3 years.</p>"
            f"<p>II-3 had ataxia since the age of 5 years.</p>{table('Patient II.1', 'Present in II:3*')}"
            "</sec>"
        ),
        nlp,
    )
    patients = _by_label(by_pedigree)
    assert [(label, p.sex) for label, p in patients.items()] == [("II-1", "male"), ("II-3", "female")]
    assert "seizures" in _signs(patients["II-1"])
    # "−" in II-3's column: looked for and absent, an excluded feature
    assert [p.excluded for p in patients["II-3"].phenotypes if p.text.lower() == "seizures"] == [True]
    by_number = extract_document(
        jats_document(f"<sec><title>Results</title>{table('#11', '#27')}</sec>"), nlp
    )
    assert [(p.label, p.sex) for p in by_number.patients] == [("#11", "male"), ("#27", "female")]


def test_a_table_whose_columns_are_numbered_under_a_patient_header(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 1</label><caption><p>Clinical features</p></caption><table>"
        "<thead><tr><th>Patient</th><th>1</th><th>2</th><th>3</th></tr></thead><tbody>"
        "<tr><td>Gender</td><td>Male</td><td>Female</td><td>Female</td></tr>"
        "<tr><td>Seizures</td><td>+</td><td>−</td><td>+</td></tr></tbody></table></table-wrap>"
    )
    result = extract_document(
        jats_document(
            f"<sec><title>Case presentation</title><p>We describe three patients.</p>{table}</sec>"
        ),
        nlp,
    )
    patients = _by_label(result)
    assert [(label, p.sex) for label, p in patients.items()] == [
        ("Patient 1", "male"),
        ("Patient 2", "female"),
        ("Patient 3", "female"),
    ]
    assert [p.excluded for p in patients["Patient 2"].phenotypes if p.text.lower() == "seizures"] == [True]


def test_a_table_numbering_other_reports_patients_under_a_hash_names_no_patient(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 2</label><caption><p>Patients reported with NRAS mutations</p></caption>"
        "<table><thead><tr><th>#</th><th>1</th><th>2</th></tr></thead><tbody>"
        "<tr><td>Patient</td><td>De Filippi et al.</td><td>Runtuwene et al.</td></tr>"
        "<tr><td>Sex</td><td>M</td><td>F</td></tr></tbody></table></table-wrap>"
    )
    result = extract_document(
        jats_document(
            f"<sec><title>Case presentation</title><p>A 3-year-old boy had ptosis.</p>{table}</sec>"
        ),
        nlp,
    )
    assert [p.label for p in result.patients] == ["proband"]


def test_the_probands_relative_opening_a_patients_section_is_that_patient(nlp: Language) -> None:
    body = (
        "<sec><title>Case reports</title>"
        "<sec><title>Patient 1</title><p>The proband is the first child of consanguineous parents. She"
        " had a kyphoscoliosis.</p></sec>"
        "<sec><title>Patient 2</title><p>The proband's sister was also born at term. She had hypotonia"
        " and a waddling gait.</p></sec></sec>"
    )
    patients = _by_label(extract_document(jats_document(body), nlp))
    assert list(patients) == ["Patient 1", "Patient 2"]
    assert "hypotonia" in _signs(patients["Patient 2"]) and "hypotonia" not in _signs(patients["Patient 1"])


def test_families_named_by_their_code_each_have_their_index_patient(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Linkage analysis was done for families TM and 101.",
        "The pedigree of Family 020001 shows dominant inheritance. Its members had night blindness.",
        "Whole-exome sequencing of the proband of Family 020001 found c.1345C&gt;G in PRPF3.",
        "We identified another variant, c.1532A&gt;C, in Family 020021, with retinitis pigmentosa.",
    )
    patients = _by_label(result)
    assert list(patients) == ["Family 020001", "Family 020021"]  # TM and 101: a cohort, no one's facts
    assert [v.hgvs_c for v in patients["Family 020001"].variants] == ["c.1345C>G"]
    assert [v.hgvs_c for v in patients["Family 020021"].variants] == ["c.1532A>C"]


def test_two_patients_a_report_counts_but_never_numbers(nlp: Language) -> None:
    result = _extract(
        nlp,
        "Compound heterozygous OCA2 mutations, c.808-3C&gt;G and c.2080-2A&gt;G, were identified in both"
        " patients. They had nystagmus.",
        "One patient was a 25-year-old male, and another patient was a 37-year-old female.",
    )
    patients = list(result.patients)
    assert [(p.sex, p.age_at_presentation and p.age_at_presentation.days) for p in patients] == [
        ("male", 9125),
        ("female", 13505),
    ]
    assert all([v.hgvs_c for v in p.variants] == ["c.808-3C>G", "c.2080-2A>G"] for p in patients)
    assert all("nystagmus" in _signs(p) for p in patients)


def test_both_patients_of_a_cited_report_make_no_pair(nlp: Language) -> None:
    result = _extract(
        nlp,
        "A 4-year-old boy had nystagmus.",
        "Both patients reported by Smith et al. had photophobia.",
    )
    assert [p.label for p in result.patients] == ["proband"]


def test_a_variant_stated_for_several_unrelated_families_is_no_ones(nlp: Language) -> None:
    result = _extract(
        nlp,
        "The proband of Family 020001 had night blindness and carried c.1345C&gt;G in PRPF3, which"
        " co-segregated with the disease.",
        "In Family 020021, the proband had retinitis pigmentosa.",
        "Families 020001 and 020021 were sequenced further. A c.1532A&gt;C change in PRPF3 was found.",
    )
    # neither the change found in one of the two, nor the other family's segregating variant
    assert [(p.label, [v.hgvs_c for v in p.variants]) for p in result.patients] == [
        ("Family 020001", ["c.1345C>G"]),
        ("Family 020021", []),
    ]


def test_a_table_column_with_a_flattened_footnote_mark_is_the_patient_the_text_names(nlp: Language) -> None:
    table = (
        "<table-wrap><label>Table 1</label><caption><p>Clinical features</p></caption><table>"
        "<thead><tr><th>Patient</th><th>#111</th><th>#38</th></tr></thead><tbody>"
        "<tr><td>Sex</td><td>M</td><td>F</td></tr><tr><td>Scoliosis</td><td>+</td><td>−</td></tr>"
        "</tbody></table></table-wrap>"
    )
    result = extract_document(
        jats_document(
            "<sec><title>Case presentation</title><p>Patient #11 had hypotonia. Patient #38 had ptosis.</p>"
            f"{table}</sec>"
        ),
        nlp,
    )
    patients = _by_label(result)
    assert [(label, p.sex) for label, p in patients.items()] == [("#11", "male"), ("#38", "female")]
    assert "scoliosis" in _signs(patients["#11"])
