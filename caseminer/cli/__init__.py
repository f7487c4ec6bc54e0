"""The `caseminer` command. Each area registers its commands on `app` from its own module."""

from __future__ import annotations

from caseminer.cli import curate, evaluate, extract, ingest, review, store, train, vocab  # noqa: F401  (modules register commands)
from caseminer.cli.app import app

__all__ = ["app"]
