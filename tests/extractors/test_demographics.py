"""caseminer_demographics on sentences written for these tests."""

from __future__ import annotations

import pytest
from component_pipelines import component_pipeline
from spacy.language import Language

from caseminer.extractors.demographics import country_code
from caseminer.extractors.sections import DocPassage


def build(pronouns: bool = True) -> Language:
    return component_pipeline(("caseminer_demographics", {"pronouns": pronouns}))


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 4-month-old girl was referred for diarrhea.", [("girl", "female")]),
        ("The patient, a male infant, had eczema.", [("male", "male")]),
        ("A 7-week-old female presented with rash.", [("female", "female")]),
        ("We describe a 35-year-old man with enteropathy.", [("man", "male")]),
        ("The disorder affects males, and female carriers are healthy.", []),
        ("The male-to-female ratio was 3:1.", []),
        ("The boy's mother, a healthy woman, was tested.", [("boy", "male")]),
    ],
)
def test_sex_nouns(text: str, expected: list[tuple[str, str]]) -> None:
    doc = build(pronouns=False)(text)
    assert [(s.text, s._.sex) for s in doc.spans["sex"]] == expected
    assert all(s._.sex_evidence == "noun" for s in doc.spans["sex"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1 (M, 4 y) and P2 (F/3 y) had diarrhea.", ["male", "female"]),
        ("Patient II.3 (F, 12 years) had ptosis.", ["female"]),
        ("Vitamin D (M, 2 doses) was given.", []),
    ],
)
def test_sex_letters_after_a_patients_label(text: str, expected: list[str]) -> None:
    doc = build(pronouns=False)(text)
    assert [s._.sex for s in doc.spans["sex"]] == expected
    assert all(s._.sex_evidence == "letter" for s in doc.spans["sex"])


def test_pronouns_are_weak_evidence(nlp: Language) -> None:
    doc = nlp("His mother was a carrier. She had no symptoms.")
    assert [(s.text, s._.sex, s._.sex_evidence) for s in doc.spans["sex"]] == [
        ("His", "male", "pronoun"),
        ("She", "female", "pronoun"),
    ]
    assert not any(s._.sex == "female" and s._.sex_evidence == "noun" for s in doc.spans["sex"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She was born to consanguineous parents.", [("consanguineous", True)]),
        ("His parents were first cousins.", [("first cousins", True)]),
        ("He is the second child of first-cousin parents.", [("first-cousin", True)]),
        ("Parental consanguinity was reported.", [("consanguinity", True)]),
        ("The parents were non-consanguineous.", [("non-consanguineous", False)]),
        ("She was born to unrelated parents.", [("unrelated parents", False)]),
        ("There was no consanguinity in the family.", [("consanguinity", False)]),
        ("Consanguinity was denied by the parents.", [("Consanguinity", False)]),
        ("His first cousin had type 1 diabetes.", []),
    ],
)
def test_consanguinity(nlp: Language, text: str, expected: list[tuple[str, bool]]) -> None:
    doc = nlp(text)
    assert [(s.text, s._.consanguineous) for s in doc.spans["consanguinity"]] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 2-year-old boy from Lebanon was admitted.", [("Lebanon", "LB")]),
        ("We report a Moroccan girl with enteropathy.", [("Moroccan", "MA")]),
        ("The family was of Pakistani origin.", [("Pakistani", "PK")]),
        ("The patient was born in Turkey.", [("Turkey", "TR")]),
        ("The family emigrated from the USA.", [("USA", "US")]),
        ("An Algerian 5-month-old infant had diabetes.", [("Algerian", "DZ")]),
        ("A Moroccan Jewish family was studied.", [("Moroccan", "MA")]),
        ("In Turkish patient cohorts it was rare.", [("Turkish", "TR")]),
        ("A South African boy was admitted.", [("South African", "ZA")]),
        ("A Persistent Fever patient was seen.", []),
        ("We describe the first case of the syndrome reported from Peru.", [("Peru", "PE")]),
        ("Samples came from Jordan University Hospital.", []),
        ("The study was done at a hospital in Amman, Jordan.", []),
        ("The Turkish Journal of Pediatrics published it.", []),
    ],
)
def test_country_only_where_an_origin_is_stated(
    nlp: Language, text: str, expected: list[tuple[str, str]]
) -> None:
    doc = nlp(text)
    assert [(s.text, s._.country_code) for s in doc.spans["country"]] == expected


def test_country_name_is_the_common_name_from_pycountry(nlp: Language) -> None:
    doc = nlp("A Syrian boy was admitted.")
    [span] = doc.spans["country"]
    assert (span._.country, span._.country_code) == ("Syria", "SY")


def test_country_in_other_sections_is_ignored(nlp: Language) -> None:
    text = "A boy from Peru was admitted. Funding: a grant from Chile."
    doc = nlp.make_doc(text)
    split = text.index("Funding")
    doc._.passages = [
        DocPassage(0, split, "case", "paragraph"),
        DocPassage(split, len(text), "other", "paragraph"),
    ]
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert [s._.country_code for s in doc.spans["country"]] == ["PE"]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Jordan", "JO"), ("Turkey", "TR"), ("Turkish", "TR"), ("UK", "GB"), ("Atlantis", None)],
)
def test_country_code(text: str, code: str | None) -> None:
    assert country_code(text) == code
