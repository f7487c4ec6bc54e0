"""Fixtures of the ingest pipeline tests (shared with tests/reliability)."""

from ingest_fixtures import db_url, nlp, postgres_server_url, second_db_url, settings

__all__ = ["db_url", "nlp", "postgres_server_url", "second_db_url", "settings"]
