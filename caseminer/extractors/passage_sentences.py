"""spaCy component `caseminer_passage_sentences`: no sentence runs across two passages.

The rule sentencizer only splits at sentence-final punctuation, so a heading without a full stop
("Case Report"), a table row or a paragraph ending in a citation number ("...rarely reported.1")
would run into the next paragraph's first sentence, and the context of one would leak into the
other (a background statement making the patient's age "background"). Placed after the
sentencizer, this component starts a sentence at the first token of every passage of the parsed
Document (``Doc._.passages``, see :mod:`caseminer.extractors.sections`) and, for text without
passages, after every blank line.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_SPACE, SENT_START
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
    sent_starts[first_words[first_words > 0]] = 1
    doc.from_array([SENT_START], sent_starts)
    return doc


__all__ = ["passage_sentences"]
