"""spaCy component `caseminer_bio_entities`: the entities a token tagger's BIO tags spell.

The trained recognizer tags every token at once (``tagger``: ``B-DISEASE``, ``I-CHEMICAL``, ``O``,
one softmax over the ``tok2vec`` vectors) instead of walking the text with the transition-based
``ner``, whose per-token steps were half the recognizer's time. This component, after the tagger in
the recognizer's own pipeline, turns the tags into ``doc.ents``: an entity starts at a ``B-`` tag, or
at an ``I-`` tag that does not continue an entity of its label, and runs over the ``I-`` tags of its
label that follow. It scores the entities as spaCy's ``ner`` does, so that training chooses its
checkpoint by entity F1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example

OUTSIDE = "O"


def bio_tags(doc: Doc) -> list[str]:
    """The BIO tag of every token of `doc` from its entities (the tagger's training labels)."""
    return [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else OUTSIDE for t in doc]


def entities_of_tags(doc: Doc, tags: Iterable[str]) -> list[Span]:
    spans: list[Span] = []
    start, label = 0, ""
    for index, tag in enumerate([*tags, OUTSIDE]):
        prefix, _, tag_label = tag.partition("-")
        if label and (prefix != "I" or tag_label != label):
            spans.append(Span(doc, start, index, label=label))
            label = ""
        if prefix == "B" or (prefix == "I" and not label):
            start, label = index, tag_label
    return spans


class BioEntities:
    def __call__(self, doc: Doc) -> Doc:
        doc.ents = entities_of_tags(doc, (t.tag_ for t in doc))
        return doc

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return get_ner_prf(examples)


@Language.factory(
    "caseminer_bio_entities",
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_bio_entities(nlp: Language, name: str) -> BioEntities:
    return BioEntities()


__all__ = ["OUTSIDE", "BioEntities", "bio_tags", "entities_of_tags", "make_bio_entities"]
