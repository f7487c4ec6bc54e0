"""Section awareness for every component: which part of the article a character offset lies in.

The parsed `Document` knows its passages (title, abstract, case presentation, discussion, table
rows, captions); the pipeline copies them onto the spaCy `Doc` so that components can tell a
patient's history from a discussion of the literature without seeing the `Document` itself.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from spacy.tokens import Doc, Span

from caseminer.schemas.document import Document, SectionKind


class DocPassage(NamedTuple):
    start: int
    end: int
    section: SectionKind
    kind: str


Doc.set_extension("passages", default=None, force=True)
_STARTS_KEY = "caseminer.passage_starts"


def attach_passages(doc: Doc, document: Document) -> Doc:
    """Copy the document's passages (sorted by start) onto the spaCy Doc."""
    doc._.passages = sorted(DocPassage(p.start, p.end, p.section, p.kind) for p in document.passages)
    return doc


def passage_at(doc: Doc, offset: int) -> DocPassage | None:
    passages: list[DocPassage] | None = doc._.passages
    if not passages:
        return None
    index = bisect_right(_passage_starts(doc, passages), offset) - 1
    if index >= 0 and passages[index].start <= offset < passages[index].end:
        return passages[index]
    return None


def section_of(span: Span) -> SectionKind | None:
    """The section kind of a span's first character, or None for plain text without structure."""
    passage = passage_at(span.doc, span.start_char)
    return passage.section if passage else None


def _passage_starts(doc: Doc, passages: list[DocPassage]) -> list[int]:
    """The starts of `passages`, listed once per passages list: every component asks for the
    section of many spans, and a full-text article has hundreds of passages (table rows)."""
    cached: tuple[list[DocPassage], list[int]] | None = doc.user_data.get(_STARTS_KEY)
    if cached is None or cached[0] is not passages:
        cached = doc.user_data[_STARTS_KEY] = (passages, [p.start for p in passages])
    return cached[1]
