"""caseminer_context on sentences written for these tests (entities set by hand)."""

from __future__ import annotations

import pytest
import spacy
from component_pipelines import component_pipeline
from spacy.language import Language
from spacy.tokens import Doc

from caseminer.extractors.context import refers_to_patient
from caseminer.extractors.sections import DocPassage
from caseminer.schemas.document import SectionKind


@pytest.fixture(scope="module")
def nlp() -> Language:
    return component_pipeline("caseminer_ages", "caseminer_clinical", "caseminer_context")


def annotate(nlp: Language, text: str, entities: list[str], section: SectionKind | None = None) -> Doc:
    """Run the pipeline with `entities` (first occurrence of each text) set as DISEASE ents."""
    doc = nlp.make_doc(text)
    if section is not None:
        doc._.passages = [DocPassage(0, len(text), section, "paragraph")]
    for name, component in nlp.pipeline:
        if name == "caseminer_context":
            spans = [doc.char_span(text.index(e), text.index(e) + len(e), label="DISEASE") for e in entities]
            doc.ents = [s for s in spans if s is not None]
        doc = component(doc)
    return doc


def flags(doc: Doc, text: str) -> set[str]:
    [span] = [e for e in doc.ents if e.text == text]
    return {f for f in ("negated", "uncertain", "family", "hypothetical", "background") if getattr(span._, f)}


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("There was no family history of diabetes.", "diabetes", {"negated", "family"}),
        ("Biopsy showed villous atrophy with absence of goblet cells.", "goblet cells", {"negated"}),
        ("He did not develop thyroiditis during follow-up.", "thyroiditis", {"negated"}),
        ("She was negative for celiac disease antibodies.", "celiac disease", {"negated"}),
        ("Cystic fibrosis was ruled out by a sweat test.", "Cystic fibrosis", {"negated"}),
        ("The boy was free of eczema at discharge.", "eczema", {"negated"}),
        ("The boy had diarrhea without vomiting.", "vomiting", {"negated"}),
        ("The boy had diarrhea without vomiting.", "diarrhea", set()),
        ("There was no fever, but severe diarrhea persisted.", "diarrhea", set()),
        ("Autoimmune enteropathy was suspected in the boy.", "Autoimmune enteropathy", {"uncertain"}),
        ("He had possible hypothyroidism.", "hypothyroidism", {"uncertain"}),
        ("His older brother had died of sepsis at 6 months.", "sepsis", {"family"}),
        ("Type 1 diabetes was present in her father.", "Type 1 diabetes", {"family"}),
        ("She was born to a mother with diabetes during pregnancy.", "diabetes", {"family"}),
        ("He did not respond to steroids and developed nephrotic syndrome.", "nephrotic syndrome", set()),
        ("The boy has a high risk of sepsis.", "sepsis", {"hypothetical"}),
        ("Serologies for CMV and viral hepatitis were all negative.", "viral hepatitis", {"negated"}),
        ("CT showed a mass suspect for pancreatic carcinoma.", "pancreatic carcinoma", {"uncertain"}),
    ],
)
def test_flags_in_a_case_section(nlp: Language, text: str, entity: str, expected: set[str]) -> None:
    assert flags(annotate(nlp, text, [entity], section="case"), text=entity) == expected


def test_generic_statement_in_a_discussion_is_background(nlp: Language) -> None:
    doc = annotate(nlp, "IPEX is usually fatal in the first years of life.", ["IPEX"], section="discussion")
    assert flags(doc, "IPEX") == {"background"}


def test_generic_statement_is_background_in_any_section(nlp: Language) -> None:
    text = "Patients with autoimmune enteropathy typically present with watery diarrhea."
    doc = annotate(nlp, text, ["watery diarrhea"], section="case")
    assert flags(doc, "watery diarrhea") == {"background"}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Bile cast nephropathy is an often overlooked condition.", "Bile cast nephropathy"),
        ("Bile acid synthesis defects are rare disorders of infancy.", "Bile acid synthesis defects"),
        ("The autoimmune process leads to villous atrophy and diarrhea.", "diarrhea"),
        ("Thyroiditis is seen in a third of affected boys.", "Thyroiditis"),
    ],
)
def test_generic_present_tense_statements_are_background(nlp: Language, text: str, entity: str) -> None:
    assert flags(annotate(nlp, text, [entity], section="abstract"), entity) == {"background"}


def test_past_tense_case_narrative_is_not_background(nlp: Language) -> None:
    text = "Watery diarrhea led to dehydration and admission."
    assert flags(annotate(nlp, text, ["dehydration"], section="case"), "dehydration") == set()


def test_discussion_sentence_about_the_patient_is_not_background(nlp: Language) -> None:
    doc = annotate(
        nlp, "Our patient developed thyroiditis at 2 years.", ["thyroiditis"], section="discussion"
    )
    assert flags(doc, "thyroiditis") == set()
    assert not doc.spans["ages"][0]._.background


def test_discussion_without_patient_reference_is_background(nlp: Language) -> None:
    doc = annotate(
        nlp, "Thyroiditis was seen in a third of reported cases.", ["Thyroiditis"], section="discussion"
    )
    assert flags(doc, "Thyroiditis") == {"background"}


def test_plain_text_without_sections_is_not_background(nlp: Language) -> None:
    doc = annotate(nlp, "Thyroiditis was seen at 2 years.", ["Thyroiditis"])
    assert flags(doc, "Thyroiditis") == set()


