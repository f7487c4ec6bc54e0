"""`caseminer extract` over many files as a new user runs it: the installed command in a subprocess
with a brand-new home, its stdout read as JSON Lines, its stderr and exit code checked.

The store is the small one of tests/fresh_user.py (CASEMINER_VOCAB_PATH): these tests are about the
command, not the vocabulary, and need neither ../shared nor PyPI.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from fresh_user import fresh_env, run_caseminer

from caseminer.vocab import TerminologyStore

# PubMed writes a translated title in brackets: a .txt file starting with "[" is text all the same.
BRACKETED_TEXT = """[Chronic diarrhea and eczema in an infant boy].

A 5-month-old boy presented with chronic diarrhea and eczema. FOXP3 sequencing showed a hemizygous
c.1150G>A variant.
"""
JATS = """<?xml version="1.0"?>
<article article-type="case-report"><front><article-meta>
<article-id pub-id-type="pmcid">PMC{number}</article-id>
<title-group><article-title>A girl with eczema</article-title></title-group></article-meta></front>
<body><sec><title>Case report</title><p>A 2-year-old girl had eczema and diarrhea since birth.</p></sec>
</body>
</article>"""
TITLE, ABSTRACT = "FOXP3 in a boy", "A boy had diarrhea."
# A PubTator3 export (BioC JSON) of one PubMed record.
BIOC_JSON = json.dumps(
    {
        "PubTator3": [
            {
                "_id": "31000001|None",
                "id": "31000001",
                "infons": {},
                "pmid": 31000001,
                "pmcid": None,
                "journal": "J",
                "date": "2019-01-01T00:00:00Z",
                "passages": [
                    {
                        "infons": {"type": kind},
                        "offset": offset,
                        "text": text,
                        "sentences": [],
                        "annotations": [],
                        "relations": [],
                    }
                    for kind, offset, text in (("title", 0, TITLE), ("abstract", len(TITLE) + 1, ABSTRACT))
                ],
                "relations": [],
            }
        ]
    }
)
BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "broken.xml": (b"<article><body><p>unclosed", "malformed XML"),
    "binary.json": (bytes(range(256)) * 4, "binary file"),
    "truncated.xml.gz": (gzip.compress(JATS.format(number=9).encode())[:40], "gzip"),
}


@pytest.fixture
def env(tmp_path: Path, small_vocab_store: TerminologyStore) -> dict[str, str]:
    return fresh_env(tmp_path, vocab_path=str(small_vocab_store.path))


def _good_files(folder: Path) -> dict[str, str]:
    """Write the good files; their names and the doc_id each one gives."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pubmed-translated.txt").write_text(BRACKETED_TEXT)
    (folder / "sub").mkdir()
    (folder / "sub" / "PMC100.xml").write_text(JATS.format(number=100))
    (folder / "PMC101.nxml.gz").write_bytes(gzip.compress(JATS.format(number=101).encode()))
    (folder / "pubtator.json").write_text(BIOC_JSON)
    return {
        "pubmed-translated.txt": "pubmed-translated",
        "sub/PMC100.xml": "pmc100",
        "PMC101.nxml.gz": "pmc101",
        "pubtator.json": "pmid31000001",
    }


def _write_bad_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in BAD_FILES.items():
        (folder / name).write_bytes(data)


def _json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_a_folder_of_good_and_bad_files_gives_every_good_result_and_exit_1(
    tmp_path: Path, env: dict[str, str]
) -> None:
    expected = _good_files(tmp_path / "reports")
    _write_bad_files(tmp_path / "reports")
    (tmp_path / "reports" / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article file: left out

    result = run_caseminer(["extract", "reports"], env, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    documents = _json_lines(result.stdout)
    assert sorted(d["doc_id"] for d in documents) == sorted(expected.values())
    translated = next(d for d in documents if d["doc_id"] == "pubmed-translated")
    assert translated["title"] == "[Chronic diarrhea and eczema in an infant boy]."
    assert translated["patients"][0]["variants"][0]["hgvs_c"] == "c.1150G>A"
    errors = _error_lines(result.stderr)
    assert len(errors) == len(BAD_FILES)
    for name, (_, message) in BAD_FILES.items():
        (line,) = [line for line in errors if f"reports/{name}" in line]
        assert message in line
    assert "Traceback" not in result.stderr
    assert f"{len(expected)} documents from {len(expected) + len(BAD_FILES)} files" in result.stderr


def test_only_bad_inputs_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    _write_bad_files(tmp_path / "bad")

    result = run_caseminer(["extract", "bad", "missing.xml"], env, cwd=tmp_path)

    assert result.returncode == 2 and result.stdout == ""
    errors = _error_lines(result.stderr)
    assert len(errors) == len(BAD_FILES) + 1 and any(
        "no such file or folder: missing.xml" in e for e in errors
    )
    assert "Traceback" not in result.stderr


def test_standard_input_is_read_and_its_format_sniffed(tmp_path: Path, env: dict[str, str]) -> None:
    text = run_caseminer(["extract", "-"], env, cwd=tmp_path, stdin=BRACKETED_TEXT.encode())
    assert text.returncode == 0, text.stderr
    (document,) = _json_lines(text.stdout)
    assert document["title"].startswith("[Chronic diarrhea") and document["doc_id"].startswith("doc-")
    assert [g["id"] for g in document["entities"]["genes"]] == ["NCBIGene:50943"]

    bioc = run_caseminer(["extract", "-", "--format", "json"], env, cwd=tmp_path, stdin=BIOC_JSON.encode())
    assert bioc.returncode == 0, bioc.stderr
    assert [d["doc_id"] for d in _json_lines(bioc.stdout)] == ["pmid31000001"]


def test_a_tar_gz_into_a_folder_of_doc_id_files(tmp_path: Path, env: dict[str, str]) -> None:
    expected = _good_files(tmp_path / "reports")
    archive = tmp_path / "reports.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "reports", arcname=".")
        bad = b"<article><body>"
        info = tarfile.TarInfo("./bad.xml")
        info.size = len(bad)
        tar.addfile(info, io.BytesIO(bad))

    result = run_caseminer(["extract", "reports.tar.gz", "--out", "results"], env, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    written = {path.name: json.loads(path.read_text()) for path in (tmp_path / "results").iterdir()}
    assert set(written) == {f"{doc_id}.json" for doc_id in expected.values()}
    assert written["pmc100.json"]["pmcid"] == "PMC100"
    (error,) = _error_lines(result.stderr)
    assert "reports.tar.gz/bad.xml" in error and "malformed XML" in error


def test_table_format_over_several_files(tmp_path: Path, env: dict[str, str]) -> None:
    _good_files(tmp_path / "reports")
    (tmp_path / "empty.txt").write_bytes(b"")

    result = run_caseminer(
        [
            "extract",
            "reports/sub/PMC100.xml",
            "reports/pubmed-translated.txt",
            "empty.txt",
            "--format",
            "table",
        ],
        env,
        cwd=tmp_path,
    )

    assert result.returncode == 1
    assert "pmc100: A girl with eczema" in result.stdout and "c.1150G>A" in result.stdout
    (error,) = _error_lines(result.stderr)
    assert "empty.txt: empty file" in error
