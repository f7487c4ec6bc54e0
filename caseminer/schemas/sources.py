"""Stage 1 and 2: what a literature source returns (search hits) and what we archive (raw records)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

SourceName = Literal["europepmc", "pubmed", "pmc", "pubtator3", "local"]

_PMCID = re.compile(r"^(?:PMC)?(\d+)(?:\.\d+)?$", re.IGNORECASE)


def normalize_pmcid(value: str | int | None) -> str | None:
    """`PMC123`, `123`, `pmc123.1` -> `PMC123`; anything else -> None."""
    if value is None:
        return None
    match = _PMCID.match(str(value).strip())
    return f"PMC{match.group(1)}" if match else None


def normalize_pmid(value: str | int | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text if text.isdigit() and text != "0" else None


def normalize_doi(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "http://dx.doi.org/",
        "https://dx.doi.org/",
        "doi:",
    ):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    return text.lower() or None


class ArticleIds(BaseModel):
    """The identifiers of one article; any subset may be known. Normalised on construction."""

    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, value: str | int | None) -> str | None:
        return normalize_pmid(value)

    @field_validator("pmcid", mode="before")
    @classmethod
    def _pmcid(cls, value: str | int | None) -> str | None:
        return normalize_pmcid(value)

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        return normalize_doi(value)

    def is_empty(self) -> bool:
        return not (self.pmid or self.pmcid or self.doi)

    def merged(self, other: ArticleIds) -> ArticleIds:
        return ArticleIds(
            pmid=self.pmid or other.pmid, pmcid=self.pmcid or other.pmcid, doi=self.doi or other.doi
        )

    @property
    def key(self) -> str:
        """A stable display key: the first known of PMCID, PMID, DOI."""
        if self.pmcid:
            return self.pmcid
        if self.pmid:
            return f"PMID{self.pmid}"
        return f"DOI:{self.doi}"


class SearchHit(BaseModel):
    """One article as a search endpoint lists it, before any full text is fetched."""

    source: SourceName
    ids: ArticleIds
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    publication_types: list[str] = Field(default_factory=list)
    is_open_access: bool | None = None
    license: str | None = None
    first_index_date: str | None = None
    update_date: str | None = None


class RawRecord(BaseModel):
    """One response body exactly as received, content-addressed in the raw archive."""

    sha256: str
    url: str
    source: SourceName
    status: int
    content_type: str | None = None
    fetched_at: datetime
    size: int
    path: str = Field(description="Archive path of the gzip-compressed body, relative to the archive root")
