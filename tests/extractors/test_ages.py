"""caseminer_ages on sentences written for these tests."""

from __future__ import annotations

import pytest
from component_pipelines import component_pipeline
from spacy.language import Language

from caseminer.extractors.ages import days_of, latest_days_of


@pytest.fixture(scope="module")
def nlp() -> Language:
    return component_pipeline("caseminer_ages")


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("4 weeks", 28),
        ("7 months", 213),  # 7 * 30.4 = 212.8
        ("3 years", 1095),
        ("2 y 3 mo", 821),
        ("1 year and 6 months", 547),  # 365 + 182.4
        ("9-day-old", 9),
        ("eleven months", 334),
        ("1.5 years", 548),  # 547.5 rounds half up
        ("36 hours", 2),
        ("2½ years", 913),
        ("21/2 years", 913),  # "2½" as text extraction flattens it
        ("11/2 years", 548),
    ],
)
def test_days_of(expression: str, days: int) -> None:
    assert days_of(expression) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An 8-year-old girl presented with chronic diarrhea.", [("8-year-old", 2920, "presentation")]),
        ("Her first symptoms began at 5 weeks of age.", [("5 weeks", 35, "onset")]),
        ("The disease was diagnosed at the age of 7 months.", [("7 months", 213, "diagnosis")]),
        ("A 9-day-old boy was admitted with vomiting.", [("9-day-old", 9, "presentation")]),
        ("He underwent HSCT at 2 y 3 mo.", [("2 y 3 mo", 821, "transplant")]),
        ("He died at 14 months of sepsis.", [("14 months", 426, "death")]),
        ("She is now 6 years old and attends school.", [("6 years old", 2190, "last_report")]),
        ("Watery stools started in the neonatal period.", [("in the neonatal period", 0, "onset")]),
        ("He has had eczema since early infancy.", [("since early infancy", None, "onset")]),
        ("At age 42 she was referred to our clinic.", [("42", 15330, "presentation")]),
        ("A boy aged 21/2 years was referred to our clinic.", [("21/2 years", 913, "presentation")]),
        ("Blood tests at birth were normal.", [("at birth", 0, "unknown")]),
        ("A 6 y/o girl was admitted with colitis.", [("6 y/o", 2190, "presentation")]),
        ("Jaundice was noticed on day 4 of life.", [("on day 4 of life", 4, "onset")]),
        ("Eczema appeared in the first months of life.", [("in the first months of life", None, "onset")]),
        ("Diarrhea started soon after birth.", [("soon after birth", 0, "onset")]),
        ("Vomiting began during the first month of life.", [("during the first month of life", 0, "onset")]),
        ("She had seizures from 4 months of age.", [("4 months", 122, "onset")]),
        ("He was treated with steroids from 2 years of age.", [("2 years", 730, "unknown")]),
        # a milestone reached is no sign's onset
        ("She began to walk at 18 months.", [("18 months", 547, "unknown")]),
        ("He started sitting at 9 months of age.", [("9 months", 274, "unknown")]),
        # before birth is 0 days for a registry; the builder makes it the onset of a sign stated with it
        ("Growth restriction was seen at 30 weeks' gestation.", [("30 weeks' gestation", 0, "presentation")]),
        ("Hydrocephalus was detected prenatally.", [("prenatally", 0, "unknown")]),
        ("He was born with an imperforate anus.", [("born with", 0, "unknown")]),
        # a decade counts from its first year; the first decade says no more than childhood
        ("Weakness began in the third decade of life.", [("in the third decade of life", 7300, "onset")]),
        ("She was diagnosed in her thirties.", [("in her thirties", 10950, "diagnosis")]),
        ("Ataxia started in his early 40s.", [("in his early 40s", 14600, "onset")]),
        ("Deafness began in the first decade.", [("in the first decade", None, "onset")]),
        # the patient builder reads an age before a person noun as the age at presentation
        ("A 2-week-old girl had seizures.", [("2-week-old", 14, "unknown")]),
        # a sign held "during infancy" began then; starting a treatment is no onset
        ("Both had motor delay during infancy.", [("during infancy", None, "onset")]),
        ("She had normal development during infancy.", [("during infancy", None, "unknown")]),
        ("He started insulin therapy at 15 years of age.", [("15 years", 5475, "unknown")]),
        ("The first reported clinical manifestations appeared at 5 months.", [("5 months", 152, "onset")]),
        ("We examined a 3-month-old boy and his manifestations.", [("3-month-old", 91, "unknown")]),
        ("At 10 years of age, she had her first pubertal signs.", [("10 years", 3650, "unknown")]),
        # an upper bound, or one end of a range, is no individual's onset; a period's start is
        ("By age 13, she had developed a scoliosis.", [("13", 4745, "unknown")]),
        (
            "The onset of night blindness is at age 4 to 10 years old.",
            [("4", 1460, "unknown"), ("10 years old", 3650, "unknown")],
        ),
        (
            "From age 7 to 9 years of age, he developed attacks of vertigo.",
            [("7", 2555, "onset"), ("9 years", 3285, "unknown")],
        ),
    ],
)
def test_ages_with_days_and_role(
    nlp: Language, text: str, expected: list[tuple[str, int | None, str]]
) -> None:
    doc = nlp(text)
    assert [(s.text, s._.age_days, s._.age_role) for s in doc.spans["ages"]] == expected


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("in early infancy", 365),
        ("during the first months of life", 365),
        ("in early childhood", 1825),
        ("since childhood", 4380),
        ("in late adolescence", 6570),
        ("at 3 months", None),  # no vague age
    ],
)
def test_latest_days_of_a_vague_age(expression: str, days: int | None) -> None:
    assert latest_days_of(expression) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A 4-month-old girl presented with bloody stools since the age of 3 weeks.",
            [("4-month-old", "presentation"), ("3 weeks", "onset")],
        ),
        (
            "He was admitted at 5 months with vomiting beginning at 2 weeks.",
            [("5 months", "presentation"), ("2 weeks", "onset")],
        ),
        ("She was referred with first symptoms at 6 weeks of age.", [("6 weeks", "onset")]),
        (
            "The girl was diagnosed at 8 months, with onset at 4 months.",
            [("8 months", "diagnosis"), ("4 months", "onset")],
        ),
    ],
)
def test_an_onset_cue_before_the_age_binds_it_to_onset(
    nlp: Language, text: str, expected: list[tuple[str, str]]
) -> None:
    doc = nlp(text)
    assert [(s.text, s._.age_role) for s in doc.spans["ages"]] == expected


