"""CLI commands: ingest."""

from __future__ import annotations

from caseminer.cli.app import app  # noqa: F401
