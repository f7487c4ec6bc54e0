"""The summary `caseminer ingest` prints: a table readable at any terminal width (no header cut to
"patie…"), and with `--format csv|json` every patient whole on stdout for scripts, the counts on stderr.
The installed command with a new home, over the shipped demo."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fresh_user import fresh_env, run_caseminer
from rich.console import Console

from caseminer.cli.app import ResultFormat
from caseminer.cli.summary import print_summaries
from caseminer.demo import generate_reports
from caseminer.demo.render import europepmc_full_text
from caseminer.pipeline.work import PatientSummary, RunSummary
from caseminer.vocab import TerminologyStore

HEADERS = ["doc", "patient", "variant", "phenotypes", "sex", "outcome", "onset", "HSCT"]
LEFT_OUT = "left out at this width:"


@pytest.fixture
def env(tmp_path: Path, small_vocab_store: TerminologyStore) -> dict[str, str]:
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    return fresh_env(tmp_path, vocab_path=str(small_vocab_store.path), database_url=db)


def _patient_table(output: str) -> tuple[list[str], str]:
    """The patients table's headers and the text after its header (rows and caption)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┃ doc "))
    return [cell.strip() for cell in lines[start].split("┃")[1:-1]], "\n".join(lines[start + 1 :])


def _check_readable(output: str, width: int, whole: dict[str, set[str]]) -> list[str]:
    """Assert the table fits `width`, its headers whole and the `whole` cells of each column shown
    unfolded; return the headers shown."""
    assert "…" not in output
    assert max(len(line) for line in output.splitlines()) <= width
    shown, rest = _patient_table(output)
    assert shown == HEADERS[: len(shown)] and len(shown) >= 2
    left_out = HEADERS[len(shown) :]
    if left_out:
        caption = " ".join(rest[rest.index(LEFT_OUT) :].split())
        assert all(header in caption for header in left_out)
    else:
        assert LEFT_OUT not in rest
    cells = {cell.strip() for line in rest.splitlines() for cell in line.split("│")}
    assert all(whole.get(header, set()) <= cells for header in shown)
    return shown


def test_the_patient_table_is_readable_at_80_and_200_columns(env: dict[str, str], tmp_path: Path) -> None:
    first = run_caseminer(["ingest", "--demo", "--format", "json"], env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    patients = json.loads(first.stdout)["patients"]
    assert len(patients) >= 5

    shown = {}
    for width in (80, 200):
        result = run_caseminer(["ingest", "--demo"], {**env, "COLUMNS": str(width)}, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "ipex-demo: succeeded" in result.stdout and "search" in result.stderr  # progress: stderr
        ids = {"doc": {p["doc_id"] for p in patients}, "variant": {p["variant"] for p in patients} - {None}}
        shown[width] = _check_readable(result.stdout, width, ids)
    assert shown[200] == HEADERS


@pytest.mark.parametrize("width", [40, 50, 60, 80, 100, 120])
def test_a_table_keeps_whole_headers_at_every_width(width: int) -> None:
    patients = [
        PatientSummary(
            "pmc99100001", "Patient 1 (proband)", "male", "3 weeks", "c.1087A>G", 2, True, "alive"
        ),
        PatientSummary(
            "pmid99100004", "II-3", "female", "neonatal onset", "NM_004105.5:c.1150G>A", 12, None, "deceased"
        ),
    ]
    summary = RunSummary("a-topic", run_id=7, status="succeeded", found=2, new=2, documents=2)
    summary.patients = patients
    console = Console(width=width, file=io.StringIO(), color_system=None)

    print_summaries([summary], ResultFormat.table, console)

    output = console.file.getvalue()
    # ids and variants up to 12 characters stay whole; the long variant folds
    ids = {"doc": {"pmc99100001", "pmid99100004"}, "variant": {"c.1087A>G"}}
    shown = _check_readable(output, width, ids)
    assert (len(shown) == len(HEADERS)) == (width >= 100)
    for count in ("found", "new", "updated", "unchanged", "failed", "documents"):
        assert count in output.split()


def test_csv_and_json_give_every_patient_on_stdout(env: dict[str, str], tmp_path: Path) -> None:
    as_json = run_caseminer(["ingest", "--demo", "--format", "json"], env, cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    summary = json.loads(as_json.stdout)  # one run: one JSON object, nothing else on stdout
    assert summary["status"] == "succeeded" and summary["new"] == summary["documents"] > 0
    assert "ipex-demo: succeeded" in as_json.stderr

    as_csv = run_caseminer(["ingest", "--demo", "--format", "csv"], {**env, "COLUMNS": "60"}, cwd=tmp_path)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == [
        "run_id",
        "doc_id",
        "patient",
        "variant",
        "phenotypes",
        "sex",
        "outcome",
        "onset",
        "hsct",
    ]
    assert {row["run_id"] for row in rows} == {str(summary["run_id"] + 1)}
    hsct = {True: "yes", False: "no", None: ""}
    assert [
        (row["doc_id"], row["patient"], row["variant"], int(row["phenotypes"]), row["onset"], row["hsct"])
        for row in rows
    ] == [
        (p["doc_id"], p["patient"], p["variant"] or "", p["phenotypes"], p["onset"] or "", hsct[p["hsct"]])
        for p in summary["patients"]
    ]
    counted = run_caseminer(
        ["sql", "SELECT count(*) AS n FROM patients", "--format", "json"], env, cwd=tmp_path
    )
    assert json.loads(counted.stdout) == [{"n": len(rows)}]


def test_ingest_local_prints_its_summary(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "bulk"
    folder.mkdir()
    for report in generate_reports(2, seed=5):
        (folder / f"{report.pmcid}.xml").write_bytes(europepmc_full_text(report))
    (folder / "broken.xml").write_bytes(b"<article><front></article>")

    result = run_caseminer(["ingest", "--local", str(folder), "--format", "json"], env, cwd=tmp_path)

    assert result.returncode == 1, result.stderr  # partial: one file failed (README: exit codes)
    summary = json.loads(result.stdout)
    assert (summary["found"], summary["new"], summary["failed"], summary["documents"]) == (3, 3, 1, 2)
    assert [(f["source_id"], f["stage"]) for f in summary["failures"]] == [("bulk/broken.xml", "parse")]
    assert "recorded failures" in result.stderr
