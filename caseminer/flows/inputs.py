"""Objects of the calling process that flows use but that are not flow parameters.

Flow parameters (and the flow's context) travel to Dask workers with every task; a transport or a
rich progress display can neither be pickled nor is needed there: the network tasks and the progress
reports both happen in the flow's own process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from caseminer.pipeline.work import ProgressCallback
from caseminer.sources.http import Transport

_TRANSPORT: ContextVar[Transport | None] = ContextVar("caseminer_flow_transport", default=None)
_PROGRESS: ContextVar[ProgressCallback | None] = ContextVar("caseminer_flow_progress", default=None)


@contextmanager
def local_inputs(
    *, transport: Transport | None = None, progress: ProgressCallback | None = None
) -> Iterator[None]:
    """Flows called inside use this transport (instead of the network) and report progress here."""
    transport_token, progress_token = _TRANSPORT.set(transport), _PROGRESS.set(progress)
    try:
        yield
    finally:
        _TRANSPORT.reset(transport_token)
        _PROGRESS.reset(progress_token)


def local_transport() -> Transport | None:
    return _TRANSPORT.get()


def local_progress() -> ProgressCallback | None:
    return _PROGRESS.get()
