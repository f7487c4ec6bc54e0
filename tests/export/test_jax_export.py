"""JAX-dev case reports as a user ingests plain-text articles: `caseminer ingest --local` on a folder
of `<PMID>.txt` files, then `caseminer export --format phenopackets`; the packets pass the schema's
protobuf round trip and GPSEA reads them (tests/phenopacket_checks.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fresh_user import fresh_env, run_caseminer
from phenopacket_checks import read_exported_phenopackets, read_with_gpsea
from sqlalchemy import text

from caseminer.db import make_engine
from caseminer.vocab import TerminologyStore

# A few reports (tuning half), each with a genotyped individual; few, for the test to stay fast.
JAX_PMIDS = ("22560515", "23559858", "24465259", "24932600")


def test_jax_texts_ingest_and_export_phenopackets_gpsea_reads(
    shared_dir: Path, vocab_store: TerminologyStore, tmp_path: Path
) -> None:
    articles = tmp_path / "jax"
    articles.mkdir()
    for pmid in JAX_PMIDS:
        shutil.copy(shared_dir / "corpora" / "hpo" / "jax-dev" / "txt" / f"{pmid}.txt", articles)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    env = fresh_env(tmp_path, database_url=url, vocab_path=str(vocab_store.path))

    ingest = run_caseminer(["ingest", "--local", str(articles)], env, cwd=tmp_path, timeout=600)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    engine = make_engine(url)
    with engine.connect() as connection:
        stored_pmids = set(connection.execute(text("SELECT pmid FROM articles")).scalars())
        patients = connection.execute(text("SELECT count(*) FROM patients")).scalar_one()
    engine.dispose()
    assert stored_pmids == set(JAX_PMIDS)  # each file named by its PMID is that article

    packets_dir = tmp_path / "packets"
    export = run_caseminer(["export", "--format", "phenopackets", str(packets_dir)], env, cwd=tmp_path)
    assert export.returncode == 0, export.stdout + export.stderr
    packets = read_exported_phenopackets(packets_dir)
    assert len(packets) == patients
    cited = {ref.id for packet in packets for ref in packet.meta_data.external_references}
    assert cited == {f"PMID:{pmid}" for pmid in JAX_PMIDS}
    assert any(packet.phenotypic_features for packet in packets)
    assert read_with_gpsea(packets, vocab_store, tmp_path), "no exported variant carried an allelic state"
