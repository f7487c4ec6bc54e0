"""caseminer_patients: who is described and which facts are whose, on reports written for these tests."""

from __future__ import annotations

import pytest
from extract_pipeline import case_report, jats_document, pipeline_for, text_document
from spacy.language import Language

from caseminer.extractors.patients import most_specific
from caseminer.extractors.segmentation import patient_label
from caseminer.pipeline.extract import EXTRACTOR_VERSION, build_nlp, extract_document
from caseminer.schemas.extraction import ExtractionResult, Patient, PatientPhenotype
from caseminer.vocab import TerminologyStore


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


def _by_label(result: ExtractionResult) -> dict[str, Patient]:
    return {p.label: p for p in result.patients}


def _texts(items: list) -> set[str]:  # type: ignore[type-arg]
    """The texts of the facts the patient has (an excluded phenotype is one the patient has not)."""
    return {item.text.lower() for item in items if not getattr(item, "excluded", False)}


def _excluded(phenotypes: list[PatientPhenotype]) -> set[str]:
    return {p.text.lower() for p in phenotypes if p.excluded}


@pytest.mark.parametrize(
    ("written", "label"),
    [("1", "Patient 1"), ("02", "Patient 2"), ("III", "Patient 3"), ("iv", "Patient 4")],
)
def test_patient_labels_are_canonical(written: str, label: str) -> None:
    assert patient_label(written) == label


def test_single_report_is_one_proband_with_its_facts(nlp: Language) -> None:
    result = case_report(
        "<p>A 4-month-old boy born to consanguineous parents presented with chronic diarrhea and eczema."
        " There was no diabetes. He was treated with tacrolimus and received parenteral nutrition."
        " Sequencing of FOXP3 revealed a hemizygous c.1150G&gt;A (p.Ala384Thr) variant.</p>",
        nlp,
        discussion="Patients with IPEX syndrome usually develop thyroiditis.",
    )
    (patient,) = result.patients
    assert patient.label == "proband"
    assert patient.sex == "male"
    assert patient.consanguinity is True
    assert patient.age_at_presentation is not None and patient.age_at_presentation.days == 122
    assert {"diarrhea", "eczema"} <= _texts(patient.phenotypes)
    assert "diabetes" not in _texts(patient.phenotypes)  # negated: recorded as excluded
    assert _excluded(patient.phenotypes) == {"diabetes"}
    assert "thyroiditis" not in _texts(patient.phenotypes)  # background in the discussion
    assert "thyroiditis" in {e.text.lower() for e in result.entities.diseases}  # still a document entity
    assert {"tacrolimus", "parenteral nutrition"} <= _texts(patient.treatments)
    (variant,) = patient.variants  # the c. and p. forms are one variant
    assert (variant.gene, variant.gene_id) == ("FOXP3", "NCBIGene:50943")
    assert (variant.hgvs_c, variant.hgvs_p, variant.zygosity) == ("c.1150G>A", "p.Ala384Thr", "hemizygous")


def test_every_fact_keeps_its_provenance(nlp: Language) -> None:
    document = jats_document(
        "<sec><title>Case presentation</title><p>A 2-month-old girl had severe diarrhea.</p></sec>"
    )
    (patient,) = extract_document(document, nlp).patients
    provenance = patient.sex_provenance
    assert provenance is not None
    assert document.text[provenance.start : provenance.end] == "girl"
    assert provenance.doc_id == document.doc_id and provenance.section == "case"
    assert provenance.extractor == "caseminer_demographics"
    assert provenance.extractor_version == EXTRACTOR_VERSION
    assert provenance.sentence == "A 2-month-old girl had severe diarrhea."
    phenotype = next(p for p in patient.phenotypes if p.text == "diarrhea")
    assert phenotype.provenance is not None
    assert phenotype.provenance.extractor == "caseminer_terminology_ner"
    assert document.text[phenotype.provenance.start : phenotype.provenance.end] == "diarrhea"
    assert phenotype.ids[0].startswith("HP:")  # HP first, then MONDO and MeSH


