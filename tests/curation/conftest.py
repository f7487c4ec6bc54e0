"""Fixtures of the curation tests: those of tests/pipeline (SQLite and PostgreSQL, the demo's nlp)."""

import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS_DIR / "pipeline"))
sys.path.insert(0, str(TESTS_DIR / "db"))

from ingest_fixtures import (  # noqa: E402
    db_url,
    demo_registry_file,
    nlp,
    postgres_server_url,
    second_db_url,
    settings,
)

__all__ = ["db_url", "demo_registry_file", "nlp", "postgres_server_url", "second_db_url", "settings"]
