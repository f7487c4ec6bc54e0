"""Several writers at once: the same article arriving at once is still one row (PostgreSQL), schema
upgrades started together on a new database all succeed (SQLite and PostgreSQL), and so do
connections opened together on a new SQLite database."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import registry_samples as samples
from sqlalchemy import text

from caseminer.db import init_db, repository, session_scope
from caseminer.db.engine import make_engine
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


UPGRADERS = 4


def _upgrade_at_the_barrier(url: str, barrier: Any, errors: Any) -> None:
    try:
        barrier.wait(timeout=60)
        init_db(url).dispose()
    except BaseException as error:  # sent to the test process, which fails with it
        errors.put(f"{type(error).__name__}: {error}")


def test_schema_upgrades_started_at_once_on_a_new_database_all_succeed(db_url: str) -> None:
    """Processes (forked after every import, so they reach the upgrade together) all upgrading a new
    database at the same moment: none fails, and the schema is there once."""
    context = multiprocessing.get_context("fork")
    barrier, errors = context.Barrier(UPGRADERS), context.Queue()
    processes = [
        context.Process(target=_upgrade_at_the_barrier, args=(db_url, barrier, errors))
        for _ in range(UPGRADERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    messages = []
    while not errors.empty():
        messages.append(errors.get())
    assert messages == [] and [p.exitcode for p in processes] == [0] * UPGRADERS
    engine = init_db(db_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        views = connection.execute(text("SELECT count(*) FROM patients_v")).scalar_one()
    engine.dispose()
    assert len(versions) == 1 and views == 0


NEW_DATABASES = 100


def test_connections_opened_at_once_on_a_new_sqlite_database_all_succeed(tmp_path: Path) -> None:
    """Each connection switches a new database to WAL; done by several engines at once (as by
    several processes), SQLite fails all but one without waiting (about one round in ten here),
    so each must retry."""
    errors: list[BaseException] = []
    for round_number in range(NEW_DATABASES):
        url = f"sqlite:///{tmp_path / f'{round_number}.sqlite'}"
        barrier = threading.Barrier(UPGRADERS)

        def connect(url: str = url, barrier: threading.Barrier = barrier) -> None:
            engine = make_engine(url)
            barrier.wait(timeout=60)
            try:
                engine.connect().close()
            except BaseException as error:  # collected so the test fails with it
                errors.append(error)
            engine.dispose()

        threads = [threading.Thread(target=connect) for _ in range(UPGRADERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
