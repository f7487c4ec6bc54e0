"""Every command the README documents, run as a user types it: a subprocess of the installed
`caseminer` in a fresh home (tests/fresh_user.py), one project folder for the whole module so the
commands build on each other as they do for a reader (the demo ingest first, then `sql`, `export`...).
Commands that need the network are answered by a local stand-in of the services
(tests/readme_stand_in/sitecustomize.py: caseminer.demo's SyntheticService behind the live transport).
Each test checks what its command promises (rows stored, files written, JSON on standard output).

How the list stays complete: `readme_commands()` reads every command of every fenced `bash` block of
README.md, and `test_every_readme_command_is_run_here` fails when one is neither in `RUN_BY` (the test
that runs it, which takes the command's words from the README through `readme_command`) nor in
`NOT_RUN_HERE` (with the reason). A command added to the README without a test fails the suite; so
does a test whose command left the README.

The terminology store is the small one of tests/conftest.py (`small_vocab_store`): building a store
on first use is tested by tests/test_cli_first_use.py.
"""

# README commands are quoted whole, as the README writes them.
# ruff: noqa: E501

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shlex
import socket
import subprocess
import sys
import tarfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fresh_user import CASEMINER, fresh_env, serve_until_interrupted
from lxml import etree
from sqlalchemy import create_engine, text

from caseminer.demo import generate_reports
from caseminer.demo.render import europepmc_full_text
from caseminer.parsing.xmlsafe import safe_xml_parser
from caseminer.pipeline.ingest import backfill_windows

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
STAND_IN = Path(__file__).resolve().parent / "readme_stand_in"
# Reports the stand-in serves for `--topic ipex` (PMIDs apart from the demo corpus's).
STAND_IN_REPORTS = "4:71:500"

