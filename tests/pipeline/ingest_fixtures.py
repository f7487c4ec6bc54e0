"""Fixtures and helpers shared by tests/pipeline and tests/reliability (both conftests import them).

The database fixture runs each test on SQLite and on the throwaway PostgreSQL of tests/db/conftest.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, Engine, Integer, select
from sqlalchemy.orm import Session

from caseminer.config import Settings
from caseminer.db.models import Base, IngestRun

# Prefect's INFO lines (server start/stop) are noise in test output, and at interpreter exit they are
# written to pytest's already closed capture stream. Set before any test module imports Prefect, as
# are caseminer.flows' own Prefect defaults (importing it sets them, then imports Prefect).
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
import caseminer.flows  # noqa: F401

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = TESTS_DIR.parent
# Tables whose rows describe runs rather than the registry's content.
RUN_TABLES = {IngestRun.__tablename__}


def _load_db_conftest() -> Any:
    spec = importlib.util.spec_from_file_location("caseminer_db_conftest", TESTS_DIR / "db" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_db_conftest = _load_db_conftest()
postgres_server_url = _db_conftest.postgres_server_url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return _db_conftest._fresh_postgres_database(request.getfixturevalue("postgres_server_url"))


@pytest.fixture
def second_db_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> str:
    """Another empty database on the same backend as `db_url` (for reference runs)."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'second.db'}"
    return _db_conftest._fresh_postgres_database(request.getfixturevalue("postgres_server_url"))


@pytest.fixture(scope="session")
def nlp(vocab_store: Any) -> Any:
    from caseminer.pipeline.extract import build_nlp

    return build_nlp(vocab_store)


def make_settings(data_dir: Path, database_url: str, vocab_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, vocab_path=vocab_path)


@pytest.fixture(scope="session")
def demo_registry_file(tmp_path_factory: pytest.TempPathFactory, vocab_store: Any, nlp: Any) -> Path:
    """The demo corpus (the real pipeline over the shipped cassette) ingested once into SQLite;
    tests work on their own copy (`copy_registry`)."""
    from caseminer.demo import demo_cassette_dir, demo_topic
    from caseminer.pipeline.ingest import ingest_topic
    from caseminer.sources.replay import ReplayTransport

    root = tmp_path_factory.mktemp("demo-registry")
    path = root / "registry.db"
    settings = make_settings(root / "data", f"sqlite:///{path}", vocab_store.path)
    summary = ingest_topic(
        demo_topic(), settings=settings, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp
    )
    assert summary.failed == 0
    return path


def copy_registry(source: Path, copy: Path) -> Engine:
    """An engine on a copy of the SQLite registry `source`: SQLite's backup API, not a file copy, as
    the registry is in WAL mode with its latest pages in the -wal."""
    from caseminer.db import init_db

    with sqlite3.connect(source) as reading, sqlite3.connect(copy) as writing:
        reading.backup(writing)
    return init_db(f"sqlite:///{copy}")


@pytest.fixture
def settings(tmp_path: Path, db_url: str, vocab_store: Any) -> Iterator[Settings]:
    yield make_settings(tmp_path / "data", db_url, vocab_store.path)


def subprocess_env(settings: Settings) -> dict[str, str]:
    """The environment of a `caseminer` subprocess using `settings`."""
    env = dict(os.environ)
    env.update(
        CASEMINER_DATABASE_URL=settings.database_url,
        CASEMINER_DATA_DIR=str(settings.data_dir),
        CASEMINER_VOCAB_PATH=str(settings.resolved_vocab_path),
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT), *sys.path]),
    )
    return env


def _comparable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def registry_snapshot(engine: Engine) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every registry table as a multiset of rows, without surrogate keys and timestamps.

    Two databases with the same snapshot hold the same articles, documents, mentions, patients and
    facts, each the same number of times, whatever ids and times their rows were given.
    """
    snapshot: dict[str, Counter[tuple[Any, ...]]] = {}
    with Session(engine) as session:
        for table in Base.metadata.sorted_tables:
            if table.name in RUN_TABLES:
                continue
            columns = [
                column
                for column in table.columns
                if not isinstance(column.type, DateTime)
                and not (isinstance(column.type, Integer) and (column.primary_key or column.foreign_keys))
            ]
            rows = session.execute(select(*columns)).all()
            snapshot[table.name] = Counter(tuple(_comparable(value) for value in row) for row in rows)
    return snapshot