def test_nearest_cue_decides_the_role_of_each_age(nlp: Language) -> None:
    doc = nlp("Diarrhea started at 2 weeks of age, and IPEX was diagnosed at 10 months.")
    assert [(s.text, s._.age_role) for s in doc.spans["ages"]] == [
        ("2 weeks", "onset"),
        ("10 months", "diagnosis"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tacrolimus was given for 3 weeks.", [("3 weeks", 21, None)]),
        ("Two months later the rash recurred.", [("Two months", 61, None)]),
        ("At 200 days post-transplant he had full donor chimerism.", [("200 days", 200, "follow_up")]),
        ("At 2 years of follow-up she is well.", [("2 years", 730, "follow_up")]),
        ("At 3 months after HSCT the diarrhea resolved.", [("3 months", 91, "follow_up")]),
        ("She remained well at 6-month follow-up.", [("6-month", 182, "follow_up")]),
    ],
)
def test_durations_are_not_ages(
    nlp: Language, text: str, expected: list[tuple[str, int, str | None]]
) -> None:
    doc = nlp(text)
    assert list(doc.spans["ages"]) == []
    assert [(s.text, s._.duration_days, s._.duration_role) for s in doc.spans["durations"]] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Prednisolone 2 mg/kg/day was started.",
        "He was born at 38 weeks by caesarean section.",
        "HbA1c was 9.1% in 2016.",
    ],
)
def test_doses_birth_term_and_lab_values_are_neither(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert (list(doc.spans["ages"]), list(doc.spans["durations"])) == ([], [])
