"""The trained disease/chemical recognizer: shipped weights, its tokenizer, how its spans join the
dictionary NER's, and what it finds in real abstracts of the development corpora."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from fresh_user import fresh_env

from caseminer.evaluation.corpora import read_corpus
from caseminer.extractors.tokenizer import make_tokenizer, recognizer_tokenizer
from caseminer.extractors.trained_entities import DEFAULT_MODEL, TrainedEntities, load_recognizer
from caseminer.pipeline.extract import build_nlp, extract_document
from caseminer.vocab import TerminologyStore

REPO_ROOT = Path(__file__).resolve().parents[2]
OWN_TEXT = "After cocaine-induced myocardial infarction he was given haloperidol for agitation."


def test_the_shipped_weights_load_and_recognize_in_a_fresh_home(tmp_path: Path) -> None:
    """A new user's process, no CASEMINER_* settings, run away from the repository: the weights come
    with the package."""
    script = (
        "from caseminer.extractors.trained_entities import load_recognizer\n"
        f"doc = load_recognizer()({OWN_TEXT!r})\n"
        "print(sorted((e.text, e.label_) for e in doc.ents))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=fresh_env(tmp_path), cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = dict(eval(done.stdout))
    assert found.get("cocaine") == "CHEMICAL"
    assert found.get("haloperidol") == "CHEMICAL"
    assert found.get("myocardial infarction") == "DISEASE"


def test_the_wheel_takes_every_file_of_the_weights() -> None:
    """pyproject's package-data globs cover the model folder (weights, config, vocabulary, record)."""
    globs = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "caseminer"
    ]
    package = REPO_ROOT / "caseminer"
    files = [p.relative_to(package).as_posix() for p in DEFAULT_MODEL.rglob("*") if p.is_file()]
    assert {"config.cfg", "training.json", "lexicon.json", "tok2vec/model", "tagger/model"} <= {
        f.removeprefix("models/ner-disease-chemical/") for f in files
    }
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files)
    assert any(fnmatch.fnmatch("training/ner.cfg", g) for g in globs)


def test_the_recognizer_splits_words_at_inner_hyphens_and_slashes_the_pipeline_keeps() -> None:
    recognizer = load_recognizer()
    words = [t.text for t in recognizer.make_doc("cocaine-induced CPA/EE")]
    assert words == ["cocaine", "-", "induced", "CPA", "/", "EE"]
    import spacy

    nlp = spacy.blank("en")
    assert [t.text for t in make_tokenizer(nlp)("cocaine-induced")] == ["cocaine-induced"]
    assert recognizer_tokenizer()(spacy.blank("en"))("a/b").__len__() == 3


@pytest.fixture(scope="module")
def trained(small_vocab_store: TerminologyStore) -> TrainedEntities:
    return TrainedEntities(small_vocab_store)


def _doc(text: str):
    import spacy

    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp(text)


def _at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_recognized_span_is_kept_only_linked_and_where_the_dictionary_found_nothing(
    trained: TrainedEntities,
) -> None:
    text = "Chronic diarrhea and zorblaxin rash were treated with tacrolimus and eczema creams."
    doc = _doc(text)
    from spacy.tokens import Span

    eczema = doc.char_span(*_at(text, "eczema creams"), label="DISEASE")
    eczema._.concept_id = "MESH:D004485"
    doc.ents = [eczema]
    trained.add_recognized(
        doc,
        [
            (*_at(text, "tacrolimus"), "CHEMICAL"),  # new, linked: added
            (*_at(text, "zorblaxin rash"), "DISEASE"),  # the store knows no such thing: dropped
            (*_at(text, "eczema"), "DISEASE"),  # inside a dictionary span: the dictionary's stays
            (*_at(text, "diarrhea"), "GENE"),  # not a label the recognizer has
        ],
    )
    found = {(e.text, e.label_, e._.concept_id) for e in doc.ents}
    assert found == {("tacrolimus", "CHEMICAL", "MESH:D016559"), ("eczema creams", "DISEASE", "MESH:D004485")}
    assert isinstance(doc.ents[0], Span)


def test_a_span_the_dictionary_has_keeps_its_concept_and_gains_the_recognized_ids(
    trained: TrainedEntities,
) -> None:
    text = "The boy had diarrhea."
    doc = _doc(text)
    diarrhea = doc.char_span(*_at(text, "diarrhea"), label="DISEASE")
    diarrhea._.concept_id = "HP:0002014"
    diarrhea._.alt_ids = []
    doc.ents = [diarrhea]
    trained.add_recognized(doc, [(*_at(text, "diarrhea"), "DISEASE")])
    (entity,) = doc.ents
    assert entity._.concept_id == "HP:0002014"
    assert "MESH:D003967" in entity._.alt_ids


