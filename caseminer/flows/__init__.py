"""Prefect 3 flows, thin over `caseminer.pipeline`: ingest, nightly, backfill, reextract, serve.

Importing this package sets Prefect defaults suited to an embedded, offline tool (each can be
overridden in the environment): no telemetry, a generous start-up timeout for the ephemeral API
server on a busy machine, and caseminer's own loggers routed through Prefect's logger.
"""

from __future__ import annotations

import os

for _name, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "caseminer",
}.items():
    os.environ.setdefault(_name, _value)

from caseminer.flows.ingest import (  # noqa: E402  (Prefect reads the settings above at import)
    PrefectStages,
    backfill_flow,
    ingest_flow,
    local_flow,
    nightly_flow,
    reextract_flow,
    task_runner,
)
from caseminer.flows.inputs import local_inputs  # noqa: E402
from caseminer.flows.serve import serve  # noqa: E402

__all__ = [
    "PrefectStages",
    "backfill_flow",
    "ingest_flow",
    "local_flow",
    "local_inputs",
    "nightly_flow",
    "reextract_flow",
    "serve",
    "task_runner",
]
