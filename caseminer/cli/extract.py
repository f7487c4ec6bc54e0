"""CLI commands: extract."""

from __future__ import annotations

from caseminer.cli.app import app  # noqa: F401
