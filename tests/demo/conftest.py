"""Fixtures of the demo corpus tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseminer.demo import SyntheticReport, handwritten_reports
from caseminer.sources.archive import RawArchive


@pytest.fixture(scope="module")
def reports() -> list[SyntheticReport]:
    return handwritten_reports()


@pytest.fixture
def archive(tmp_path: Path) -> RawArchive:
    return RawArchive(tmp_path / "archive")
