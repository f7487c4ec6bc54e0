"""Exported phenopackets read back by independent readers, for the export tests of the demo registry
and of JAX-dev extractions:

- `read_exported_phenopackets(folder)`: every file parsed by the `phenopackets` package's protobuf
  reader (which refuses fields and values outside the schema) and written back unchanged;
- `read_with_gpsea(packets, store, work_dir)`: the packets loaded as a GPSEA cohort (Monarch's
  genotype-phenotype analysis of phenopacket cohorts), with its HPO validation, asserting that GPSEA
  reads each packet's sex, features, genotypes and HGVS as exported.
"""

from __future__ import annotations

import json
from pathlib import Path

import phenopackets as pps
from google.protobuf.json_format import MessageToJson, Parse

from caseminer.vocab import TerminologyStore


def read_exported_phenopackets(folder: Path) -> list[pps.Phenopacket]:
    """The packets of an export folder, each one checked to survive a protobuf round trip: what the
    export wrote is exactly what the schema reads (no field dropped, renamed or mistyped)."""
    packets = []
    for path in sorted(folder.glob("*.json")):
        written = path.read_text(encoding="utf-8")
        packet = Parse(written, pps.Phenopacket())
        assert json.loads(MessageToJson(packet)) == json.loads(written), (
            f"{path.name}: changed by a round trip"
        )
        packets.append(packet)
    return packets


def _typed_hgvs_c(packets: list[pps.Phenopacket]) -> set[str]:
    """The hgvs.c expressions of the variants with an allelic state (the ones GPSEA types)."""
    return {
        expression.value
        for packet in packets
        for interpretation in packet.interpretations
        for genomic in interpretation.diagnosis.genomic_interpretations
        if genomic.variant_interpretation.variation_descriptor.allelic_state.label
        for expression in genomic.variant_interpretation.variation_descriptor.expressions
        if expression.syntax == "hgvs.c"
    }


def read_with_gpsea(packets: list[pps.Phenopacket], store: TerminologyStore, work_dir: Path) -> int:
    """Load the packets in GPSEA on the store's HPO, assert that every packet is read as written, and
    return how many variants GPSEA typed (those with an allelic state).

    GPSEA's two web services (VariantValidator for coordinates, VEP for effects) are not reachable
    offline: stand-ins record what GPSEA asks them and answer one fixed locus."""
    import hpotk
    from gpsea.model import Genotype, Sex, TranscriptAnnotation, VariantCoordinates, VariantEffect
    from gpsea.model.genome import GenomicRegion, GRCh38, Strand
    from gpsea.preprocessing import (
        CohortCreator,
        CohortCreatorOptions,
        DefaultImpreciseSvFunctionalAnnotator,
        FunctionalAnnotator,
        PhenopacketPatientCreator,
        VariantCoordinateFinder,
        load_phenopackets,
    )
    from gpsea.preprocessing._config import _setup_hpo_validator

    class RecordingCoordinates(VariantCoordinateFinder[str]):
        def __init__(self) -> None:
            self.asked: list[str] = []

        def find_coordinates(self, item: str) -> VariantCoordinates:
            self.asked.append(item)
            contig = GRCh38.contig_by_name("1")
            assert contig is not None
            return VariantCoordinates(
                GenomicRegion(contig, 1000 + len(self.asked), 1001 + len(self.asked), Strand.POSITIVE),
                "G",
                "A",
                0,
            )

    class OneEffect(FunctionalAnnotator):
        def annotate(self, variant_coordinates: VariantCoordinates) -> list[TranscriptAnnotation]:
            return [
                TranscriptAnnotation(
                    "GENE",
                    "NM_000000.1",
                    None,
                    True,
                    [VariantEffect.MISSENSE_VARIANT],
                    None,
                    None,
                    None,
                    None,
                )
            ]

    hpo = hpotk.load_minimal_ontology(str(_obographs_of_store(store, work_dir / "hp.json")))
    coordinates = RecordingCoordinates()
    creator = PhenopacketPatientCreator(
        hpo=hpo,
        validator=_setup_hpo_validator(hpo, None),
        build=GRCh38,
        functional_annotator=OneEffect(),
        imprecise_sv_functional_annotator=DefaultImpreciseSvFunctionalAnnotator(None),  # type: ignore[arg-type]
        hgvs_coordinate_finder=coordinates,
    )
    # every individual, also one whose text states no zygosity (GPSEA cannot type that variant)
    options = CohortCreatorOptions(keep_individuals_with_no_hpo=True, keep_individuals_with_no_variants=True)
    cohort, validation = load_phenopackets(packets, CohortCreator(creator, options))
    assert validation.is_ok(), validation.summarize()
    assert sorted(member.labels.meta_label for member in cohort.all_patients) == sorted(p.id for p in packets)

    by_id = {p.id: p for p in packets}
    sexes = {pps.MALE: Sex.MALE, pps.FEMALE: Sex.FEMALE}
    genotype_of = {
        "heterozygous": Genotype.HETEROZYGOUS,
        "compound heterozygous": Genotype.HETEROZYGOUS,
        "homozygous": Genotype.HOMOZYGOUS_ALTERNATE,
        "hemizygous": Genotype.HEMIZYGOUS,
    }
    typed = 0
    for member in cohort.all_patients:
        packet = by_id[member.labels.meta_label]
        assert member.sex == sexes.get(packet.subject.sex, Sex.UNKNOWN_SEX)
        read = {(t.identifier.value, t.is_present) for t in member.phenotypes}
        assert read == {(f.type.id, not f.excluded) for f in packet.phenotypic_features}
        states = [
            g.variant_interpretation.variation_descriptor.allelic_state.label
            for i in packet.interpretations
            for g in i.diagnosis.genomic_interpretations
        ]
        expected = sorted(genotype_of[s].name for s in states if s)
        assert sorted(v.genotypes.for_sample(member.labels).name for v in member.variants) == expected
        typed += len(expected)
    assert set(coordinates.asked) == _typed_hgvs_c(packets)
    return typed


def _obographs_of_store(store: TerminologyStore, path: Path) -> Path:
    """The store's HPO (terms, labels, is_a) in the obographs JSON that hpo-toolkit loads."""

    def iri(curie: str) -> str:
        return "http://purl.obolibrary.org/obo/" + curie.replace(":", "_")

    rows = store.db.execute("SELECT curie, label, parents FROM concept WHERE vocab = 'HP'").fetchall()
    graph = {
        "nodes": [{"id": iri(curie), "lbl": label, "type": "CLASS"} for curie, label, _ in rows],
        "edges": [
            {"sub": iri(curie), "pred": "is_a", "obj": iri(parent)}
            for curie, _, parents in rows
            for parent in json.loads(parents)
        ],
        "meta": {"version": "http://purl.obolibrary.org/obo/hp/releases/2026-02-16/hp.json"},
    }
    path.write_text(json.dumps({"graphs": [graph]}), encoding="utf-8")
    return path
