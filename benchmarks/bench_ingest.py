"""End-to-end ingestion benchmark over generated full-text reports (no network).

    python benchmarks/bench_ingest.py [--documents 500] [--new 50] [--workers 1 2] [--postgres URL]

SyntheticService answers the real Europe PMC / E-utilities / PubTator3 endpoints from generated
reports (every one a full-text article), so the whole pipe runs: search, fetch, archive, parse,
extract, store (SQLite, or PostgreSQL with --postgres). For each worker count, a fresh database is
filled by the Prefect ingest flow with its batches on a local Dask cluster of single-thread worker
processes; the time is the flow's wall time (worker start-up and each worker's pipeline load
included; the Prefect ephemeral server is started once beforehand and reported apart). Then, on the
last database, the nightly increment: nothing new, and `--new` newly indexed reports; with Prefect
(server warm) and as plain functions. Needs the terminology store (CASEMINER_VOCAB_PATH or the
default location).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from caseminer.config import Settings
from caseminer.demo import SyntheticService, demo_topic, generate_reports
from caseminer.flows import ingest_flow, local_inputs, nightly_flow, task_runner
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.work import RunSummary
from caseminer.sources.topic import Topic

console = Console(width=160)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {platform.python_version()}"


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def _database_url(root: Path, name: str, server_url: str | None) -> str:
    """A fresh SQLite file, or a fresh database on the PostgreSQL server of `server_url`."""
    if server_url is None:
        return f"sqlite:///{root / name}.db"
    database = f"caseminer_bench_{os.getpid()}_{name}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return f"{server_url.rsplit('/', 1)[0]}/{database}"


def _settings(root: Path, name: str, server_url: str | None = None) -> Settings:
    base = Settings()
    return Settings(
        database_url=_database_url(root, name, server_url),
        data_dir=root / name,
        vocab_path=base.resolved_vocab_path,
        vocab_source_dir=base.vocab_source_dir,
    )


def _use(settings: Settings) -> None:
    """Flows read their settings from the environment (as a deployment would)."""
    os.environ["CASEMINER_DATABASE_URL"] = settings.database_url
    os.environ["CASEMINER_DATA_DIR"] = str(settings.data_dir)
    os.environ["CASEMINER_VOCAB_PATH"] = str(settings.resolved_vocab_path)


def full_ingest(topic: Topic, service: SyntheticService, settings: Settings, workers: int) -> dict[str, Any]:
    _use(settings)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        local_inputs(transport=service),
    ):
        flow = ingest_flow.with_options(task_runner=task_runner(dask_address=cluster.scheduler_address))
        summary, seconds = _timed(lambda: flow(topic))
        peaks = client.run(_peak_rss_mb)
    assert summary.failed == 0, summary.failures[:3]
    return {
        "workers": workers,
        "documents": summary.documents,
        "seconds": seconds,
        "docs_per_s": summary.documents / seconds,
        "peak_mb": max(peaks.values()),
        "extract_s": summary.durations.get("extract", 0.0),
        "store_s": summary.durations.get("store", 0.0),
        "load": os.getloadavg()[0],
        "settings": settings,
    }


def nightly(
    topic: Topic, service: SyntheticService, settings: Settings, *, prefect: bool
) -> tuple[RunSummary, float]:
    _use(settings)
    if prefect:
        with local_inputs(transport=service):
            return _timed(lambda: nightly_flow(topic))
    return _timed(lambda: ingest_topic(topic, settings=settings, transport=service, incremental=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--new", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server URL (fresh databases are created); default SQLite",
    )
    args = parser.parse_args()

    # The demo topic's queries, open-ended so the nightly window (today) is valid.
    topic = Topic.model_validate({**demo_topic().model_dump(), "end_date": None})
    reports = generate_reports(args.documents, seed=7)
    root = Path(tempfile.mkdtemp(prefix="caseminer-bench-"))
    warmup = _settings(root, "warmup")
    _use(warmup)
    with local_inputs(transport=SyntheticService(reports[:1])):
        _, server_seconds = _timed(lambda: ingest_flow(topic, batch_size=1))

    rows = []
    for workers in args.workers:
        settings = _settings(root, f"workers{workers}", args.postgres)
        rows.append(full_ingest(topic, SyntheticService(reports), settings, workers))
        console.print({key: value for key, value in rows[-1].items() if key != "settings"})

    settings = rows[-1]["settings"]
    service = SyntheticService(reports)
    increments = []
    for prefect in (True, False):
        summary, seconds = nightly(topic, service, settings, prefect=prefect)
        increments.append(("Prefect flow" if prefect else "plain functions", "nothing new", summary, seconds))
    for prefect in (True, False):
        fresh = generate_reports(
            args.new,
            seed=11 + prefect,
            start=args.documents + prefect * args.new,
            indexed_from=date.today(),
            days_apart=0,
        )
        service.add_reports(fresh)
        summary, seconds = nightly(topic, service, settings, prefect=prefect)
        increments.append(
            ("Prefect flow" if prefect else "plain functions", f"{args.new} new", summary, seconds)
        )

    console.print(f"machine: {_machine()}; database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    console.print(f"Prefect ephemeral server start + first flow: {server_seconds:.1f} s (once per process)")
    table = Table(
        "Dask workers",
        "documents",
        "wall s",
        "docs/s",
        "speed-up",
        "peak RSS per worker (MB)",
        "extract s (all workers)",
        "store s (all workers)",
        "load avg (1 min)",
        title=f"end-to-end ingest of {args.documents} generated full-text reports",
    )
    for row in rows:
        table.add_row(
            str(row["workers"]),
            str(row["documents"]),
            f"{row['seconds']:.1f}",
            f"{row['docs_per_s']:.2f}",
            f"{row['docs_per_s'] / rows[0]['docs_per_s']:.2f}x",
            f"{row['peak_mb']:.0f}",
            f"{row['extract_s']:.1f}",
            f"{row['store_s']:.1f}",
            f"{row['load']:.1f}",
        )
    console.print(table)
    table = Table("run as", "increment", "found", "new", "wall s", title="nightly increment")
    for mode, label, summary, seconds in increments:
        table.add_row(mode, label, str(summary.found), str(summary.new), f"{seconds:.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
