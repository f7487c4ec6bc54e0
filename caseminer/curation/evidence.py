"""The evidence sentence of a fact with its mention found in it, for the sheet and the review page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseminer.db.models import DocumentRow
from caseminer.db.repository import load_document


@dataclass(frozen=True)
class MarkedSentence:
    before: str
    mention: str
    after: str

    def as_text(self, opening: str = "[[", closing: str = "]]") -> str:
        if not self.mention:
            return self.before
        return f"{self.before}{opening}{self.mention}{closing}{self.after}"


def mark_mention(
    sentence: str | None, text: str | None, start: int | None, end: int | None
) -> MarkedSentence:
    """Split `sentence` around the mention at document offsets start:end of `text`.

    The sentence is looked for around the mention in the document, so a word that occurs twice in
    the sentence is marked where it was read; without the document, its first occurrence is marked.
    """
    sentence = sentence or ""
    if start is None or end is None or text is None:
        return MarkedSentence(sentence, "", "")
    mention = text[start:end]
    origin = text.find(sentence, max(0, end - len(sentence)), start + len(sentence)) if sentence else -1
    if origin >= 0 and origin <= start and end <= origin + len(sentence):
        offset = start - origin
    else:
        offset = sentence.find(mention) if mention else -1
    if offset < 0 or not mention:
        return MarkedSentence(sentence, "", "")
    return MarkedSentence(sentence[:offset], mention, sentence[offset + len(mention) :])


class DocumentTexts:
    """Document texts by doc_id, each loaded once."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._texts: dict[str, str | None] = {}

    def get(self, doc_id: str | None) -> str | None:
        if doc_id is None:
            return None
        if doc_id not in self._texts:
            row = self._session.scalars(select(DocumentRow).where(DocumentRow.doc_id == doc_id)).one_or_none()
            self._texts[doc_id] = load_document(row).text if row is not None else None
        return self._texts[doc_id]