RUN_BY = {
    ".venv/bin/caseminer ingest --demo": "test_quickstart_ingest_demo_stores_the_demo_registry",
    '.venv/bin/caseminer sql "SELECT pmcid, patient_label, sex, age_at_onset_days, variants, outcome FROM patients_v"': "test_then_look_at_the_registry",
    ".venv/bin/caseminer export --format phenopackets out/phenopackets": "test_then_look_at_the_registry",
    ".venv/bin/caseminer ingest --demo --format csv > patients.csv": "test_ingest_summary_as_csv",
    ".venv/bin/caseminer extract my-reports/ > results.jsonl": "test_extract_your_own_files",
    ".venv/bin/caseminer extract my-reports/ --out results/": "test_extract_your_own_files",
    "export CASEMINER_NCBI_EMAIL=you@example.org": "test_live_use_against_the_stand_in",
    "caseminer ingest --topic ipex": "test_live_use_against_the_stand_in",
    "caseminer nightly --topic ipex": "test_live_use_against_the_stand_in",
    "caseminer backfill --topic ipex --start 2000-01-01 --end 2010-12-31": "test_live_use_against_the_stand_in",
    "caseminer ingest --local /mirror/oa_bulk/": "test_ingest_local_and_reextract",
    "caseminer ingest --local oa_packages.tar.gz": "test_ingest_local_and_reextract",
    "caseminer ingest --local europepmc_bulk.xml.gz": "test_ingest_local_and_reextract",
    "caseminer reextract": "test_ingest_local_and_reextract",
    'caseminer serve --topic ipex --cron "0 2 * * *"': "test_serve_serves_the_nightly_schedule_until_interrupted",
    "caseminer extract article.xml": "test_extract_files_folders_archives_and_stdin",
    "caseminer extract a.xml b.txt reports/ oa.tgz -": "test_extract_files_folders_archives_and_stdin",
    "caseminer eval --gold ../shared/gold/dev --topic ipex --json eval.json": "test_eval_commands",
    ".venv/bin/caseminer eval --gold ../shared/gold/dev": "test_eval_commands",
    ".venv/bin/caseminer eval --gold gold/jax-dev --texts ../shared/corpora/hpo/jax-dev/txt --split tuning": "test_eval_commands",
    ".venv/bin/caseminer eval --gold gold/jax-dev --texts ../shared/corpora/hpo/jax-dev/txt --split checking": "test_eval_commands",
    ".venv/bin/caseminer eval --phenopackets ../shared/corpora/hpo/jax-dev --split tuning --json tuning.json": "test_phenopacket_eval_commands",
    ".venv/bin/caseminer eval --phenopackets ../shared/corpora/hpo/jax-dev --split checking": "test_phenopacket_eval_commands",
    ".venv/bin/caseminer eval --corpus ../shared/corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt --split checking": "test_entity_benchmark_commands",
    ".venv/bin/caseminer eval --corpus ../shared/corpora/ncbi-disease/NCBIdevelopset_corpus.txt --split checking": "test_entity_benchmark_commands",
    ".venv/bin/caseminer eval --corpus ../shared/corpora/hpo/GSCplus_dev_gold.tsv --split checking": "test_entity_benchmark_commands",
    ".venv/bin/caseminer eval --corpus ../shared/corpora/hpo/jax-dev --split checking": "test_entity_benchmark_commands",
    "caseminer sql \"SELECT hpo_id, hpo_label, count(DISTINCT patient_id) AS patients FROM patient_phenotypes_v WHERE status = 'present' GROUP BY hpo_id, hpo_label ORDER BY patients DESC\"": "test_sql_tables_section",
    'caseminer sql "DELETE FROM articles"': "test_sql_tables_section",
    "caseminer export --format csv|parquet|phenopackets DIR": "test_sql_tables_section",
    ".venv/bin/python benchmarks/bench_extract.py --profile": "test_benchmark_commands_take_their_options",
    ".venv/bin/python benchmarks/bench_extract.py --xml ../shared/samples": "test_benchmark_commands_take_their_options",
    ".venv/bin/python benchmarks/bench_linker.py": "test_benchmark_commands_take_their_options",
    ".venv/bin/python benchmarks/bench_ingest.py [--postgres URL]": "test_benchmark_commands_take_their_options",
    ".venv/bin/python benchmarks/bench_individuals.py [--patients 10000] [--variants 1000]": (
        "test_benchmark_commands_take_their_options"
    ),
    ".venv/bin/python benchmarks/bench_batch_extract.py": "test_benchmark_commands_take_their_options",
    ".venv/bin/python benchmarks/bench_extract.py --profile --no-recognizer": (
        "test_benchmark_commands_take_their_options"
    ),
}
RUN_BY |= {
    ".venv/bin/caseminer curate export review.xlsx": "test_curation_sheet_round_trip",
    ".venv/bin/caseminer curate import review.xlsx --curator ana": "test_curation_sheet_round_trip",
    ".venv/bin/caseminer curate status": "test_curation_sheet_round_trip",
    ".venv/bin/caseminer curate links": "test_curation_sheet_round_trip",
}
RUN_BY |= {".venv/bin/caseminer review --curator ana": "test_review_page_serves_the_registry"}
NOT_RUN_HERE = {
    "python3 -m venv .venv": "the installation these tests run in (CI runs it on a clean clone)",
    ".venv/bin/pip install -e .": "the installation these tests run in (CI runs it on a clean clone)",
    "bash scripts/test.sh": "the test suite itself (.ci/run)",
    ".venv/bin/caseminer train ner --corpora ../shared/corpora": (
        "rewrites the shipped weights in about 10 minutes; tests/training/test_train_ner.py runs the same"
        " command on a slice of the corpora"
    ),
}


def readme_commands() -> list[str]:
    """The commands of the README's bash blocks, one string each: `&&` chains split, comments dropped,
    a quoted argument continued over lines joined with single spaces."""
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), re.DOTALL):
        pending = ""
        for line in block.splitlines():
            pending = f"{pending} {line.strip()}" if pending else line.strip()
            try:
                words = shlex.split(pending, comments=True)
            except ValueError:  # a quote still open: the command goes on on the next line
                continue
            if words:
                commands.extend(_chain(pending))
            pending = ""
    return commands


