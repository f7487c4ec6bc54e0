"""Linker and terminology-NER speed and memory on one core (a benchmark, not a test).

    python benchmarks/bench_linker.py [--store PATH] [--source-dir DIR] [--no-ner]

Prints a table: store build/open time, linking throughput (mentions/s) on a mix of exact,
normalized, word-order and unknown mentions (without and with a sentence as context) and on distinct
store terms, NER throughput on the gold dev texts, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import spacy
from lxml import etree
from rich.console import Console
from rich.table import Table

import caseminer.extractors.terminology  # noqa: F401  (registers the factory)
from caseminer.vocab import Linker, TerminologyStore, build_store

MENTIONS = [
    ("IPEX syndrome", "disease"),
    ("FOXP3", "gene"),
    ("tacrolimus", "chemical"),
    ("type 1 diabetes", "disease"),
    ("autoimmune enteropathy", "disease"),
    ("CD25", "gene"),
    ("haemolytic anaemia", "disease"),
    ("diabetes type 1", "disease"),
    ("steroids", "chemical"),
    ("Crohn's disease", "disease"),
    ("sirolimus", "chemical"),
    ("eczema", "disease"),
    ("not a concept at all", "disease"),
    ("hematopoietic stem cell transplantation", "procedure"),
    ("IL2RA", "gene"),
    ("Thrombocytopenias", "disease"),
]


def xml_text(path: Path) -> str:
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return " ".join(" ".join(etree.parse(str(path), parser).getroot().itertext()).split())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ner_rows(store_path: Path, gold_dir: Path) -> list[tuple[str, str]]:
    """Load time of the terminology NER pipeline and its throughput on the gold dev texts."""
    rows: list[tuple[str, str]] = []
    started = time.perf_counter()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caseminer_terminology_ner", config={"store_path": str(store_path)})
    rows.append(("NER pipeline load", f"{time.perf_counter() - started:.2f} s"))
    texts = [p.read_text() for p in sorted(gold_dir.glob("*.txt"))] + [
        xml_text(p) for p in sorted(gold_dir.glob("*.xml"))
    ]
    if texts:
        chars = sum(len(t) for t in texts)
        started = time.perf_counter()
        for doc in nlp.pipe(texts):
            len(doc.ents)
        elapsed = time.perf_counter() - started
        rows.append(
            (
                "NER on gold dev texts",
                f"{len(texts) / elapsed:,.1f} docs/s ({chars / elapsed / 1000:,.0f} kchar/s)",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--source-dir", type=Path, default=None)
    parser.add_argument(
        "--gold-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/gold/dev"
    )
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--no-ner", action="store_true", help="linker figures only (no NER pipeline)")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    if args.store is None or not args.store.exists():
        target = args.store or Path("/tmp/caseminer-bench-vocab.sqlite")
        started = time.perf_counter()
        build_store(target, args.source_dir, progress=False)
        rows.append(("store build", f"{time.perf_counter() - started:.1f} s"))
        args.store = target
    started = time.perf_counter()
    store = TerminologyStore.open(args.store, build_if_missing=False)
    linker = Linker(store)
    rows.append(("store open", f"{time.perf_counter() - started:.3f} s"))

    started = time.perf_counter()
    for text, kind in MENTIONS:  # cold: every mention once
        linker.link(text, kind)
    cold = len(MENTIONS) / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(args.rounds):
        for text, kind in MENTIONS:
            linker.link(text, kind)
    warm = args.rounds * len(MENTIONS) / (time.perf_counter() - started)
    rows += [("link, first sight", f"{cold:,.0f} mentions/s"), ("link, repeated", f"{warm:,.0f} mentions/s")]
    distinct = store.db.execute(
        "SELECT text, kind FROM alias WHERE ner = 1 AND case_sensitive = 0 AND rowid % 97 = 0 LIMIT 5000"
    ).fetchall()
    started = time.perf_counter()
    for text, kind in distinct:
        linker.link(text, "disease" if kind == "phenotype" else kind)
    rows.append(
        (
            f"link, {len(distinct):,} distinct store terms",
            f"{len(distinct) / (time.perf_counter() - started):,.0f} mentions/s",
        )
    )

    started = time.perf_counter()
    for i in range(args.rounds // 10):  # the sentence differs each time, the concepts repeat
        for text, kind in MENTIONS:
            linker.link(text, kind, context=f"At {i} months the patient had {text} and was given steroids.")
    in_context = args.rounds // 10 * len(MENTIONS) / (time.perf_counter() - started)
    rows.append(("link, repeated, sentence context", f"{in_context:,.0f} mentions/s"))

    if not args.no_ner:
        rows += ner_rows(args.store, args.gold_dir)
    rows.append(("peak RSS", f"{peak_rss_mb():,.0f} MB"))

    table = Table("measure", "value", title="caseminer terminology linker / NER (one core)")
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


if __name__ == "__main__":
    main()
