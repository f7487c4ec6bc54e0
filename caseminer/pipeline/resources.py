"""Per-process resources of the ingestion stages (also inside Dask workers): the registry engine, the
extraction pipeline, and writes retried when they meet a concurrent writer."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from caseminer.config import Settings
from caseminer.db import init_db, session_scope
from caseminer.db.repository import (
    record_failure,
)
from caseminer.parsing import ParseError
from caseminer.pipeline.work import FailureNote
from caseminer.sources import SourceError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)
T = TypeVar("T")


# A write that meets a concurrent writer (SQLite busy snapshot, unique-key race) is retried this often.
WRITE_ATTEMPTS = 6


@functools.lru_cache(maxsize=4)
def store_engine(database_url: str) -> Engine:
    """The registry engine of this process, schema upgraded once per process."""
    return init_db(database_url)


@functools.lru_cache(maxsize=2)
def _cached_nlp(vocab_path: Path, vocab_source_dir: Path | None, topic_concepts: tuple[str, ...]) -> Language:
    from caseminer.pipeline.extract import build_nlp
    from caseminer.vocab import TerminologyStore

    store = TerminologyStore.open(vocab_path, build_if_missing=True, source_dir=vocab_source_dir)
    return build_nlp(store, topic_concepts=topic_concepts)


def pipeline_nlp(settings: Settings) -> Language:
    """The extraction pipeline over the configured terminology store and topic, built once per process."""
    topic = tuple(settings.topic_concepts)
    return _cached_nlp(settings.resolved_vocab_path, settings.vocab_source_dir, topic)


def extractor_version() -> str:
    from caseminer.pipeline.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def retried_write(engine: Engine, write: Callable[[Session], T]) -> T:
    """Run `write` in its own transaction, retried when it collides with a concurrent writer.

    Every write here is idempotent, so running it again after a rollback is always safe.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with session_scope(engine) as session:
                if engine.dialect.name == "sqlite":
                    # Take SQLite's write lock first (waiting up to its busy timeout): a transaction that
                    # read first cannot write once another process has committed, and starts over.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                return write(session)
        except (OperationalError, IntegrityError) as error:
            if attempt == WRITE_ATTEMPTS:
                raise
            log.info("write collided with a concurrent writer (%s); retrying", type(error.orig).__name__)
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")


def record_failures(engine: Engine, notes: Sequence[FailureNote]) -> None:
    if not notes:
        return

    def write(session: Session) -> None:
        for note in notes:
            record_failure(
                session, source=note.source, source_id=note.source_id, stage=note.stage, error=note.error
            )

    retried_write(engine, write)


def describe_error(error: BaseException) -> str:
    return str(error) if isinstance(error, ParseError | SourceError) else f"{type(error).__name__}: {error}"
