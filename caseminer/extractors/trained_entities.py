"""spaCy component `caseminer_trained_entities`: diseases and chemicals found by the trained recognizer.

The recognizer (a spaCy ``tok2vec`` + BIO ``tagger`` trained here on BC5CDR and NCBI Disease by
``caseminer train ner``, its tags made entities by :mod:`caseminer.extractors.bio_entities`; shipped in
``caseminer/models/ner-disease-chemical``) runs on the document's
text with its own tokenizer and vocabulary: it splits words at inner hyphens and slashes
("cocaine|-induced"), where the extraction pipeline's tokens do not. It runs after the dictionary NER
(``caseminer_terminology_ner``) and only adds to it:

* a recognized span is linked through the terminology store as the type it was recognized as
  (link results cached per text and type), else by the training corpora's own name for a concept
  (``lexicon.json`` beside the weights: "toxicity", "nephrotoxicity" as BC5CDR's annotators linked
  them) when the store has that id; one neither knows is dropped, since a registry keeps concepts,
  and its Span is built only when it is kept;
* a recognized chemical that the chemical policy of ``docs/entities.md`` excludes (a drug class
  named by its action or target, "anticonvulsants", "ACE inhibitors"; a receptor; "water", "DNA",
  "mRNA") is dropped, and so is one linked to no substance (``names_a_substance``: a class's
  singular adjective, a receptor, channel or transporter heading);
* a recognized span that overlaps a dictionary entity (inside it, around it or across it) is left
  out: the dictionary's mention stays, and so do genes, variants, procedures and the topic's terms;
* a recognized span with exactly a dictionary mention's extent and type keeps the dictionary's
  concept and adds the recognized concept's ids to its alternatives (the dictionary may have linked a
  MONDO or HP concept where the recognizer's link has the MeSH id);
* then every disease and chemical mention, the dictionary's too, whose text the training corpora's
  annotators gave a concept the store knows, has that concept's id first (``lexicon.json``; see
  ``_prefer_corpus_concept`` and docs/entities.md);
* a disease mention whose text the lexicon does not have, linked to an HP or MONDO concept without
  a MeSH or OMIM id, gains as first alternative the id the annotators gave most often to the
  lexicon's texts that the store links to that same concept ("choreoathetosis" -> HP:0001266, whose
  other name "choreoathetoid movement" the corpora linked to MeSH Chorea: ``corpus_ids_of_concepts``);
* last, a chemical of either recognizer that names a drug class by its action ("anticonvulsant
  drugs", "diuretics") is dropped where its sentence does not say a patient received it and the
  training corpora never annotate that concept (``_without_classes_not_received``).

On a token that the pipeline does not split ("cocaine-induced"), the mention's Span is the whole
token, as the dictionary NER's spans are, and its concept the recognized text's.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import caseminer
from caseminer.extractors.chemical_policy import (
    is_chemical_by_policy,
    names_a_class_by_action,
    names_a_substance,
)
from caseminer.extractors.context import SentenceIndex, doc_text
from caseminer.extractors.patients import received
from caseminer.extractors.terminology import (
    NAMES_ENZYME_OR_TEST,
    NAMES_TEST_OF_DISEASE,
    first_hp_term_only,
)
from caseminer.vocab.linker import Linker, LinkResult
from caseminer.vocab.normalize import normalize_key
from caseminer.vocab.store import ENTITY_LABELS, TerminologyStore

DEFAULT_MODEL = Path(caseminer.__file__).resolve().parent / "models" / "ner-disease-chemical"
RECOGNIZED_TYPES = {"DISEASE": "disease", "CHEMICAL": "chemical"}
_LINK_CACHE_SIZE = 100_000
# The vocabularies of the training corpora's disease ids: a mention with one of them needs no bridge.
_CORPUS_DISEASE_VOCABULARIES = ("MESH:", "OMIM:")
# A prefix that negates the word after it: "non-neoplastic", "non-diabetic".
_NEGATING_PREFIX = re.compile(r"(?<![\w-])non-?\Z", re.IGNORECASE)

for _name in ("concept_id", "alt_ids", "concept_label", "vocab_kinds"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory(
    "caseminer_trained_entities",
    default_config={"store_path": None, "model_path": None, "batch_size": 8},
)
def make_trained_entities(
    nlp: Language, name: str, store_path: str | None, model_path: str | None, batch_size: int
) -> TrainedEntities:
    for label in RECOGNIZED_TYPES:
        nlp.vocab.strings.add(label)
    return TrainedEntities(
        TerminologyStore.open(store_path), Path(model_path) if model_path else DEFAULT_MODEL, batch_size
    )


def load_recognizer(model_path: Path = DEFAULT_MODEL) -> Language:
    """The trained recognizer pipeline (its tokenizer is registered by caseminer.extractors.tokenizer)."""
    import caseminer.extractors.bio_entities  # registers its component (tags to entities)
    import caseminer.extractors.tokenizer  # noqa: F401  (registers the recognizer's tokenizer)

    if not (model_path / "config.cfg").is_file():
        raise OSError(f"no trained recognizer at {model_path} (rebuild it with `caseminer train ner`)")
    with warnings.catch_warnings():  # scispaCy's infix pattern, compiled again, trips a FutureWarning of `re`
        warnings.simplefilter("ignore", FutureWarning)
        return spacy.load(model_path)


class TrainedEntities:
    def __init__(
        self,
        store: TerminologyStore,
        model_path: Path = DEFAULT_MODEL,
        batch_size: int = 8,
    ) -> None:
        self.recognizer = load_recognizer(model_path)
        self.store = store
        lexicon_path = model_path / "lexicon.json"
        self.lexicon: dict[str, dict[str, str]] = (
            json.loads(lexicon_path.read_text(encoding="utf-8")) if lexicon_path.is_file() else {}
        )
        self.linker = Linker(store)
        self.batch_size = batch_size
        self._link = lru_cache(maxsize=_LINK_CACHE_SIZE)(self._link_uncached)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """The recognizer runs on batches of texts: its network does one batch's tokens together."""
        iterator = iter(docs)
        size = batch_size or self.batch_size
        while batch := list(islice(iterator, size)):
            recognized = self.recognizer.pipe((doc_text(doc) for doc in batch), batch_size=size)
            for doc, found in zip(batch, recognized, strict=True):
                self.add_recognized(doc, [(e.start_char, e.end_char, e.label_) for e in found.ents])
                yield doc

    def add_recognized(self, doc: Doc, recognized: list[tuple[int, int, str]]) -> None:
        """Add the recognized (start, end, label) character spans to `doc.ents` by the rules above."""
        text = doc_text(doc)
        entities = list(doc.ents)
        long_forms = _long_forms(doc)
        taken = bytearray(len(text))  # 1 where a character belongs to an entity
        by_extent: dict[tuple[int, int], Span] = {}
        for entity in entities:
            taken[entity.start_char : entity.end_char] = b"\x01" * (entity.end_char - entity.start_char)
            by_extent[(entity.start_char, entity.end_char)] = entity
        added: list[Span] = []
        for start, end, label in recognized:
            entity_type = RECOGNIZED_TYPES.get(label)
            aligned = doc.char_span(start, end, alignment_mode="expand")
            if entity_type is None or aligned is None:
                continue
            extent = (aligned.start_char, aligned.end_char)
            same = by_extent.get(extent)
            if same is not None:
                if same.label_ == label and (linked := self._link(text[start:end], entity_type)):
                    if (start, end) == extent and self._names_better(text[start:end], linked, same):
                        _take_concept(same, linked)
                    else:
                        _add_alternatives(same, linked)
                continue
            if taken.find(1, *extent) >= 0:
                continue
            surface = text[start:end]
            if entity_type == "chemical" and (
                not is_chemical_by_policy(surface) or NAMES_ENZYME_OR_TEST.match(text, end)
            ):
                continue  # a class, a receptor, "water"; "alanine| aminotransferase": an enzyme
            if _NEGATING_PREFIX.search(text, 0, start):
                continue  # "non-|neoplastic": the text says it is not one
            if entity_type == "disease" and NAMES_TEST_OF_DISEASE.match(text, end):
                continue  # "Streptococcal pneumonia| antigen": a lab test, as in the dictionary NER
            # a short form the text defines is what its long form is ("mercaptopurine (MP)"), not
            # the disease the vocabulary's abbreviation names; a drug's short form is often a name
            # of its own ("MTX"), linked where its long form is not
            linked = self._link(long_forms.get(surface, surface), entity_type)
            if linked is None and entity_type == "chemical" and surface in long_forms:
                linked = self._link(surface, entity_type)
            if linked is None or (entity_type == "chemical" and not names_a_substance(surface, linked.label)):
                continue
            span = Span(doc, aligned.start, aligned.end, label=ENTITY_LABELS[linked.entity_type])
            span._.concept_id = linked.concept_id
            span._.alt_ids = first_hp_term_only((linked.concept_id, *linked.alt_ids))[1:]
            span._.concept_label = linked.label
            span._.vocab_kinds = [linked.entity_type]
            taken[extent[0] : extent[1]] = b"\x01" * (extent[1] - extent[0])
            by_extent[extent] = span
            added.append(span)
        entities = sorted([*entities, *added], key=lambda s: s.start)
        for entity in entities:
            self._prefer_corpus_concept(entity)
        kept = self._without_classes_not_received(doc, entities)
        if added or len(kept) < len(entities):
            doc.ents = kept

    def _without_classes_not_received(self, doc: Doc, entities: list[Span]) -> list[Span]:
        """The entities but the chemicals that name a drug class by its action ("anticonvulsant
        drugs", "local anesthetics", "diuretics") in a sentence that does not say a patient received
        it (``patients.received``: "treated with", "given"), unless the training corpora's
        annotators gave that concept to a mention ("antidepressants", "oral contraceptives"): a
        class named in passing is no substance a patient receives or a study measures."""
        sentences: SentenceIndex | None = None
        kept = []
        for entity in entities:
            if (
                entity.label_ == "CHEMICAL"
                and names_a_class_by_action(entity._.concept_label or "")
                and entity._.concept_id not in self.corpus_chemical_ids
            ):
                sentences = sentences or SentenceIndex(doc)
                if not received(entity, sentences):
                    continue
            kept.append(entity)
        return kept

    def _prefer_corpus_concept(self, entity: Span) -> None:
        """Where the training corpora's annotators gave this disease or chemical text a concept the
        store knows ("alcohol": Ethanol, not Alcohols; "glutamate": Glutamic Acid), that id leads the
        mention's ids of its vocabulary: the concept itself where the mention's primary id is of the
        same vocabulary, else the first alternative (a MeSH id bridged to an HP or MONDO concept).
        The ids linked before stay as alternatives. A MeSH id bridged by the concept
        (``corpus_ids_of_concepts``) comes alone: its own HP cross-references name other, often
        broader terms than the mention's (Epilepsy's Seizure for an epileptic encephalopathy)."""
        curie = self.lexicon.get(entity.label_, {}).get(normalize_key(entity.text))
        by_concept = curie is None and entity.label_ == "DISEASE" and not _has_corpus_disease_id(entity)
        if by_concept:
            curie = self.corpus_ids_of_concepts.get(entity._.concept_id or "")
        if curie is None or curie == entity._.concept_id or (concept := self.store.concept(curie)) is None:
            return
        primary = entity._.concept_id
        alternatives = [i for i in (entity._.alt_ids or ()) if i != curie]
        bridged = (
            []
            if by_concept
            else [x for x in self.store.xrefs(curie) if x not in alternatives and x not in (primary, curie)]
        )
        if primary and primary.partition(":")[0] == curie.partition(":")[0]:
            entity._.concept_id = curie
            entity._.concept_label = concept.label
            entity._.alt_ids = first_hp_term_only([curie, primary, *alternatives, *bridged])[1:]
        else:
            entity._.alt_ids = first_hp_term_only([primary or "", curie, *alternatives, *bridged])[1:]

    def _names_better(self, surface: str, linked: LinkResult, entity: Span) -> bool:
        """Whether the recognized span, the whole mention, names its concept and not the
        dictionary's: the dictionary matched part of a word and took the word
        ("1,25-|dihydroxyvitamin D": the class Dihydroxycholecalciferols), the recognizer's link is
        the compound the text names (1,25-dihydroxyvitamin D)."""
        if linked.concept_id == entity._.concept_id:
            return False
        named = {hit.curie for hit in self.store.lookup(surface) if hit.match != "word order"}
        return linked.concept_id in named and not named.intersection(
            (entity._.concept_id, *(entity._.alt_ids or ()))
        )

    @cached_property
    def corpus_chemical_ids(self) -> frozenset[str]:
        """The chemical concepts the training corpora's annotators gave to some mention."""
        return frozenset(self.lexicon.get("CHEMICAL", {}).values())

    @cached_property
    def corpus_ids_of_concepts(self) -> dict[str, str]:
        """HP or MONDO concept -> the MeSH/OMIM id the training corpora's annotators gave most often
        to the lexicon's disease texts that the store links to that concept (a tie: none). A bridge
        by the corpora's use, for the concept's other names: "choreoathetoid movement" in the
        lexicon names Chorea, so does "choreoathetosis", linked to the same HP term."""
        votes: dict[str, Counter[str]] = {}
        for text, curie in self.lexicon.get("DISEASE", {}).items():
            linked = self.linker.link(text, "disease")
            if linked and not linked[0].concept_id.startswith(_CORPUS_DISEASE_VOCABULARIES):
                votes.setdefault(linked[0].concept_id, Counter())[curie] += 1
        bridged: dict[str, str] = {}
        for concept_id, counts in votes.items():
            (best, most), *rest = counts.most_common(2)
            if not rest or rest[0][1] < most:
                bridged[concept_id] = best
        return bridged

    def _link_uncached(self, text: str, entity_type: str) -> LinkResult | None:
        """The store's best concept for `text`, else the one the training corpora gave that text."""
        results = self.linker.link(text, entity_type)
        if results:
            return results[0]
        curie = self.lexicon.get(entity_type.upper(), {}).get(normalize_key(text))
        normalized = self.store.normalize([curie], entity_type) if curie else None
        if normalized is None:
            return None
        return LinkResult(
            normalized.concept_id, normalized.label, 0.0, entity_type, normalized.alt_ids, "corpus", text
        )


