"""The ingestion flows: Prefect tasks around the plain functions of `caseminer.pipeline`.

Where tasks run:
- Network tasks (`search`, `fetch-batch`) run in the flow's own process, one after another: the
  per-host rate limits of `caseminer.sources.http` are per process, so fetching from several
  workers would exceed NCBI's limit. They are not retried by Prefect: the HTTP client is the one
  retry layer (backoff honouring Retry-After within a deadline per request), and a source that still
  fails is a recorded failure of the run, not a failed task.
- CPU tasks (`process-batch`: parse, extract, store; `reextract-batch`) are submitted to the task
  runner: a background thread by default, Dask workers with `--workers N` / `--dask-address`
  (each worker builds the spaCy pipeline and the DB engine once and keeps them). The next batch is
  fetched while the previous ones are processed.

Batch size. Measured on the 2-core development machine (Prefect 3.8, ephemeral API): a no-op task
costs 11-15 ms whether called or submitted (runs of 50 and 200 tasks), plus 17-57 s (by machine
load) for the ephemeral server on the first flow of a process. One generated full-text article costs
about 40 ms to extract and 80 ms to store on SQLite (bench_ingest, 500 articles, one worker), so a
batch of 25 articles (~3 s) keeps Prefect's share near 0.5 % while 500 articles still make 20
batches for the workers to share (`DEFAULT_BATCH_SIZE`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from caseminer.config import Settings, get_settings
from caseminer.flows.inputs import local_progress, local_transport
from caseminer.pipeline.fetch import FetchOutcome, fetch_batch
from caseminer.pipeline.ingest import backfill, ingest_topic
from caseminer.pipeline.local import ingest_local
from caseminer.pipeline.reextract import reextract
from caseminer.pipeline.stages import PendingOutcome
from caseminer.pipeline.store import process_records, reextract_documents
from caseminer.pipeline.work import DEFAULT_BATCH_SIZE, ArticleWork, BatchOutcome, RunSummary
from caseminer.schemas import SearchHit
from caseminer.sources import ReplayTransport
from caseminer.sources.clients import SourceClients
from caseminer.sources.http import Transport
from caseminer.sources.search import TopicSearch, search_each_source
from caseminer.sources.topic import Topic, load_topic

if TYPE_CHECKING:
    from spacy.language import Language


@task(name="search", cache_policy=NO_CACHE)
def search_task(
    topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
) -> TopicSearch:
    return search_each_source(topic, clients, since, until)


@task(name="fetch-batch", cache_policy=NO_CACHE)
def fetch_task(hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome:
    return fetch_batch(hits, clients, topic=topic)


@task(name="process-batch", cache_policy=NO_CACHE)
def process_task(works: list[ArticleWork], settings: Settings) -> BatchOutcome:
    return process_records(works, settings=settings)


@task(name="reextract-batch", cache_policy=NO_CACHE)
def reextract_task(doc_ids: list[str], settings: Settings) -> BatchOutcome:
    return reextract_documents(doc_ids, settings=settings)


class PrefectStages:
    """The stages as Prefect tasks: network ones called in place, CPU ones submitted to the runner.

    The `nlp` argument of the pipeline is not shipped to workers; each worker builds its own.
    """

    def search(
        self, topic: Topic, clients: SourceClients, since: dict[str, date | None], until: date | None
    ) -> TopicSearch:
        return search_task(topic, clients, since, until)

    def fetch(self, hits: list[SearchHit], clients: SourceClients, topic: str) -> FetchOutcome:
        return fetch_task(hits, clients, topic)

    def process(self, works: list[ArticleWork], settings: Settings, nlp: Language | None) -> PendingOutcome:
        return _result_of(process_task.submit(works, settings))

    def reextract(self, doc_ids: list[str], settings: Settings, nlp: Language | None) -> PendingOutcome:
        return _result_of(reextract_task.submit(doc_ids, settings))


def _result_of(future: PrefectFuture[BatchOutcome]) -> PendingOutcome:
    return lambda: future.result()


def task_runner(workers: int | None = None, dask_address: str | None = None) -> TaskRunner[Any]:
    """Dask (a local cluster of `workers` single-thread processes, or the scheduler at `dask_address`)
    or, by default, one background thread."""
    if not (workers or dask_address):
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def resolve_topic(topic: str | Topic) -> Topic:
    return topic if isinstance(topic, Topic) else load_topic(topic)


def _transport(replay_dir: str | Path | None) -> Transport | None:
    return local_transport() or (ReplayTransport(replay_dir) if replay_dir else None)


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _run_inputs(replay_dir: str | None, batch_size: int) -> dict[str, Any]:
    """What every ingest flow hands the pipeline: settings, transport, progress and Prefect stages."""
    return {
        "settings": get_settings(),
        "transport": _transport(replay_dir),
        "progress": local_progress(),
        "batch_size": batch_size,
        "stages": PrefectStages(),
    }


# Flows also take a Topic object (the CLI's --demo), so Prefect's parameter validation is off;
# deployments pass plain strings, which are converted here.


@flow(name="caseminer-ingest", validate_parameters=False)
def ingest_flow(
    topic: str | Topic,
    since: date | str | None = None,
    until: date | str | None = None,
    replay_dir: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RunSummary:
    """Search → fetch → parse → extract → store for a topic (all of its window, or from `since`)."""
    window = {"since": _as_date(since), "until": _as_date(until)}
    return ingest_topic(resolve_topic(topic), **window, **_run_inputs(replay_dir, batch_size))


@flow(name="caseminer-nightly", validate_parameters=False)
def nightly_flow(
    topic: str | Topic,
    replay_dir: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RunSummary:
    """The incremental run: from the topic's watermark, which advances only if the run completes."""
    return ingest_topic(resolve_topic(topic), incremental=True, **_run_inputs(replay_dir, batch_size))


@flow(name="caseminer-backfill", validate_parameters=False)
def backfill_flow(
    topic: str | Topic,
    start: date | str,
    end: date | str,
    window_days: int = 365,
    replay_dir: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> list[RunSummary]:
    """The topic's literature from `start` to `end` in windows of `window_days` (one run each)."""
    start_date, end_date = _as_date(start), _as_date(end)
    assert start_date is not None and end_date is not None
    return backfill(
        resolve_topic(topic), start_date, end_date, window_days, **_run_inputs(replay_dir, batch_size)
    )


@flow(name="caseminer-local", validate_parameters=False)
def local_flow(path: str | Path, batch_size: int = DEFAULT_BATCH_SIZE) -> RunSummary:
    """Local bulk files (a directory, a .tar.gz of PMC packages, one file of many articles) → store."""
    return ingest_local(
        path,
        get_settings(),
        progress=local_progress(),
        batch_size=batch_size,
        stages=PrefectStages(),
    )


@flow(name="caseminer-reextract", validate_parameters=False)
def reextract_flow(
    topic: str | None = None,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RunSummary:
    """Extraction again over stored documents (all, or a topic's), with the current extractor."""
    return reextract(
        get_settings(),
        topic,
        force=force,
        progress=local_progress(),
        batch_size=batch_size,
        stages=PrefectStages(),
    )
