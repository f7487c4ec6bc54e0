"""`caseminer eval --corpus`: the field's public benchmarks, read as their authors publish them and
scored as the field scores them.

Formats (:func:`read_corpus` tells them apart by their content):

* **PubTator** (BC5CDR, NCBI Disease): blocks of ``PMID|t|title``, ``PMID|a|abstract`` and
  ``PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>ids`` lines; relation lines (``PMID<TAB>CID<TAB>…``)
  are left out. Types are folded to ``disease`` (Disease, SpecificDisease, DiseaseClass, Modifier,
  CompositeMention) and ``chemical``; ids are MeSH (``D008750`` -> ``MESH:D008750``) or OMIM, a
  composite mention's ids joined by ``|`` or ``+``, ``-1`` for none.
* **GSC+** (HPO): blocks of a PMID line, the text line, then ``start<TAB>end<TAB>text<TAB>HP:id``
  lines; alternative HPO ids are folded to their primary id (``alt_hpoid.json`` beside the file,
  when there).
* **JAX** case reports: a folder with ``txt/<PMID>.txt`` and ``JAX_gold.json`` (PMID -> the HPO
  terms curators recorded for the article's patients), alternative ids folded likewise.

Measures:

* **Document-level concept sets** (the BioCreative V CDR normalisation measure): per document and
  type, the set of gold ids against the set of ids the extraction linked; micro P/R/F1 over
  documents. A predicted mention contributes its identifier in the corpus's vocabulary: its primary
  id when it is one, else the first of its alternative ids that is (MeSH, or OMIM for NCBI Disease;
  HP for the HPO corpora). For JAX the predicted set is the HP ids of the extracted patients'
  phenotypes (what a registry keeps), not every mention of the text.
* **Mention level** where the corpus has offsets: a predicted mention of the type with exactly the
  gold span (start and end) is a true positive.

``split=`` ("tuning" / "checking") scores one fixed half: the corpus's documents sorted by id, every
other one (:func:`half_of`), so rules are written against one half and checked on the other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from rich.table import Table
from spacy.language import Language

from caseminer.evaluation.counts import Counts
from caseminer.parsing import parse_file
from caseminer.parsing.builder import DocumentBuilder
from caseminer.pipeline.extract import build_nlp, extract_documents
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import ExtractionResult, Mention
from caseminer.schemas.sources import ArticleIds

CorpusFormat = Literal["pubtator", "gsc", "jax"]
Half = Literal["tuning", "checking"]
HALVES: tuple[Half, ...] = ("tuning", "checking")
JAX_GOLD = "JAX_gold.json"
ALT_HPO_IDS = "alt_hpoid.json"
_DISEASE_TYPES = frozenset({"disease", "specificdisease", "diseaseclass", "modifier", "compositemention"})
_PUBTATOR_TEXT = re.compile(r"^(?P<pmid>[^|\t]+)\|(?P<kind>[ta])\|(?P<text>.*)$")
_ID_SEPARATORS = re.compile(r"[|+]")


class CorpusFormatError(ValueError):
    """A path that is none of the corpus formats read here."""


@dataclass
class GoldMention:
    start: int | None
    end: int | None
    text: str
    type: str  # "disease" / "chemical" / "phenotype"
    ids: list[str]


@dataclass
class CorpusDocument:
    doc_id: str
    document: Document
    mentions: list[GoldMention] = field(default_factory=list)
    # Gold concept sets that are not read off mentions (JAX): type -> ids.
    concepts: dict[str, set[str]] = field(default_factory=dict)

    def concept_sets(self) -> dict[str, set[str]]:
        sets: dict[str, set[str]] = {k: set(v) for k, v in self.concepts.items()}
        for mention in self.mentions:
            sets.setdefault(mention.type, set()).update(mention.ids)
        return sets


@dataclass
class Corpus:
    name: str
    format: CorpusFormat
    documents: list[CorpusDocument]

    @property
    def types(self) -> list[str]:
        found = {t for d in self.documents for t in d.concept_sets()}
        return [t for t in ("disease", "chemical", "phenotype") if t in found]

    @property
    def has_offsets(self) -> bool:
        return any(m.start is not None for d in self.documents for m in d.mentions)


class CorpusReport(BaseModel):
    corpus: str
    format: str
    split: str | None = None
    documents: int = 0
    concepts: dict[str, Counts] = Field(default_factory=dict)
    mentions: dict[str, Counts] = Field(default_factory=dict)
    # per document and type: the gold ids missed and the predicted ids not in the gold
    errors: dict[str, dict[str, dict[str, list[str]]]] = Field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "corpus": self.corpus,
            "format": self.format,
            "split": self.split,
            "documents": self.documents,
            "document_level_concepts": {t: c.summary() for t, c in self.concepts.items()},
            "mention_level": {t: c.summary() for t, c in self.mentions.items()},
            "per_document": self.errors,
        }

    def render_table(self) -> Table:
        split = f", {self.split} half" if self.split else ""
        table = Table(title=f"caseminer eval on {self.corpus} ({self.documents} documents{split})")
        for column in ("measure", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        rows = [(f"{t}: document concepts", c) for t, c in self.concepts.items()]
        rows += [(f"{t}: mentions", c) for t, c in self.mentions.items()]
        for name, counts in rows:
            table.add_row(
                name,
                f"{counts.precision:.3f}",
                f"{counts.recall:.3f}",
                f"{counts.f1:.3f}",
                str(counts.tp),
                str(counts.fp),
                str(counts.fn),
            )
        return table


# -- reading -------------------------------------------------------------------------------------


def detect_format(path: Path) -> CorpusFormat:
    """A folder with JAX_gold.json is JAX; a file whose first line is ``PMID|t|`` is PubTator; a
    file of PMID / text / offset blocks is GSC+."""
    if path.is_dir():
        if (path / JAX_GOLD).is_file():
            return "jax"
        raise CorpusFormatError(f"{path}: a corpus folder needs {JAX_GOLD} and txt/ (the JAX layout)")
    with path.open(encoding="utf-8") as handle:
        first = next((line.rstrip("\n") for line in handle if line.strip()), "")
    if _PUBTATOR_TEXT.match(first):
        return "pubtator"
    if first.strip().isdigit():
        return "gsc"
    raise CorpusFormatError(f"{path}: neither PubTator, GSC+ nor a JAX folder")


def read_corpus(path: Path | str, corpus_format: CorpusFormat | None = None) -> Corpus:
    path = Path(path)
    corpus_format = corpus_format or detect_format(path)
    readers = {"pubtator": _read_pubtator, "gsc": _read_gsc, "jax": _read_jax}
    return Corpus(name=str(path), format=corpus_format, documents=list(readers[corpus_format](path)))


def _abstract_document(doc_id: str, title: str, abstract: str) -> Document:
    """Title and abstract as one document; passages are joined by one character, so the offsets
    of a PubTator file (title, a space, the abstract) hold in its text."""
    builder = DocumentBuilder()
    if title:
        builder.add(title, section="title", kind="title", keep_whitespace=True)
    if abstract:
        builder.add(abstract, section="abstract", at=len(title) + 1 if title else 0, keep_whitespace=True)
    document = builder.build(
        ids=ArticleIds(pmid=doc_id), fallback_id=doc_id, title=title or None, source_format="text"
    )
    return document.model_copy(update={"doc_id": doc_id})


def _blocks(path: Path) -> Iterator[list[str]]:
    block: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\r\n")
            if line.strip():
                block.append(line)
            elif block:
                yield block
                block = []
    if block:
        yield block


def _mesh_or_omim(identifier: str) -> str | None:
    identifier = identifier.strip()
    if not identifier or identifier == "-1":
        return None
    if identifier.upper().startswith(("OMIM:", "MESH:")):
        prefix, _, rest = identifier.partition(":")
        return f"{prefix.upper()}:{rest}"
    return f"MESH:{identifier}"


def _read_pubtator(path: Path) -> Iterator[CorpusDocument]:
    for block in _blocks(path):
        texts: dict[str, str] = {}
        doc_id = ""
        mentions: list[GoldMention] = []
        for line in block:
            text_line = _PUBTATOR_TEXT.match(line)
            if text_line:
                doc_id = text_line.group("pmid")
                texts[text_line.group("kind")] = text_line.group("text")
                continue
            columns = line.split("\t")
            if len(columns) < 6 or not columns[1].isdigit():
                continue  # relation lines ("CID") and anything else
            mention_type = columns[4].strip().lower()
            kind = (
                "disease"
                if mention_type in _DISEASE_TYPES
                else "chemical"
                if mention_type == "chemical"
                else None
            )
            if kind is None:
                continue
            ids = [i for i in (_mesh_or_omim(x) for x in _ID_SEPARATORS.split(columns[5])) if i]
            mentions.append(GoldMention(int(columns[1]), int(columns[2]), columns[3], kind, ids))
        if doc_id:
            document = _abstract_document(doc_id, texts.get("t", ""), texts.get("a", ""))
            yield CorpusDocument(doc_id=doc_id, document=document, mentions=mentions)


def _alt_hpo_ids(folder: Path) -> dict[str, str]:
    for candidate in (folder / ALT_HPO_IDS, folder.parent / ALT_HPO_IDS):
        if candidate.is_file():
            return dict(json.loads(candidate.read_text(encoding="utf-8")))
    return {}


def _read_gsc(path: Path) -> Iterator[CorpusDocument]:
    primary = _alt_hpo_ids(path.parent)
    for block in _blocks(path):
        doc_id, text, *annotations = block
        mentions = []
        for line in annotations:
            start, end, mention_text, hpo_id = line.split("\t")[:4]
            mentions.append(
                GoldMention(int(start), int(end), mention_text, "phenotype", [primary.get(hpo_id, hpo_id)])
            )
        yield CorpusDocument(
            doc_id=doc_id.strip(), document=_abstract_document(doc_id.strip(), "", text), mentions=mentions
        )


def _read_jax(folder: Path) -> Iterator[CorpusDocument]:
    primary = _alt_hpo_ids(folder)
    gold: dict[str, dict[str, str]] = json.loads((folder / JAX_GOLD).read_text(encoding="utf-8"))
    for pmid in sorted(gold):
        text_path = folder / "txt" / f"{pmid}.txt"
        if not text_path.is_file():
            continue
        (document,) = parse_file(text_path)
        document = document.model_copy(update={"doc_id": pmid, "ids": ArticleIds(pmid=pmid)})
        ids = {primary.get(hpo_id, hpo_id) for hpo_id in gold[pmid]}
        yield CorpusDocument(doc_id=pmid, document=document, concepts={"phenotype": ids})


def half_of(doc_ids: Iterable[str], half: Half) -> set[str]:
    """One fixed half of a corpus: its ids sorted (numerically where they are numbers), the first,
    third, fifth... for "tuning", the second, fourth... for "checking"."""
    ordered = sorted(doc_ids, key=lambda i: (0, int(i), i) if i.isdigit() else (1, 0, i))
    return set(ordered[HALVES.index(half) :: 2])


# -- scoring -------------------------------------------------------------------------------------


def _vocabularies(entity_type: str) -> tuple[str, ...]:
    if entity_type == "phenotype":
        return ("HP",)
    return ("MESH", "OMIM") if entity_type == "disease" else ("MESH",)


def _predicted_id(mention: Mention, vocabularies: tuple[str, ...], primary: dict[str, str]) -> str | None:
    for identifier in [mention.concept_id, *mention.alt_ids]:
        if identifier and identifier.split(":", 1)[0].upper() in vocabularies:
            return primary.get(identifier, identifier)
    return None


def _predicted_mentions(result: ExtractionResult, entity_type: str) -> list[Mention]:
    """The mentions of the type; a phenotype is a disease mention linked to an HP term."""
    if entity_type == "phenotype":
        return [m for m in result.mentions if m.type == "disease" and _predicted_id(m, ("HP",), {})]
    return [m for m in result.mentions if m.type == entity_type]


def _set_counts(gold: set[str], predicted: set[str]) -> Counts:
    return Counts(
        tp=len(gold & predicted),
        fp=len(predicted - gold),
        fn=len(gold - predicted),
        missed=sorted(gold - predicted),
        spurious=sorted(predicted - gold),
    )


def score(corpus: Corpus, results: dict[str, ExtractionResult], *, split: str | None = None) -> CorpusReport:
    report = CorpusReport(
        corpus=corpus.name, format=corpus.format, split=split, documents=len(corpus.documents)
    )
    primary = _alt_hpo_ids(Path(corpus.name) if corpus.format == "jax" else Path(corpus.name).parent)
    types = corpus.types
    for entity_type in types:
        report.concepts[entity_type] = Counts()
        if corpus.has_offsets:
            report.mentions[entity_type] = Counts()
    for corpus_document in corpus.documents:
        result = results.get(corpus_document.doc_id)
        gold_sets = corpus_document.concept_sets()
        for entity_type in types:
            vocabularies = _vocabularies(entity_type)
            if corpus.format == "jax":
                predicted = {
                    primary.get(i, i)
                    for patient in (result.patients if result else [])
                    for phenotype in patient.phenotypes
                    if not phenotype.excluded
                    for i in phenotype.ids
                    if i.startswith("HP:")
                }
            else:
                mentions = _predicted_mentions(result, entity_type) if result else []
                predicted = {i for m in mentions if (i := _predicted_id(m, vocabularies, primary))}
            counts = _set_counts(gold_sets.get(entity_type, set()), predicted)
            report.concepts[entity_type].add(counts)
            if counts.missed or counts.spurious:
                report.errors.setdefault(corpus_document.doc_id, {})[entity_type] = {
                    "missed": counts.missed,
                    "spurious": counts.spurious,
                }
            if corpus.has_offsets:
                gold_spans = {(m.start, m.end) for m in corpus_document.mentions if m.type == entity_type}
                predicted_spans = (
                    {(m.start, m.end) for m in _predicted_mentions(result, entity_type)} if result else set()
                )
                report.mentions[entity_type].add(
                    Counts(
                        tp=len(gold_spans & predicted_spans),
                        fp=len(predicted_spans - gold_spans),
                        fn=len(gold_spans - predicted_spans),
                    )
                )
    return report


def evaluate_corpus(
    path: Path | str,
    nlp: Language | None = None,
    *,
    corpus_format: CorpusFormat | None = None,
    split: Half | None = None,
) -> CorpusReport:
    """Extract every document of the corpus at `path` (of `split` when given) and score it."""
    corpus = read_corpus(path, corpus_format)
    if split is not None:
        keep = half_of((d.doc_id for d in corpus.documents), split)
        corpus.documents = [d for d in corpus.documents if d.doc_id in keep]
    nlp = nlp or build_nlp()
    results = {r.doc_id: r for r in extract_documents((d.document for d in corpus.documents), nlp)}
    return score(corpus, results, split=split)


__all__ = [
    "HALVES",
    "Corpus",
    "CorpusDocument",
    "CorpusFormatError",
    "CorpusReport",
    "GoldMention",
    "detect_format",
    "evaluate_corpus",
    "half_of",
    "read_corpus",
    "score",
]