def test_span_groups_get_flags_too(nlp: Language) -> None:
    doc = annotate(
        nlp, "His brother had died at 3 months. The boy underwent HSCT at 9 months.", [], section="case"
    )
    ages = {s.text: s for s in doc.spans["ages"]}
    assert ages["3 months"]._.family and not ages["9 months"]._.family
    assert not doc.spans["hsct"][0]._.family


def test_month_may_is_not_a_hedge(nlp: Language) -> None:
    doc = annotate(nlp, "In May 2019 the boy developed colitis.", ["colitis"], section="case")
    assert flags(doc, "colitis") == set()


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "c.", "He died."])
def test_span_components_accept_empty_and_unsegmented_docs(text: str) -> None:
    nlp = spacy.blank("en")  # no sentence boundaries: each component reads the doc as one sentence
    for name in ("variants", "ages", "demographics", "clinical", "context"):
        nlp.add_pipe(f"caseminer_{name}")
    doc = nlp(text)
    assert [e.text for e in doc.ents] == []
    assert [(s.text, s._.outcome_status) for s in doc.spans["outcome"]] == (
        [("died", "deceased")] if "died" in text else []
    )


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        # a list before "were negative" / after "negative for" is negated item by item, past the word limit
        (
            "Stool antigen for rotavirus, PCR for norovirus and adenovirus, serology for celiac disease "
            "and antibodies against Giardia came back negative.",
            "norovirus",
            {"negated"},
        ),
        (
            "She tested negative for hepatitis B, hepatitis C, cytomegalovirus infection, toxoplasmosis "
            "and tuberculosis.",
            "tuberculosis",
            {"negated"},
        ),
        # ... but a finite verb starts another clause
        (
            "Vomiting, which resolved, and dehydration were seen; cultures were negative.",
            "dehydration",
            set(),
        ),
        (
            "The boy had persistent watery diarrhea for many weeks despite formula changes, "
            "and stool cultures were negative.",
            "watery diarrhea",
            set(),
        ),
        ("A fistula was not histologically confirmed.", "fistula", {"negated"}),
        # negation and uncertainty each open their own scope
        (
            "Biopsy showed absence of goblet cells, findings suggestive of autoimmune enteropathy.",
            "autoimmune enteropathy",
            {"uncertain"},
        ),
        ("Sirolimus was recommended by the consultant.", "Sirolimus", {"hypothetical"}),
        ("He received the recommended dose of insulin.", "insulin", set()),
        ("The rash was similar to atopic dermatitis.", "atopic dermatitis", {"background"}),
    ],
)
def test_scopes_of_lists_clauses_and_opposing_cues(
    nlp: Language, text: str, entity: str, expected: set[str]
) -> None:
    assert flags(annotate(nlp, text, [entity], section="case"), text=entity) == expected


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("The organism is known for its association with endocarditis.", "endocarditis"),
        ("Transplant recipients are susceptible to fungal infections.", "fungal infections"),
        ("Treatment options include sirolimus and tacrolimus.", "sirolimus"),
        ("Sirolimus is the treatment of choice in these children.", "Sirolimus"),
        ("Variable success has been documented with steroids.", "steroids"),
        ("Other patients received rituximab.", "rituximab"),
        ("Clinicians should consider the diagnosis in any infant with diabetes.", "diabetes"),
        ("Pyoderma is a rare form of neutrophilic dermatosis.", "neutrophilic dermatosis"),
    ],
)
def test_general_statements_and_other_patients_are_background(nlp: Language, text: str, entity: str) -> None:
    assert "background" in flags(annotate(nlp, text, [entity], section="abstract"), entity)


def test_a_comparison_with_the_patient_is_about_the_others(nlp: Language) -> None:
    text = "Unlike our patient, most boys with the syndrome develop diabetes."
    assert "background" in flags(annotate(nlp, text, ["diabetes"], section="discussion"), "diabetes")
    text = "Our patient, like most boys with the syndrome, developed diabetes."
    assert flags(annotate(nlp, text, ["diabetes"], section="discussion"), "diabetes") == set()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("in our patient, the diarrhea resolved.", True),
        ("since the age of one month, our patient had diarrhea.", True),
        ("3 our case adds to this evidence.", True),
        ("thyroiditis was also present, which was found in our patient too.", False),
        ("thyroiditis and nephritis are common manifestations of the syndrome and of our patient.", False),
        ("unlike our patient, most boys develop diabetes.", False),
        ("he had diarrhea.", False),  # a pronoun does not name the patient
    ],
)
def test_the_patient_as_the_topic_of_a_sentence(sentence: str, expected: bool) -> None:
    assert refers_to_patient(sentence, within_words=3) is expected


def test_sentences_about_earlier_cases_than_ours_are_background(nlp: Language) -> None:
    text = "Prior to our case, success has been documented with steroids in 12 adults."
    assert "background" in flags(annotate(nlp, text, ["steroids"], section="abstract"), "steroids")
    text = "Prior to the patient's admission, success was documented with steroids."
    assert "background" not in flags(annotate(nlp, text, ["steroids"], section="case"), "steroids")


def test_contraindicated_and_suggestive_for(nlp: Language) -> None:
    doc = annotate(nlp, "Infliximab was contraindicated because of cardiomyopathy.", ["Infliximab"], "case")
    assert flags(doc, "Infliximab") == {"negated"}
    doc = annotate(
        nlp, "Urine casts were highly suggestive for cast nephropathy.", ["cast nephropathy"], "case"
    )
    assert flags(doc, "cast nephropathy") == {"uncertain"}
