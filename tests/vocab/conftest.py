"""A terminology store built once from ../shared/vocab and reused across test sessions."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest

from caseminer.vocab import Linker, TerminologyStore, build_store


def _source_fingerprint(source_dir: Path) -> str:
    code = Path(__file__).resolve().parents[2] / "caseminer" / "vocab"
    parts = [
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in sorted(source_dir.rglob("*"))
        if p.is_file()
    ]
    parts += [p.read_text() for p in sorted(code.glob("*.py"))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@pytest.fixture(scope="session")
def vocab_store(vocab_source_dir: Path) -> TerminologyStore:
    """Built from the shared files; cached in the temp dir until the sources or the builder change."""
    path = (
        Path(tempfile.gettempdir())
        / "caseminer-test-vocab"
        / f"{_source_fingerprint(vocab_source_dir)}.sqlite"
    )
    if not path.exists():
        build_store(path, vocab_source_dir, progress=False)
    return TerminologyStore(path)


@pytest.fixture(scope="session")
def linker(vocab_store: TerminologyStore) -> Linker:
    return Linker(vocab_store)
