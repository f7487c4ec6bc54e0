"""The Prefect flows in local ephemeral mode, and `caseminer serve` started and stopped."""

from __future__ import annotations

import importlib
import inspect
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fresh_user import serve_until_interrupted
from ingest_fixtures import REPO_ROOT, make_settings, registry_snapshot, subprocess_env
from prefect import Flow

from caseminer.config import Settings
from caseminer.demo import demo_cassette_dir, demo_topic
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.resources import store_engine
from caseminer.sources import ReplayTransport

SERVE_TIMEOUT = 240
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@sqlite_only
@pytest.mark.timeout(600)
def test_ingest_flow_in_ephemeral_prefect_equals_the_plain_run(
    settings: Settings, nlp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in subprocess_env(settings).items():
        if name.startswith(("CASEMINER_", "PREFECT_")):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    from caseminer.flows import ingest_flow, reextract_flow

    summary = ingest_flow(demo_topic(), replay_dir=str(demo_cassette_dir()))
    assert (summary.status, summary.found, summary.new, summary.failed) == ("succeeded", 7, 7, 0)
    assert reextract_flow(force=True).documents == 7

    plain = make_settings(
        tmp_path / "plain", f"sqlite:///{tmp_path / 'plain.db'}", settings.resolved_vocab_path
    )
    ingest_topic(demo_topic(), settings=plain, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp)
    assert registry_snapshot(store_engine(settings.database_url)) == registry_snapshot(
        store_engine(plain.database_url)
    )


@sqlite_only
@pytest.mark.timeout(SERVE_TIMEOUT + 60)
def test_serve_registers_the_cron_schedule_and_stops_cleanly_on_sigint(
    settings: Settings, tmp_path: Path
) -> None:
    env = subprocess_env(settings) | {"PREFECT_HOME": str(tmp_path / "prefect")}
    command = [sys.executable, "-c", "from caseminer.cli import app; app()", "serve", "--topic", "ipex"]
    code, output, rest = serve_until_interrupted(
        [*command, "--cron", "30 3 * * *"], env, timeout=SERVE_TIMEOUT
    )
    assert code == 0, output + rest
    assert "stopped" in rest

    # The schedule is in the local Prefect database the ephemeral API kept.
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as prefect_db:
        schedules = [
            json.loads(row[0]) for row in prefect_db.execute("SELECT schedule FROM deployment_schedule")
        ]
    assert [schedule["cron"] for schedule in schedules] == ["30 3 * * *"]


def test_prefect_yaml_deploys_existing_flows_with_their_parameters() -> None:
    config = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text())
    assert config["deployments"]
    for deployment in config["deployments"]:
        path, _, name = deployment["entrypoint"].partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        assert isinstance(flow, Flow), deployment["name"]
        assert set(deployment["parameters"]) <= set(inspect.signature(flow.fn).parameters), deployment["name"]
    nightly = next(d for d in config["deployments"] if d["entrypoint"].endswith(":nightly_flow"))
    assert nightly["schedules"][0]["cron"] == "0 2 * * *"