def test_a_recognized_chemical_inside_a_pipeline_token_names_that_token(trained: TrainedEntities) -> None:
    text = "Tacrolimus-induced tremor."
    doc = _doc(text)
    trained.add_recognized(doc, [(*_at(text, "Tacrolimus"), "CHEMICAL")])
    assert [(e.text, e._.concept_id) for e in doc.ents] == [("Tacrolimus-induced", "MESH:D016559")]


@pytest.mark.shared
def test_a_defined_short_form_a_negated_word_and_a_test_name_add_no_recognized_disease(
    vocab_store: TerminologyStore,
) -> None:
    """ "MP" defined as mercaptopurine is no disease, whatever the vocabulary's abbreviation names;
    "non-|neoplastic" says there is none; "pneumonia antigen" names a test."""
    text = (
        "She received mercaptopurine (MP) and MP again. The lesion was non-neoplastic. "
        "Streptococcal pneumonia antigen was negative."
    )
    doc = build_nlp(vocab_store, trained_recognizer=False)(text)
    before = [(e.text, e.label_) for e in doc.ents]
    trained = TrainedEntities(vocab_store)
    assert trained._link("MP", "disease") is not None  # the vocabulary has a disease of that name
    spans = [
        (text.index("MP again"), text.index("MP again") + 2, "DISEASE"),
        (*_at(text, "neoplastic"), "DISEASE"),
        (*_at(text, "Streptococcal pneumonia"), "DISEASE"),
    ]
    trained.add_recognized(doc, spans)
    assert [(e.text, e.label_) for e in doc.ents] == before
    assert not any(e.label_ == "DISEASE" for e in doc.ents)


@pytest.mark.shared
def test_the_training_corpora_name_for_a_mention_leads_its_ids(vocab_store: TerminologyStore) -> None:
    """The annotators' concept for a mention text (lexicon.json) leads: as the concept where the
    linked id is of its vocabulary, as the first alternative where it is not."""
    trained = TrainedEntities(vocab_store)
    assert trained.lexicon["CHEMICAL"]["alcohol"] == "MESH:D000431"  # Ethanol, as annotated
    assert trained.lexicon["DISEASE"]["nephropathy"] == "MESH:D007674"  # Kidney Diseases
    text = "Alcohol abuse caused nephropathy."
    doc = _doc(text)
    alcohol = doc.char_span(*_at(text, "Alcohol"), label="CHEMICAL")
    alcohol._.concept_id, alcohol._.alt_ids = "MESH:D000438", ["CHEBI:30879"]  # Alcohols, the class
    nephropathy = doc.char_span(*_at(text, "nephropathy"), label="DISEASE")
    nephropathy._.concept_id, nephropathy._.alt_ids = "HP:0000112", []
    doc.ents = [alcohol, nephropathy]
    trained.add_recognized(doc, [])
    alcohol, nephropathy = doc.ents
    assert (alcohol._.concept_id, alcohol._.concept_label) == ("MESH:D000431", "Ethanol")
    assert alcohol._.alt_ids[:2] == ["MESH:D000438", "CHEBI:30879"]
    assert "CHEBI:16236" in alcohol._.alt_ids  # ethanol's own ids follow
    assert nephropathy._.concept_id == "HP:0000112"
    assert nephropathy._.alt_ids[0] == "MESH:D007674"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("corpus", "pmid", "entity_type", "concept"),
    [  # gold concepts of tuning-half abstracts that the dictionary NER alone misses
        ("bc5cdr/CDR_DevelopmentSet.PubTator.txt", "9875685", "disease", "MESH:D064420"),  # by the lexicon
        ("ncbi-disease/NCBIdevelopset_corpus.txt", "8938427", "disease", "MESH:D061325"),
        ("bc5cdr/CDR_DevelopmentSet.PubTator.txt", "6293644", "chemical", "MESH:D004298"),  # "DA" defined
        ("ncbi-disease/NCBIdevelopset_corpus.txt", "8644702", "disease", "MESH:D008175"),
    ],
)
def test_the_recognizer_finds_what_the_dictionary_misses_in_real_abstracts(
    shared_dir: Path, vocab_store: TerminologyStore, corpus: str, pmid: str, entity_type: str, concept: str
) -> None:
    (document,) = [d for d in read_corpus(shared_dir / "corpora" / corpus).documents if d.doc_id == pmid]
    assert concept in document.concept_sets()[entity_type]  # the gold names it
    ids = {}
    for recognizer in (False, True):
        result = extract_document(document.document, build_nlp(vocab_store, trained_recognizer=recognizer))
        ids[recognizer] = {
            i for m in result.mentions if m.type == entity_type for i in (m.concept_id, *m.alt_ids)
        }
    assert concept not in ids[False]
    assert concept in ids[True]


