"""Read access to the SQLite terminology store built by :mod:`caseminer.vocab.build`."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path

from caseminer.config import get_settings
from caseminer.vocab.normalize import bag_of_tokens, key_tokens

_CACHE_SIZE = 200_000  # concepts and xref lists kept in memory
_JSON_DECODER = json.JSONDecoder()
_CONCEPT_COLUMNS = ", ".join(
    f"concept.{c}" for c in ("vocab", "kind", "label", "synonyms", "parents", "definition", "prior")
)
# Which vocabularies give the primary id of an entity type (the gold policy), in order.
PRIMARY_VOCABS = {
    "gene": ("NCBIGene",),
    "disease": ("MESH", "MONDO", "HP"),
    "phenotype": ("MESH", "HP", "MONDO"),
    "chemical": ("MESH", "CHEBI", "PUBCHEM.COMPOUND"),
    "procedure": ("MESH",),
}
ALT_ID_VOCABS = frozenset(
    {
        "MONDO",
        "HP",
        "MESH",
        "OMIM",
        "Orphanet",
        "CHEBI",
        "PUBCHEM.COMPOUND",
        "RXNORM",
        "DRUGBANK",
        "HGNC",
    }
)
_KNOWN_VOCABS = ALT_ID_VOCABS | {"NCBIGene"}
# NER labels of the store's kinds (phenotypes are diseases/signs in the gold policy).
ENTITY_LABELS = {
    "gene": "GENE",
    "disease": "DISEASE",
    "phenotype": "DISEASE",
    "chemical": "CHEMICAL",
    "procedure": "PROCEDURE",
}


@dataclass(frozen=True, slots=True)
class Concept:
    curie: str
    vocab: str
    kind: str
    label: str
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    definition: str | None = None
    prior: float = 0.0


@dataclass(frozen=True, slots=True)
class AliasHit:
    curie: str
    kind: str
    text: str
    tier: int
    match: str  # "exact" | "normalized" | "word order"


@dataclass(frozen=True, slots=True)
class NerTerm:
    key: str
    curie: str
    kind: str
    case_sensitive: bool
    tier: int


@dataclass(frozen=True, slots=True)
class Normalized:
    """A concept with its primary id (by the gold policy) and ids of the same concept elsewhere."""

    concept_id: str
    label: str
    kinds: tuple[str, ...]
    alt_ids: tuple[str, ...] = field(default=())


class TerminologyStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"terminology store not found: {self.path}")
        self._local = threading.local()
        self._concepts: dict[str, Concept | None] = {}
        self._xrefs: dict[str, tuple[str, ...]] = {}

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        build_if_missing: bool = True,
        source_dir: Path | str | None = None,
    ) -> TerminologyStore:
        """Open the store (default: Settings.resolved_vocab_path), building it first when absent."""
        resolved = Path(path) if path else get_settings().resolved_vocab_path
        if not resolved.exists():
            if not build_if_missing:
                raise FileNotFoundError(
                    f"terminology store not found: {resolved}; run `caseminer vocab build`"
                )
            from caseminer.vocab.build import build_store

            build_store(resolved, source_dir, if_missing=True)  # or wait for another process's build
        return cls(resolved)

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # immutable: the builder replaces the file by a rename and never writes to an open store,
            # so SQLite can skip the file lock and change check it would otherwise do per query.
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            self._local.connection = connection
        return connection

    # -- concepts -------------------------------------------------------------------------------

    def concept(self, curie: str) -> Concept | None:
        try:
            return self._concepts[curie]
        except KeyError:
            return self._load_concepts([curie])[curie]

    def _load_concepts(self, curies: list[str]) -> dict[str, Concept | None]:
        """The concepts of `curies` (None for ids without one): cached, the others in one query."""
        self._bound_caches()
        cache = self._concepts
        if missing := [c for c in dict.fromkeys(curies) if c not in cache]:
            placeholders = ", ".join("?" * len(missing))
            rows = self.db.execute(
                f"SELECT curie, {_CONCEPT_COLUMNS} FROM concept WHERE curie IN ({placeholders})", missing
            )
            found = {row[0]: _concept(row) for row in rows}
            cache.update((c, found.get(c)) for c in missing)
        return {c: cache[c] for c in curies}

    def _bound_caches(self) -> None:
        """Start a full cache anew (a new dict, not clear(): another thread may be reading the old one)."""
        if len(self._concepts) > _CACHE_SIZE:
            self._concepts = {}
        if len(self._xrefs) > _CACHE_SIZE:
            self._xrefs = {}

    def xrefs(self, curie: str) -> tuple[str, ...]:
        """Ids of the same concept in other vocabularies (the crosswalk is symmetric), sorted."""
        try:
            return self._xrefs[curie]
        except KeyError:
            return self._load_crosswalk([curie])[curie]

    def _load_crosswalk(self, curies: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The xrefs of `curies`: cached, the others in one query that also caches the concepts of
        these curies and of their xrefs (what :meth:`normalize` reads next)."""
        self._bound_caches()
        cache = self._xrefs
        curies = list(dict.fromkeys(curies))
        if missing := [c for c in curies if c not in cache]:
            placeholders = ", ".join("?" * len(missing))
            rows = self.db.execute(
                f"SELECT xref.curie, xref.other, {_CONCEPT_COLUMNS} FROM xref"
                f" LEFT JOIN concept ON concept.curie = xref.other WHERE xref.curie IN ({placeholders})"
                f" UNION ALL SELECT NULL, curie, {_CONCEPT_COLUMNS} FROM concept"
                f" WHERE curie IN ({placeholders})",
                missing * 2,
            )
            others: dict[str, list[str]] = {c: [] for c in missing}
            concepts = self._concepts
            for xref_of, *concept_row in rows:
                if xref_of is not None:
                    others[xref_of].append(concept_row[0])
                if concept_row[0] not in concepts:
                    concepts[concept_row[0]] = _concept(concept_row) if concept_row[1] is not None else None
            for curie in missing:
                concepts.setdefault(curie, None)
            # SQLite's text order (BINARY collation of UTF-8) is Python's code point order.
            cache.update((c, tuple(sorted(o))) for c, o in others.items())
        return {c: cache[c] for c in curies}

    # -- lookup ---------------------------------------------------------------------------------

    def lookup(self, text: str, types: Iterable[str] | None = None) -> list[AliasHit]:
        """Aliases matching `text`: exact (case-sensitive), normalized key, then word order."""
        kinds = set(types) if types else None
        tokens = key_tokens(text)
        exact_key, normalized_key = text.replace(" ", "").replace("-", ""), " ".join(tokens)
        # Both keys in one query; each key's rows keep the index order a query for that key alone gives.
        keys = [key for key in dict.fromkeys((exact_key, normalized_key)) if key]
        exact: list[tuple[str, str, str, int]] = []
        normalized: list[tuple[str, str, str, int]] = []
        if keys:
            for key, case_sensitive, *row in self.db.execute(
                "SELECT key, case_sensitive, curie, kind, text, tier FROM alias"
                f" WHERE key IN ({', '.join('?' * len(keys))})",
                keys,
            ):
                if key == (exact_key if case_sensitive else normalized_key):
                    (exact if case_sensitive else normalized).append(tuple(row))
        for candidates, match in ((exact, "exact"), (normalized, "normalized")):
            if hits := _first_hit_per_concept(candidates, match, kinds):
                return hits
        bag = bag_of_tokens(tokens)
        if not bag:
            return []
        candidates = self.db.execute("SELECT curie, kind, text, tier FROM alias WHERE bag = ?", (bag,))
        return _first_hit_per_concept(candidates, "word order", kinds)

    def iter_ner_terms(self, types: Iterable[str] | None = None) -> Iterator[NerTerm]:
        kinds = set(types) if types else None
        for key, curie, kind, case_sensitive, tier in self.db.execute(
            "SELECT key, curie, kind, case_sensitive, tier FROM alias WHERE ner = 1 ORDER BY key, tier, curie"
        ):
            if kinds is None or kind in kinds:
                yield NerTerm(key, curie, kind, bool(case_sensitive), tier)

    def iter_linking_terms(self, types: Iterable[str] | None = None) -> Iterator[NerTerm]:
        """The aliases the builder kept for linking only (``ner = 0``: HP's related, broad and
        narrow synonyms, MeSH's names of broad headings, ...), in key order."""
        kinds = set(types) if types else None
        for key, curie, kind, case_sensitive, tier in self.db.execute(
            "SELECT key, curie, kind, case_sensitive, tier FROM alias WHERE ner = 0 ORDER BY key, tier, curie"
        ):
            if kinds is None or kind in kinds:
                yield NerTerm(key, curie, kind, bool(case_sensitive), tier)

    # -- normalization --------------------------------------------------------------------------

    def normalize(self, curies: Iterable[str], kind: str) -> Normalized | None:
        """One concept from candidates of the same mention: primary id by policy, the rest as alt ids."""
        return self._normalize(tuple(sorted(set(curies))), kind)

    @lru_cache(maxsize=100_000)  # noqa: B019  (the store lives as long as the process)
    def _normalize(self, curies: tuple[str, ...], kind: str) -> Normalized | None:
        related = list(dict.fromkeys(chain(curies, *self._load_crosswalk(curies).values())))
        known = [c for c in related if c.partition(":")[0] in _KNOWN_VOCABS]
        primary = _pick_primary(known, curies, PRIMARY_VOCABS.get(kind, ()))
        if primary is None:
            return None
        known.extend(
            x for x in self.xrefs(primary) if x not in known and x.partition(":")[0] in ALT_ID_VOCABS
        )
        # the kinds, the label and the linker's score (cached by the crosswalk)
        concepts = self._load_concepts(related)
        concept = concepts[primary] or next((concepts[c] for c in curies if concepts[c]), None)
        label = concept.label if concept else primary
        kinds = tuple(sorted({con.kind for c in related if (con := concepts[c])} | {kind}))
        alt_ids = tuple(c for c in dict.fromkeys(known) if c != primary and not c.startswith("HGNC:"))
        return Normalized(primary, label, kinds, alt_ids)

    # -- info -----------------------------------------------------------------------------------

    def info(self) -> dict[str, object]:
        sources = [
            {"name": n, "release": r, "origin": o, "concepts": c}
            for n, r, o, c in self.db.execute(
                "SELECT name, release, origin, concepts FROM source ORDER BY rowid"
            )
        ]
        by_vocab = dict(
            self.db.execute(
                "SELECT vocab || ' ' || kind, COUNT(*) FROM concept GROUP BY vocab, kind ORDER BY 1"
            ).fetchall()
        )
        aliases, ner_terms = self.db.execute("SELECT COUNT(*), SUM(ner) FROM alias").fetchone()
        return {
            "path": str(self.path),
            "sources": sources,
            "concepts": by_vocab,
            "aliases": aliases,
            "ner_terms": ner_terms or 0,
        }


