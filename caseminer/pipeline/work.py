"""What flows between the ingestion stages: the work items (fetched records, parsed documents), the
outcomes a batch and a run report, and the progress callback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from caseminer.schemas import ArticleIds, Document, RawRecord
from caseminer.sources.pubtator import PubTatorAnnotations

T = TypeVar("T")


# Articles per batch; see caseminer.flows for the Prefect overhead measurement behind the number.
DEFAULT_BATCH_SIZE = 25


# (stage, completed, total) — total 0 when unknown.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FailureNote:
    source: str
    source_id: str
    stage: str
    error: str


@dataclass(frozen=True)
class PatientSummary:
    """One row of the CLI's per-patient table."""

    doc_id: str
    patient: str
    sex: str | None
    onset: str | None
    variant: str | None
    phenotypes: int
    hsct: bool | None
    outcome: str | None


@dataclass(frozen=True)
class LinkSummary:
    """A candidate individual link of a run's patients: two records of different articles that may
    be one person (caseminer.curation.individuals), with the curator's decision if there is one."""

    first: str
    second: str
    score: float
    explanation: str
    decision: str | None


@dataclass
class BatchOutcome:
    """What processing one batch did; outcomes of several batches add up."""

    articles: int = 0
    documents: int = 0
    article_ids: list[int] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)

    def add(self, other: BatchOutcome) -> BatchOutcome:
        self.articles += other.articles
        self.documents += other.documents
        self.article_ids.extend(other.article_ids)
        self.failures.extend(other.failures)
        for stage, seconds in other.durations.items():
            self.durations[stage] = self.durations.get(stage, 0.0) + seconds
        return self

    @property
    def failed_articles(self) -> set[str]:
        return {note.source_id for note in self.failures}


@dataclass
class RunSummary:
    topic: str
    run_id: int | None = None
    status: str = "running"
    found: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    documents: int = 0
    since: date | None = None
    until: date | None = None
    durations: dict[str, float] = field(default_factory=dict)
    failures: list[FailureNote] = field(default_factory=list)
    patients: list[PatientSummary] = field(default_factory=list)
    links: list[LinkSummary] = field(default_factory=list)
    # The search sources that answered, and the one-line error of each that did not.
    sources: list[str] = field(default_factory=list)
    failed_sources: dict[str, str] = field(default_factory=dict)

    def final_status(self) -> str:
        """The run's status: succeeded; partial when a search source failed; failed when none answered."""
        if not self.failed_sources:
            return "succeeded"
        return "partial" if self.sources else "failed"


@dataclass(frozen=True)
class ArticleWork:
    """One article's raw records, fetched and archived, waiting to be parsed (picklable for Dask).

    `ids` empty means the records name their own articles (local bulk files): each parsed document
    then becomes its own article.
    """

    source: str
    source_id: str
    ids: ArticleIds
    records: list[RawRecord]
    metadata: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None


@dataclass(frozen=True)
class DocumentWork:
    """One article's parsed documents and external annotations, waiting to be extracted and stored."""

    source: str
    source_id: str
    ids: ArticleIds
    documents: list[Document]
    records: list[RawRecord] = field(default_factory=list)
    annotations: list[PubTatorAnnotations] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None


def batched(items: Sequence[T], size: int) -> list[list[T]]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


@contextmanager
def timed(durations: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        durations[stage] = durations.get(stage, 0.0) + time.perf_counter() - started


def no_progress(_stage: str, _done: int, _total: int) -> None:
    return None
