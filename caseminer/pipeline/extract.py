"""Stage 4: run the spaCy/scispaCy pipeline over parsed Documents and collect an ExtractionResult.

The pipeline (:func:`build_nlp`), in order:

1. scispaCy's ``combined_rule_tokenizer`` on ``spacy.blank("en")`` (or a scispaCy model's own
   tokenizer when a model is loaded);
2. spaCy's rule ``sentencizer``, then ``caseminer_passage_sentences`` (a sentence starts at every
   passage: headings, paragraphs, table rows). Measured with ``benchmarks/bench_extract.py
   --sentencizers`` on the 6 full-text gold dev documents (2 shared cores; each time includes the
   same ~15 ms of tokenizing): sentencizer + passage starts 18.8 ms/doc, scispaCy
   ``pysbd_sentencizer`` 107.9 ms/doc - about 25x slower splitting, which would halve the
   pipeline's speed. Taking pysbd's sentence ends as reference (ends within 3 characters count
   as one), ours find 98.5% of them and 96.0% of ours are pysbd's too (the rule sentencizer
   alone: 87.7% / 95.4%). Sentences are windows for context cues and gene attribution; that
   agreement is enough, the 6x slowdown is not worth it;
3. scispaCy's abbreviation detector (short forms take their long form's concept), with the
   parentheses it reads found by a scan (:mod:`caseminer.extractors.abbreviations`; same
   abbreviations, ~9x faster on full-text articles);
4. ``caseminer_variants`` -> ``caseminer_terminology_ner`` -> ``caseminer_trained_entities`` (the
   diseases and chemicals of the recognizer trained here, where the dictionary found none; see
   :mod:`caseminer.extractors.trained_entities`) -> ``caseminer_ages`` ->
   ``caseminer_demographics`` -> ``caseminer_clinical`` -> ``caseminer_context`` ->
   ``caseminer_patients``.

With a spaCy/scispaCy NER model (``model=`` or ``CASEMINER_SPACY_MODEL``), the model's NER runs
first; ``caseminer_model_entities`` links its entities through the terminology store, and the
dictionary NER adds what the model missed.

The Document's passages and tables are put on the Doc before any component runs, so every
component knows the section of a span.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

import caseminer.extractors.abbreviations
import caseminer.extractors.ages
import caseminer.extractors.clinical
import caseminer.extractors.context
import caseminer.extractors.demographics
import caseminer.extractors.model_entities
import caseminer.extractors.passage_sentences
import caseminer.extractors.patients
import caseminer.extractors.terminology
import caseminer.extractors.trained_entities
import caseminer.extractors.variants  # noqa: F401  (the imports register the spaCy factories)
from caseminer.extractors.context import SentenceIndex, remember_text
from caseminer.extractors.patients import attach_tables, gene_of_variant, gene_symbol, topic_gene_of
from caseminer.extractors.sections import attach_passages, section_of
from caseminer.extractors.terminology import NESTED_CHEMICALS
from caseminer.extractors.tokenizer import make_tokenizer
from caseminer.parsing import parse_file
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import EntityRef, EntitySet, EntityType, ExtractionResult, Mention
from caseminer.vocab.store import TerminologyStore

EXTRACTOR_VERSION = "0.11.0"
MODEL_ENV = "CASEMINER_SPACY_MODEL"
_MAX_LENGTH = 5_000_000
_ENTITY_TYPES: dict[str, EntityType] = {
    "GENE": "gene",
    "DISEASE": "disease",
    "CHEMICAL": "chemical",
    "VARIANT": "variant",
    "PROCEDURE": "procedure",
    "SPECIES": "species",
}
_COMPONENTS = (
    "caseminer_variants",
    "caseminer_terminology_ner",
    "caseminer_trained_entities",
    "caseminer_ages",
    "caseminer_demographics",
    "caseminer_clinical",
    "caseminer_context",
    "caseminer_patients",
)
_MENTION_FLAGS = ("negated", "uncertain", "family", "hypothetical")
# Components of a loaded model that extraction does not use (they cost time, not accuracy).
_UNUSED_MODEL_PIPES = ("parser", "lemmatizer", "attribute_ruler", "tagger")


def build_nlp(
    store: TerminologyStore | None = None,
    *,
    model: str | None = None,
    topic_concepts: Iterable[str] = (),
    trained_recognizer: bool = True,
) -> Language:
    """The extraction pipeline over the terminology store (default: the configured store, built
    when missing); `model` (or CASEMINER_SPACY_MODEL) names an installed spaCy model or a path;
    `topic_concepts` (a topic's focus concepts) rank first where a mention is ambiguous and are
    the patients' diagnosis rather than a phenotype. `trained_recognizer=False` leaves out the
    trained disease/chemical recognizer (the dictionary NER alone)."""
    store = store or TerminologyStore.open(build_if_missing=True)
    model = model or os.environ.get(MODEL_ENV) or None
    if model:
        nlp = spacy.load(model, exclude=list(_UNUSED_MODEL_PIPES))
        if "ner" in nlp.pipe_names:
            nlp.add_pipe("caseminer_model_entities", after="ner", config={"store_path": str(store.path)})
        nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = spacy.blank("en")
        nlp.tokenizer = make_tokenizer(nlp)
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("caseminer_passage_sentences", after="sentencizer")
    nlp.max_length = _MAX_LENGTH
    nlp.add_pipe("caseminer_abbreviation_detector", name="abbreviation_detector")
    topic = list(topic_concepts)
    for name in _COMPONENTS:
        config: dict[str, object] = {}
        if name == "caseminer_trained_entities":
            if not trained_recognizer:
                continue
            config = {"store_path": str(store.path)}
        elif name == "caseminer_terminology_ner":
            config = {"store_path": str(store.path), "focus": topic}
        elif name == "caseminer_patients":
            config = {"topic_concepts": topic}
        nlp.add_pipe(name, config=config)
    return nlp


def prepare_doc(document: Document, nlp: Language) -> Doc:
    """The tokenized Doc with the document's structure attached, ready for the components."""
    doc = nlp.make_doc(document.text)
    remember_text(doc, document.text)
    attach_passages(doc, document)
    attach_tables(doc, document)
    doc._.doc_id = document.doc_id
    doc._.extractor_version = EXTRACTOR_VERSION
    return doc


def extract_document(document: Document, nlp: Language) -> ExtractionResult:
    return result_from_doc(nlp(prepare_doc(document, nlp)), document)


def extract_documents(
    documents: Iterable[Document],
    nlp: Language,
    batch_size: int = 8,
    on_error: Callable[[Document, Exception], None] | None = None,
) -> Iterator[ExtractionResult]:
    """Results in input order; nlp.pipe batches the components' work. With `on_error`, a document
    whose extraction fails is handed to it (and left out) instead of failing the run."""
    iterator = iter(documents)
    while batch := list(islice(iterator, batch_size)):
        pairs = [(prepare_doc(document, nlp), document) for document in batch]
        try:
            done = list(nlp.pipe(pairs, as_tuples=True, batch_size=batch_size))
        except Exception:
            if on_error is None:
                raise
            done = list(_one_by_one(batch, nlp, on_error))
        for doc, document in done:
            yield result_from_doc(doc, document)


def _one_by_one(
    batch: Iterable[Document], nlp: Language, on_error: Callable[[Document, Exception], None]
) -> Iterator[tuple[Doc, Document]]:
    """The documents of a failed batch alone, to find the one that fails."""
    for document in batch:
        try:
            yield nlp(prepare_doc(document, nlp)), document
        except Exception as error:  # any component's error: recorded, the run goes on
            on_error(document, error)


def extract_file(path: Path | str, nlp: Language) -> list[ExtractionResult]:
    """Every document of an article file (raises caseminer.parsing.ParseError on bad input)."""
    return list(extract_documents(parse_file(Path(path)), nlp))


class _Entity(NamedTuple):
    """An entity's attributes, read once: spaCy builds a new accessor on every ``span._`` and looks
    the label string up on every ``label_``, and results read each entity more than once."""

    span: Span
    label: str
    concept_id: str | None
    alt_ids: list[str]
    concept_label: str | None
    flags: dict[str, bool]


def result_from_doc(doc: Doc, document: Document) -> ExtractionResult:
    ids = document.ids
    entities = _read_entities(doc)
    return ExtractionResult(
        doc_id=document.doc_id,
        title=document.title,
        journal=document.journal,
        year=document.year,
        pmid=ids.pmid,
        pmcid=ids.pmcid,
        doi=ids.doi,
        is_case_report=document.is_case_report or None,
        text_scope=document.text_scope,
        extractor_version=EXTRACTOR_VERSION,
        mentions=[_mention(entity) for entity in entities],
        patients=list(doc._.patients or []),
        entities=_entity_set(doc, entities),
    )


def _read_entities(doc: Doc) -> list[_Entity]:
    """The entities of the types results report, in document order."""
    flag_names = [name for name in _MENTION_FLAGS if Span.has_extension(name)]
    entities = []
    spans = [*doc.ents, *doc.spans.get(NESTED_CHEMICALS, [])]  # Doc.ents builds new spans on every access
    for span in sorted(spans, key=lambda s: s.start_char):
        label = span.label_
        if label not in _ENTITY_TYPES:
            continue
        underscore = span._
        entities.append(
            _Entity(
                span=span,
                label=label,
                concept_id=underscore.concept_id,
                alt_ids=list(underscore.alt_ids or []),
                concept_label=underscore.concept_label,
                flags={name: bool(underscore.get(name)) for name in flag_names},
            )
        )
    return entities


def _mention(entity: _Entity) -> Mention:
    span = entity.span
    return Mention(
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        type=_ENTITY_TYPES[entity.label],
        concept_id=entity.concept_id,
        alt_ids=list(entity.alt_ids),
        label=entity.concept_label,
        section=section_of(span),
        extractor_version=EXTRACTOR_VERSION,
        **entity.flags,
    )


def _entity_set(doc: Doc, entities: list[_Entity]) -> EntitySet:
    """Document-level sets in PubTator's style: each concept once (by id, else by text), whatever
    its context; variants as written, with the gene they were attributed to."""
    entity_set = EntitySet()
    targets = {"GENE": entity_set.genes, "DISEASE": entity_set.diseases, "CHEMICAL": entity_set.chemicals}
    seen: set[tuple[str, str]] = set()
    genes = [e.span for e in entities if e.label == "GENE"]
    topic_gene = topic_gene_of(genes)
    sentences: SentenceIndex | None = None  # built for the first variant only: it walks the doc
    for entity in entities:
        text = entity.span.text
        if entity.label == "VARIANT":
            key = (entity.label, text)
            if key not in seen:
                seen.add(key)
                sentences = sentences or SentenceIndex(doc)
                gene = gene_of_variant(entity.span, genes, topic_gene, sentences)
                entity_set.variants.append(EntityRef(text=text, gene=gene_symbol(gene) if gene else None))
            continue
        if entity.label not in targets:
            continue
        key = (entity.label, entity.concept_id or text.lower())
        if key in seen:
            continue
        seen.add(key)
        targets[entity.label].append(EntityRef(text=text, id=entity.concept_id, alt_ids=list(entity.alt_ids)))
    return entity_set


__all__ = [
    "EXTRACTOR_VERSION",
    "build_nlp",
    "extract_document",
    "extract_documents",
    "extract_file",
    "make_tokenizer",
    "prepare_doc",
    "result_from_doc",
]
