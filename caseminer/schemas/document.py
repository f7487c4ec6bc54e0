"""Stage 3: a parsed document. Offsets of passages index into `Document.text`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from caseminer.schemas.sources import ArticleIds

SectionKind = Literal[
    "title",
    "abstract",
    "introduction",
    "case",
    "methods",
    "results",
    "discussion",
    "conclusion",
    "table",
    "figure",
    "other",
]

DocumentFormat = Literal["jats", "pubmed", "bioc", "text"]


class Passage(BaseModel):
    """A contiguous stretch of `Document.text` (a paragraph, a caption, a table row)."""

    start: int
    end: int
    section: SectionKind
    section_title: str | None = None
    kind: Literal["title", "paragraph", "caption", "table_row", "heading"] = "paragraph"


class Table(BaseModel):
    """A table kept as cells, so patient tables can be read column by column."""

    label: str | None = None
    caption: str | None = None
    header: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    start: int = Field(description="offset of the table's text in Document.text")
    end: int


class Section(BaseModel):
    title: str | None
    kind: SectionKind
    start: int
    end: int


class Document(BaseModel):
    """The text of an article, one string, with its structure as offset ranges."""

    doc_id: str
    ids: ArticleIds = Field(default_factory=ArticleIds)
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    article_type: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    mesh_terms: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list, description='"Surname Initials", in byline order')
    affiliations: list[str] = Field(default_factory=list, description="the authors' institutions, as written")
    references: list[ArticleIds] = Field(
        default_factory=list,
        description="the ids of the works the article cites (those its reference list gives)",
    )
    license: str | None = None
    is_open_access: bool | None = None
    source_format: DocumentFormat
    text_scope: Literal["full", "abstract", "title"] = "full"
    text: str
    sections: list[Section] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    raw_sha256: str | None = Field(default=None, description="the raw record this was parsed from")

    @property
    def is_case_report(self) -> bool:
        types = {t.lower() for t in self.publication_types}
        return self.article_type == "case-report" or "case reports" in types

    def section_at(self, offset: int) -> Passage | None:
        for passage in self.passages:
            if passage.start <= offset < passage.end:
                return passage
        return None
