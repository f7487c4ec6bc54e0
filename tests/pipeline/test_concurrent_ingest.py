"""Two `caseminer ingest --demo` started at once on a brand-new database (an overlapping cron, enter
pressed twice): both succeed, or one says that another run holds the database; never a traceback,
and the registry ends as one run leaves it. The installed command, each in its own process."""

from __future__ import annotations

import subprocess

from fresh_user import CASEMINER, fresh_env, run_caseminer
from ingest_fixtures import registry_snapshot
from sqlalchemy import create_engine

from caseminer.vocab import TerminologyStore


def _snapshot(url: str) -> dict:
    engine = create_engine(url)
    try:
        return registry_snapshot(engine)
    finally:
        engine.dispose()


def test_two_ingests_at_once_on_a_new_database(
    tmp_path, db_url: str, second_db_url: str, small_vocab_store: TerminologyStore
) -> None:
    env = fresh_env(tmp_path, vocab_path=str(small_vocab_store.path))
    command = [str(CASEMINER), "ingest", "--demo", "--db", db_url]
    runs = [
        subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]

    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert "Traceback" not in stdout + stderr
        assert run.returncode == 0 or (run.returncode == 2 and "another run holds the database" in stderr), (
            stderr
        )
    assert 0 in [run.returncode for run in runs]
    assert all(
        "ipex-demo: succeeded" in stdout
        for run, (stdout, _) in zip(runs, outputs, strict=True)
        if run.returncode == 0
    )

    one_run = run_caseminer(["ingest", "--demo", "--db", second_db_url], env, cwd=tmp_path)
    assert one_run.returncode == 0, one_run.stderr
    together, alone = _snapshot(db_url), _snapshot(second_db_url)
    assert sum(len(rows) for rows in alone.values()) > 0 and together == alone
