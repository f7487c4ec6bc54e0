"""The assembled extraction pipeline: build_nlp, extract_document / extract_documents / extract_file."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from extract_pipeline import jats_document, pipeline_for
from spacy.language import Language
from spacy.tokens import Doc

from caseminer.extractors.tokenizer import make_tokenizer
from caseminer.parsing import ParseError
from caseminer.pipeline.extract import (
    EXTRACTOR_VERSION,
    extract_document,
    extract_documents,
    extract_file,
    prepare_doc,
)
from caseminer.vocab import TerminologyStore

CASE = (
    "<sec><title>Case presentation</title><p>A 3-month-old boy had chronic diarrhea and no fever."
    " FOXP3 sequencing showed c.1150G&gt;A. He received tacrolimus; tacrolimus was well tolerated.</p></sec>"
    "<sec><title>Discussion</title><p>Diarrhea is the most common feature of IPEX syndrome.</p></sec>"
)


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    return pipeline_for(vocab_store.path)


def test_components_in_order(nlp: Language) -> None:
    assert nlp.pipe_names == [
        "sentencizer",
        "caseminer_passage_sentences",
        "abbreviation_detector",
        "caseminer_variants",
        "caseminer_terminology_ner",
        "caseminer_trained_entities",
        "caseminer_ages",
        "caseminer_demographics",
        "caseminer_clinical",
        "caseminer_context",
        "caseminer_patients",
    ]


def test_result_carries_document_metadata_mentions_and_entity_sets(nlp: Language) -> None:
    document = jats_document(CASE, title="Chronic diarrhea in an infant")
    result = extract_document(document, nlp)
    assert (result.doc_id, result.pmcid, result.title) == (document.doc_id, "PMC0000001", document.title)
    assert result.extractor_version == EXTRACTOR_VERSION and result.is_case_report is True
    mentions = {(m.text, m.section): m for m in result.mentions}
    assert mentions[("FOXP3", "case")].concept_id == "NCBIGene:50943"
    assert mentions[("c.1150G>A", "case")].type == "variant"
    assert mentions[("fever", "case")].negated is True
    for mention in result.mentions:
        assert document.text[mention.start : mention.end] == mention.text
    # Document-level sets: each concept once, whatever its context (PubTator's style).
    chemical_ids = [c.id for c in result.entities.chemicals]
    assert chemical_ids.count("MESH:D016559") == 1
    disease_texts = {d.text.lower() for d in result.entities.diseases}
    assert {"diarrhea", "fever", "ipex syndrome"} <= disease_texts
    assert [(v.text, v.gene) for v in result.entities.variants] == [("c.1150G>A", "FOXP3")]


def test_gold_json_shape(nlp: Language) -> None:
    payload = extract_document(jats_document(CASE), nlp).to_gold_json()
    assert set(payload["entities"]) == {"genes", "diseases", "chemicals", "variants"}
    (patient,) = payload["patients"]
    assert patient["label"] == "proband" and patient["sex"] == "male"
    assert patient["age_at_presentation"] == {
        "text": "3-month-old",
        "days": 91,
        "role": "presentation",
        "provenance": patient["age_at_presentation"]["provenance"],
    }


def test_batches_give_the_same_results_in_order(nlp: Language) -> None:
    documents = [
        jats_document(CASE),
        jats_document("<sec><title>Case report</title><p>A 9-year-old girl had alopecia.</p></sec>"),
    ]
    documents[1] = documents[1].model_copy(update={"doc_id": "second"})
    batched = list(extract_documents(documents, nlp, batch_size=2))
    assert [r.doc_id for r in batched] == [documents[0].doc_id, "second"]
    assert batched == [extract_document(d, nlp) for d in documents]


def test_sentences_do_not_cross_passages(nlp: Language) -> None:
    document = jats_document(
        "<sec><title>Introduction</title><p>IPEX is usually fatal as rarely reported.1</p></sec>"
        "<sec><title>Case Report</title><p>A 7-month-old boy had eczema</p></sec>"
    )
    doc = nlp(prepare_doc(document, nlp))
    sentences = [s.text.strip() for s in doc.sents]
    assert "A 7-month-old boy had eczema" in sentences
    assert "Case Report" in sentences


def test_a_full_stop_inside_a_variant_ends_no_sentence(nlp: Language) -> None:
    document = jats_document(
        "<sec><title>Results</title><p>One proband carried a NM_001198868:c.C463T nonsense variant in"
        " trans with a c.C1142T missense change. Her parents were healthy.</p></sec>"
    )
    doc = nlp(prepare_doc(document, nlp))
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences[-2].startswith("One proband") and sentences[-2].endswith("missense change.")
    assert sentences[-1] == "Her parents were healthy."
    variants = [e for e in doc.ents if e.label_ == "VARIANT"]
    assert {v._.hgvs_c for v in variants} == {"c.463C>T", "c.1142C>T"}


def test_cell_marker_notation_gives_each_marker(nlp: Language) -> None:
    document = jats_document(
        "<sec><title>Results</title><p>CD4(+)CD25(+) T cells were reduced, as were CD4+CD25+ cells.</p></sec>"
    )
    result = extract_document(document, nlp)
    genes = {(m.text, m.concept_id) for m in result.mentions if m.type == "gene"}
    assert {("CD4", "NCBIGene:920"), ("CD25", "NCBIGene:3559")} <= genes


def test_an_abbreviations_long_form_is_one_mention_of_its_concept(nlp: Language) -> None:
    document = jats_document(
        "<sec><title>Case presentation</title><p>He was suspected to have Immunodysregulation"
        " Polyendocrinopathy Enteropathy X-linked (IPEX) syndrome. An acute inflammatory episode (AIE)"
        " followed, and Immunodysregulation Polyendocrinopathy Enteropathy X-linked was confirmed.</p></sec>"
    )
    result = extract_document(document, nlp)
    diseases = {(m.text, m.concept_id) for m in result.mentions if m.type == "disease"}
    long_form = "Immunodysregulation Polyendocrinopathy Enteropathy X-linked"
    # the expansion agrees with the names of the concept that "IPEX" names in the vocabulary
    assert {(long_form, "MESH:C580192"), ("IPEX", "MESH:C580192")} <= diseases
    assert not {text for text, _ in diseases} & {"Polyendocrinopathy", "Enteropathy"}  # not sign by sign
    assert not any(m.text == "AIE" for m in result.mentions)  # its expansion is no concept: not guessed
    assert sum(m.text == long_form for m in result.mentions) == 2  # wherever it is written


def test_tokenizer_keeps_whitespace_tokens_and_abbreviations_on_repeated_text() -> None:
    """Whitespace runs stay tokens of their own, and scispaCy's abbreviation exceptions still hold
    after the first line break - the second tokenization is served from the tokenizer's cache."""
    tokenizer = make_tokenizer(spacy.blank("en"))
    text = "Case Report\nA  boy\xa0(e.g. Fig. 2)\twas seen.\n\nNo fever."
    for _ in range(2):
        doc = tokenizer(text)
        tokens = "|".join(token.text for token in doc)
        assert tokens == "Case|Report|\n|A| |boy|\xa0|(|e.g.|Fig.|2|)|\t|was|seen|.|\n\n|No|fever|."
        assert doc.text == text