def _concept(row: tuple[str, str, str, str, str, str, str | None, float]) -> Concept:
    curie, vocab, kind, label, synonyms, parents, definition, prior = row
    return Concept(curie, vocab, kind, label, _json_list(synonyms), _json_list(parents), definition, prior)


def _json_list(text: str) -> tuple[str, ...]:
    # The builder writes json.dumps lists; raw_decode reads them ~4x faster than json.loads,
    # which also strips surrounding whitespace (there is none).
    return tuple(_JSON_DECODER.raw_decode(text)[0])


def _first_hit_per_concept(
    candidates: Iterable[tuple[str, str, str, int]], match: str, kinds: set[str] | None
) -> list[AliasHit]:
    hits: dict[str, AliasHit] = {}
    for curie, kind, alias_text, tier in candidates:
        if (kinds is None or kind in kinds) and curie not in hits:
            hits[curie] = AliasHit(curie, kind, alias_text, tier, match)
    return sorted(hits.values(), key=lambda h: (h.tier, h.curie))


def _pick_primary(known: list[str], direct: tuple[str, ...], vocabs: tuple[str, ...]) -> str | None:
    """Prefer a direct candidate of the first vocab in `vocabs`; descriptors before MeSH supplements."""
    for vocab in vocabs:
        prefix = f"{vocab}:"
        for pool in (direct, known):
            if ids := [c for c in pool if c.startswith(prefix)]:
                return min(ids, key=lambda c: (c.startswith("MESH:C"), c))
    return direct[0] if direct else None
