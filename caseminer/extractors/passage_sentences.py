"""spaCy component `caseminer_passage_sentences`: no sentence runs across two passages.

The rule sentencizer only splits at sentence-final punctuation, so a heading without a full stop
("Case Report"), a table row or a paragraph ending in a citation number ("...rarely reported.1")
would run into the next paragraph's first sentence, and the context of one would leak into the
other (a background statement making the patient's age "background"). Placed after the
sentencizer, this component starts a sentence at the first token of every passage of the parsed
Document (``Doc._.passages``, see :mod:`caseminer.extractors.sections`) and, for text without
passages, after every blank line.

A full stop glued to the words on both sides ("NM_001198868:c.C463T", which the tokenizer splits
at its period) ends no sentence: the rule sentencizer would cut the variant in two.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("caseminer_passage_sentences")
def passage_sentences(doc: Doc) -> Doc:
    if len(doc) == 0:
        return doc
    starts = [p.start for p in doc._.passages or []]
    if not starts:
        starts = [t.idx + len(t.text) for t in doc if t.is_space and t.text.count("\n") >= 2]
    # Arrays, not Token objects: a full-text article has thousands of tokens and hundreds of
    # passages, and spaCy's Token.is_sent_start setter scans the whole doc on every call.
    words = numpy.flatnonzero(doc.to_array(IS_SPACE) == 0)  # the first token of a passage is no space
    token_starts = doc.to_array(IDX)[words]
    found = numpy.searchsorted(token_starts, starts)  # the first word at or after each start
    first_words = words[found[found < len(words)]]
    sent_starts = doc.to_array(SENT_START)
    glued = _after_glued_full_stops(doc)
    not_a_start = numpy.array(-1).astype(sent_starts.dtype)  # spaCy's -1, in its unsigned array
    sent_starts[glued[sent_starts[glued] == 1]] = not_a_start
    sent_starts[first_words[first_words > 0]] = 1
    doc.from_array([SENT_START], sent_starts)
    return doc


def _after_glued_full_stops(doc: Doc) -> numpy.ndarray:
    """The words right after a full stop with no space before or after it ("c." + "C463T")."""
    orth, spaced = doc.to_array(ORTH), doc.to_array(SPACY)
    stops = numpy.flatnonzero(orth == doc.vocab.strings["."])
    stops = stops[(stops > 0) & (stops < len(doc) - 1)]
    following = stops[(spaced[stops] == 0) & (spaced[stops - 1] == 0)] + 1
    return numpy.array([i for i in following if doc[int(i)].text[:1].isalpha()], dtype=numpy.int64)


__all__ = ["passage_sentences"]
