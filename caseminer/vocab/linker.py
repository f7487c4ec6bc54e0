"""Link a mention to concepts: exact and normalized alias lookup, then disambiguation.

Candidates come from :meth:`TerminologyStore.lookup` (exact case-sensitive form, normalized key,
word order), and when nothing matches and approximate matching is on, from a TF-IDF
char-3-gram index (:mod:`caseminer.vocab.approximate`). Candidates that the crosswalk shows to be one
concept are merged into one result
(primary id by the gold policy, the others as ``alt_ids``). Ranking uses the match quality, the
semantic type, words of the context shared with the concept's names, a clinical-relevance prior
(for genes: number of HPO annotations) and the topic focus list, which ranks topic concepts first
without excluding others.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from caseminer.vocab.normalize import key_tokens
from caseminer.vocab.store import AliasHit, TerminologyStore

if TYPE_CHECKING:
    from caseminer.vocab.approximate import ApproximateMatcher

ENTITY_KINDS = {
    "gene": ("gene",),
    "disease": ("disease", "phenotype"),
    "phenotype": ("phenotype", "disease"),
    "chemical": ("chemical",),
    "drug": ("chemical",),
    "procedure": ("procedure",),
}
_MATCH_SCORES = {"exact": 1.0, "normalized": 0.95, "word order": 0.9}


@dataclass(frozen=True, slots=True)
class LinkResult:
    concept_id: str
    label: str
    score: float
    entity_type: str
    alt_ids: tuple[str, ...]
    match: str
    matched_alias: str


class Linker:
    """`approximate`: False (exact and normalized lookup only), True (build or load the TF-IDF
    index next to the store on first need) or a ready :class:`ApproximateMatcher`."""

    def __init__(
        self,
        store: TerminologyStore,
        focus: Iterable[str] = (),
        *,
        approximate: bool | ApproximateMatcher = False,
    ) -> None:
        self.store = store
        self.focus = frozenset(focus)
        self._approximate = approximate
        self.name_words = lru_cache(maxsize=100_000)(self._concept_name_words)
        # A sentence is the context of each of its mentions: its words are computed once.
        self._context_words = lru_cache(maxsize=1_000)(_words)

    def link(self, text: str, entity_type: str | None, context: str | None = None) -> list[LinkResult]:
        """Concepts `text` may name, best first; empty when nothing matches."""
        kinds = ENTITY_KINDS.get(entity_type or "")
        hits = self.store.lookup(text, kinds) or self._approximate_hits(text, kinds)
        if not hits:
            return []
        context_words = self._context_words(context) if context else frozenset()
        results: dict[str, LinkResult] = {}
        for group in self._group_by_concept(hits, entity_type):
            kind = entity_type if entity_type in ENTITY_KINDS else group[0].kind
            normalized = self.store.normalize([h.curie for h in group], ENTITY_KINDS.get(kind, (kind,))[0])
            if normalized is None:
                continue
            best = min(group, key=lambda h: (h.tier, h.curie))
            score = self._score(
                best, normalized.concept_id, (normalized.concept_id, *normalized.alt_ids), context_words
            )
            previous = results.get(normalized.concept_id)
            if previous is None or previous.score < score:
                results[normalized.concept_id] = LinkResult(
                    normalized.concept_id,
                    normalized.label,
                    round(score, 4),
                    kind or best.kind,
                    normalized.alt_ids,
                    best.match,
                    best.text,
                )
        return sorted(results.values(), key=lambda r: (-r.score, r.concept_id))

    def _approximate_hits(self, text: str, kinds: tuple[str, ...] | None) -> list[AliasHit]:
        if self._approximate is False or (kinds is not None and "gene" in kinds):
            return []  # gene symbols are too short for character n-grams
        if self._approximate is True:
            from caseminer.vocab.approximate import (
                ApproximateMatcher,
                build_approximate_index,
                default_index_dir,
            )

            directory = default_index_dir(self.store)
            if not (directory / "nmslib_index.bin").exists():
                build_approximate_index(self.store, directory)
            self._approximate = ApproximateMatcher(directory)
        hits = []
        for curie, similarity, alias in self._approximate.candidates(text):
            concept = self.store.concept(curie)
            if concept is not None and (kinds is None or concept.kind in kinds):
                hits.append(AliasHit(curie, concept.kind, alias, 1, f"approximate {similarity:.2f}"))
        best = max((float(h.match.split()[1]) for h in hits), default=0.0)
        return [h for h in hits if float(h.match.split()[1]) >= best - 1e-6]

    def _group_by_concept(self, hits: list[AliasHit], entity_type: str | None) -> list[list[AliasHit]]:
        """Genes stay separate (an alias shared by two genes is ambiguous); for other types, hits
        that share an alias name the same concept in different vocabularies (MeSH, MONDO, HP)."""
        if entity_type == "gene" or all(h.kind == "gene" for h in hits):
            return [[h] for h in hits]
        by_kind: dict[str, list[AliasHit]] = {}
        for hit in hits:
            by_kind.setdefault("gene" if hit.kind == "gene" else "other", []).append(hit)
        groups = [[h] for h in by_kind.get("gene", [])]
        if "other" in by_kind:
            groups.append(by_kind["other"])
        return groups

    def _score(
        self, hit: AliasHit, primary: str, ids: tuple[str, ...], context_words: frozenset[str]
    ) -> float:
        if hit.match.startswith("approximate"):
            base = 0.8 * float(hit.match.split()[1])
        else:
            base = _MATCH_SCORES[hit.match]
        score = base - 0.02 * hit.tier
        if self.focus.intersection(ids):
            score += 0.1
        concept = self.store.concept(primary)
        if concept is not None:
            if context_words:
                names = self.name_words(concept.curie) - set(key_tokens(hit.text))
                score += 0.02 * min(len(names & context_words), 3)
            score += 0.005 * math.log1p(concept.prior)
        return score

    def _concept_name_words(self, curie: str) -> frozenset[str]:
        """The normalized words of a concept's label and synonyms (cached: a concept has many mentions)."""
        concept = self.store.concept(curie)
        names = (concept.label, *concept.synonyms) if concept else ()
        return frozenset(t for name in names for t in key_tokens(name))


def _words(text: str) -> frozenset[str]:
    return frozenset(key_tokens(text))
