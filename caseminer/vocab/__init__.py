"""Terminology store (genes, diseases, phenotypes, chemicals, procedures) and the linker."""

from caseminer.vocab.build import build_store
from caseminer.vocab.linker import Linker, LinkResult
from caseminer.vocab.store import Concept, Normalized, TerminologyStore

__all__ = ["Concept", "LinkResult", "Linker", "Normalized", "TerminologyStore", "build_store"]
