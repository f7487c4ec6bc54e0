"""`caseminer ingest` on the command line: the demo end to end, and clear errors for bad use."""

from __future__ import annotations

import pytest
from ingest_fixtures import subprocess_env
from typer.testing import CliRunner

from caseminer.cli import app
from caseminer.config import Settings

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name, value in subprocess_env(settings).items():
        if name.startswith("CASEMINER_"):
            monkeypatch.setenv(name, value)
    return CliRunner()


def test_ingest_demo_prints_counts_and_the_patient_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ingest", "--demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "ipex-demo: succeeded" in result.output
    counts = next(line for line in result.output.splitlines() if line.count("│") == 7)
    assert [cell.strip() for cell in counts.split("│")[1:-1]] == ["7", "7", "0", "0", "0", "7"]
    assert "c.1087A>G" in result.output and "pmc99100001" in result.output  # one of the demo's patients
    # ... who is reported again, five years on, in PMID 99100007 (caseminer/demo/handwritten.py)
    assert "1 candidate individual link" in result.output
    link = next(line for line in result.output.splitlines() if "PMID:99100001" in line)
    assert "PMID:99100007" in link and "1.00" in link


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ingest"], "say what to ingest"),
        (["ingest", "--demo", "--local", "."], "choose one of"),
        (["ingest", "--topic", "no-such-topic"], "no topic 'no-such-topic'"),
    ],
)
def test_bad_ingest_arguments_give_one_line_and_exit_code_2(
    runner: CliRunner, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output
