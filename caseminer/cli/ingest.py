"""CLI commands: `caseminer ingest`, `nightly`, `backfill`, `reextract`, `serve`.

`ingest` runs the plain pipeline functions by default (Prefect's ephemeral API server costs
~10-20 s to start); `--prefect`, `--workers` and `--dask-address` run the same work as Prefect
flows, as do `nightly` and `serve`.

Exit codes (`exit_code`): 0 done; 1 partial (a source, file or article failed: recorded, retried by
the next run); 2 nothing could be done (no source answered, or a one-line error). A failure reported
in the summary prints no traceback: Prefect's own logging is quiet unless `--verbose`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from caseminer.cli.app import DbOption, ResultFormat, TopicOption, app, error_console, fail
from caseminer.cli.summary import print_summaries
from caseminer.config import Settings, get_settings
from caseminer.pipeline.work import ProgressCallback, RunSummary

# The summary tables; progress and messages go to stderr (error_console).
console = Console()

DateOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="a date, YYYY-MM-DD")]
PrefectOption = Annotated[bool, typer.Option("--prefect", help="run as a Prefect flow (local ephemeral API)")]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", min=1, help="process batches on a local Dask cluster of N workers")
]
DaskOption = Annotated[
    str | None, typer.Option("--dask-address", help="process batches on this Dask scheduler")
]
ReplayOption = Annotated[
    Path | None, typer.Option("--replay", help="answer requests from this cassette directory (no network)")
]
FormatOption = Annotated[
    ResultFormat,
    typer.Option("--format", help="table (fits the terminal), or csv / json: every patient on stdout"),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", help="show Prefect's own logging")]


def _settings(db: str | None) -> Settings:
    if db:
        # Flows read their settings in their own process: the environment carries the choice there.
        os.environ["CASEMINER_DATABASE_URL"] = db
    return get_settings()


def _prefect_logging(verbose: bool) -> None:
    """Prefect logs a failed task with its traceback; caseminer reports failures in its summary, so
    Prefect is quiet unless asked (set before `caseminer.flows` imports Prefect; the environment wins).

    Dask's scheduler and workers log every start and stop at INFO, and a worker whose heartbeat
    meets the scheduler's closed stream at shutdown logs that at ERROR with a traceback
    (dask/distributed#7192), so Dask is quiet below CRITICAL too: a batch that fails on a worker is
    still reported, in the summary. The worker processes read the setting from the environment."""
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
        os.environ["DASK_LOGGING__DISTRIBUTED"] = "info"
    else:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
    """A rich progress display fed by the pipeline's (stage, done, total) callback."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=error_console,  # progress on stderr; the summary is the result
        transient=False,
    ) as progress:

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        yield report


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Errors a user can fix become one line and exit code 2; bugs keep their traceback."""
    from caseminer.parsing import ParseError
    from caseminer.sources import SourceError, TopicError

    try:
        yield
    except (SourceError, TopicError, ParseError, FileNotFoundError) as error:
        raise fail(str(error)) from None


def _finish(result: RunSummary | Sequence[RunSummary], output: ResultFormat) -> None:
    """Print each run's summary in `output`'s format; exit with the code of `exit_code`."""
    summaries = [result] if isinstance(result, RunSummary) else list(result)
    print_summaries(summaries, output, console)
    code = exit_code(summaries)
    if code:
        raise typer.Exit(code)


def exit_code(summaries: Sequence[RunSummary]) -> int:
    """0: done; 1: partial (some sources, files or articles failed, recorded and retried next run);
    2: nothing could be done."""
    if any(summary.status == "failed" for summary in summaries):
        return 2
    if any(summary.status == "partial" or summary.failed for summary in summaries):
        return 1
    return 0


def _topic_for_replay(replay: Path, topic: str | None) -> str:
    """A cassette may carry its topic beside it (as the demo's does): DIR/topic.toml or DIR/../topic.toml."""
    if topic:
        return topic
    for candidate in (replay / "topic.toml", replay.parent / "topic.toml"):
        if candidate.is_file():
            return str(candidate)
    raise fail(f"--replay {replay} needs --topic (no topic.toml beside the cassette)")


def _use_flows(prefect: bool, workers: int | None, dask_address: str | None) -> bool:
    return prefect or bool(workers) or bool(dask_address)


def _call_flow(
    flow: Any,
    report: ProgressCallback,
    workers: int | None,
    dask_address: str | None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    from caseminer.flows import local_inputs, task_runner

    with local_inputs(progress=report):
        return flow.with_options(task_runner=task_runner(workers, dask_address))(*args, **kwargs)


def _run(
    plain: Callable[[ProgressCallback], Any], flow: Callable[[ProgressCallback], Any], use_flows: bool
) -> Any:
    with _clear_errors(), _progress() as report:
        return flow(report) if use_flows else plain(report)


@app.command()
def ingest(
    demo: Annotated[
        bool, typer.Option("--demo", help="the shipped demo corpus, replayed (no network)")
    ] = False,
    replay: ReplayOption = None,
    topic: TopicOption = None,
    local: Annotated[
        Path | None,
        typer.Option(
            "--local", help="a directory, a .tar.gz of PMC packages or a bulk file of JATS / PubMed / BioC"
        ),
    ] = None,
    since: DateOption = None,
    prefect: PrefectOption = False,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    output: FormatOption = ResultFormat.table,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Search, fetch, parse, extract and store a topic's case reports; print a per-patient summary."""
    _prefect_logging(verbose)
    from caseminer.pipeline.ingest import ingest_topic
    from caseminer.sources import ReplayTransport, load_topic

    if sum((demo, replay is not None, local is not None)) > 1:
        raise fail("choose one of --demo, --replay DIR and --local PATH")
    settings = _settings(db)
    use_flows = _use_flows(prefect, workers, dask_address)
    if local is not None:
        _finish(_run_local(local, settings, use_flows, workers, dask_address), output)
        return
    if demo:
        from caseminer.demo import demo_cassette_dir, demo_topic

        replay, chosen_topic = demo_cassette_dir(), demo_topic()
    elif replay is not None:
        with _clear_errors():
            chosen_topic = load_topic(_topic_for_replay(replay, topic))
    elif topic:
        with _clear_errors():
            chosen_topic = load_topic(topic)
    else:
        raise fail("say what to ingest: --demo, --topic NAME|PATH, --replay DIR or --local PATH")

    def plain(report: ProgressCallback) -> RunSummary:
        transport = ReplayTransport(replay) if replay else None
        return ingest_topic(
            chosen_topic, settings=settings, transport=transport, since=_day(since), progress=report
        )

    def flow(report: ProgressCallback) -> RunSummary:
        from caseminer.flows import ingest_flow

        replay_dir = str(replay) if replay else None
        return _call_flow(
            ingest_flow, report, workers, dask_address, chosen_topic, since=_day(since), replay_dir=replay_dir
        )

    _finish(_run(plain, flow, use_flows), output)


def _run_local(
    path: Path, settings: Settings, use_flows: bool, workers: int | None, dask_address: str | None
) -> RunSummary:
    from caseminer.pipeline.local import ingest_local

    def plain(report: ProgressCallback) -> RunSummary:
        return ingest_local(path, settings, progress=report)

    def flow(report: ProgressCallback) -> RunSummary:
        from caseminer.flows import local_flow

        return _call_flow(local_flow, report, workers, dask_address, str(path.resolve()))

    return _run(plain, flow, use_flows)


@app.command()
def nightly(
    topic: Annotated[str, typer.Option("--topic", help="a shipped topic name or a topic TOML file")],
    replay: ReplayOption = None,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    output: FormatOption = ResultFormat.table,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """The incremental run (Prefect flow): each source from its watermark, which advances only when its
    search succeeded (a source that failed is searched again from there next time)."""
    _prefect_logging(verbose)
    _settings(db)

    def flow(report: ProgressCallback) -> RunSummary:
        from caseminer.flows import nightly_flow

        replay_dir = str(replay) if replay else None
        return _call_flow(nightly_flow, report, workers, dask_address, topic, replay_dir=replay_dir)

    _finish(_run(flow, flow, True), output)


@app.command()
def backfill(
    topic: Annotated[str, typer.Option("--topic", help="a shipped topic name or a topic TOML file")],
    start: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="first day, YYYY-MM-DD")],
    end: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="last day, YYYY-MM-DD")],
    window_days: Annotated[int, typer.Option(min=1, help="days per search window")] = 365,
    replay: ReplayOption = None,
    prefect: PrefectOption = False,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    output: FormatOption = ResultFormat.table,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Ingest a topic's literature from START to END in date windows (one run record per window)."""
    _prefect_logging(verbose)
    from caseminer.pipeline.ingest import backfill as backfill_topic
    from caseminer.sources import ReplayTransport, load_topic

    settings = _settings(db)

    def plain(report: ProgressCallback) -> list[RunSummary]:
        transport = ReplayTransport(replay) if replay else None
        return backfill_topic(
            load_topic(topic),
            start.date(),
            end.date(),
            window_days,
            settings=settings,
            transport=transport,
            progress=report,
        )

    def flow(report: ProgressCallback) -> list[RunSummary]:
        from caseminer.flows import backfill_flow

        replay_dir = str(replay) if replay else None
        dates = (start.date(), end.date())
        return _call_flow(
            backfill_flow, report, workers, dask_address, topic, *dates, window_days, replay_dir
        )

    _finish(_run(plain, flow, _use_flows(prefect, workers, dask_address)), output)


@app.command()
def reextract(
    topic: Annotated[
        str | None, typer.Option("--topic", help="only this topic's articles (default: all)")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="also documents already at the current version")
    ] = False,
    prefect: PrefectOption = False,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    output: FormatOption = ResultFormat.table,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run extraction again over stored documents with the current extractor version (no network)."""
    _prefect_logging(verbose)
    from caseminer.pipeline.reextract import reextract as reextract_stored

    settings = _settings(db)

    def plain(report: ProgressCallback) -> RunSummary:
        return reextract_stored(settings, topic, force=force, progress=report)

    def flow(report: ProgressCallback) -> RunSummary:
        from caseminer.flows import reextract_flow

        return _call_flow(reextract_flow, report, workers, dask_address, topic, force)

    _finish(_run(plain, flow, _use_flows(prefect, workers, dask_address)), output)


@app.command()
def serve(
    topic: Annotated[str, typer.Option("--topic", help="a shipped topic name or a topic TOML file")],
    cron: Annotated[
        str, typer.Option("--cron", help='when to run, e.g. "0 2 * * *" (02:00 daily)')
    ] = "0 2 * * *",
    replay: ReplayOption = None,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    db: DbOption = None,
) -> None:
    """Serve the nightly flow on a cron schedule (no Prefect server needed); Ctrl-C or SIGTERM stops it."""
    from caseminer.flows import serve as serve_nightly
    from caseminer.flows.serve import deployment_name

    _settings(db)
    with _clear_errors():
        from caseminer.sources import load_topic

        load_topic(topic)  # a bad topic fails now, not at 2 a.m.
    error_console.print(f"serving {deployment_name(topic)} on '{cron}'; Ctrl-C to stop", highlight=False)
    serve_nightly(
        topic, cron, workers=workers, dask_address=dask_address, replay_dir=str(replay) if replay else None
    )
    error_console.print("stopped")
