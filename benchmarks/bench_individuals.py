"""Candidate individual links on a large registry: the variant blocking keeps the comparisons few.

    python benchmarks/bench_individuals.py [--patients 10000] [--variants 1000] [--postgres URL]

Stores `--patients` one-patient articles (each a FOXP3 variant drawn from `--variants` distinct
ones, a sex, an onset age and two phenotypes) straight through the repository, then times
`candidate_links` over the whole registry (what `caseminer curate links` does), restricted to ten
articles (what an ingest run's summary does), and a full read of individuals_v. Reports how many
pairs were compared against the all-pairs count.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from caseminer.curation.individuals import DEFAULT_MIN_SCORE, candidate_links
from caseminer.db import init_db, repository, session_scope
from caseminer.schemas import Age, ArticleIds, ExtractionResult, Patient, PatientPhenotype, PatientVariant

PMID_BASE = 97_000_000
PHENOTYPES = ("HP:0002014", "HP:0000964", "HP:0000857", "HP:0001508", "HP:0000821", "HP:0001873")


def fill(url: str, patients: int, variants: int, seed: int = 0) -> float:
    """Store the registry; returns the seconds it took."""
    rng = random.Random(seed)
    engine = init_db(url)
    started = time.perf_counter()
    with session_scope(engine) as session:
        for index in range(patients):
            pmid = str(PMID_BASE + index)
            patient = Patient(
                sex=rng.choice(("male", "female")),
                age_at_onset=Age(text="onset", days=rng.randrange(2000), role="onset"),
                variants=[PatientVariant(gene="FOXP3", hgvs_c=f"c.{rng.randrange(variants) + 1}G>A")],
                phenotypes=[PatientPhenotype(text=hpo, ids=[hpo]) for hpo in rng.sample(PHENOTYPES, 2)],
            )
            article = repository.upsert_article(session, ArticleIds(pmid=pmid), source="pubmed")
            extraction = ExtractionResult(doc_id=f"pmid{pmid}", pmid=pmid, extractor_version="bench",
                                          patients=[patient])  # fmt: skip
            repository.store_extraction(session, article, extraction)
    engine.dispose()
    return time.perf_counter() - started


def measure(url: str) -> list[tuple[str, int, int, float]]:
    """(what, pairs compared, candidates, seconds) of each timed step."""
    engine = init_db(url)
    results = []
    for name, article_ids in (("whole registry", None), ("ten articles", range(1, 11))):
        started = time.perf_counter()
        with session_scope(engine) as session:
            compared = candidate_links(session, min_score=0, article_ids=article_ids)
        compare_seconds = time.perf_counter() - started
        with session_scope(engine) as session:
            listed = candidate_links(session, article_ids=article_ids)
        results.append((name, len(compared), len(listed), compare_seconds))
    started = time.perf_counter()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM individuals_v")).scalar_one()
    results.append(("individuals_v", 0, rows, time.perf_counter() - started))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=1_000, help="distinct variants the patients share")
    parser.add_argument("--postgres", help="a PostgreSQL URL to fill instead of a temporary SQLite file")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite:///{Path(folder) / 'registry.db'}"
        stored = fill(url, args.patients, args.variants)
        console.print(f"stored {args.patients} patients in {stored:.1f} s ({url.split(':')[0]})")
        table = Table("step", "pairs compared", f"candidates (score ≥ {DEFAULT_MIN_SCORE}) / rows", "seconds")
        for name, compared, listed, seconds in measure(url):
            table.add_row(name, str(compared), str(listed), f"{seconds:.2f}")
        console.print(table)
        console.print(f"all pairs of the registry: {args.patients * (args.patients - 1) // 2}")


if __name__ == "__main__":
    main()
