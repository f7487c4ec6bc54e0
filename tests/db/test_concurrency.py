"""Several writers on one PostgreSQL: the same article arriving at once is still one row."""

from __future__ import annotations

import threading

import registry_samples as samples
from sqlalchemy import text

from caseminer.db import init_db, repository, session_scope
from caseminer.schemas import ArticleIds

WRITERS = 4
ROUNDS = 10


def test_concurrent_upserts_and_extractions_do_not_duplicate(postgres_url: str) -> None:
    engine = init_db(postgres_url)
    subsets = [
        ArticleIds(pmid=samples.PMID),
        ArticleIds(pmcid=samples.PMCID),
        ArticleIds(doi=samples.DOI),
        samples.IDS,
    ]
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(ids: ArticleIds) -> None:
        try:
            for _ in range(ROUNDS):
                barrier.wait()
                with session_scope(engine) as session:
                    article = repository.upsert_article(session, ids, source="europepmc")
                    repository.store_extraction(session, article, samples.extraction())
        except BaseException as error:  # collected so the main thread can fail the test with it
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(ids,)) for ids in subsets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with engine.connect() as connection:
        articles = connection.execute(text("SELECT pmid, pmcid, doi FROM articles")).all()
        patients = connection.execute(text("SELECT count(*) FROM patients")).scalar_one()
        extractions = connection.execute(text("SELECT count(*) FROM extractions")).scalar_one()
    engine.dispose()
    assert [tuple(a) for a in articles] == [(samples.PMID, samples.PMCID, samples.DOI)]
    assert (extractions, patients) == (1, 1)
