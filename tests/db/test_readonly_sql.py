"""`caseminer sql`: queries work, writes are refused by the database itself, on both backends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import registry_samples as samples
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from caseminer.cli import app
from caseminer.db import ReadOnlyViolation, SqlError, repository, run_readonly_sql, session_scope

runner = CliRunner()


@pytest.fixture
def loaded(engine: Engine, db_url: str) -> str:
    with session_scope(engine) as session:
        article = repository.upsert_article(session, samples.IDS, title=samples.TITLE)
        repository.store_extraction(session, article, samples.extraction())
    return db_url


def article_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()


def test_select_returns_columns_and_rows(loaded: str) -> None:
    columns, rows = run_readonly_sql(
        loaded, "SELECT pmid, hpo_id FROM patient_phenotypes_v WHERE hpo_id LIKE 'HP:%' ORDER BY hpo_id"
    )
    assert columns == ["pmid", "hpo_id"]
    assert rows == [(samples.PMID, "HP:0000857"), (samples.PMID, "HP:0000964"), (samples.PMID, "HP:0002014")]


@pytest.mark.parametrize(
    "statement", ["DELETE FROM articles", "UPDATE articles SET title = 'x'", "DROP TABLE mentions"]
)
def test_writes_are_refused(loaded: str, engine: Engine, statement: str) -> None:
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        run_readonly_sql(loaded, statement)
    assert article_count(engine) == 1


def test_cli_refuses_delete_and_rows_remain(loaded: str, engine: Engine) -> None:
    result = runner.invoke(app, ["sql", "DELETE FROM articles", "--db", loaded])
    assert result.exit_code == 2
    assert "read-only" in result.output
    assert article_count(engine) == 1


def test_cli_json_output(loaded: str) -> None:
    result = runner.invoke(
        app, ["sql", "SELECT pmcid, sex FROM patients_v", "--db", loaded, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"pmcid": samples.PMCID, "sex": "male"}]


def test_bad_sql_is_a_clear_error(loaded: str) -> None:
    with pytest.raises(SqlError, match=r"no such table|does not exist"):
        run_readonly_sql(loaded, "SELECT * FROM no_such_table")


DOCS_SQL = Path(__file__).resolve().parents[2] / "docs" / "sql.md"


def test_documented_example_queries_run(loaded: str) -> None:
    queries = re.findall(r"```sql\n(.*?)```", DOCS_SQL.read_text(), flags=re.DOTALL)
    assert len(queries) >= 5
    results = [run_readonly_sql(loaded, query.strip().rstrip(";")) for query in queries]
    _, phenotype_rows = results[0]
    assert {row[0] for row in phenotype_rows} == {"HP:0000857", "HP:0002014"}  # excluded eczema not counted


def test_cli_db_upgrade_and_exports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    for output in ("csv", "parquet", "phenopackets"):
        result = runner.invoke(app, ["export", str(tmp_path / output), "--format", output, "--db", url])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "patients.csv").read_text().startswith("patient_id,")
    assert list((tmp_path / "phenopackets").iterdir()) == []  # an empty registry has no patients
