"""Assemble one `Document`: a single text string plus passages, sections and tables as offsets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from caseminer.schemas.document import Document, Passage, Section, SectionKind, Table
from caseminer.schemas.sources import ArticleIds

PassageKind = Literal["title", "paragraph", "caption", "table_row", "heading"]

_WHITESPACE = re.compile(r"\s+")
TABLE_CELL_SEPARATOR = " | "


def clean_text(text: str | None) -> str:
    """Collapse runs of whitespace (incl. line breaks of pretty-printed XML) into single spaces."""
    return _WHITESPACE.sub(" ", text or "").strip()


def author_name(surname: str, given_names: str) -> str:
    """An author as PubMed writes one, "Surname Initials": ("Ng", "Wei Ling") -> "Ng WL"."""
    initials = "".join(part[0] for part in re.split(r"[\s.\-]+", clean_text(given_names)) if part)
    return f"{clean_text(surname)} {initials}".strip()


def document_id(ids: ArticleIds, fallback: str, *, full_text: bool) -> str:
    """`pmc6358576` for full text, `pmid38763967` for an abstract record, else the fallback.

    The PMCID names the full-text version and the PMID the citation record, so the two documents
    of one article (PubMed abstract, PMC full text) keep distinct ids.
    """
    pmc = ids.pmcid.lower() if ids.pmcid else None
    pmid = f"pmid{ids.pmid}" if ids.pmid else None
    preferred = (pmc, pmid) if full_text else (pmid, pmc)
    return next((value for value in preferred if value), fallback)


class DocumentBuilder:
    """Appends passages to one text, separated by a newline, remembering where each one lies."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.passages: list[Passage] = []
        self.tables: list[Table] = []

    @property
    def length(self) -> int:
        return self._length

    def _write(self, text: str, at: int | None) -> int:
        if at is not None and at >= self._length + (1 if self._length else 0):
            padding = at - self._length
        else:
            padding = 1 if self._length else 0
        if padding:
            self._parts.append("\n" * padding)
            self._length += padding
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def add(
        self,
        text: str,
        *,
        section: SectionKind,
        section_title: str | None = None,
        kind: PassageKind = "paragraph",
        at: int | None = None,
        keep_whitespace: bool = False,
    ) -> Passage | None:
        """Add one passage; `at` places it at a given offset (BioC) when that is still ahead.

        `keep_whitespace` keeps the text verbatim, so offsets measured inside it (BioC annotations) hold.
        """
        if not keep_whitespace:
            text = clean_text(text)
        if not text.strip():
            return None
        start = self._write(text, at)
        passage = Passage(
            start=start, end=start + len(text), section=section, section_title=section_title, kind=kind
        )
        self.passages.append(passage)
        return passage

    def add_table(
        self,
        *,
        label: str | None,
        caption: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        footer: str | None = None,
    ) -> Table | None:
        """Keep a table as cells and render it into the text, one line per row, so extractors see it."""
        title = clean_text(" ".join(part for part in (label, caption) if part))
        first: Passage | None = self.add(title, section="table", section_title=label, kind="caption")
        for row in ([list(header)] if header else []) + [list(row) for row in rows]:
            line = TABLE_CELL_SEPARATOR.join(clean_text(cell) for cell in row)
            # Verbatim: an empty cell's double space must stay, or the cells' offsets move.
            passage = self.add(
                line, section="table", section_title=label, kind="table_row", keep_whitespace=True
            )
            first = first or passage
        last = self.add(footer or "", section="table", section_title=label, kind="caption")
        if first is None:
            return None
        end = (last or self.passages[-1]).end
        table = Table(
            label=clean_text(label) or None,
            caption=clean_text(caption) or None,
            header=[clean_text(cell) for cell in header],
            rows=[[clean_text(cell) for cell in row] for row in rows],
            start=first.start,
            end=end,
        )
        self.tables.append(table)
        return table

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def sections(self) -> list[Section]:
        """Runs of consecutive passages with the same section kind and title."""
        sections: list[Section] = []
        for passage in self.passages:
            last = sections[-1] if sections else None
            if last and last.kind == passage.section and last.title == passage.section_title:
                last.end = passage.end
            else:
                sections.append(
                    Section(
                        title=passage.section_title,
                        kind=passage.section,
                        start=passage.start,
                        end=passage.end,
                    )
                )
        return sections

    def has_body(self) -> bool:
        return any(p.section not in ("title", "abstract") for p in self.passages)

    def text_scope(self) -> str:
        if self.has_body():
            return "full"
        if any(p.section == "abstract" for p in self.passages):
            return "abstract"
        return "title"

    def build(self, *, ids: ArticleIds, fallback_id: str, **metadata: Any) -> Document:
        metadata.setdefault("text_scope", self.text_scope())
        return Document(
            doc_id=document_id(ids, fallback_id, full_text=metadata["text_scope"] == "full"),
            ids=ids,
            text=self.text,
            passages=self.passages,
            sections=self.sections(),
            tables=self.tables,
            **metadata,
        )
