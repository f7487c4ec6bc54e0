"""How a run executes its stages: in this process, or (caseminer.flows) as Prefect tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from caseminer.config import Settings
from caseminer.pipeline.fetch import FetchOutcome, fetch_batch
from caseminer.pipeline.store import process_records, reextract_documents
from caseminer.pipeline.work import ArticleWork, BatchOutcome, ProgressCallback
from caseminer.schemas import SearchHit
from caseminer.sources.clients import SourceClients
from caseminer.sources.search import TopicSearch, search_each_source
from caseminer.sources.topic import Topic

if TYPE_CHECKING:
    from spacy.language import Language


PendingOutcome = Callable[[], BatchOutcome]


class Stages(Protocol):
    """How a run executes its stages. `SequentialStages` calls the functions in this process;
    `caseminer.flows` runs them as Prefect tasks (network stages retried, batches on Dask).
    `process`/`reextract` return a callable giving the batch's outcome, so batches may run
    while the next one is fetched."""

    def search(
        self, topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
    ) -> TopicSearch: ...

    def fetch(self, hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome: ...

    def process(
        self, works: list[ArticleWork], settings: Settings, nlp: Language | None
    ) -> PendingOutcome: ...

    def reextract(self, doc_ids: list[str], settings: Settings, nlp: Language | None) -> PendingOutcome: ...


class SequentialStages:
    def search(
        self, topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
    ) -> TopicSearch:
        return search_each_source(topic, clients, since, until)

    def fetch(self, hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome:
        return fetch_batch(hits, clients, topic=topic)

    def process(self, works: list[ArticleWork], settings: Settings, nlp: Language | None) -> PendingOutcome:
        outcome = process_records(works, settings=settings, nlp=nlp)
        return lambda: outcome

    def reextract(self, doc_ids: list[str], settings: Settings, nlp: Language | None) -> PendingOutcome:
        outcome = reextract_documents(doc_ids, settings=settings, nlp=nlp)
        return lambda: outcome


def finish_batches(
    pending: Sequence[tuple[PendingOutcome, int]], outcome: BatchOutcome, report: ProgressCallback, stage: str
) -> None:
    total, done = sum(size for _, size in pending), 0
    for result, size in pending:
        outcome.add(result())
        done += size
        report(stage, done, total)