def _chain(line: str) -> list[str]:
    parts: list[list[str]] = [[]]
    for word in shlex.split(line, comments=True):
        if word == "&&":
            parts.append([])
        else:
            parts[-1].append(word)
    return [_display(part) for part in parts if part]


def _display(words: list[str]) -> str:
    """A command as one line, its words quoted back as the README quotes them."""
    return " ".join(f'"{w}"' if (" " in w or "*" in w) and w not in (">",) else w for w in words)


def readme_command(command: str) -> list[str]:
    """The words of a README command (it must be in the README as written here)."""
    assert command in readme_commands(), f"not a README command (any more?): {command}"
    return shlex.split(command)


def test_every_readme_command_is_run_here() -> None:
    documented = readme_commands()
    missing = [c for c in documented if c not in RUN_BY and c not in NOT_RUN_HERE]
    assert not missing, f"README commands no test runs (add them to RUN_BY with a test): {missing}"
    gone = [c for c in [*RUN_BY, *NOT_RUN_HERE] if c not in documented]
    assert not gone, f"commands of this module the README no longer has: {gone}"
    module = globals()
    assert all(test in module for test in RUN_BY.values())


# --- the user's machine -----------------------------------------------------------------------


@dataclass
class Project:
    """The reader's folder (where `./caseminer.db` lands) and environment."""

    folder: Path
    env: dict[str, str]

    def run(
        self,
        words: list[str],
        *,
        stdin: str | None = None,
        cwd: Path | None = None,
        timeout: float = 600,
        **env: str,
    ) -> subprocess.CompletedProcess[str]:
        """Run a README command: `.venv/bin/caseminer` and `caseminer` are the installed command, and
        `> FILE` sends standard output to FILE as a shell does."""
        words = list(words)
        out_file = None
        if ">" in words:
            at = words.index(">")
            words, out_file = words[:at], words[at + 1]
        if words[0] in ("caseminer", ".venv/bin/caseminer"):
            words = [str(CASEMINER), *words[1:]]
        result = subprocess.run(
            words,
            env={**self.env, **env},
            cwd=cwd or self.folder,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out_file is not None:
            ((cwd or self.folder) / out_file).write_text(result.stdout)
        return result

    def query(self, sql: str) -> list[Any]:
        engine = create_engine(f"sqlite:///{self.folder / 'caseminer.db'}")
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(sql)))
        finally:
            engine.dispose()


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, small_vocab_store: Any) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("readme-user")
    folder = root / "project"
    folder.mkdir()
    env = fresh_env(root, vocab_path=str(small_vocab_store.path))
    env["PYTHONPATH"] = str(STAND_IN)
    yield Project(folder, env)


@pytest.fixture(scope="module")
def demo_registry(project: Project) -> Project:
    """The Quickstart's `caseminer ingest --demo`, run once for the module."""
    result = _ok(project.run(readme_command(".venv/bin/caseminer ingest --demo")))
    assert "run 1 of ipex-demo: succeeded" in result.stdout
    return project


