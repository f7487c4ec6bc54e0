"""`caseminer serve`: the nightly flow as a deployment with a cron schedule, served from this process.

`prefect.serve` needs no Prefect server or cloud: in local ephemeral mode the API (and its
scheduler) runs beside this process. SIGINT and SIGTERM both stop the runner cleanly: it cancels
nothing that is not running, lets Prefect mark its deployment's runner offline, and returns.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from prefect import serve as prefect_serve

from caseminer.flows.ingest import nightly_flow, task_runner


def deployment_name(topic: str) -> str:
    return f"nightly-{topic.replace('/', '-').removesuffix('.toml')}"


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Service managers stop with SIGTERM; Prefect's runner shuts down cleanly on KeyboardInterrupt."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    topic: str,
    cron: str,
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    replay_dir: str | None = None,
) -> None:
    """Serve the nightly run of `topic` on `cron` (e.g. "0 2 * * *") until interrupted."""
    flow = nightly_flow.with_options(task_runner=task_runner(workers, dask_address))
    parameters: dict[str, str] = {"topic": topic}
    if replay_dir:
        parameters["replay_dir"] = replay_dir
    deployment = flow.to_deployment(name=deployment_name(topic), cron=cron, parameters=parameters)
    with _sigterm_as_interrupt():
        try:
            prefect_serve(deployment)
        except KeyboardInterrupt:
            return
