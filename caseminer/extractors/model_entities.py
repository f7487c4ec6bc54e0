"""spaCy component `caseminer_model_entities`: link the entities of a pretrained NER model.

When a scispaCy model (en_core_sci_sm, en_ner_bc5cdr_md, en_ner_bionlp13cg_md) or any spaCy NER
runs before the terminology NER, its entities are kept: each is linked through the terminology
store (by the type its label names, or by any type for a generic "ENTITY" label), takes the
caseminer label of the concept found (GENE, DISEASE, CHEMICAL, PROCEDURE) and its ids. An entity
the store does not know keeps the caseminer label its model label maps to, without an id; one of a
generic label the store does not know is dropped (nothing says what it is). The dictionary NER that
runs next adds the mentions the model missed and leaves these alone.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.vocab.linker import Linker
from caseminer.vocab.store import ENTITY_LABELS, TerminologyStore

# Model labels (bc5cdr, bionlp13cg, craft, jnlpba, generic) -> caseminer entity type.
MODEL_LABEL_TYPES = {
    "DISEASE": "disease",
    "CANCER": "disease",
    "CHEMICAL": "chemical",
    "SIMPLE_CHEMICAL": "chemical",
    "DRUG": "chemical",
    "GENE": "gene",
    "GENE_OR_GENE_PRODUCT": "gene",
    "PROTEIN": "gene",
    "GGP": "gene",
    "PROCEDURE": "procedure",
}
_CASEMINER_LABELS = frozenset(ENTITY_LABELS.values()) | {"VARIANT"}

for _name in ("concept_id", "alt_ids", "concept_label", "vocab_kinds"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory("caseminer_model_entities", default_config={"store_path": None})
def make_model_entities(nlp: Language, name: str, store_path: str | None) -> ModelEntityLinker:
    return ModelEntityLinker(TerminologyStore.open(store_path))


class ModelEntityLinker:
    def __init__(self, store: TerminologyStore) -> None:
        self.linker = Linker(store)

    def __call__(self, doc: Doc) -> Doc:
        kept: list[Span] = []
        for ent in doc.ents:
            if ent.label_ in _CASEMINER_LABELS and ent._.concept_id:
                kept.append(ent)
                continue
            entity_type = MODEL_LABEL_TYPES.get(ent.label_)
            context = ent.sent.text if doc.has_annotation("SENT_START") else None
            results = self.linker.link(ent.text, entity_type, context)
            if results:
                best = results[0]
                span = Span(doc, ent.start, ent.end, label=ENTITY_LABELS.get(best.entity_type, "DISEASE"))
                span._.concept_id = best.concept_id
                span._.alt_ids = list(best.alt_ids)
                span._.concept_label = best.label
                span._.vocab_kinds = [best.entity_type]
                kept.append(span)
            elif entity_type is not None:
                kept.append(Span(doc, ent.start, ent.end, label=ENTITY_LABELS[entity_type]))
        doc.ents = kept
        return doc


__all__ = ["MODEL_LABEL_TYPES", "ModelEntityLinker", "make_model_entities"]