def test_case_series_attributes_facts_to_the_named_patient(nlp: Language) -> None:
    result = case_report(
        "<p>Two unrelated families of consanguineous parents were seen.</p>"
        "<p>Patient 1 was a 5-year-old boy with severe diarrhea and type 1 diabetes diagnosed at 2 months"
        " of age. He underwent matched sibling hematopoietic stem cell transplantation"
        " and is alive and well.</p>"
        "<p>Patient 2, a 3-month-old girl, had autoimmune enteropathy and eczema. She received cyclosporine"
        " and died at 8 months of age.</p>",
        nlp,
    )
    patients = _by_label(result)
    assert list(patients) == ["Patient 1", "Patient 2"]
    first, second = patients["Patient 1"], patients["Patient 2"]
    assert (first.sex, second.sex) == ("male", "female")
    assert first.age_at_diagnosis is not None and first.age_at_diagnosis.days == 61
    assert {"diarrhea", "type 1 diabetes"} <= _texts(first.phenotypes)
    assert not {"autoimmune enteropathy", "eczema"} & _texts(first.phenotypes)
    assert {"autoimmune enteropathy", "eczema"} <= _texts(second.phenotypes)
    assert (first.hsct.performed, first.hsct.donor) == (True, "matched sibling")
    assert second.hsct.performed is None
    assert (first.outcome.status, second.outcome.status) == ("alive", "deceased")
    assert second.outcome.age_at_death is not None and second.outcome.age_at_death.days == 243
    assert "cyclosporine" in _texts(second.treatments) and "cyclosporine" not in _texts(first.treatments)
    assert first.consanguinity is True and second.consanguinity is True  # stated for both families


def test_series_numbers_run_from_one_without_gaps(nlp: Language) -> None:
    result = case_report(
        "<p>Patient 1 was a 2-year-old girl with eczema.</p><p>Patient 2 was a 4-year-old boy with"
        " alopecia; P53 staining of his skin biopsy was normal.</p>",
        nlp,
    )
    assert [p.label for p in result.patients] == ["Patient 1", "Patient 2"]
    assert "alopecia" in _texts(result.patients[1].phenotypes)


def test_citing_another_reports_case_is_not_a_series(nlp: Language) -> None:
    result = case_report("<p>A 6-year-old girl had diarrhea, like case 3 of a previous report.</p>", nlp)
    assert [p.label for p in result.patients] == ["proband"]


def test_affected_sibling_whose_course_is_described_is_a_patient(nlp: Language) -> None:
    result = case_report(
        "<p>A 2-month-old boy presented with watery diarrhea and eczema.</p>"
        "<p>His elder brother had severe diarrhea and died at 6 months of age. He was never tested.</p>"
        "<p>He has a healthy younger sister.</p>",
        nlp,
    )
    patients = _by_label(result)
    assert list(patients) == ["proband", "elder brother"]  # the healthy sister is not a patient
    brother = patients["elder brother"]
    assert brother.sex == "male"
    assert brother.outcome.status == "deceased"
    assert brother.outcome.age_at_death is not None and brother.outcome.age_at_death.days == 182
    assert "diarrhea" in _texts(brother.phenotypes)
    proband = patients["proband"]
    assert proband.outcome.status != "deceased" and proband.outcome.age_at_death is None
    assert "eczema" in _texts(proband.phenotypes)


PATIENT_TABLE = """<sec><title>Case presentation</title><p>We describe three boys and girls with IPEX
syndrome; Table 1 summarises them.</p>
<table-wrap id="t1"><label>Table 1</label><caption><p>Clinical features</p></caption><table>
<thead><tr><th>Patient</th><th>Sex</th><th>Age at onset</th><th>FOXP3 variant</th><th>Diarrhea</th>
<th>HSCT</th><th>Outcome</th></tr></thead>
<tbody>
<tr><td>P1</td><td>M</td><td>3 weeks</td><td>c.1150G&gt;A</td><td>+</td><td>haplo</td><td>alive</td></tr>
<tr><td>P2</td><td>M</td><td>2 months</td><td>c.816+2T&gt;A</td><td>-</td><td>no</td><td>died</td></tr>
<tr><td>P3</td><td>F</td><td>5 days</td><td>c.1010G&gt;A</td><td>+</td><td>-</td><td>alive</td></tr></tbody>
</table></table-wrap></sec>"""