def _jats_files(folder: Path, count: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in generate_reports(count, seed=seed, start=900 + seed):
        path = folder / f"{report.pmcid}.xml"
        path.write_bytes(europepmc_full_text(report))
        paths.append(path)
    return paths


# --- Quickstart and "Then look at" -------------------------------------------------------------


def test_quickstart_ingest_demo_stores_the_demo_registry(demo_registry: Project) -> None:
    assert (demo_registry.folder / "caseminer.db").is_file()
    assert demo_registry.query("SELECT count(*) FROM articles")[0][0] == 7  # the seven hand-written demo reports
    assert demo_registry.query("SELECT count(*) FROM patients")[0][0] > 0


def test_then_look_at_the_registry(demo_registry: Project) -> None:
    command = '.venv/bin/caseminer sql "SELECT pmcid, patient_label, sex, age_at_onset_days, variants, outcome FROM patients_v"'
    result = _ok(demo_registry.run(readme_command(command)))
    pmcids = {row[0] for row in demo_registry.query("SELECT pmcid FROM patients_v") if row[0]}
    assert pmcids and all(pmcid in result.stdout for pmcid in pmcids)
    assert "patient_label" in result.stdout

    _ok(
        demo_registry.run(readme_command(".venv/bin/caseminer export --format phenopackets out/phenopackets"))
    )
    packets = sorted((demo_registry.folder / "out" / "phenopackets").glob("*.json"))
    assert len(packets) == demo_registry.query("SELECT count(*) FROM patients")[0][0]
    assert all("subject" in json.loads(packet.read_text()) for packet in packets)


def test_curation_sheet_round_trip(demo_registry: Project) -> None:
    from openpyxl import load_workbook

    _ok(demo_registry.run(readme_command(".venv/bin/caseminer curate export review.xlsx")))
    path = demo_registry.folder / "review.xlsx"
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    facts = demo_registry.query("SELECT count(*) FROM patient_facts_v")[0][0]
    # the header, a row per fact, and the demo's one candidate link (the boy of PMID 99100001 again in
    # 99100007, caseminer/demo/handwritten.py)
    assert sheet.max_row == 1 + facts + 1 and header[:6] == [
        "article",
        "patient",
        "field",
        "value",
        "evidence",
        "status",
    ]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("field")].value == "phenotype")
    row[header.index("status")].value = "reject"
    workbook.save(path)
    label, value = row[header.index("patient")].value, row[header.index("value")].value

    imported = _ok(
        demo_registry.run(readme_command(".venv/bin/caseminer curate import review.xlsx --curator ana"))
    )
    assert "1 decision(s) recorded" in imported.stderr
    assert demo_registry.query(
        f"SELECT curator, action FROM curations WHERE patient_label = '{label}' AND value = '{value}'"
    ) == [("ana", "reject")]
    status = _ok(demo_registry.run(readme_command(".venv/bin/caseminer curate status")))
    assert "1 curation(s) in force, 0 need a look" in status.stderr
    links = _ok(demo_registry.run(readme_command(".venv/bin/caseminer curate links")))
    assert "1 candidate link(s)" in links.stderr and "1 row(s)" in links.stdout


def test_review_page_serves_the_registry(demo_registry: Project) -> None:
    with socket.socket() as probe:  # a free port: the README's 8765 may be taken on a test machine
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    words = [*readme_command(".venv/bin/caseminer review --curator ana"), "--port", str(port)]
    pages: dict[str, str] = {}

    def browse(output: str) -> None:
        (url,) = re.findall(r"at (http://\S+/) ", output)
        pages["url"] = url
        with urllib.request.urlopen(url, timeout=30) as response:
            pages["articles"] = response.read().decode()

    code, output, rest = serve_until_interrupted(
        [str(CASEMINER), *words[1:]], demo_registry.env, timeout=120, cwd=demo_registry.folder,
        ready="review page for ana", while_served=browse,
    )  # fmt: skip
    assert code == 0, output + rest
    assert pages["url"] == f"http://127.0.0.1:{port}/"  # local only unless --host says otherwise
    articles = demo_registry.query("SELECT count(DISTINCT article_id) FROM patients")[0][0]
    assert pages["articles"].count("<tr>") == articles + 1  # the header row and one per article
    assert "review page stopped" in rest


def test_ingest_summary_as_csv(demo_registry: Project) -> None:
    result = _ok(
        demo_registry.run(readme_command(".venv/bin/caseminer ingest --demo --format csv > patients.csv"))
    )
    rows = list(csv.DictReader((demo_registry.folder / "patients.csv").read_text().splitlines()))
    assert "run " in result.stderr  # the counts go to stderr, the csv alone to the file
    stored = {row[0] for row in demo_registry.query("SELECT patient_label FROM patients_v")}
    assert all(row["patient"] in stored and row["doc_id"] for row in rows)
    header = (demo_registry.folder / "patients.csv").read_text().splitlines()[0]
    assert header == "run_id,doc_id,patient,variant,phenotypes,sex,outcome,onset,hsct"


