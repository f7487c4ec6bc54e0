"""Read-only SQL for analysts: the database itself refuses writes, not a keyword filter."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


class ReadOnlyViolation(RuntimeError):
    """A statement tried to change the database through the read-only SQL console."""


class SqlError(RuntimeError):
    """Any other error of an analyst's statement, as one clear line."""


def _sqlite_readonly_engine(url: str) -> Any:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise SqlError("read-only SQL needs a SQLite database file, not an in-memory database")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(f"file:{database}?mode=ro", uri=True)

    return create_engine("sqlite://", creator=connect)


def _driver_message(error: Exception) -> str:
    original = error.orig if isinstance(error, DBAPIError) else error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def _is_write_refusal(message: str) -> bool:
    lowered = message.lower()
    return "readonly" in lowered or "read-only" in lowered or "read only" in lowered


def run_readonly_sql(url: str, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement without any possibility of writing; returns (columns, rows)."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = _sqlite_readonly_engine(url) if is_sqlite else create_engine(url)
    try:
        with engine.connect() as connection:
            if not is_sqlite:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                # The raw DB-API cursor takes the analyst's text as written: no bind-parameter or
                # %-placeholder parsing, so `LIKE 'HP:%'` and `:` in literals just work.
                cursor = connection.connection.cursor()
                cursor.execute(sql)
                columns = [column[0] for column in cursor.description or []]
                rows = [tuple(row) for row in cursor.fetchall()] if cursor.description else []
                cursor.close()
            finally:
                connection.rollback()
    except (DBAPIError, sqlite3.Error, psycopg.Error) as error:
        message = _driver_message(error)
        if _is_write_refusal(message):
            raise ReadOnlyViolation(
                f"refused: `caseminer sql` is read-only; this statement would modify the database ({message})"
            ) from error
        raise SqlError(message) from error
    finally:
        engine.dispose()
    return columns, rows