def test_patient_table_has_one_patient_per_row(nlp: Language) -> None:
    result = extract_document(jats_document(PATIENT_TABLE), nlp)
    patients = _by_label(result)
    assert list(patients) == ["Patient 1", "Patient 2", "Patient 3"]
    assert [p.sex for p in patients.values()] == ["male", "male", "female"]
    assert [p.age_at_onset.days if p.age_at_onset else None for p in patients.values()] == [21, 61, 5]
    assert [[v.hgvs_c for v in p.variants] for p in patients.values()] == [
        ["c.1150G>A"],
        ["c.816+2T>A"],
        ["c.1010G>A"],
    ]
    assert all(v.gene == "FOXP3" for p in patients.values() for v in p.variants)
    assert ["diarrhea" in _texts(p.phenotypes) for p in patients.values()] == [True, False, True]
    assert [p.hsct.performed for p in patients.values()] == [True, False, False]
    assert patients["Patient 1"].hsct.donor == "haploidentical"
    assert [p.outcome.status for p in patients.values()] == ["alive", "deceased", "alive"]
    sex_source = patients["Patient 3"].sex_provenance
    assert sex_source is not None and sex_source.extractor == "caseminer_patients"


def test_patients_as_table_columns(nlp: Language) -> None:
    body = """<sec><title>Case presentation</title><p>Two brothers were studied.</p>
<table-wrap id="t1"><label>Table 1</label><table>
<thead><tr><th>Feature</th><th>Patient 1</th><th>Patient 2</th></tr></thead>
<tbody><tr><td>Sex</td><td>Male</td><td>Female</td></tr>
<tr><td>Age at diagnosis (months)</td><td>11</td><td>4</td></tr></tbody></table></table-wrap></sec>"""
    patients = _by_label(extract_document(jats_document(body), nlp))
    assert list(patients) == ["Patient 1", "Patient 2"]
    assert (patients["Patient 1"].sex, patients["Patient 2"].sex) == ("male", "female")
    diagnosis = patients["Patient 1"].age_at_diagnosis
    assert diagnosis is not None and diagnosis.days == 334


def test_plain_text_report_without_structure(nlp: Language) -> None:
    document = text_document(
        "Neonatal diabetes and enteropathy in an infant\n\n"
        "A 15-day-old girl was admitted with diabetic ketoacidosis. She was started on insulin.\n"
    )
    (patient,) = extract_document(document, nlp).patients
    assert patient.sex == "female"
    assert patient.age_at_presentation is not None and patient.age_at_presentation.days == 15
    assert "diabetic ketoacidosis" in _texts(patient.phenotypes)
    assert "insulin" in _texts(patient.treatments)


@pytest.mark.parametrize(
    ("body", "not_received", "received"),
    [
        (  # lab values and diagnostic procedures
            "A 50-year-old man had jaundice. Serum bilirubin was 8 mg/dL and creatinine levels were normal."
            " His blood glucose was monitored during the treatment."
            " A liver biopsy was performed. He was treated with ursodiol.",
            {"bilirubin", "creatinine", "biopsy", "glucose", "blood glucose"},
            "ursodiol",
        ),
        (  # a chemical naming a process of the body
            "A 3-month-old boy had cholestasis. With a suspected bile acid synthesis defect and insulin"
            " resistance, he was treated with oral cholic acid.",
            {"bile acid", "insulin"},
            "cholic acid",
        ),
    ],
)
def test_what_names_no_drug_given_is_not_a_treatment(
    nlp: Language, body: str, not_received: set[str], received: str
) -> None:
    treatments = _texts(case_report(f"<p>{body}</p>", nlp).patients[0].treatments)
    assert not not_received & treatments
    assert received in treatments


def test_a_sign_is_described_by_its_most_specific_wording(nlp: Language) -> None:
    result = case_report(
        "<p>A 40-year-old man had fever and abscesses. CT showed liver abscesses."
        " The axillary abscesses were drained.</p>",
        nlp,
    )
    phenotypes = _texts(result.patients[0].phenotypes)
    assert {"liver abscesses", "axillary abscesses"} <= phenotypes  # two findings, each by its site
    assert "abscesses" not in phenotypes


def test_onset_of_a_sign_and_of_the_patient(nlp: Language) -> None:
    result = case_report(
        "<p>A 9-month-old girl was referred. Eczema started at 2 months of age"
        " and diarrhea at 3 weeks of age.</p>",
        nlp,
    )
    (patient,) = result.patients
    assert patient.age_at_onset is not None and patient.age_at_onset.days == 21  # the earliest onset
    eczema = next(p for p in patient.phenotypes if p.text.lower() == "eczema")
    assert eczema.onset is not None and eczema.onset.role == "onset"


