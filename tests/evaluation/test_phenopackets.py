"""caseminer.evaluation.phenopackets: curators' phenopackets as gold — reading, alignment, scoring —
on packets written here and on the real JAX-dev folder."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import phenopackets as pps
import pytest
from google.protobuf.json_format import MessageToJson

from caseminer.evaluation.phenopackets import (
    Onset,
    PhenopacketFormatError,
    PhenopacketReport,
    StoreOntology,
    compare_article,
    curated_change,
    evaluate_phenopackets,
    match_terms,
    phenopacket_layout,
    read_curated,
    read_phenopacket,
    split_articles,
)
from caseminer.pipeline.extract import build_nlp
from caseminer.schemas.extraction import (
    Age,
    Outcome,
    Patient,
    PatientPhenotype,
    PatientVariant,
)
from caseminer.schemas.extraction import ExtractionResult as Result
from caseminer.vocab import TerminologyStore

SEIZURE, FOCAL_SEIZURE, ABNORMAL_NERVOUS = "HP:0001250", "HP:0007359", "HP:0000707"
HEARING_LOSS, DELAY = "HP:0000365", "HP:0001263"


def _feature(curie: str, label: str, *, excluded: bool = False) -> pps.PhenotypicFeature:
    return pps.PhenotypicFeature(type=pps.OntologyClass(id=curie, label=label), excluded=excluded)


def _variant(gene: str, expressions: dict[str, str], state: str) -> pps.GenomicInterpretation:
    return pps.GenomicInterpretation(
        subject_or_biosample_id="x",
        interpretation_status=pps.GenomicInterpretation.CAUSATIVE,
        variant_interpretation=pps.VariantInterpretation(
            variation_descriptor=pps.VariationDescriptor(
                id=f"{gene}_variant",
                gene_context=pps.GeneDescriptor(value_id="HGNC:1", symbol=gene),
                expressions=[pps.Expression(syntax=s, value=v) for s, v in expressions.items()],
                allelic_state=pps.OntologyClass(id="GENO:0000136", label="homozygous"),
            )
        ),
    )


def _packet(
    packet_id: str,
    label: str,
    *,
    pmid: str = "111",
    sex: int = pps.UNKNOWN_SEX,
    onset: pps.TimeElement | None = None,
    features: Iterable[pps.PhenotypicFeature] = (),
    variants: Iterable[pps.GenomicInterpretation] = (),
    deceased: bool = False,
) -> pps.Phenopacket:
    disease = pps.Disease(term=pps.OntologyClass(id="OMIM:1", label="a disease"), onset=onset)
    return pps.Phenopacket(
        id=packet_id,
        subject=pps.Individual(
            id=label,
            sex=sex,
            time_at_last_encounter=pps.TimeElement(age=pps.Age(iso8601duration="P4Y")),
            vital_status=pps.VitalStatus(status=pps.VitalStatus.DECEASED) if deceased else None,
        ),
        phenotypic_features=list(features),
        diseases=[disease],
        interpretations=[
            pps.Interpretation(
                id=f"{packet_id}_i",
                progress_status=pps.Interpretation.SOLVED,
                diagnosis=pps.Diagnosis(disease=disease.term, genomic_interpretations=list(variants)),
            )
        ],
        meta_data=pps.MetaData(
            created_by="test",
            phenopacket_schema_version="2.0.2",
            external_references=[pps.ExternalReference(id=f"PMID:{pmid}", description="an article")],
        ),
    )


def _infantile() -> pps.TimeElement:
    return pps.TimeElement(ontology_class=pps.OntologyClass(id="HP:0003593", label="Infantile onset"))


def _write(folder: Path, *packets: pps.Phenopacket) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for packet in packets:
        (folder / f"{packet.id}.json").write_text(MessageToJson(packet), encoding="utf-8")
    return folder


# Two sibs of one article, curated with different facts.
SIB_1 = _packet(
    "PMID_111_II_1",
    "II-1",
    sex=pps.FEMALE,
    onset=_infantile(),
    features=[_feature(SEIZURE, "Seizure"), _feature(HEARING_LOSS, "Hearing impairment", excluded=True)],
    variants=[
        _variant("ABC1", {"hgvs.c": "NM_000001.2:c.19G>A", "hgvs.p": "NP_000001.1:p.(Arg7Ter)"}, "homozygous")
    ],
)
SIB_2 = _packet(
    "PMID_111_II_2",
    "Patient II.2",
    sex=pps.MALE,
    onset=pps.TimeElement(age=pps.Age(iso8601duration="P2Y6M")),
    features=[_feature(FOCAL_SEIZURE, "Focal-onset seizure"), _feature(DELAY, "Global developmental delay")],
    variants=[_variant("ABC1", {"hgvs.c": "NM_000001.2:c.19G>A"}, "homozygous")],
    deceased=True,
)


PARENTS = {FOCAL_SEIZURE: (SEIZURE,), SEIZURE: (ABNORMAL_NERVOUS,)}


class FakeOntology:
    """Focal-onset seizure is_a Seizure is_a Abnormality of the nervous system."""

    def parents(self, curie: str) -> Iterable[str]:
        return PARENTS.get(curie, ())


def test_a_phenopacket_is_read_by_the_protobuf_parser(tmp_path: Path) -> None:
    folder = _write(tmp_path / "packets", SIB_1, SIB_2)
    curated = read_curated(folder)
    assert list(curated) == ["111"]
    first, second = curated["111"]
    assert (first.label, first.sex, second.sex) == ("II-1", "female", "male")
    assert first.present == {SEIZURE: "Seizure"} and first.excluded == {HEARING_LOSS: "Hearing impairment"}
    # the change without its transcript, in the form the extractor writes; "p.(…)" is the same change
    assert first.variants == [
        {"gene": "ABC1", "hgvs_c": "c.19G>A", "hgvs_p": "p.Arg7Ter", "zygosity": "homozygous"}
    ]
    assert first.onset == Onset(term="HP:0003593", text="Infantile onset")
    assert second.onset is not None and second.onset.days == pytest.approx(2 * 365 + 6 * 30.4)
    assert (first.vital_status, second.vital_status) == (None, "deceased")
    assert first.last_encounter_days == 4 * 365


def test_a_file_that_is_no_phenopacket_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "PMID_1_x.json"
    bad.write_text(json.dumps({"id": "x", "subject": {"sexx": "MALE"}}))
    with pytest.raises(PhenopacketFormatError, match=r"PMID_1_x\.json"):
        read_phenopacket(bad)
    nameless = tmp_path / "nameless.json"
    nameless.write_text(json.dumps({"id": "x"}))
    with pytest.raises(PhenopacketFormatError, match="no PMID"):
        read_phenopacket(nameless)


def test_curated_changes_compare_across_transcripts_and_forms() -> None:
    assert curated_change("NM_138638.5:c.19G>A") == "c.19G>A"
    assert curated_change("NP_619579.1:p.(Val7Met)") == "p.Val7Met"
    assert curated_change("NP_1.1:p.(Leu76GlnfsTer53)") == "p.Leu76GlnfsTer53"


def test_onset_classes_are_age_ranges() -> None:
    infantile = Onset(term="HP:0003593")
    assert infantile.agrees(100) and not infantile.agrees(800) and not infantile.agrees(None)
    assert Onset(term="HP:0003577").agrees(0)  # congenital: at birth
    assert Onset(days=365).agrees(390) and not Onset(days=365).agrees(450)


def test_neighbour_terms_count_only_in_the_neighbour_figure() -> None:
    curated = {SEIZURE: "Seizure", DELAY: "Global developmental delay"}
    predicted = {FOCAL_SEIZURE: "Focal-onset seizure", HEARING_LOSS: "Hearing impairment"}
    exact = match_terms(curated, predicted)
    assert (exact.tp, exact.fp, exact.fn) == (0, 2, 2)
    near = match_terms(curated, predicted, FakeOntology())
    assert (near.tp, near.fp, near.fn) == (1, 1, 1)
    assert near.missed == ["Global developmental delay | HP:0001263"]
    # two steps up still counts, a sibling term does not
    assert match_terms({ABNORMAL_NERVOUS: "x"}, {FOCAL_SEIZURE: "y"}, FakeOntology()).tp == 1
    assert match_terms({DELAY: "x"}, {SEIZURE: "y"}, FakeOntology()).tp == 0


def _predicted(label: str, **fields: object) -> Patient:
    return Patient(label=label, **fields)  # type: ignore[arg-type]


def test_individuals_are_aligned_by_label_and_scored_per_field(tmp_path: Path) -> None:
    curated = read_curated(_write(tmp_path / "packets", SIB_1, SIB_2))["111"]
    result = Result(
        doc_id="111",
        extractor_version="test",
        patients=[
            # listed in the other order and labelled another way: the labels decide the pairs
            _predicted(
                "II:2",
                sex="male",
                age_at_onset=Age(text="2.5 years", days=912, role="onset"),
                variants=[PatientVariant(hgvs_c="c.19G>A", hgvs_p="p.Arg7*")],
                phenotypes=[
                    PatientPhenotype(text="seizures", ids=[SEIZURE]),
                    PatientPhenotype(text="developmental delay", ids=[DELAY, "MESH:D002658"]),
                ],
                outcome=Outcome(status="alive"),
            ),
            _predicted(
                "II-1",
                sex="male",
                age_at_onset=Age(text="3 months", days=91, role="onset"),
                variants=[PatientVariant(hgvs_p="p.R7X")],
                phenotypes=[
                    PatientPhenotype(text="seizures", ids=[SEIZURE]),
                    PatientPhenotype(text="normal hearing", ids=[HEARING_LOSS], excluded=True),
                ],
            ),
            _predicted("mother"),  # an extra described relative: listed, not an error
        ],
    )
    report = PhenopacketReport(phenopackets_dir=str(tmp_path))
    article = compare_article(report, "111", curated, result, FakeOntology())
    assert [(i.curated_label, i.predicted_label) for i in article.individuals] == [
        ("II-1", "II-1"),
        ("Patient II.2", "II:2"),
    ]
    assert article.unaligned_predicted == ["mother"]
    fields = {name: (acc.correct, acc.total) for name, acc in report.fields.items()}
    assert fields == {
        "sex": (1, 2),  # II-1 is curated female
        "causative_variant": (2, 2),  # "p.R7X" is "p.(Arg7Ter)"; c. is enough for II-2
        "onset": (2, 2),  # 91 days is infantile; 912 days is 2 years 6 months
        "last_encounter": (0, 2),
        "vital_status": (0, 1),  # II-2 died; the prediction says alive
    }
    sib_1, sib_2 = article.individuals
    assert {d.field for d in sib_1.differences} == {"sex", "last_encounter"}
    assert (sib_1.present.tp, sib_1.present.fp, sib_1.excluded.tp) == (1, 0, 1)
    # II-2: delay exact, "seizures" one step above the curated focal-onset seizure
    assert (sib_2.present.tp, sib_2.present.fp, sib_2.present.fn) == (1, 1, 1)
    assert sib_2.present_neighbours.tp == 2
    per_individual = report.per_individual("present")
    assert per_individual.individuals == 2
    assert per_individual.f1 == pytest.approx((1.0 + 0.5) / 2)
    assert report.per_individual("excluded").individuals == 1  # only II-1 has a curated excluded term
    assert report.count_confusion == {"2 -> 3": 1} and report.individual_count.value == 0


def test_an_unaligned_curated_individual_is_wrong_on_what_it_states(tmp_path: Path) -> None:
    curated = read_curated(_write(tmp_path / "packets", SIB_1, SIB_2))["111"]
    report = PhenopacketReport(phenopackets_dir=str(tmp_path))
    compare_article(report, "111", curated, Result(doc_id="111", extractor_version="t"))
    assert report.fields["sex"].total == 2 and report.fields["sex"].correct == 0
    assert report.per_individual("present").f1 == 0.0


def test_the_layouts_and_the_split(tmp_path: Path) -> None:
    jax = tmp_path / "jax"
    _write(jax / "phenopackets", SIB_1)
    (jax / "txt").mkdir()
    for pmid in ("5", "111", "30"):
        (jax / "txt" / f"{pmid}.txt").write_text("text")
    assert phenopacket_layout(jax, None) == (jax / "phenopackets", jax / "txt")
    with pytest.raises(PhenopacketFormatError, match="--texts"):
        phenopacket_layout(jax / "phenopackets", None)
    # halves over every text of the folder (5, 30, 111 sorted as numbers), not only the curated ones
    assert split_articles(jax / "phenopackets", jax / "txt", "tuning") == {"5", "111"}
    assert split_articles(jax / "phenopackets", jax / "txt", "checking") == {"30"}


# -- the real JAX-dev folder ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def jax_dev(shared_dir: Path) -> Path:
    folder = shared_dir / "corpora" / "hpo" / "jax-dev"
    if not (folder / "phenopackets").is_dir():
        pytest.skip("no phenopackets in ../shared/corpora/hpo/jax-dev")
    return folder


def test_the_jax_dev_phenopackets_read_and_split_as_the_gold_folder(jax_dev: Path) -> None:
    curated = read_curated(jax_dev / "phenopackets")
    individuals = [i for group in curated.values() for i in group]
    assert len(individuals) == 149  # the README of the folder's issue: 149 individuals
    assert all(pmid in {p.stem for p in (jax_dev / "txt").iterdir()} for pmid in curated)
    assert all(i.present or i.excluded for i in individuals)
    manifest = json.loads((Path(__file__).parents[2] / "gold" / "jax-dev" / "split.json").read_text())
    for half in ("tuning", "checking"):
        assert split_articles(jax_dev / "phenopackets", jax_dev / "txt", half) == set(manifest[half])


def test_the_jax_dev_tuning_half_is_scored_per_curated_individual(
    jax_dev: Path, vocab_store: TerminologyStore
) -> None:
    report = evaluate_phenopackets(
        jax_dev, build_nlp(vocab_store), split="tuning", ontology=StoreOntology(vocab_store)
    )
    curated = read_curated(jax_dev / "phenopackets")
    manifest = json.loads((Path(__file__).parents[2] / "gold" / "jax-dev" / "split.json").read_text())
    expected = {pmid for pmid in curated if pmid in manifest["tuning"]}
    assert {a.pmid for a in report.articles} == expected
    assert not any(a.error for a in report.articles)
    aligned = [i.packet_id for a in report.articles for i in a.individuals]
    assert sorted(aligned) == sorted(i.packet_id for pmid in expected for i in curated[pmid])
    assert report.fields["sex"].total == sum(1 for p in expected for i in curated[p] if i.sex)
    # the neighbour figure only adds matches to the exact one
    assert report.micro("present_neighbours").tp >= report.micro("present").tp > 0
