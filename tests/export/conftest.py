"""A small registry (SQLite file) loaded with the store tests' hand-built extraction."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseminer.db import init_db, repository, session_scope

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "db"))
import registry_samples as samples


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = init_db(url)
    with session_scope(engine) as session:
        article = repository.upsert_article(session, samples.IDS, title=samples.TITLE, year=2024)
        repository.store_document(session, article, samples.document())
        repository.store_extraction(session, article, samples.extraction())
    yield url, engine
    engine.dispose()