@pytest.mark.parametrize(
    ("text", "onset"),
    [
        # the signs a child was presented with at an age begin the history ...
        ("At 22 months of age, he presented with recurrent fever. At age 3 years, he developed ataxia.", 669),
        ("The proband presented in 2003 at the age of 1.5 years with a petechial rash.", 548),
        # ... a person's age tells when the report meets the patient
        ("A 31-year-old woman presented with chorea.", None),
        ("We present a 4-month-old infant who presented with liver failure.", None),
        ("She first presented to our clinic at the age of 27 years with epigastric pain.", None),  # a visit
        # a sign developed at a person's age began at it
        ("A 5-year-old boy developed a petechial rash.", 1825),
        # a sign named congenital was there from birth
        ("A 15-year-old boy had bilateral congenital cataracts.", 0),
        # a vague age is as early as the latest day it can mean: "in infancy" is no later than 6 months
        ("She had motor delay during infancy. Diarrhea began at the age of 6 months.", 182),
    ],
)
def test_onset_from_a_presentation_and_a_person_age(text: str, onset: int | None, nlp: Language) -> None:
    (patient,) = case_report(f"<p>{text}</p>", nlp).patients
    assert (patient.age_at_onset and patient.age_at_onset.days) == onset


def test_a_vague_onset_earlier_than_an_exact_one_wins(nlp: Language) -> None:
    (patient,) = case_report(
        "<p>She had motor delay during infancy. Dyspnea began at the age of 18 years.</p>", nlp
    ).patients
    assert patient.age_at_onset is not None and patient.age_at_onset.text == "during infancy"


@pytest.mark.parametrize(
    ("sentence", "presentation", "last_report"),
    [
        ("A 9-month-old girl was referred for chronic diarrhea.", 274, None),
        ("The proband is a 9-month-old girl who carries a de novo variant.", None, 274),
        ("She is now a 9-month-old girl with chronic diarrhea.", None, 274),
        ("The proband is a 9-month-old girl presenting with chronic diarrhea.", 274, None),
    ],
)
def test_a_person_age_in_the_present_tense_is_the_age_the_report_leaves_the_patient_at(
    sentence: str, presentation: int | None, last_report: int | None, nlp: Language
) -> None:
    (patient,) = case_report(f"<p>{sentence}</p>", nlp).patients
    assert (patient.age_at_presentation and patient.age_at_presentation.days) == presentation
    assert (patient.age_at_last_report and patient.age_at_last_report.days) == last_report


def test_an_age_before_the_next_sentences_person_noun_describes_no_person(nlp: Language) -> None:
    (patient,) = case_report(
        "<p>The fetus did not grow at 28 weeks of gestation. The girl was born at term. At 3 years of"
        " age she was referred to our clinic for short stature.</p>",
        nlp,
    ).patients
    assert patient.age_at_presentation is not None and patient.age_at_presentation.days == 1095


def test_a_prenatal_finding_before_a_later_presentation_is_no_diagnosis_age(nlp: Language) -> None:
    (patient,) = case_report(
        "<p>Short limbs were diagnosed antenatally on ultrasound. A 2-year-old boy was referred to our"
        " clinic for short stature.</p>",
        nlp,
    ).patients
    assert patient.age_at_onset is not None and patient.age_at_onset.days == 0
    assert patient.age_at_diagnosis is not None and patient.age_at_diagnosis.days == 730


def test_series_under_headings_and_cross_references(nlp: Language) -> None:
    body = (
        "<sec><title>Case reports</title>"
        "<sec><title>Patient 1</title><p>A 2-month-old girl had severe diarrhea and died at 5 months"
        " of age.</p></sec><sec><title>Patient 2</title><p>The younger brother of Patient 1 developed"
        " eczema at 3 months of age. He is alive and well.</p></sec></sec>"
    )
    patients = _by_label(extract_document(jats_document(body), nlp))
    assert list(patients) == ["Patient 1", "Patient 2"]
    second = patients["Patient 2"]
    assert second.sex == "male" and second.outcome.status == "alive"
    assert "eczema" in _texts(second.phenotypes) and "eczema" not in _texts(patients["Patient 1"].phenotypes)
    assert patients["Patient 1"].sex == "female" and patients["Patient 1"].outcome.status == "deceased"


