"""Extraction speed and memory on one core (a benchmark, not a test).

    python benchmarks/bench_extract.py [--gold DIR | --xml PATH...] [--min-docs 60] [--vocab PATH]
                                        [--profile] [--sentencizers] [--no-recognizer]

Parses the full-text JATS documents of the gold dev folder (or of the --xml files and folders, e.g.
the longer articles of ../shared/samples), repeats them to at least --min-docs documents and runs
the whole extraction pipeline (caseminer.pipeline.extract.extract_documents) over them in one
process pinned to one core. Prints documents/s and characters/s, both per
wall-clock second and per CPU second of the process (on a shared, loaded machine the CPU figure is
the one that says what a core does), peak RSS, the machine and its load average.
Targets (issue 5): >= 20 full-text documents/s/core, < 1 GB RSS.

--profile also runs the documents once more component by component and prints each one's CPU
milliseconds per document: the tokenizer with the document structure (prepare_doc), every pipe of
the pipeline, and building the ExtractionResult.

--no-recognizer leaves the trained disease/chemical recognizer out of the pipeline: the same run
without it, for paired comparisons.

--sentencizers also compares the sentence splitters build_nlp could use (spaCy's rule
`sentencizer` and scispaCy's `pysbd_sentencizer`) on the same texts: milliseconds per document and
how many of pysbd's sentence ends the rule sentencizer also finds (and vice versa; ends within 3
characters count as the same, so a citation number on either side of the full stop does not matter).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

import scispacy.custom_sentence_segmenter  # noqa: F401  (registers pysbd_sentencizer)
import spacy
from rich.console import Console
from rich.table import Table
from spacy.language import Language

import caseminer.extractors.passage_sentences  # noqa: F401  (registers the component)
from caseminer.config import get_settings
from caseminer.extractors.sections import attach_passages
from caseminer.parsing import ParseError, parse_file
from caseminer.pipeline.extract import (
    build_nlp,
    extract_documents,
    make_tokenizer,
    prepare_doc,
    result_from_doc,
)
from caseminer.schemas.document import Document
from caseminer.vocab import TerminologyStore

# A citation after the full stop ("reported.1 It") ends the sentence before or after the number.
_END_TOLERANCE = 3
DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev"


def full_text_documents(*places: Path) -> list[Document]:
    """The full-text documents of XML files and of the XML files in folders, each doc_id once;
    files that do not parse as articles (error responses) are skipped."""
    paths = [p for place in places for p in (sorted(place.rglob("*.xml")) if place.is_dir() else [place])]
    documents: dict[str, Document] = {}
    for path in paths:
        try:
            parsed = parse_file(path)
        except ParseError:
            continue
        for document in parsed:
            if document.text_scope == "full":
                documents.setdefault(document.doc_id, document)
    return list(documents.values())


def machine() -> str:
    model = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor() or "unknown CPU",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    return f"{model}; {os.cpu_count()} cores; Python {platform.python_version()}; spaCy {spacy.__version__}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def bench_pipeline(documents: list[Document], min_docs: int, nlp: Language, load_seconds: float) -> Table:
    batch = (documents * (min_docs // len(documents) + 1))[: max(min_docs, len(documents))]
    list(extract_documents(documents[:1], nlp))  # warm caches once, as a long run would be
    load = load_average()
    started, cpu_started = time.perf_counter(), time.process_time()
    results = list(extract_documents(batch, nlp))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    chars = sum(len(d.text) for d in batch)
    table = Table(title="caseminer extraction, one process, one core")
    columns = ("documents", "distinct", "mean chars/doc", "wall s", "docs/s", "CPU s", "docs/CPU-s")
    for column in (*columns, "chars/CPU-s", "peak RSS MB"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(results)),
        str(len(documents)),
        f"{chars / len(batch):,.0f}",
        f"{seconds:.2f}",
        f"{len(batch) / seconds:.1f}",
        f"{cpu_seconds:.2f}",
        f"{len(batch) / cpu_seconds:.1f}",
        f"{chars / cpu_seconds:,.0f}",
        f"{peak_rss_mb():,.0f}",
    )
    table.caption = f"pipeline load {load_seconds:.1f} s (not counted); load average {load}; {machine()}"
    return table


def bench_components(documents: list[Document], nlp: Language, rounds: int) -> Table:
    """CPU milliseconds per document of each step of extract_document, run step by step."""
    steps = ["tokenizer + document structure", *nlp.pipe_names, "result building"]
    spent = dict.fromkeys(steps, 0.0)
    for _ in range(rounds):
        for document in documents:
            started = time.process_time()
            doc = prepare_doc(document, nlp)
            spent[steps[0]] += time.process_time() - started
            for name, component in nlp.pipeline:
                started = time.process_time()
                doc = component(doc)
                spent[name] += time.process_time() - started
            started = time.process_time()
            result_from_doc(doc, document)
            spent[steps[-1]] += time.process_time() - started
    runs = rounds * len(documents)
    total = sum(spent.values())
    table = Table(title=f"CPU ms per document by step ({len(documents)} documents x {rounds} rounds)")
    for column in ("step", "ms/doc", "share"):
        table.add_column(column, justify="right")
    for step in steps:
        table.add_row(step, f"{1000 * spent[step] / runs:.1f}", f"{spent[step] / total:.0%}")
    table.add_row("total", f"{1000 * total / runs:.1f}", f"{runs / total:.1f} docs/CPU-s")
    return table


def _sentence_ends(nlp: spacy.language.Language, document: Document) -> tuple[set[int], float]:
    started = time.perf_counter()
    doc = nlp(attach_passages(nlp.make_doc(document.text), document))
    seconds = time.perf_counter() - started
    # Where each sentence's last non-blank character is: splitters differ in where blanks go.
    return {s.start_char + len(s.text.rstrip()) for s in doc.sents if s.text.strip()}, seconds


def _near(ends: set[int], others: set[int], tolerance: int = _END_TOLERANCE) -> int:
    """How many of `ends` have an end of `others` within `tolerance` characters."""
    return sum(any(abs(end - other) <= tolerance for other in others) for end in ends)


SPLITTERS = {
    "sentencizer": ["sentencizer"],
    "sentencizer + passage starts (caseminer)": ["sentencizer", "caseminer_passage_sentences"],
    "pysbd_sentencizer": ["pysbd_sentencizer"],
}


def bench_sentencizers(documents: list[Document]) -> Table:
    """Time (tokenizer included: it is the same for all) and agreement with pysbd's sentence ends."""
    splitters = {}
    for name, pipes in SPLITTERS.items():
        nlp = spacy.blank("en")
        nlp.tokenizer = make_tokenizer(nlp)
        for pipe in pipes:
            nlp.add_pipe(pipe)
        splitters[name] = nlp
    ends: dict[str, list[set[int]]] = {name: [] for name in splitters}
    seconds = dict.fromkeys(splitters, 0.0)
    for document in documents:
        for name, nlp in splitters.items():
            found, spent = _sentence_ends(nlp, document)
            ends[name].append(found)
            seconds[name] += spent
    reference = ends["pysbd_sentencizer"]
    table = Table(title=f"sentence splitters on {len(documents)} full-text documents (reference: pysbd)")
    for column in ("splitter", "ms/doc", "sentences", "ends pysbd also has", "pysbd ends found"):
        table.add_column(column, justify="right")
    for name in splitters:
        pairs = list(zip(ends[name], reference, strict=True))
        total, reference_total = sum(len(e) for e in ends[name]), sum(len(e) for e in reference)
        table.add_row(
            name,
            f"{1000 * seconds[name] / len(documents):.1f}",
            str(total),
            f"{sum(_near(ours, theirs) for ours, theirs in pairs) / total:.1%}",
            f"{sum(_near(theirs, ours) for ours, theirs in pairs) / reference_total:.1%}",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="folder with the gold dev XML files")
    parser.add_argument(
        "--xml",
        type=Path,
        nargs="+",
        default=None,
        help="benchmark the full-text documents of these XML files or folders instead of --gold",
    )
    parser.add_argument("--min-docs", type=int, default=60)
    parser.add_argument("--vocab", type=Path, default=None, help="terminology store (default: configured)")
    parser.add_argument("--profile", action="store_true", help="also time each pipeline step")
    parser.add_argument("--sentencizers", action="store_true", help="also compare sentence splitters")
    parser.add_argument(
        "--no-recognizer",
        action="store_true",
        help="leave the trained disease/chemical recognizer out (the dictionary NER alone, as before it)",
    )
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    places = args.xml or [args.gold]
    documents = full_text_documents(*places)
    if not documents:
        raise SystemExit(f"no full-text XML documents in {', '.join(map(str, places))}")
    console = Console(width=150)  # the tables stay readable when piped into a file
    store = TerminologyStore.open(args.vocab or get_settings().resolved_vocab_path)
    started = time.perf_counter()
    nlp = build_nlp(store, trained_recognizer=not args.no_recognizer)
    load_seconds = time.perf_counter() - started
    console.print(bench_pipeline(documents, args.min_docs, nlp, load_seconds))
    if args.profile:
        console.print(bench_components(documents, nlp, rounds=max(1, args.min_docs // len(documents))))
    if args.sentencizers:
        console.print(bench_sentencizers(documents))


if __name__ == "__main__":
    main()
