"""Fixtures of the review page tests: the demo registry (the real pipeline over the shipped cassette,
ingested once per session into SQLite), copied fresh for each test, and its proband patient."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

TESTS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS_DIR / "pipeline"))
sys.path.insert(0, str(TESTS_DIR / "db"))

from ingest_fixtures import copy_registry, demo_registry_file, nlp  # noqa: E402

from caseminer.db import session_scope  # noqa: E402
from caseminer.db.models import Article, PatientRow  # noqa: E402

__all__ = ["demo_registry_file", "nlp"]

PROBAND_ARTICLE = "99100001"  # the boy of the hand-written demo report (caseminer/demo/handwritten.py)


@pytest.fixture
def engine(demo_registry_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo registry of this test's own."""
    engine = copy_registry(demo_registry_file, tmp_path / "registry.db")
    yield engine
    engine.dispose()


@pytest.fixture
def proband(engine: Engine) -> PatientRow:
    with session_scope(engine) as session:
        article = session.scalars(select(Article).where(Article.pmid == PROBAND_ARTICLE)).one()
        return session.scalars(
            select(PatientRow).where(PatientRow.article_id == article.id, PatientRow.label == "proband")
        ).one()


@pytest.fixture
def sql(engine: Engine) -> Callable[..., list[tuple[Any, ...]]]:
    """Rows of a query on the test's registry, as tuples."""

    def rows(statement: str, **parameters: Any) -> list[tuple[Any, ...]]:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(statement), parameters)]

    return rows
