"""caseminer_clinical on sentences written for these tests."""

from __future__ import annotations

import pytest
from component_pipelines import component_pipeline
from spacy.language import Language


@pytest.fixture(scope="module")
def nlp() -> Language:
    return component_pipeline("caseminer_clinical")


@pytest.mark.parametrize(
    ("text", "mention", "performed", "donor"),
    [
        (
            "At 14 months she underwent bone marrow transplantation from an HLA-matched sibling.",
            "bone marrow transplantation",
            True,
            "matched sibling",
        ),
        ("He received a haploidentical HSCT at 2 years.", "HSCT", True, "haploidentical"),
        (
            "She received an umbilical cord blood transplant in 2015.",
            "umbilical cord blood transplant",
            True,
            "cord blood",
        ),
        (
            "We performed allogeneic HCT from a matched unrelated donor.",
            "allogeneic HCT",
            True,
            "matched unrelated",
        ),
        (
            "HSCT from a mismatched unrelated donor was planned, but he is awaiting a bed.",
            "HSCT",
            False,
            "mismatched unrelated",
        ),
        ("He is a candidate for stem cell transplantation.", "stem cell transplantation", False, None),
        ("HSCT is the only curative treatment for the disease.", "HSCT", None, None),
        ("Genetic testing was performed before HSCT was considered.", "HSCT", None, None),
        ("Allogeneic HSCT was performed at 14 months.", "Allogeneic HSCT", True, None),
        (
            "He was referred for hematopoietic stem cell transplantation.",
            "hematopoietic stem cell transplantation",
            None,
            None,
        ),
    ],
)
def test_hsct_performed_and_donor(
    nlp: Language, text: str, mention: str, performed: bool | None, donor: str | None
) -> None:
    doc = nlp(text)
    [span] = doc.spans["hsct"]
    assert (span.text, span._.hsct_performed, span._.donor_type) == (mention, performed, donor)


def test_kidney_transplant_is_not_hsct(nlp: Language) -> None:
    assert list(nlp("She was a kidney transplant recipient.").spans["hsct"]) == []


def test_conditioning_from_the_sentence_and_a_neighbouring_conditioning_sentence(nlp: Language) -> None:
    doc = nlp(
        "He underwent HSCT at 11 months. Conditioning consisted of treosulfan, fludarabine and ATG. "
        "Tacrolimus was later stopped."
    )
    [span] = doc.spans["hsct"]
    assert span._.conditioning == ["treosulfan", "fludarabine", "ATG"]


def test_conditioning_is_empty_without_agents(nlp: Language) -> None:
    doc = nlp("He underwent HSCT at 11 months. Tacrolimus was later stopped.")
    assert doc.spans["hsct"][0]._.conditioning == []


def test_agents_outside_a_conditioning_sentence_are_not_conditioning(nlp: Language) -> None:
    doc = nlp("Rituximab was given for thrombocytopenia before HSCT from a matched sibling.")
    assert doc.spans["hsct"][0]._.conditioning == []


def test_conditioning_in_the_transplant_sentence(nlp: Language) -> None:
    doc = nlp(
        "She received a cord blood transplant after a myeloablative regimen of busulfan and fludarabine."
    )
    assert doc.spans["hsct"][0]._.conditioning == ["busulfan", "fludarabine"]


def test_conditioning_agents_are_configurable() -> None:
    nlp = component_pipeline(
        ("caseminer_clinical", {"conditioning_agents": ["clofarabine"]}), sentencizer="sentencizer"
    )
    doc = nlp("BMT followed conditioning with clofarabine and busulfan.")
    assert doc.spans["hsct"][0]._.conditioning == ["clofarabine"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He died of sepsis at 15 months.", [("died", "deceased")]),
        ("She passed away after a long illness.", [("passed away", "deceased")]),
        ("The infant succumbed to respiratory failure.", [("succumbed", "deceased")]),
        ("He is alive and well at 4 years.", [("is alive", "alive")]),
        ("She is currently well on sirolimus.", [("is currently well", "alive")]),
        ("Her death at 3 years was due to sepsis.", [("Her death", "deceased")]),
        ("She is doing well 2 years after transplant.", [("is doing well", "alive")]),
        ("He remains in remission on sirolimus.", [("remains in remission", "alive")]),
        ("The two brothers remain ambulant.", [("remain ambulant", "alive")]),
        ("She was discharged home on day 20.", [("was discharged", "alive")]),
        ("Stool output decreased with octreotide.", []),
        ("Her symptoms resolved within two weeks.", [("resolved", "alive")]),
        ("Lysates were resolved on SDS-PAGE.", []),  # what improves or resolves must be a sign
        ("She attends a mainstream school.", [("She attends", "alive")]),
        ("He is a 4-year, 3-month-old boy with hypotonia.", [("is a 4-year, 3-month-old", "alive")]),
        ("Both remain ambulant at follow-up.", [("remain ambulant", "alive"), ("at follow-up", "alive")]),
        ("He responded well to sirolimus.", [("responded well to", "alive")]),
        ("At her last visit, stools were formed.", [("At her last visit", "alive")]),
        (
            "She was seizure-free at the 6-month follow-up.",
            [("was seizure-free", "alive"), ("6-month follow-up", "alive")],
        ),
        ("He is now 8 years old and attends school.", [("is now 8 years old", "alive")]),
        # a course described without the state it ends in says nothing of the outcome
        ("Tacrolimus was started at 3 months of age.", []),
        # the present tense of the patient is the state the article leaves the patient in
        ("At the age of 62 years, he has features of the syndrome.", [("he has", "alive")]),
        ("She is completely wheelchair dependent.", [("She is", "alive")]),
        (
            "In the outpatient follow-up 4 months later, she was well.",
            [("In the outpatient follow-up", "alive"), ("was well", "alive")],
        ),
        ("The patient is under regular follow-up.", [("is under regular follow-up", "alive")]),
        # a verb of the article, not of the patient
        ("Patient 2 has been described elsewhere.", []),
        # a pedigree's drawing, the family a patient has and a genome's finding say nothing of now
        ("The proband is indicated by an arrow.", []),
        ("The proband has an elder sister who was unaffected.", []),
        ("The patient has a normal karyotype.", []),
        ("The patient has a heterozygous variant in FOXP3.", []),
        ("An autopsy showed hepatic fibrosis.", [("autopsy", "deceased")]),
        ("Neonatal death followed at day 3.", [("Neonatal death", "deceased")]),
        # an experiment that improves is not a patient's course
        ("In knockout mice, the latency to fall improved.", []),
        ("Products were recovered from the gel.", []),
        ("He was found dead at 5 years of age.", [("found dead", "deceased")]),
        ("He is now dead.", [("now dead", "deceased")]),
        ("The disease had a fatal course.", [("fatal course", "deceased")]),
        ("Unfortunately, the child did not survive.", [("did not survive", "deceased")]),
        ("He remains healthy at 8 years of age.", [("He remains healthy", "alive")]),
        ("The outcome was favorable.", [("outcome was favorable", "alive")]),
        # the time before the onset, and relatives' health, are no outcome of the patient
        ("He was well until 2 months of age.", []),
        ("Her parents are healthy.", []),
    ],
)
def test_outcome_cues(nlp: Language, text: str, expected: list[tuple[str, str]]) -> None:
    doc = nlp(text)
    assert [(s.text, s._.outcome_status) for s in doc.spans["outcome"]] == expected
