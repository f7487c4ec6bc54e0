"""Alembic environment: runs migrations on the engine handed over by `init_db` (or sqlalchemy.url)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from caseminer.db.engine import lock_for_schema_upgrade, make_engine
from caseminer.db.models import Base

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is None:
        from caseminer.config import get_settings

        engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().database_url)
    return engine


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transactional_ddl=True,  # SQLite too: one transaction, under the lock below
        )
        with context.begin_transaction():
            lock_for_schema_upgrade(connection)
            context.run_migrations()


run_migrations_online()
