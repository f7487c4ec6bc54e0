"""caseminer_abbreviation_detector: scispaCy's abbreviation detector with parentheses found by a scan."""

from __future__ import annotations

import spacy
from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language

from caseminer.extractors.abbreviations import MAX_TOKENS_INSIDE, parenthesis_matches
from caseminer.extractors.tokenizer import make_tokenizer

TEXT = (
    "Immune dysregulation, polyendocrinopathy, enteropathy, X-linked (IPEX) syndrome is caused by "
    "mutations of forkhead box P3 (FOXP3). Regulatory T cells (Tregs) were reduced (Figure 2 (b)). "
    "IPEX patients (n = 3, two of them siblings of an affected boy, see Table 1) received "
    "hematopoietic stem cell transplantation (HSCT) ((a) or (b)); FOXP3 and Tregs (CD4+CD25+) were "
    "measured after HSCT ("
)


def _pipeline() -> tuple[Language, AbbreviationDetector, AbbreviationDetector]:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    scispacy_detector = nlp.add_pipe("abbreviation_detector", name="scispacy")
    ours = nlp.add_pipe("caseminer_abbreviation_detector", name="ours")
    return nlp, scispacy_detector, ours


def test_parentheses_are_the_matcher_pairs_that_scispacy_keeps_in_its_order() -> None:
    nlp, scispacy_detector, _ = _pipeline()
    doc = nlp.make_doc(TEXT)
    expected = [m for m in scispacy_detector.matcher(doc) if m[2] - m[1] - 2 <= MAX_TOKENS_INSIDE]
    assert parenthesis_matches(doc) == expected
    assert any(doc[start].text == "(" and doc[start + 1].text == "(" for _, start, _ in expected)  # nested


def test_finds_the_abbreviations_scispacy_finds() -> None:
    nlp, scispacy_detector, ours = _pipeline()
    found = []
    for detector in (scispacy_detector, ours):
        doc = detector(nlp.make_doc(TEXT))
        found.append(sorted((a.text, a.start_char, a._.long_form.text) for a in doc._.abbreviations))
    assert found[0] == found[1]
    long_form = "Immune dysregulation, polyendocrinopathy, enteropathy, X-linked"
    assert ("IPEX", TEXT.index("(IPEX)") + 1, long_form) in found[1]
    assert {"FOXP3", "HSCT", "IPEX"} == {short for short, _, _ in found[1]}