def test_extract_your_own_files(project: Project) -> None:
    files = _jats_files(project.folder / "my-reports", 3, seed=5)
    _ok(project.run(readme_command(".venv/bin/caseminer extract my-reports/ > results.jsonl")))
    lines = (project.folder / "results.jsonl").read_text().splitlines()
    assert len(lines) == len(files) and all(json.loads(line)["patients"] is not None for line in lines)

    _ok(project.run(readme_command(".venv/bin/caseminer extract my-reports/ --out results/")))
    written = sorted((project.folder / "results").glob("*.json"))
    assert len(written) == len(files)
    assert {json.loads(path.read_text())["doc_id"] for path in written} == {
        json.loads(line)["doc_id"] for line in lines
    }


# --- Live use ---------------------------------------------------------------------------------


def _exported(project: Project, command: str) -> dict[str, str]:
    """`export NAME=VALUE` as the shell applies it to the commands after it."""
    name, value = readme_command(command)[1].split("=", 1)
    return {name: value}


def test_live_use_against_the_stand_in(demo_registry: Project) -> None:
    env = _exported(demo_registry, "export CASEMINER_NCBI_EMAIL=you@example.org")
    env["CASEMINER_TEST_STAND_IN"] = STAND_IN_REPORTS
    first = _ok(demo_registry.run(readme_command("caseminer ingest --topic ipex"), **env))
    assert "run" in first.stdout and "of ipex: succeeded" in first.stdout
    assert demo_registry.query("SELECT count(*) FROM articles WHERE pmid LIKE '99%' AND pmid NOT LIKE '991%'")

    nightly = _ok(demo_registry.run(readme_command("caseminer nightly --topic ipex"), **env))
    assert "of ipex: succeeded" in nightly.stdout
    runs = demo_registry.query("SELECT status, found, new FROM ingest_runs WHERE topic = 'ipex' ORDER BY id")
    assert [tuple(run) for run in runs][-1][2] == 0  # the nightly after the first run: nothing new
    marks = demo_registry.query("SELECT source FROM watermarks WHERE topic = 'ipex'")
    assert {row[0] for row in marks} == {"europepmc", "pubmed", "pmc"}

    backfill = "caseminer backfill --topic ipex --start 2000-01-01 --end 2010-12-31"
    before = len(runs)
    _ok(demo_registry.run(readme_command(backfill), **env))
    after = demo_registry.query("SELECT count(*) FROM ingest_runs WHERE topic = 'ipex'")[0][0]
    windows = backfill_windows(date(2000, 1, 1), date(2010, 12, 31), 365)  # the default window_days
    assert after - before == len(windows) == 12  # one run record per window


def _package_archive(path: Path, reports: list[Any]) -> Path:
    """PMC open-access packages in one .tar.gz: a PMCxxxx/ folder per article holding its .nxml."""
    with tarfile.open(path, "w:gz") as archive:
        for report in reports:
            data = europepmc_full_text(report)
            info = tarfile.TarInfo(f"{report.pmcid}/{report.pmcid.lower()}.nxml")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _bulk_file(path: Path, reports: list[Any]) -> Path:
    """A bulk file as Europe PMC's FTP serves them: `<articles>` of JATS `<article>`s, gzipped."""
    parser = safe_xml_parser()
    articles = [etree.tostring(etree.fromstring(europepmc_full_text(r), parser)) for r in reports]
    path.write_bytes(gzip.compress(b"<articles>\n" + b"\n".join(articles) + b"\n</articles>\n"))
    return path


