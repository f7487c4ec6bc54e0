"""`caseminer train ner`: the disease/chemical recognizer, rebuilt from the public corpora.

Training data: the BC5CDR training set (chemicals and diseases) and the NCBI Disease training set
(diseases), PubTator files read by :mod:`caseminer.evaluation.corpora`, tokenized with the
extraction pipeline's tokenizer (scispaCy's rules and caseminer's infixes) so that the recognizer
sees at training the tokens it sees in extraction. A gold span whose offsets fall inside a token is
dropped (counted in the record); of overlapping spans the longest is kept. The checkpoint is chosen
on the *tuning* halves of the two development sets (mention-level F1); the checking halves are never
read here. The recognizer is a token tagger of BIO tags (:mod:`caseminer.extractors.bio_entities`;
the tags are set from the gold spans). spaCy's trainer (``spacy.training``) runs the config
``ner.cfg`` beside this module and writes its progress on stderr; the best checkpoint goes to the
output folder with ``training.json`` recording the data, steps and development scores, and
``lexicon.json``: the training sets' mention texts with the id their annotators gave them
(:func:`corpus_lexicon`), which links a recognized span that the terminology store does not know by
name and leads the ids of a mention with that text.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from caseminer.evaluation.corpora import Corpus, half_of, read_corpus
from caseminer.extractors.bio_entities import bio_tags
from caseminer.vocab.normalize import normalize_key

CONFIG = Path(__file__).with_name("ner.cfg")
LABELS = {"disease": "DISEASE", "chemical": "CHEMICAL"}
TRAINING_FILES = ("bc5cdr/CDR_TrainingSet.PubTator.txt", "ncbi-disease/NCBItrainset_corpus.txt")
TUNING_FILES = ("bc5cdr/CDR_DevelopmentSet.PubTator.txt", "ncbi-disease/NCBIdevelopset_corpus.txt")
RECORD = "training.json"
LEXICON = "lexicon.json"


@dataclass
class CorpusRecord:
    path: str
    split: str
    documents: int
    spans: int
    dropped_misaligned: int
    dropped_overlapping: int


@dataclass
class TrainingRecord:
    config: str
    steps: int
    seed: int
    corpora: list[CorpusRecord] = field(default_factory=list)
    tuning_scores: dict[str, object] = field(default_factory=dict)


def tokenizing_nlp() -> Language:
    """A blank English pipeline with the recognizer's tokenizer."""
    from caseminer.extractors.tokenizer import recognizer_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = recognizer_tokenizer()(nlp)
    return nlp


def corpus_docs(
    corpus: Corpus, nlp: Language, split: str, limit: int | None = None
) -> tuple[list[Doc], CorpusRecord]:
    """The corpus's documents as Docs with DISEASE/CHEMICAL entities (`split`: "train" for all of
    them, else the half of that name)."""
    documents = corpus.documents
    if split != "train":
        keep = half_of((d.doc_id for d in documents), split)  # type: ignore[arg-type]
        documents = [d for d in documents if d.doc_id in keep]
    documents = documents[:limit] if limit else documents
    docs: list[Doc] = []
    record = CorpusRecord(corpus.name, split, len(documents), 0, 0, 0)
    for corpus_document in documents:
        doc = nlp.make_doc(corpus_document.document.text)
        spans = []
        for mention in corpus_document.mentions:
            if mention.start is None or mention.end is None or mention.type not in LABELS:
                continue
            span = doc.char_span(mention.start, mention.end, label=LABELS[mention.type])
            if span is None:
                record.dropped_misaligned += 1
            else:
                spans.append(span)
        kept = filter_spans(spans)
        record.dropped_overlapping += len(set(spans)) - len(kept)
        record.spans += len(kept)
        doc.ents = kept
        for token, tag in zip(doc, bio_tags(doc), strict=True):
            token.tag_ = tag
        docs.append(doc)
    return docs, record


def corpus_lexicon(corpora: list[Corpus]) -> dict[str, dict[str, str]]:
    """Label -> normalized mention text -> the id its annotators gave it most often: the corpora's
    own names of concepts the vocabulary words otherwise ("toxicity", "nephrotoxicity"). Mentions
    without an id or with several (composite mentions) are left out."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    for corpus in corpora:
        for corpus_document in corpus.documents:
            for mention in corpus_document.mentions:
                if mention.type in LABELS and len(mention.ids) == 1 and (key := normalize_key(mention.text)):
                    by_key = counts.setdefault(LABELS[mention.type], {})
                    by_key.setdefault(key, Counter())[mention.ids[0]] += 1
    return {
        label: {key: ids.most_common(1)[0][0] for key, ids in sorted(by_key.items())}
        for label, by_key in sorted(counts.items())
    }


def _write_docbin(docs: list[Doc], path: Path) -> None:
    DocBin(docs=docs, store_user_data=False).to_disk(path)


def train_recognizer(
    corpora_dir: Path,
    out_dir: Path,
    *,
    steps: int = 6000,
    seed: int = 0,
    eval_frequency: int = 250,
    limit: int | None = None,
    overrides: dict[str, object] | None = None,
) -> TrainingRecord:
    """Train on the training files under `corpora_dir`, choose the checkpoint on the tuning halves
    of the development files, and write the model and its record to `out_dir`. `limit`: at most
    that many documents of each file (a quick run)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    nlp = tokenizing_nlp()
    record = TrainingRecord(config=CONFIG.name, steps=steps, seed=seed)
    with tempfile.TemporaryDirectory(prefix="caseminer-train-") as work:
        workdir = Path(work)
        for name, files, split in (("train", TRAINING_FILES, "train"), ("dev", TUNING_FILES, "tuning")):
            docs: list[Doc] = []
            for relative in files:
                found, corpus_record = corpus_docs(read_corpus(corpora_dir / relative), nlp, split, limit)
                corpus_record.path = relative
                docs += found
                record.corpora.append(corpus_record)
            _write_docbin(docs, workdir / f"{name}.spacy")
        config = spacy.util.load_config(
            CONFIG,
            overrides={
                "paths.train": str(workdir / "train.spacy"),
                "paths.dev": str(workdir / "dev.spacy"),
                "training.max_steps": steps,
                "training.eval_frequency": eval_frequency,
                "system.seed": seed,
                **(overrides or {}),
            },
            interpolate=False,
        )
        trained = init_nlp(config)
        # Progress is log output: stderr, as every caseminer command's is.
        (workdir / "output").mkdir()
        train_nlp(trained, workdir / "output", stdout=sys.stderr, stderr=sys.stderr)
        best = workdir / "output" / "model-best"
        meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
        record.tuning_scores = meta.get("performance", {})
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(best, out_dir)
    lexicon = corpus_lexicon([read_corpus(corpora_dir / relative) for relative in TRAINING_FILES])
    (out_dir / LEXICON).write_text(json.dumps(lexicon, indent=0) + "\n", encoding="utf-8")
    (out_dir / RECORD).write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    return record


__all__ = [
    "CONFIG",
    "LABELS",
    "LEXICON",
    "TrainingRecord",
    "corpus_docs",
    "corpus_lexicon",
    "tokenizing_nlp",
    "train_recognizer",
]
