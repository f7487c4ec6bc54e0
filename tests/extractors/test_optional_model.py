"""The optional pretrained-NER path of build_nlp, with a tiny spaCy NER trained here on the fly.

The model learns to tag "diabetes type 1" (a word order the dictionary NER does not match as one
term: alone it finds only "diabetes") and a made-up disease name no vocabulary knows. Through
build_nlp(model=...) the first must come out linked to type 1 diabetes, the second kept without an id.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from extract_pipeline import jats_document, pipeline_for
from spacy.language import Language
from spacy.training import Example

from caseminer.pipeline.extract import MODEL_ENV, build_nlp, extract_document
from caseminer.vocab import TerminologyStore

TEXT = "A 2-month-old boy had diabetes type 1 and zorblax syndrome."
SENTENCES = [
    (TEXT, [("diabetes type 1", "DISEASE"), ("zorblax syndrome", "DISEASE")]),
    (
        "He had diabetes type 1 and zorblax syndrome.",
        [("diabetes type 1", "DISEASE"), ("zorblax syndrome", "DISEASE")],
    ),
    ("She developed diabetes type 1 at three weeks.", [("diabetes type 1", "DISEASE")]),
    ("Zorblax syndrome was suspected in the boy.", [("Zorblax syndrome", "DISEASE")]),
    (
        "The infant had diabetes type 1 and zorblax syndrome.",
        [("diabetes type 1", "DISEASE"), ("zorblax syndrome", "DISEASE")],
    ),
]


def _examples(nlp: Language) -> list[Example]:
    examples = []
    for text, spans in SENTENCES:
        entities = [(text.index(s), text.index(s) + len(s), label) for s, label in spans]
        examples.append(Example.from_dict(nlp.make_doc(text), {"entities": entities}))
    return examples


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    random.seed(0)
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("model") / "tiny_ner"
    nlp.to_disk(path)
    return path


def test_the_tiny_model_itself_tags_the_spans(model_path: Path) -> None:
    doc = spacy.load(model_path)(TEXT)
    assert {(e.text, e.label_) for e in doc.ents} == {
        ("diabetes type 1", "DISEASE"),
        ("zorblax syndrome", "DISEASE"),
    }


def test_model_entities_are_kept_and_linked(model_path: Path, vocab_store: TerminologyStore) -> None:
    nlp = build_nlp(vocab_store, model=str(model_path))
    assert nlp.pipe_names[:4] == [
        "sentencizer",
        "caseminer_passage_sentences",
        "ner",
        "caseminer_model_entities",
    ]
    document = jats_document(f"<sec><title>Case report</title><p>{TEXT}</p></sec>")
    mentions = {m.text: m for m in extract_document(document, nlp).mentions}
    assert mentions["diabetes type 1"].concept_id == "MESH:D003922"  # linked by the terminology store
    assert mentions["zorblax syndrome"].type == "disease" and mentions["zorblax syndrome"].concept_id is None
    # Without the model, the dictionary NER alone reads "diabetes" only.
    default = {m.text for m in extract_document(document, pipeline_for(vocab_store.path)).mentions}
    assert "diabetes" in default and "diabetes type 1" not in default and "zorblax syndrome" not in default


def test_model_named_by_environment(
    model_path: Path, vocab_store: TerminologyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(model_path))
    assert "ner" in build_nlp(vocab_store).pipe_names
