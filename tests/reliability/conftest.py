"""Fixtures of the reliability tests: those of tests/pipeline."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipeline"))

from ingest_fixtures import db_url, nlp, postgres_server_url, second_db_url, settings

__all__ = ["db_url", "nlp", "postgres_server_url", "second_db_url", "settings"]
