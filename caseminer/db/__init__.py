"""The registry database: SQLAlchemy models, Alembic migrations, repository functions, read-only SQL."""

from caseminer.db.engine import init_db, make_engine, session_scope
from caseminer.db.readonly import ReadOnlyViolation, SqlError, run_readonly_sql

__all__ = ["ReadOnlyViolation", "SqlError", "init_db", "make_engine", "run_readonly_sql", "session_scope"]