def test_ingest_local_and_reextract(demo_registry: Project) -> None:
    # The README's absolute /mirror/oa_bulk/ stands for a folder of the reader's: one in the project.
    folder_words = readme_command("caseminer ingest --local /mirror/oa_bulk/")
    mirror = demo_registry.folder / "mirror" / "oa_bulk"
    folder_files = _jats_files(mirror, 2, seed=18)
    packages = generate_reports(2, seed=17, start=700)
    _package_archive(demo_registry.folder / "oa_packages.tar.gz", packages)
    bulk = generate_reports(3, seed=19, start=750)
    _bulk_file(demo_registry.folder / "europepmc_bulk.xml.gz", bulk)

    for words in (
        [*folder_words[:-1], f"{mirror}/"],
        readme_command("caseminer ingest --local oa_packages.tar.gz"),
        readme_command("caseminer ingest --local europepmc_bulk.xml.gz"),
    ):
        result = _ok(demo_registry.run(words))
        assert ": succeeded" in result.stdout
        again = _ok(demo_registry.run(words))  # the rerun adds nothing
        assert re.search(r"│\s+\d+\s+│\s+0\s+│", again.stdout), again.stdout  # found N, new 0
    stored = {row[0] for row in demo_registry.query("SELECT pmcid FROM articles")}
    expected = {path.stem for path in folder_files} | {r.pmcid for r in [*packages, *bulk]}
    assert expected <= stored

    result = _ok(demo_registry.run(readme_command("caseminer reextract")))
    assert "reextract:all: succeeded" in result.stdout


def test_serve_serves_the_nightly_schedule_until_interrupted(demo_registry: Project) -> None:
    words = readme_command('caseminer serve --topic ipex --cron "0 2 * * *"')
    env = {**demo_registry.env, "CASEMINER_TEST_STAND_IN": STAND_IN_REPORTS}
    code, output, rest = serve_until_interrupted(
        [str(CASEMINER), *words[1:]], env, timeout=240, cwd=demo_registry.folder
    )
    assert code == 0, output + rest
    assert "on '0 2 * * *'" in output
    assert "stopped" in rest


def test_extract_files_folders_archives_and_stdin(project: Project) -> None:
    folder = project.folder / "extract-demo"
    (article,) = _jats_files(folder, 1, seed=21)
    (folder / "article.xml").write_bytes(article.read_bytes())
    one = _ok(project.run(readme_command("caseminer extract article.xml"), cwd=folder))
    assert len(one.stdout.splitlines()) == 1 and json.loads(one.stdout)["doc_id"]

    (folder / "a.xml").write_bytes(article.read_bytes())
    (folder / "b.txt").write_text("A 3-month-old boy with FOXP3 deficiency had severe diarrhea and eczema.\n")
    _jats_files(folder / "reports", 2, seed=22)
    oa = generate_reports(1, seed=23, start=800)[0]
    with tarfile.open(folder / "oa.tgz", "w:gz") as archive:
        data = europepmc_full_text(oa)
        info = tarfile.TarInfo(f"{oa.pmcid}/{oa.pmcid.lower()}.nxml")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    stdin = "A girl aged 2 years presented with enteropathy.\n"
    many = _ok(
        project.run(
            readme_command("caseminer extract a.xml b.txt reports/ oa.tgz -"), stdin=stdin, cwd=folder
        )
    )
    documents = [json.loads(line) for line in many.stdout.splitlines()]
    assert len(documents) == 6  # a.xml, b.txt, two in reports/, one in oa.tgz, stdin


@pytest.fixture
def shared_paths(project: Project, shared_dir: Path) -> dict[str, str]:
    """The README's `../shared` is the shared folder beside the clone."""
    return {"../shared": str(shared_dir), "gold/jax-dev": str(REPO_ROOT / "gold" / "jax-dev")}


def _with_paths(words: list[str], paths: dict[str, str]) -> list[str]:
    replaced = []
    for word in words:
        for prefix, path in paths.items():
            if word.startswith(prefix):
                word = path + word[len(prefix) :]
        replaced.append(word)
    return replaced