def _long_forms(doc: Doc) -> dict[str, str]:
    """Short form -> long form, of the abbreviations the text defines."""
    if not Doc.has_extension("abbreviations"):
        return {}
    return {s.text: s._.long_form.text for s in doc._.abbreviations if s._.long_form is not None}


def _has_corpus_disease_id(entity: Span) -> bool:
    return any(
        (i or "").startswith(_CORPUS_DISEASE_VOCABULARIES)
        for i in (entity._.concept_id, *(entity._.alt_ids or ()))
    )


def _take_concept(entity: Span, linked: LinkResult) -> None:
    """The linked concept becomes the entity's; its former ids stay as alternatives."""
    former = [i for i in (entity._.concept_id, *(entity._.alt_ids or ())) if i and i != linked.concept_id]
    entity._.concept_id = linked.concept_id
    entity._.concept_label = linked.label
    entity._.alt_ids = list(dict.fromkeys([*linked.alt_ids, *former]))
    entity._.vocab_kinds = [linked.entity_type]


def _add_alternatives(entity: Span, linked: LinkResult) -> None:
    known = {entity._.concept_id, *(entity._.alt_ids or ())}
    extra = [i for i in (linked.concept_id, *linked.alt_ids) if i not in known]
    if extra:
        entity._.alt_ids = [*(entity._.alt_ids or ()), *extra]


__all__ = ["DEFAULT_MODEL", "TrainedEntities", "load_recognizer", "make_trained_entities"]
