"""`caseminer extract` and `caseminer eval` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseminer.cli import app
from caseminer.vocab import TerminologyStore

CASE_TEXT = """Enteropathy and eczema in an infant

Case Report

A 5-month-old boy presented with chronic diarrhea and eczema since the first weeks of life. He was
treated with tacrolimus. FOXP3 sequencing showed a hemizygous c.1150G>A variant.
"""


@pytest.fixture()
def runner(vocab_store: TerminologyStore, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CASEMINER_VOCAB_PATH", str(vocab_store.path))
    return CliRunner()


def test_extract_prints_schema_json(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "case.txt"
    article.write_text(CASE_TEXT)
    result = runner.invoke(app, ["extract", str(article), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["doc_id"] and set(payload["entities"]) == {"genes", "diseases", "chemicals", "variants"}
    (patient,) = payload["patients"]
    assert patient["sex"] == "male"
    assert patient["variants"][0]["hgvs_c"] == "c.1150G>A" and patient["variants"][0]["gene"] == "FOXP3"
    assert "MESH:D016559" in {t["ids"][0] for t in patient["treatments"]}


def test_extract_bulk_file_prints_one_json_line_per_document(runner: CliRunner, tmp_path: Path) -> None:
    article = (
        "<article><front><article-meta><article-id pub-id-type='pmcid'>{}</article-id>"
        "<title-group><article-title>Case</article-title></title-group></article-meta></front>"
        "<body><sec><title>Case report</title><p>A girl had eczema.</p></sec></body></article>"
    )
    bulk = tmp_path / "bulk.xml"
    bulk.write_text(f"<articles>{article.format('PMC0000021')}{article.format('PMC0000022')}</articles>")
    result = runner.invoke(app, ["extract", str(bulk)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["pmcid"] for line in result.stdout.splitlines()] == ["PMC0000021", "PMC0000022"]


def test_extract_table_format(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "case.txt"
    article.write_text(CASE_TEXT)
    result = runner.invoke(app, ["extract", str(article), "--format", "table"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "proband" in result.stdout and "c.1150G>A" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.xml", bytes(range(256)) * 4, "binary file"),
        ("broken.xml", b"<article><body><p>unclosed", "malformed XML"),
    ],
)
def test_extract_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_extract_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "absent.xml")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_turkjpediatr_acceptance(runner: CliRunner, gold_dir: Path) -> None:
    result = runner.invoke(
        app, ["extract", str(gold_dir / "turkjpediatr-2019-61-424.txt"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"text": "FOXP3", "id": "NCBIGene:50943"}.items() <= payload["entities"]["genes"][0].items()
    (patient,) = payload["patients"]
    assert patient["sex"] == "male"
    assert patient["age_at_onset"]["days"] == 21
    assert [(v["hgvs_c"], v["hgvs_p"]) for v in patient["variants"]] == [("c.1150G>A", "p.Ala384Thr")]


def test_eval_prints_table_and_writes_json(runner: CliRunner, gold_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gold"
    folder.mkdir()
    for suffix in (".txt", ".json"):
        shutil.copy(gold_dir / f"turkjpediatr-2019-61-424{suffix}", folder)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", "--gold", str(folder), "--json", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "entities: genes" in result.stdout and "patient count exact" in result.stdout
    report = json.loads(out.read_text())
    assert report["documents"] == 1 and report["entities"]["variants"]["f1"] == 1.0


def test_eval_on_a_folder_without_gold(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(tmp_path)])
    assert result.exit_code == 2 and "no gold documents" in result.stderr
