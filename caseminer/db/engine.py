"""Engines, sessions and schema upgrades for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import tenacity
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Switching a new database to WAL is not covered by the busy timeout: two connections opening it
# at once can both hold a shared lock and want the exclusive one, and SQLite fails one at once.
_retry_while_locked = tenacity.retry(
    retry=tenacity.retry_if_exception(
        lambda error: isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
    ),
    wait=tenacity.wait_random_exponential(multiplier=0.01, max=1),
    stop=tenacity.stop_after_delay(SQLITE_BUSY_TIMEOUT_MS / 1000),
    reraise=True,
)
# The advisory lock id of schema upgrades on PostgreSQL (any fixed number: ids are per database).
SCHEMA_UPGRADE_LOCK_ID = int.from_bytes(b"cm-schem", "big", signed=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First, so that everything after it waits for another process's lock rather than failing.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets readers (notebooks, `caseminer sql`) run while an ingest writes.
    _retry_while_locked(cursor.execute)("PRAGMA journal_mode=WAL")
    # Safe with WAL (no corruption on a crash, at worst the last commits roll back, and every write
    # is idempotent and re-runnable from the raw archive); saves a disk flush per committed article.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout."""
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the migrations inside the installed package."""
    package = files("caseminer.db")
    config = Config(str(package / "alembic.ini"))
    config.set_main_option("script_location", str(package / "migrations"))
    config.attributes["engine"] = engine
    return config


def lock_for_schema_upgrade(connection: Connection) -> None:
    """Take the database's schema-upgrade lock, held until the migration's transaction ends.

    Two runs starting at once on a new database (an overlapping cron, enter pressed twice) would
    otherwise both find no schema and both create it; with the lock the second waits, then finds
    the schema at the newest version and does nothing. PostgreSQL: a transaction-scoped advisory
    lock. SQLite: the database's own write lock, for the whole migration (pysqlite opens no
    transaction for DDL by itself; the migration is then one transaction, all or nothing)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_UPGRADE_LOCK_ID)))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")


def init_db(url_or_engine: str | Engine) -> Engine:
    """Bring the schema to the newest migration and return the engine (safe to run concurrently)."""
    engine = make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    command.upgrade(alembic_config(engine), "head")
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
