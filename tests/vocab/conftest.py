"""The linker over the shared terminology store (the store itself is a root fixture)."""

from __future__ import annotations

import pytest

from caseminer.vocab import Linker, TerminologyStore


@pytest.fixture(scope="session")
def linker(vocab_store: TerminologyStore) -> Linker:
    return Linker(vocab_store)