def test_background_negated_and_family_signs_are_not_the_patients(nlp: Language) -> None:
    result = case_report(
        "<p>A 3-month-old boy presented with watery diarrhea. There was no family history of diabetes."
        " Duodenal biopsy showed villous atrophy with absence of goblet cells."
        " Stool cultures, rotavirus antigen, serology for cytomegalovirus and antibodies against"
        " Giardia came back negative.</p>",
        nlp,
        discussion="IPEX is usually fatal in the first years of life. Thyroiditis is seen in a third of"
        " affected boys. Unlike our patient, most boys with the syndrome develop eczema.",
    )
    phenotypes = _texts(result.patients[0].phenotypes)
    assert {"diarrhea", "villous atrophy"} <= phenotypes
    assert not {"diabetes", "ipex", "thyroiditis", "eczema", "cytomegalovirus", "giardia"} & phenotypes


def test_discussion_sentence_naming_the_patient_counts(nlp: Language) -> None:
    result = case_report(
        "<p>A 3-month-old boy presented with watery diarrhea.</p>",
        nlp,
        discussion="In our patient, alopecia appeared at 2 years and required topical steroids."
        " Other features may be present, including thyroiditis and nephritis, which were absent in"
        " our patient.",
    )
    (patient,) = result.patients
    assert "alopecia" in _texts(patient.phenotypes)
    assert not {"thyroiditis", "nephritis"} & _texts(patient.phenotypes)
    # absent in the patient, but said in the discussion: the case sections alone give excluded features
    assert not _excluded(patient.phenotypes)
    assert "steroids" in _texts(patient.treatments)


def test_only_received_treatments_count(nlp: Language) -> None:
    result = case_report(
        "<p>A 5-month-old boy presented with diarrhea. He was treated with tacrolimus, sirolimus and"
        " infliximab. Cyclosporine was recommended by another center. Other patients received rituximab."
        " He needed insulin given by injection. Fever began post-transplantation; he underwent drainage of"
        " an abscess."
        " In a glucagon stimulation test, glucose rose to 60 mg/dL."
        " His albumin improved from 2.1 g/dL to 3.5 g/dL.</p>",
        nlp,
        discussion="Hematopoietic stem cell transplantation is the treatment of choice.",
    )
    treatments = _texts(result.patients[0].treatments)
    assert {"tacrolimus", "sirolimus", "infliximab", "insulin", "drainage"} <= treatments
    assert not {"cyclosporine", "rituximab", "glucagon", "albumin", "injection"} & treatments
    assert not any("transplant" in t for t in treatments)


def test_the_most_specific_sign_is_kept() -> None:
    facts = [
        PatientPhenotype(text="pain", ids=["HP:0012531", "MESH:D010146"]),
        PatientPhenotype(text="Abdominal pain", ids=["HP:0002027", "MESH:D015746"]),
        PatientPhenotype(text="cardiomyopathy", ids=["HP:0001638", "MESH:D009202"]),
        PatientPhenotype(text="idiopathic cardiomyopathy", ids=["MONDO:0005110"]),
        PatientPhenotype(text="fever", ids=["HP:0001945"]),
    ]
    kept = {fact.text: fact.ids for fact in most_specific(facts)}
    assert kept["Abdominal pain"] == ["HP:0002027", "MESH:D015746"]  # has its own HP and MeSH ids
    # MONDO has the specific concept; HP and MeSH code it by the broader one
    assert kept["idiopathic cardiomyopathy"] == ["HP:0001638", "MONDO:0005110", "MESH:D009202"]
    assert set(kept) == {"Abdominal pain", "idiopathic cardiomyopathy", "fever"}


def test_the_topic_disease_is_the_diagnosis_not_a_phenotype(vocab_store: TerminologyStore) -> None:
    body = "<p>A boy with IPEX syndrome had enteropathy and eczema. He received tacrolimus.</p>"
    document = jats_document(f"<sec><title>Case presentation</title>{body}</sec>")
    plain = extract_document(document, pipeline_for(vocab_store.path))
    topic = extract_document(document, build_nlp(vocab_store, topic_concepts=["MONDO:0010580"]))
    assert "ipex syndrome" in _texts(plain.patients[0].phenotypes)
    assert "ipex syndrome" not in _texts(topic.patients[0].phenotypes)
    assert "eczema" in _texts(topic.patients[0].phenotypes)
