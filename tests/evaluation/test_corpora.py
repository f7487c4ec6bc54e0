"""caseminer.evaluation.corpora: public benchmarks read as published and scored as the field does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseminer.evaluation.corpora import (
    CorpusFormatError,
    detect_format,
    half_of,
    read_corpus,
    score,
)
from caseminer.schemas.extraction import ExtractionResult, Mention, Patient, PatientPhenotype

# Written for this test in the PubTator layout of BC5CDR / NCBI Disease (offsets over title + " " + abstract).
PUBTATOR = (
    "101|t|Lithium toxicity in a newborn.\n"
    "101|a|Cyanosis and atrial flutter were seen.\n"
    "101\t0\t7\tLithium\tChemical\tD008094\n"
    "101\t8\t16\ttoxicity\tDisease\tD064420\n"
    "101\t31\t39\tCyanosis\tDisease\tD003490\n"
    "101\t44\t58\tatrial flutter\tSpecificDisease\t D001282|OMIM:123456\n"
    "101\tCID\tD008094\tD064420\n"
    "\n"
    "102|t|No findings.\n"
    "102|a|Nothing.\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pubtator_documents_keep_their_offsets(tmp_path: Path) -> None:
    corpus = read_corpus(_write(tmp_path, "cdr.txt", PUBTATOR))
    assert corpus.format == "pubtator" and [d.doc_id for d in corpus.documents] == ["101", "102"]
    first = corpus.documents[0]
    text = first.document.text
    assert all(text[m.start : m.end] == m.text for m in first.mentions)  # type: ignore[misc]
    assert first.concept_sets() == {
        "chemical": {"MESH:D008094"},
        "disease": {"MESH:D064420", "MESH:D003490", "MESH:D001282", "OMIM:123456"},
    }


def test_document_level_sets_and_mentions_are_scored(tmp_path: Path) -> None:
    corpus = read_corpus(_write(tmp_path, "cdr.txt", PUBTATOR))
    predicted = ExtractionResult(
        doc_id="101",
        extractor_version="test",
        mentions=[
            # primary id outside MeSH: the first MeSH alternative id counts
            Mention(
                start=31,
                end=39,
                text="Cyanosis",
                type="disease",
                concept_id="HP:0000961",
                alt_ids=["MESH:D003490"],
            ),
            Mention(start=44, end=58, text="atrial flutter", type="disease", concept_id="MESH:D001282"),
            Mention(start=0, end=7, text="Lithium", type="chemical", concept_id="MESH:D008094"),
            Mention(start=23, end=30, text="newborn", type="chemical", concept_id="MESH:D000001"),
        ],
    )
    report = score(corpus, {"101": predicted})
    disease, chemical = report.concepts["disease"], report.concepts["chemical"]
    assert (disease.tp, disease.fp, disease.fn) == (2, 0, 2)  # toxicity and the OMIM id missed
    assert (chemical.tp, chemical.fp, chemical.fn) == (1, 1, 0)
    assert (report.mentions["disease"].tp, report.mentions["disease"].fn) == (2, 1)
    assert report.errors["101"]["disease"]["missed"] == ["MESH:D064420", "OMIM:123456"]


def test_gsc_folds_alternative_hpo_ids(tmp_path: Path) -> None:
    _write(tmp_path, "alt_hpoid.json", json.dumps({"HP:0000002": "HP:0000001", "HP:0000001": "HP:0000001"}))
    path = _write(tmp_path, "gsc.tsv", "7\nShort stature here.\n0\t13\tShort stature\tHP:0000002\n")
    corpus = read_corpus(path)
    assert corpus.format == "gsc"
    (document,) = corpus.documents
    assert document.concept_sets() == {"phenotype": {"HP:0000001"}}
    predicted = ExtractionResult(
        doc_id="7",
        extractor_version="test",
        mentions=[Mention(start=0, end=13, text="Short stature", type="disease", concept_id="HP:0000002")],
    )
    report = score(corpus, {"7": predicted})
    assert report.concepts["phenotype"].f1 == 1.0 and report.mentions["phenotype"].f1 == 1.0


def test_jax_scores_the_patients_phenotypes(tmp_path: Path) -> None:
    (tmp_path / "txt").mkdir()
    _write(tmp_path / "txt", "55.txt", "A title\n\nA girl with seizures.\n")
    _write(tmp_path, "JAX_gold.json", json.dumps({"55": {"HP:0001250": "Seizure", "HP:0001263": "Delay"}}))
    corpus = read_corpus(tmp_path)
    assert corpus.format == "jax" and corpus.documents[0].document.doc_id == "55"
    predicted = ExtractionResult(
        doc_id="55",
        extractor_version="test",
        patients=[
            Patient(phenotypes=[PatientPhenotype(text="seizures", ids=["HP:0001250", "MESH:D012640"])])
        ],
    )
    counts = score(corpus, {"55": predicted}).concepts["phenotype"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 1)


def test_unknown_layouts_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusFormatError, match="neither PubTator"):
        detect_format(_write(tmp_path, "x.txt", "hello\n"))
    with pytest.raises(CorpusFormatError, match=r"JAX_gold\.json"):
        detect_format(tmp_path)


def test_halves_are_fixed_and_disjoint() -> None:
    ids = ["10", "9", "100", "2"]
    assert half_of(ids, "tuning") == {"2", "10"} and half_of(ids, "checking") == {"9", "100"}


@pytest.mark.parametrize(
    ("relative", "documents"),
    [("bc5cdr/CDR_DevelopmentSet.PubTator.txt", 500), ("ncbi-disease/NCBIdevelopset_corpus.txt", 100)],
)
def test_real_corpora_read_with_offsets_that_hold(shared_dir: Path, relative: str, documents: int) -> None:
    corpus = read_corpus(shared_dir / "corpora" / relative)
    assert len(corpus.documents) == documents
    for document in corpus.documents:
        for mention in document.mentions:
            assert document.document.text[mention.start : mention.end] == mention.text  # type: ignore[misc]
