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

from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("caseminer_passage_sentences")
def passage_sentences(doc: Doc) -> Doc:
    if len(doc) == 0:
        return doc
    starts = [p.start for p in doc._.passages or []]
    if not starts:
        starts = [t.idx + len(t.text) for t in doc if t.is_space and t.text.count("\n") >= 2]
    token_starts = [t.idx for t in doc]
    for offset in starts:
        index = bisect_left(token_starts, offset)
        while index < len(doc) and doc[index].is_space:
            index += 1
        if 0 < index < len(doc):
            doc[index].is_sent_start = True
    return doc


__all__ = ["passage_sentences"]
