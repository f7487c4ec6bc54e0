"""The review sheet round trip: exported with every fact and its marked evidence, filled in as a
curator does (openpyxl / csv), imported as curations; a malformed sheet is refused with its line
and changes nothing."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import registry_samples as samples
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text
from test_curations import store

from caseminer.curation.sheet import SheetError, export_sheet, import_sheet
from caseminer.db import init_db, session_scope
from caseminer.db.models import Curation

CASEMINER = Path(sys.executable).parent / "caseminer"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = init_db(db_url)
    store(engine, samples.extraction("1.0"))
    yield engine
    engine.dispose()


def curations(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(Curation.id))) or 0


def fill_in(path: Path, decisions: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Set status and correction of the rows named by (field, value), as a curator would in Excel."""
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        decision = decisions.get((cells["field"].value, cells["value"].value))
        if decision:
            cells["status"].value, cells["correction"].value = decision
    workbook.save(path)


def test_sheet_round_trip_records_the_decisions(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "review.xlsx"
    with session_scope(engine) as session:
        # sex, onset age, variant, three phenotypes, treatment, transplant, outcome
        assert export_sheet(session, path) == 9
    sheet = load_workbook(path).active
    rows = [
        dict(zip([c.value for c in sheet[1]], [c.value for c in row], strict=True))
        for row in sheet.iter_rows(min_row=2)
    ]
    diarrhea = next(r for r in rows if r["value"] == "HP:0002014")
    assert (diarrhea["article"], diarrhea["patient"], diarrhea["evidence"]) == (
        "PMID:38763967",
        "proband",
        "[[diarrhea]]",
    )
    assert {r["field"] for r in rows} >= {
        "sex",
        "age_at_onset",
        "variant",
        "phenotype",
        "treatment",
        "hsct",
        "outcome",
    }

    fill_in(
        path,
        {
            ("phenotype", "HP:0002014"): ("accept", None),
            ("variant", "FOXP3 c.1150G>A"): ("correct", "FOXP3 c.1150G>T"),
        },
    )
    with session_scope(engine) as session:
        result = import_sheet(session, path, curator="ana")
    assert (result.applied, result.unchanged) == (2, 0)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT hgvs_c, curated, curator FROM variants_v")).all() == [
            ("c.1150G>T", "correct", "ana")
        ]
    with session_scope(engine) as session:  # the same sheet again records nothing new
        assert import_sheet(session, path, curator="ana").applied == 0
    assert curations(engine) == 2


def test_a_malformed_sheet_is_refused_by_line_and_nothing_is_applied(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "review.csv"
    with session_scope(engine) as session:
        export_sheet(session, path)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    phenotype = next(i for i, row in enumerate(rows) if row["field"] == "phenotype")
    rows[0]["status"] = "accept"  # line 2: fine
    rows[phenotype]["status"] = "correct"  # a correction that is not an HPO id
    rows[phenotype]["correction"] = "chronic diarrhoea"
    rows[-1]["status"] = "maybe"  # no such status
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with session_scope(engine) as session, pytest.raises(SheetError) as refused:
        import_sheet(session, path, curator="ana")
    (line, message), (last_line, last_message) = refused.value.problems
    assert (line, last_line) == (phenotype + 2, len(rows) + 1)  # the header is line 1
    assert "phenotype: 'chronic diarrhoea' is not an HPO id" in message
    assert "status 'maybe' is not one of" in last_message
    assert curations(engine) == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_curate_commands(engine: Engine, db_url: str, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CASEMINER), *args, "--db", db_url], capture_output=True, text=True, timeout=120, check=False
        )

    path = tmp_path / "review.csv"
    exported = run("curate", "export", str(path))
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(path.open(newline="")))
    bad = [dict(r) for r in rows]
    for row in bad:
        if row["field"] == "sex":
            row["status"], row["correction"] = "correct", "boy"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(bad)
    refused = run("curate", "import", str(path), "--curator", "ana")
    sex_line = 2 + next(i for i, r in enumerate(bad) if r["field"] == "sex")
    assert refused.returncode == 2
    assert f"review.csv:{sex_line}: sex: 'boy' is not one of male, female" in refused.stderr
    assert "nothing was imported" in refused.stderr and curations(engine) == 0

    status = run("curate", "status", "--format", "json")
    assert status.returncode == 0 and status.stdout.strip() == "[]", status.stderr