def test_extract_file_reads_every_article_of_a_bulk_file(nlp: Language, tmp_path: Path) -> None:
    article = (
        '<article article-type="case-report"><front><article-meta>'
        '<article-id pub-id-type="pmcid">{pmcid}</article-id>'
        "<title-group><article-title>{title}</article-title></title-group></article-meta></front>"
        "<body><sec><title>Case report</title><p>{text}</p></sec></body></article>"
    )
    bulk = tmp_path / "bulk.xml"
    bulk.write_text(
        "<articles>"
        + article.format(pmcid="PMC0000011", title="A boy", text="A 2-year-old boy had alopecia.")
        + article.format(pmcid="PMC0000012", title="A girl", text="A 3-year-old girl had eczema.")
        + "</articles>"
    )
    results = extract_file(bulk, nlp)
    assert [r.pmcid for r in results] == ["PMC0000011", "PMC0000012"]
    assert [r.patients[0].sex for r in results] == ["male", "female"]


def test_extract_file_raises_parse_error_on_bad_input(nlp: Language, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<article><body>")
    with pytest.raises(ParseError):
        extract_file(broken, nlp)


def test_turkjpediatr_acceptance(nlp: Language, gold_dir: Path) -> None:
    (result,) = extract_file(gold_dir / "turkjpediatr-2019-61-424.txt", nlp)
    assert "NCBIGene:50943" in {g.id for g in result.entities.genes}
    (patient,) = result.patients
    assert patient.sex == "male"
    assert patient.age_at_onset is not None and patient.age_at_onset.days == 21
    assert [(v.gene_id, v.hgvs_c, v.hgvs_p) for v in patient.variants] == [
        ("NCBIGene:50943", "c.1150G>A", "p.Ala384Thr")
    ]


@Language.component("fails_on_boom")
def _fails_on_boom(doc: Doc) -> Doc:
    if "BOOM" in doc.text:
        raise ValueError("cannot read this one")
    return doc


def test_one_failing_document_does_not_fail_the_run() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("fails_on_boom")
    documents = [
        jats_document(f"<sec><title>Case report</title><p>{text}</p></sec>").model_copy(
            update={"doc_id": name}
        )
        for name, text in [("first", "A girl."), ("bad", "BOOM"), ("third", "A boy.")]
    ]
    failures: list[tuple[str, str]] = []
    results = extract_documents(
        documents, nlp, batch_size=2, on_error=lambda d, e: failures.append((d.doc_id, str(e)))
    )
    assert [r.doc_id for r in results] == ["first", "third"]
    assert failures == [("bad", "cannot read this one")]
    with pytest.raises(ValueError, match="cannot read"):
        list(extract_documents(documents, nlp))
