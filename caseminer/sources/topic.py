"""A topic: which literature to mine, as configuration (TOML), never as code.

`load_topic("ipex")` reads the shipped `caseminer/topics/ipex.toml`; a path reads any file.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

TOPICS_DIR = Path(__file__).resolve().parents[1] / "topics"


class TopicGene(BaseModel):
    symbol: str
    id: str = Field(description="NCBIGene:<id>")


class TopicQueries(BaseModel):
    """One query per source, in that source's syntax; a missing query skips the source."""

    europepmc: str | None = None
    pubmed: str | None = None
    pmc: str | None = None


class Topic(BaseModel):
    name: str
    label: str | None = None
    description: str | None = None
    start_date: date = date(1990, 1, 1)
    end_date: date | None = None
    case_reports_only: bool = True
    email: str | None = None
    focus_concepts: list[str] = Field(default_factory=list)
    genes: list[TopicGene] = Field(default_factory=list)
    queries: TopicQueries = Field(default_factory=TopicQueries)

    @field_validator("email")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None

    @property
    def gene_ids(self) -> list[str]:
        return [gene.id for gene in self.genes]


class TopicError(ValueError):
    """A topic name or file that cannot be loaded (one-line message)."""


def available_topics() -> list[str]:
    return sorted(path.stem for path in TOPICS_DIR.glob("*.toml"))


def load_topic(name_or_path: str | Path) -> Topic:
    """A shipped topic by name (`ipex`) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = TOPICS_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        shipped = ", ".join(available_topics()) or "none"
        raise TopicError(f"no topic {str(name_or_path)!r}: not a file, and not one of {shipped}")
    try:
        return Topic.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as error:
        raise TopicError(f"{path}: invalid TOML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise TopicError(f"{path}: {problems}") from None
