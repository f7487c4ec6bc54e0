"""The main job end to end, as a user runs it: `caseminer ingest --demo` into a fresh SQLite file,
then the registry is queried, exported and explored in the shipped notebook."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import phenopackets as pps
import pytest
from nbclient import NotebookClient
from phenopacket_checks import read_exported_phenopackets, read_with_gpsea
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from caseminer.db import make_engine
from caseminer.db.models import DocumentRow, PatientVariantRow
from caseminer.db.repository import load_document
from caseminer.vocab import TerminologyStore

REPO_ROOT = Path(__file__).resolve().parents[1]
CASEMINER = Path(sys.executable).parent / "caseminer"
FACT_TABLES = ("patient_ages", "patient_variants", "patient_phenotypes", "patient_treatments")


@dataclass
class DemoRegistry:
    env: dict[str, str]
    url: str
    engine: Engine
    first_run_output: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CASEMINER), *args], env=self.env, capture_output=True, text=True, timeout=900, check=False
        )

    def scalar(self, sql: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())

    def column(self, sql: str) -> list[object]:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql)).scalars())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, vocab_store: TerminologyStore) -> Iterator[DemoRegistry]:
    root = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{root / 'caseminer.db'}"
    env = {
        **os.environ,
        "CASEMINER_DATABASE_URL": url,
        "CASEMINER_DATA_DIR": str(root / "data"),
        "CASEMINER_VOCAB_PATH": str(vocab_store.path),
    }
    registry = DemoRegistry(env, url, make_engine(url), "")
    result = registry.run("ingest", "--demo")
    assert result.returncode == 0, result.stdout + result.stderr
    registry.first_run_output = result.stdout
    yield registry
    registry.engine.dispose()


def test_demo_fills_a_registry_with_provenance(demo: DemoRegistry) -> None:
    assert demo.scalar("SELECT count(*) FROM documents") >= 1
    complete = demo.scalar(
        """
        SELECT count(*) FROM patients p
        WHERE p.sex IS NOT NULL
          AND EXISTS (SELECT 1 FROM patient_ages a WHERE a.patient_id = p.id AND a.days IS NOT NULL)
          AND EXISTS (SELECT 1 FROM patient_variants v WHERE v.patient_id = p.id)
          AND EXISTS (SELECT 1 FROM patient_phenotypes f WHERE f.patient_id = p.id)
        """
    )
    assert complete >= 1
    for table in FACT_TABLES:
        assert demo.scalar(f"SELECT count(*) FROM {table}") >= 1, table
        missing = demo.scalar(
            f"SELECT count(*) FROM {table} "
            "WHERE doc_id IS NULL OR char_start IS NULL OR char_end <= char_start"
        )
        assert missing == 0, f"{table}: facts without document id or offsets"


def test_offsets_point_at_the_stated_text(demo: DemoRegistry) -> None:
    with Session(demo.engine) as session:
        texts = {row.doc_id: load_document(row).text for row in session.scalars(select(DocumentRow))}
        variants = session.execute(
            select(
                PatientVariantRow.doc_id,
                PatientVariantRow.char_start,
                PatientVariantRow.char_end,
                PatientVariantRow.hgvs_c,
                PatientVariantRow.hgvs_p,
            )
        ).all()
    assert variants
    for doc_id, start, end, hgvs_c, hgvs_p in variants:
        stated = texts[doc_id][start:end]
        # "c.1150G>A" may be written "1150G>A", "p.Ala384Thr" as "A384T": the position is always there.
        positions = [re.search(r"\d+", hgvs).group() for hgvs in (hgvs_c, hgvs_p) if hgvs]
        assert any(position in stated for position in positions), (stated, hgvs_c, hgvs_p)


def test_summary_table_and_rerun_adds_nothing(demo: DemoRegistry) -> None:
    assert "patient" in demo.first_run_output.lower()
    # The boy of PMID 99100001 is reported again in 99100007 (caseminer/demo/handwritten.py): one link.
    output = " ".join(demo.first_run_output.split())  # the table may wrap its title
    assert "1 candidate individual link (`caseminer curate links`)" in output
    assert "PMID:99100001" in output and "PMID:99100007" in output
    counts = {t: demo.scalar(f"SELECT count(*) FROM {t}") for t in ("articles", "mentions", "patients")}
    rerun = demo.run("ingest", "--demo")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert {t: demo.scalar(f"SELECT count(*) FROM {t}") for t in counts} == counts


def test_sql_refuses_writes(demo: DemoRegistry) -> None:
    articles = demo.scalar("SELECT count(*) FROM articles")
    refused = demo.run("sql", "DELETE FROM articles")
    assert refused.returncode != 0
    assert "read-only" in (refused.stdout + refused.stderr)
    assert demo.scalar("SELECT count(*) FROM articles") == articles


def test_phenopackets_round_trip_sex_hpo_and_hgvs(demo: DemoRegistry, tmp_path: Path) -> None:
    result = demo.run("export", "--format", "phenopackets", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    packets = read_exported_phenopackets(tmp_path)
    assert len(packets) == demo.scalar("SELECT count(*) FROM patients")
    exported_hpo = {f.type.id for p in packets for f in p.phenotypic_features}
    exported_hgvs = {
        e.value.rsplit(":", 1)[-1]  # the change, behind its transcript where the text gives one
        for p in packets
        for i in p.interpretations
        for g in i.diagnosis.genomic_interpretations
        for e in g.variant_interpretation.variation_descriptor.expressions
    }
    exported_sexes = sorted(pps.Sex.Name(p.subject.sex) for p in packets)
    stored_hpo = set(demo.column("SELECT hpo_id FROM patient_phenotypes_v WHERE hpo_id IS NOT NULL"))
    stored_hgvs = set(demo.column("SELECT hgvs_c FROM variants_v WHERE hgvs_c IS NOT NULL"))
    stored_sexes = sorted(str(s or "unknown_sex").upper() for s in demo.column("SELECT sex FROM patients"))
    assert exported_hpo == stored_hpo and stored_hpo
    assert stored_hgvs <= exported_hgvs and stored_hgvs
    assert exported_sexes == stored_sexes


def test_gpsea_reads_the_exported_phenopackets(
    demo: DemoRegistry, vocab_store: TerminologyStore, tmp_path: Path
) -> None:
    """GPSEA reads every exported packet: its HPO validation on the store's HPO, its genotype from the
    allelic state, sex, vital status and features (tests/phenopacket_checks.py)."""
    result = demo.run("export", "--format", "phenopackets", str(tmp_path / "packets"))
    assert result.returncode == 0, result.stdout + result.stderr
    packets = read_exported_phenopackets(tmp_path / "packets")
    assert read_with_gpsea(packets, vocab_store, tmp_path), "no exported variant carried an allelic state"


def test_notebook_runs_on_the_demo_registry(demo: DemoRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "registry_overview.ipynb", as_version=4)
    monkeypatch.setenv("CASEMINER_DATABASE_URL", demo.url)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    summary = notebook.cells[2].outputs
    assert summary, "the summary cell printed nothing"
    assert "no patients stored yet" not in str(notebook.cells[-1].outputs)
