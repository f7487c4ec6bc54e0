"""spaCy component `caseminer_abbreviation_detector`: scispaCy's abbreviation detector, with its
parentheses found by a scan instead of a Matcher.

scispaCy's detector (Schwartz & Hearst) looks for a definition at every "( ... )" that its Matcher
pattern ``"(" + any+ + ")"`` finds. That Matcher carries every open parenthesis to the end of the
document and reports pairs of any length, of which scispaCy's ``filter_matches`` keeps only those
with at most 8 tokens inside: on the full-text gold documents it was 3 of the detector's 5 ms per
document. :func:`parenthesis_matches` lists exactly the pairs that are kept, in the Matcher's order
(by closing parenthesis, then the innermost first); the rest of scispaCy's algorithm is unchanged.
"""

from __future__ import annotations

import warnings
from bisect import bisect_left, bisect_right

import numpy
from scispacy.abbreviation import AbbreviationDetector
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

# scispaCy's filter_matches drops a parenthesis with more tokens inside.
MAX_TOKENS_INSIDE = 8
_MATCH_KEY = "parenthesis"
# The detector's matcher of defined short forms is empty in a document without definitions, and
# spaCy warns about an empty matcher on every call.
warnings.filterwarnings("ignore", message=r".*\[W036\] The component 'matcher' does not have any patterns")


def parenthesis_matches(doc: Doc) -> list[tuple[int, int, int]]:
    """(key, start, end) of every "(" ... ")" token span with 1 to MAX_TOKENS_INSIDE tokens between
    the brackets (any tokens, brackets included), ordered by end, then by start descending."""
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH)
    opens = numpy.flatnonzero(orths == strings["("]).tolist()
    closes = numpy.flatnonzero(orths == strings[")"]).tolist()
    key = strings[_MATCH_KEY]
    matches = []
    for close in closes:
        first = bisect_left(opens, close - MAX_TOKENS_INSIDE - 1)
        last = bisect_right(opens, close - 2)
        matches.extend((key, opens[index], close + 1) for index in reversed(range(first, last)))
    return matches


@Language.factory("caseminer_abbreviation_detector")
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    detector = AbbreviationDetector(nlp, name)
    detector.matcher = parenthesis_matches  # the detector only calls it on the doc
    return detector


__all__ = ["MAX_TOKENS_INSIDE", "make_abbreviation_detector", "parenthesis_matches"]
