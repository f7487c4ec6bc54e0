"""Fixtures shared by all test areas."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _find_shared() -> Path | None:
    candidates = [os.environ.get("CASEMINER_SHARED_DIR"), REPO_ROOT.parent / "shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "gold").is_dir():
            return Path(candidate)
    return None


SHARED_DIR = _find_shared()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder of developer machines and CI; tests that need it skip without it."""
    if SHARED_DIR is None:
        pytest.skip("../shared is absent (developer/CI data only)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def samples_dir(shared_dir: Path) -> Path:
    return shared_dir / "samples"


@pytest.fixture(scope="session")
def gold_dir(shared_dir: Path) -> Path:
    return shared_dir / "gold" / "dev"


@pytest.fixture(scope="session")
def vocab_source_dir(shared_dir: Path) -> Path:
    return shared_dir / "vocab"