def test_eval_commands(project: Project, shared_paths: dict[str, str]) -> None:
    command = "caseminer eval --gold ../shared/gold/dev --topic ipex --json eval.json"
    result = _ok(project.run(_with_paths(readme_command(command), shared_paths)))
    report = json.loads((project.folder / "eval.json").read_text())
    assert report and "genes" in result.stdout

    _ok(
        project.run(
            _with_paths(readme_command(".venv/bin/caseminer eval --gold ../shared/gold/dev"), shared_paths)
        )
    )
    for split in ("tuning", "checking"):
        command = f".venv/bin/caseminer eval --gold gold/jax-dev --texts ../shared/corpora/hpo/jax-dev/txt --split {split}"
        result = _ok(project.run(_with_paths(readme_command(command), shared_paths)))
        assert "patient count exact" in result.stdout


def test_phenopacket_eval_commands(project: Project, shared_paths: dict[str, str]) -> None:
    command = ".venv/bin/caseminer eval --phenopackets ../shared/corpora/hpo/jax-dev --split tuning --json tuning.json"
    result = _ok(project.run(_with_paths(readme_command(command), shared_paths)))
    report = json.loads((project.folder / "tuning.json").read_text())
    assert report["split"] == "tuning" and report["curated_individuals"] > 0
    # every difference per curated individual, beside the figures
    assert all("differences" in i for a in report["per_article"] for i in a["individuals"])
    assert "present HPO" in result.stdout
    command = ".venv/bin/caseminer eval --phenopackets ../shared/corpora/hpo/jax-dev --split checking"
    result = _ok(project.run(_with_paths(readme_command(command), shared_paths)))
    assert "excluded" in result.stdout and "curated n" in result.stdout  # the table and the confusion


ENTITY_BENCHMARKS = {
    "bc5cdr/CDR_DevelopmentSet.PubTator.txt": ("disease", "chemical"),
    "ncbi-disease/NCBIdevelopset_corpus.txt": ("disease",),
    "hpo/GSCplus_dev_gold.tsv": ("phenotype",),
    "hpo/jax-dev": ("phenotype",),
}


def test_entity_benchmark_commands(project: Project, shared_paths: dict[str, str]) -> None:
    for corpus, types in ENTITY_BENCHMARKS.items():
        command = f".venv/bin/caseminer eval --corpus ../shared/corpora/{corpus} --split checking"
        result = _ok(project.run(_with_paths(readme_command(command), shared_paths)))
        assert all(f"{kind}: document concepts" in result.stdout for kind in types), result.stdout


# --- The SQL tables ---------------------------------------------------------------------------


def test_sql_tables_section(demo_registry: Project) -> None:
    command = (
        'caseminer sql "SELECT hpo_id, hpo_label, count(DISTINCT patient_id) AS patients FROM patient_phenotypes_v'
        " WHERE status = 'present' GROUP BY hpo_id, hpo_label ORDER BY patients DESC\""
    )
    result = _ok(demo_registry.run(readme_command(command)))
    assert "hpo_id" in result.stdout and "patients" in result.stdout

    refused = demo_registry.run(readme_command('caseminer sql "DELETE FROM articles"'))
    assert refused.returncode == 2 and "read-only" in refused.stderr
    assert demo_registry.query("SELECT count(*) FROM articles")[0][0] >= 6

    words = readme_command("caseminer export --format csv|parquet|phenopackets DIR")
    for form in words[3].split("|"):
        _ok(demo_registry.run([*words[:3], form, f"exports/{form}"]))
        assert any((demo_registry.folder / "exports" / form).iterdir())


# --- Measured ---------------------------------------------------------------------------------


def test_benchmark_commands_take_their_options(project: Project) -> None:
    """The benchmarks run for minutes and are run by hand (their numbers are in the README); here each
    script starts and knows the options the README gives it."""
    for command, test in RUN_BY.items():
        if test != "test_benchmark_commands_take_their_options":
            continue
        words = [w.strip("[]") for w in readme_command(command)]
        script = REPO_ROOT / words[1]
        result = subprocess.run(
            [sys.executable, str(script), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO_ROOT,
        )
        assert result.returncode == 0, result.stderr
        for option in (w for w in words[2:] if w.startswith("--")):
            assert option in result.stdout, f"{command}: {option} is not an option of {script.name}"
