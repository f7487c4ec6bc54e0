"""Exports read back with independent readers: phenopackets' protobuf parser, pandas/pyarrow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import phenopackets as pps
import pytest
import registry_samples as samples
from google.protobuf.json_format import Parse
from sqlalchemy import Engine

from caseminer.export import export_csv, export_parquet, export_phenopackets
from caseminer.export.phenopackets import iso8601_age


def test_phenopacket_round_trips_sex_hpo_and_hgvs(registry: tuple[str, Engine], tmp_path: Path) -> None:
    _, engine = registry
    (path,) = export_phenopackets(engine, tmp_path / "packets")
    packet = Parse(path.read_text(), pps.Phenopacket())
    assert packet.subject.sex == pps.MALE
    assert packet.subject.vital_status.status == pps.VitalStatus.ALIVE
    features = {(f.type.id, f.excluded) for f in packet.phenotypic_features}
    assert features == {("HP:0000857", False), ("HP:0002014", False), ("HP:0000964", True)}
    (genomic,) = packet.interpretations[0].diagnosis.genomic_interpretations
    descriptor = genomic.variant_interpretation.variation_descriptor
    assert descriptor.gene_context.value_id == "NCBIGene:50943"
    assert descriptor.gene_context.symbol == "FOXP3"
    assert {(e.syntax, e.value) for e in descriptor.expressions} == {
        ("hgvs.c", "NM_014009.4:c.1150G>A"),  # behind the transcript the text gives
        ("hgvs.p", "p.Ala384Thr"),
    }
    assert (descriptor.allelic_state.id, descriptor.allelic_state.label) == ("GENO:0000134", "hemizygous")
    assert packet.interpretations[0].diagnosis.disease.id == "MONDO:0010580"
    assert [d.term.id for d in packet.diseases] == ["MONDO:0010580"]
    actions = {a.treatment.agent.id or a.procedure.code.id for a in packet.medical_actions}
    assert actions == {"MESH:D016559", "MESH:D018380"}
    assert packet.meta_data.phenopacket_schema_version == "2.0"
    assert [r.id for r in packet.meta_data.external_references] == [f"PMID:{samples.PMID}"]
    assert {r.namespace_prefix for r in packet.meta_data.resources} >= {"HP", "GENO", "MONDO", "NCBIGene"}


def test_phenopacket_carries_ages_and_onsets(registry: tuple[str, Engine], tmp_path: Path) -> None:
    _, engine = registry
    (path,) = export_phenopackets(engine, tmp_path)
    packet = Parse(path.read_text(), pps.Phenopacket())
    assert packet.subject.id == "proband"
    # the latest age the record states: the transplant at 8 months
    assert packet.subject.time_at_last_encounter.age.iso8601duration == iso8601_age(243)
    onsets = {
        f.type.id: f.onset.age.iso8601duration for f in packet.phenotypic_features if f.HasField("onset")
    }
    assert onsets == {"HP:0000857": iso8601_age(61)}
    assert [d.onset.age.iso8601duration for d in packet.diseases] == [iso8601_age(61)]


def test_negated_disease_mention_is_not_a_diagnosis(registry: tuple[str, Engine], tmp_path: Path) -> None:
    _, engine = registry
    (path,) = export_phenopackets(engine, tmp_path)
    packet = Parse(path.read_text(), pps.Phenopacket())
    assert "MESH:D004485" not in {d.term.id for d in packet.diseases}


@pytest.mark.parametrize(("days", "duration"), [(61, "P2M1D"), (243, "P8M3D"), (365 * 3, "P3Y"), (0, "P0D")])
def test_iso8601_age(days: int, duration: str) -> None:
    assert iso8601_age(days) == duration


def test_csv_and_parquet_hold_the_views(registry: tuple[str, Engine], tmp_path: Path) -> None:
    _, engine = registry
    csv_files = {p.name for p in export_csv(engine, tmp_path / "csv")}
    parquet_files = export_parquet(engine, tmp_path / "parquet")
    assert {
        "patients.csv",
        "patient_facts.csv",
        "patient_phenotypes.csv",
        "variants.csv",
        "treatments.csv",
        "mentions.csv",
        "individuals.csv",
    } == csv_files
    patients = pd.read_csv(tmp_path / "csv" / "patients.csv", dtype={"pmid": str})
    assert patients.loc[0, "pmid"] == samples.PMID
    phenotypes = pd.read_parquet(tmp_path / "parquet" / "patient_phenotypes.parquet")
    assert sorted(phenotypes["hpo_id"]) == ["HP:0000857", "HP:0000964", "HP:0002014"]
    assert len(parquet_files) == 7
    (individual,) = pd.read_csv(tmp_path / "csv" / "individuals.csv", dtype={"pmids": str}).itertuples()
    assert (individual.pmids, individual.patient_records) == (samples.PMID, 1)
