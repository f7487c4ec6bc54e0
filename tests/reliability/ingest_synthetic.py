"""Run one ingest of generated reports served by SyntheticService, as a separate process.

    python ingest_synthetic.py COUNT SEED

Settings come from the CASEMINER_* environment. The reliability tests start this to kill it
mid-run or to run two ingests at once, and compare with `ingest_run` done in the test process.
"""

from __future__ import annotations

import sys
from typing import Any

from caseminer.config import Settings, get_settings
from caseminer.demo import SyntheticService, demo_topic, generate_reports
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.work import RunSummary

# Small batches: a kill lands between many commits, not before the first one.
BATCH_SIZE = 2


def ingest_run(settings: Settings, count: int, seed: int, nlp: Any = None) -> RunSummary:
    service = SyntheticService(generate_reports(count, seed))
    return ingest_topic(demo_topic(), settings=settings, transport=service, nlp=nlp, batch_size=BATCH_SIZE)


if __name__ == "__main__":
    summary = ingest_run(get_settings(), int(sys.argv[1]), int(sys.argv[2]))
    print(summary.status, summary.found, summary.new, flush=True)
