"""An ingest killed with SIGKILL mid-run, then rerun, and two ingests at once: the database ends
exactly as after one uninterrupted run (no lost, no duplicated articles, mentions or patients)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import make_settings, registry_snapshot, subprocess_env
from ingest_synthetic import ingest_run
from sqlalchemy import func, select

from caseminer.config import Settings
from caseminer.db import init_db, make_engine, session_scope
from caseminer.db.models import Article, IngestRun

SCRIPT = Path(__file__).with_name("ingest_synthetic.py")
REPORTS, SEED = 24, 17
PROCESS_TIMEOUT = 240


def _start(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), str(REPORTS), str(SEED)],
        env=subprocess_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _articles(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0
    finally:
        engine.dispose()


def _reference(tmp_path: Path, settings: Settings, nlp: Any, url: str) -> dict[str, Any]:
    """The snapshot of one uninterrupted run into a database of its own."""
    reference = make_settings(tmp_path / "reference", url, settings.resolved_vocab_path)
    assert ingest_run(reference, REPORTS, SEED, nlp).new == REPORTS
    return registry_snapshot(init_db(url))


@pytest.mark.timeout(600)
def test_sigkill_mid_run_then_rerun_equals_an_uninterrupted_run(
    settings: Settings, nlp: Any, tmp_path: Path, second_db_url: str
) -> None:
    engine = init_db(settings.database_url)
    process = _start(settings)
    try:
        deadline = time.monotonic() + PROCESS_TIMEOUT
        while _articles(settings.database_url) < 3:
            assert process.poll() is None, f"ingest ended before it could be killed: {process.stderr}"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
        process.kill()  # SIGKILL: no cleanup, no rollback handler, no run record closed
    finally:
        process.wait(timeout=30)
    stored = _articles(settings.database_url)
    assert 3 <= stored < REPORTS, "the kill must land mid-run"

    rerun = ingest_run(settings, REPORTS, SEED, nlp)
    assert (rerun.status, rerun.found, rerun.new, rerun.failed) == ("succeeded", REPORTS, REPORTS - stored, 0)
    with session_scope(engine) as session:
        statuses = list(session.scalars(select(IngestRun.status).order_by(IngestRun.id)))
    assert statuses == ["running", "succeeded"]  # the killed run stays visibly unfinished
    assert registry_snapshot(engine) == _reference(tmp_path, settings, nlp, second_db_url)


@pytest.mark.timeout(600)
def test_two_concurrent_ingests_end_like_one(
    settings: Settings, nlp: Any, tmp_path: Path, second_db_url: str
) -> None:
    engine = init_db(settings.database_url)  # the schema exists before both start, as in operation
    processes = [_start(settings), _start(settings)]
    for process in processes:
        _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
        assert process.returncode == 0, stderr[-2000:]
    with session_scope(engine) as session:
        runs = session.scalars(select(IngestRun)).all()
    assert [run.status for run in runs] == ["succeeded", "succeeded"]
    assert registry_snapshot(engine) == _reference(tmp_path, settings, nlp, second_db_url)
