"""The recognizer's BIO tags to entities, and entities to the tags it is trained on."""

from __future__ import annotations

import spacy

from caseminer.extractors.bio_entities import bio_tags, entities_of_tags


def _doc(words: list[str]):
    return spacy.blank("en").make_doc(" ".join(words))


def test_tags_spell_entities_from_a_b_or_an_unfollowed_i_over_the_i_tags_of_their_label() -> None:
    doc = _doc(["cocaine", "induced", "myocardial", "infarction", "and", "renal", "failure", "CPA", "EE"])
    tags = [
        "B-CHEMICAL",
        "O",
        "B-DISEASE",
        "I-DISEASE",
        "O",
        "I-DISEASE",
        "I-DISEASE",
        "B-CHEMICAL",
        "B-CHEMICAL",
    ]
    spans = [(s.text, s.label_) for s in entities_of_tags(doc, tags)]
    assert spans == [
        ("cocaine", "CHEMICAL"),
        ("myocardial infarction", "DISEASE"),
        ("renal failure", "DISEASE"),  # an I- after O begins an entity
        ("CPA", "CHEMICAL"),  # B- after B-: two entities
        ("EE", "CHEMICAL"),
    ]


def test_an_i_tag_of_another_label_ends_the_entity_and_begins_its_own() -> None:
    doc = _doc(["a", "b", "c"])
    spans = [(s.text, s.label_) for s in entities_of_tags(doc, ["B-DISEASE", "I-CHEMICAL", "I-CHEMICAL"])]
    assert spans == [("a", "DISEASE"), ("b c", "CHEMICAL")]


def test_the_training_tags_of_a_doc_spell_its_entities_again() -> None:
    doc = _doc(["haloperidol", "caused", "tardive", "dyskinesia", "and", "lupus"])
    doc.ents = [
        doc.char_span(0, 11, label="CHEMICAL"),
        doc.char_span(19, 37, label="DISEASE"),
        doc.char_span(42, 47, label="DISEASE"),
    ]
    tags = bio_tags(doc)
    assert tags == ["B-CHEMICAL", "O", "B-DISEASE", "I-DISEASE", "O", "B-DISEASE"]
    assert [(s.start, s.end, s.label_) for s in entities_of_tags(doc, tags)] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