@pytest.mark.shared
def test_the_chemical_policy_keeps_substances_and_drops_classes_receptors_and_ordinary_words(
    vocab_store: TerminologyStore,
) -> None:
    """docs/entities.md: drugs and substances are chemicals; a drug class named by its action or
    target, a receptor, water and nucleic acids are not, though the store links each of them."""
    trained = TrainedEntities(vocab_store)
    text = "She took anticonvulsants, ACE inhibitors, water and tacrolimus; GABA receptors and mRNA fell."
    excluded = ["anticonvulsants", "ACE inhibitors", "water", "GABA receptors", "mRNA"]
    assert all(trained._link(words, "chemical") is not None for words in excluded)  # the store knows them
    doc = _doc(text)
    trained.add_recognized(doc, [(*_at(text, w), "CHEMICAL") for w in [*excluded, "tacrolimus"]])
    assert [e.text for e in doc.ents] == ["tacrolimus"]


@pytest.mark.shared
def test_a_concept_without_mesh_id_gets_the_id_the_corpora_gave_its_other_names(
    vocab_store: TerminologyStore,
) -> None:
    """A disease mention linked to an HP term without MeSH or OMIM id, whose text the lexicon does
    not have, gains as first alternative the id the annotators gave the lexicon's texts linked to
    the same term; a mention that has a MeSH id keeps its ids; a tie between the corpora's ids
    bridges nothing."""
    trained = TrainedEntities(vocab_store)
    assert "choreoathetosis" not in trained.lexicon["DISEASE"]
    assert trained.lexicon["DISEASE"]["choreoathetoid movement"] == "MESH:D002819"  # Chorea
    assert trained.corpus_ids_of_concepts["HP:0001266"] == "MESH:D002819"
    text = "Choreoathetosis and chorea followed."
    doc = _doc(text)
    choreoathetosis = doc.char_span(*_at(text, "Choreoathetosis"), label="DISEASE")
    choreoathetosis._.concept_id, choreoathetosis._.alt_ids = "HP:0001266", []
    chorea = doc.char_span(*_at(text, "chorea"), label="DISEASE")
    chorea._.concept_id, chorea._.alt_ids = "HP:0002072", ["MESH:D002819"]
    doc.ents = [choreoathetosis, chorea]
    trained.add_recognized(doc, [])
    choreoathetosis, chorea = doc.ents
    assert choreoathetosis._.concept_id == "HP:0001266"
    assert choreoathetosis._.alt_ids[0] == "MESH:D002819"
    assert chorea._.alt_ids == ["MESH:D002819"]

    tied = TrainedEntities(vocab_store)
    tied.lexicon = {"DISEASE": {"choreoathetoid movement": "MESH:D002819", "choreoathetosis": "MESH:D001264"}}
    assert "HP:0001266" not in tied.corpus_ids_of_concepts


@pytest.mark.shared
def test_a_recognized_compound_the_whole_mention_names_replaces_the_dictionarys_class(
    vocab_store: TerminologyStore,
) -> None:
    """Where the dictionary matched part of a word and linked the class ("5,7-|dihydroxytryptamine":
    Dihydroxytryptamines) and the recognized span, the whole mention, names a compound of the
    store, the compound is the concept and the class an alternative; a recognized piece of the
    mention's token ("polymyositis/|dermatomyositis") only adds alternatives."""
    trained = TrainedEntities(vocab_store)
    text = "After 5,7-dihydroxytryptamine she had polymyositis/dermatomyositis."
    doc = _doc(text)
    compound = doc.char_span(*_at(text, "5,7-dihydroxytryptamine"), label="CHEMICAL")
    compound._.concept_id, compound._.alt_ids = "MESH:D004102", []  # Dihydroxytryptamines
    myositis = doc.char_span(*_at(text, "polymyositis/dermatomyositis"), label="DISEASE")
    myositis._.concept_id, myositis._.alt_ids = "MESH:D017285", []  # Polymyositis
    doc.ents = [compound, myositis]
    trained.add_recognized(
        doc,
        [(*_at(text, "5,7-dihydroxytryptamine"), "CHEMICAL"), (*_at(text, "dermatomyositis"), "DISEASE")],
    )
    compound, myositis = doc.ents
    assert (compound._.concept_id, compound._.concept_label) == ("MESH:D015116", "5,7-Dihydroxytryptamine")
    assert "MESH:D004102" in compound._.alt_ids
    assert myositis._.concept_id == "MESH:D017285"
    assert "MESH:D003882" in myositis._.alt_ids  # Dermatomyositis
