"""Every command that prints a result prints only that on stdout (progress, pip, notes on stderr),
run as a new user runs them: the installed command, a brand-new home."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fresh_user import fake_pip, fresh_env, run_caseminer, write_data_wheels

from caseminer.db.views import EXPORTED_VIEWS
from caseminer.vocab import TerminologyStore

CASE_TEXT = "A boy with diarrhea\n\nA 5-month-old boy had chronic diarrhea. FOXP3 showed c.1150G>A.\n"


def test_vocab_lookup_while_the_store_is_built_and_vocab_info(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    env["PYTHONPATH"] = str(fake_pip(tmp_path / "fake-pip", write_data_wheels(tmp_path / "wheelhouse")))

    lookup = run_caseminer(["vocab", "lookup", "FOXP3", "--type", "gene"], env, cwd=tmp_path)

    assert lookup.returncode == 0, lookup.stderr
    assert "NCBIGene:50943" in lookup.stdout and "building the terminology store" in lookup.stderr
    assert "Looking in links" not in lookup.stdout and "vocab:" not in lookup.stdout
    info = run_caseminer(["vocab", "info"], env, cwd=tmp_path)
    assert info.returncode == 0 and "HGNC" in info.stdout and info.stderr == ""


def test_sql_export_and_eval_results_alone_on_stdout(
    tmp_path: Path, small_vocab_store: TerminologyStore
) -> None:
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    env = fresh_env(tmp_path, vocab_path=str(small_vocab_store.path), database_url=db)
    assert run_caseminer(["db", "upgrade"], env, cwd=tmp_path).returncode == 0

    rows = run_caseminer(
        ["sql", "SELECT count(*) AS n FROM patients_v", "--format", "json"], env, cwd=tmp_path
    )
    assert rows.returncode == 0 and json.loads(rows.stdout) == [{"n": 0}]
    table = run_caseminer(["sql", "SELECT 1 AS one", "--format", "csv"], env, cwd=tmp_path)
    assert list(csv.reader(io.StringIO(table.stdout))) == [["one"], ["1"]]

    export = run_caseminer(["export", "out", "--format", "csv"], env, cwd=tmp_path)
    assert export.returncode == 0 and export.stdout == ""
    assert f"wrote {len(EXPORTED_VIEWS)} file(s)" in export.stderr

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "case.txt").write_text(CASE_TEXT)
    extracted = run_caseminer(["extract", "gold/case.txt"], env, cwd=tmp_path)
    (gold / "case.json").write_text(extracted.stdout)  # its own extraction as gold: every F1 is 1
    evaluation = run_caseminer(["eval", "--gold", "gold", "--json", "-"], env, cwd=tmp_path)
    assert evaluation.returncode == 0, evaluation.stderr
    report = json.loads(evaluation.stdout)
    assert report["documents"] == 1 and report["entities"]["genes"]["f1"] == 1.0
    assert "entities: genes" in evaluation.stderr
