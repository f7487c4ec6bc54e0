"""spaCy component `caseminer_terminology_ner`: gene, disease, chemical and procedure mentions.

A dictionary matcher over the terminology store's curated NER terms (not a PhraseMatcher: the
store holds hundreds of thousands of terms and must load in seconds). Two tables are consulted:

* normalized keys (lower case, spelling variants folded, see :mod:`caseminer.vocab.normalize`)
  matched on token n-grams of the text, longest first;
* case-sensitive short forms (gene symbols, upper-case abbreviations such as "IPEX") matched on
  whole words.

The longest match wins; ties go to approved gene symbols, then terms, then gene aliases. Matches
are linked to one concept each (primary id by the gold policy, crosswalk ids in ``alt_ids``),
ambiguous gene aliases ("CD25") by their sentence context and a clinical-relevance prior.
When scispaCy's AbbreviationDetector ran before, a short form takes its long form's concept, and a
short form defined as something the vocabulary does not know is not guessed from the dictionary.
Entities already in ``doc.ents`` (e.g. variants) are kept; overlapping matches are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.vocab.linker import Linker
from caseminer.vocab.normalize import fold, gene_surface_key, normalize_token
from caseminer.vocab.store import ENTITY_LABELS, Normalized, TerminologyStore

ALL_KINDS = ["gene", "disease", "phenotype", "chemical", "procedure"]
_KIND_PRIORITY = {"disease": 0, "phenotype": 1, "chemical": 2, "procedure": 3, "gene": 4}
_WORD = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_SURFACE_WORD = re.compile(r"(?<![\w-])[A-Za-z0-9α-ωΑ-Ω](?:[A-Za-z0-9α-ωΑ-Ω\-]*[A-Za-z0-9α-ωΑ-Ω])?(?![\w])")
_SKIPPED_PUNCT = frozenset("-‐‑‒–/")
_APOSTROPHES = frozenset("'’")
_MAX_TERM_TOKENS = 12
_COURSE_MODIFIERS = frozenset(
    [
        "chronic",
        "persistent",
        "intractable",
        "severe",
        "recurrent",
        "acute",
        "mild",
        "progressive",
        "refractory",
        "transient",
        "prolonged",
        "profound",
        "massive",
        "moderate",
        "episodic",
    ]
)

for _name in ("concept_id", "alt_ids", "concept_label", "vocab_kinds"):
    Span.set_extension(_name, default=None, force=True)


@dataclass(frozen=True, slots=True)
class _Candidate:
    curie: str
    kind: str
    tier: int


@dataclass(slots=True)
class _Match:
    start: int
    end: int
    candidates: tuple[_Candidate, ...]

    @property
    def tier(self) -> int:
        return min(c.tier for c in self.candidates)


@Language.factory(
    "caseminer_terminology_ner",
    default_config={"store_path": None, "focus": [], "types": ALL_KINDS},
)
def make_terminology_ner(
    nlp: Language, name: str, store_path: str | None, focus: list[str], types: list[str]
) -> TerminologyNer:
    return TerminologyNer(TerminologyStore.open(store_path), focus=focus, types=types)


class TerminologyNer:
    def __init__(
        self, store: TerminologyStore, *, focus: list[str] | None = None, types: list[str] | None = None
    ) -> None:
        self.store = store
        self.linker = Linker(store, focus or ())
        self._terms: dict[str, list[_Candidate]] = {}
        self._surface_terms: dict[str, list[_Candidate]] = {}
        self._max_tokens: dict[str, int] = {}
        for term in store.iter_ner_terms(types or ALL_KINDS):
            candidate = _Candidate(term.curie, term.kind, term.tier)
            if term.case_sensitive:
                self._surface_terms.setdefault(term.key, []).append(candidate)
            else:
                self._terms.setdefault(term.key, []).append(candidate)
                first, _, rest = term.key.partition(" ")
                length = rest.count(" ") + 2 if rest else 1
                if length > self._max_tokens.get(first, 0):
                    self._max_tokens[first] = min(length, _MAX_TERM_TOKENS)
        self._link = lru_cache(maxsize=50_000)(self._link_uncached)

    # -- matching -------------------------------------------------------------------------------

    def _key_tokens(self, text: str) -> list[tuple[str, int, int] | None]:
        """Normalized tokens with offsets in `text`; None marks punctuation no term spans."""
        tokens: list[tuple[str, int, int] | None] = []
        previous = ""
        for match in _WORD.finditer(text):
            word = match.group()
            after_apostrophe, previous = previous in _APOSTROPHES, word
            if word in _SKIPPED_PUNCT or word in _APOSTROPHES or (word == "s" and after_apostrophe):
                continue
            folded = fold(word)
            if not folded[:1].isalnum():
                tokens.append(None)
                continue
            for piece in re.findall(r"[a-z0-9]+", folded):
                tokens.append((normalize_token(piece), match.start(), match.end()))
        return tokens

    def _dictionary_matches(self, text: str) -> Iterator[_Match]:
        tokens = self._key_tokens(text)
        for i, token in enumerate(tokens):
            if token is None or token[0] not in self._max_tokens:
                continue
            words: list[str] = []
            found: _Match | None = None
            for j in range(i, min(len(tokens), i + self._max_tokens[token[0]])):
                next_token = tokens[j]
                if next_token is None:
                    break
                words.append(next_token[0])
                candidates = self._terms.get(" ".join(words))
                if candidates:
                    found = _Match(token[1], next_token[2], tuple(candidates))
            if found is not None:
                yield found

    def _surface_matches(self, text: str) -> Iterator[_Match]:
        for match in _SURFACE_WORD.finditer(text):
            word = match.group()
            candidates = self._surface_terms.get(gene_surface_key(word))
            if candidates:
                yield _Match(match.start(), match.end(), tuple(candidates))
                continue
            offset = match.start()
            for part in word.split("-"):  # "FOXP3-deficient", "CD4-positive"
                if part and (candidates := self._surface_terms.get(part)):
                    yield _Match(offset, offset + len(part), tuple(candidates))
                offset += len(part) + 1

    # -- linking --------------------------------------------------------------------------------

    def _link_uncached(
        self, candidates: tuple[_Candidate, ...], surface: str, context: str
    ) -> tuple[str, Normalized] | None:
        best_kind = min(
            (c.kind for c in candidates),
            key=lambda k: (min(c.tier for c in candidates if c.kind == k), _KIND_PRIORITY[k]),
        )
        group = [
            c for c in candidates if c.kind == best_kind or {c.kind, best_kind} == {"disease", "phenotype"}
        ]
        if best_kind == "gene" and len(group) > 1:
            allowed = {c.curie for c in group}
            ranked = [r for r in self.linker.link(surface, "gene", context) if r.concept_id in allowed]
            if not ranked:
                return None
            group = [next(c for c in group if c.curie == ranked[0].concept_id)]
        kind = "disease" if best_kind == "phenotype" else best_kind
        normalized = self.store.normalize([c.curie for c in group], kind)
        return (ENTITY_LABELS[best_kind], normalized) if normalized else None

    # -- component ------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        abbreviations = self._abbreviation_concepts(doc)
        matches = sorted(
            [*self._dictionary_matches(text), *self._surface_matches(text)],
            key=lambda m: (-(m.end - m.start), m.tier, m.start),
        )
        taken = [(e.start_char, e.end_char) for e in doc.ents]
        new_spans: list[Span] = []

        def add(start: int, end: int, resolved: tuple[str, Normalized] | None) -> None:
            if resolved is None or any(start < e and s < end for s, e in taken):
                return
            span = doc.char_span(start, end, label=resolved[0], alignment_mode="expand")
            if span is None or any(span.start_char < e and s < span.end_char for s, e in taken):
                return
            _set_concept(span, resolved[1])
            taken.append((span.start_char, span.end_char))
            new_spans.append(span)

        for short in doc._.abbreviations if abbreviations else ():
            add(short.start_char, short.end_char, abbreviations.get(short.text))
        for match in matches:
            surface = text[match.start : match.end]
            if surface in abbreviations:
                continue  # defined in this text: its long form decided above
            context = ""
            if _needs_context(match) and doc.has_annotation("SENT_START"):
                span = doc.char_span(match.start, match.end, alignment_mode="expand")
                context = span.sent.text if span is not None else ""
            resolved = self._link(match.candidates, surface, context)
            if (
                resolved is not None
                and resolved[0] == "DISEASE"
                and not resolved[1].concept_id.startswith("MESH:")
            ):
                match, resolved = self._head_with_mesh_id(text, match, resolved)
            add(match.start, match.end, resolved)
        doc.ents = sorted([*doc.ents, *new_spans], key=lambda s: s.start)
        return doc

    def _head_with_mesh_id(
        self, text: str, match: _Match, resolved: tuple[str, Normalized]
    ) -> tuple[_Match, tuple[str, Normalized]]:
        """ "persistent fever" without a MeSH id -> "fever" with one: the gold policy wants MeSH
        for diseases, and a leading course/severity word does not change the concept."""
        first, _, rest = text[match.start : match.end].partition(" ")
        if first.lower() not in _COURSE_MODIFIERS or not rest:
            return match, resolved
        offset = match.end - len(rest)
        for head in self._dictionary_matches(rest):
            if head.start == 0 and head.end == len(rest):
                linked = self._link(head.candidates, rest, "")
                if linked is not None and linked[1].concept_id.startswith("MESH:"):
                    return _Match(offset, match.end, head.candidates), linked
        return match, resolved

    def _abbreviation_concepts(self, doc: Doc) -> dict[str, tuple[str, Normalized] | None]:
        """Short forms defined in the text -> their long form's concept (None: long form unknown)."""
        if not Doc.has_extension("abbreviations"):
            return {}
        concepts: dict[str, tuple[str, Normalized] | None] = {}
        for short in doc._.abbreviations:
            long_form = short._.long_form
            if long_form is None or short.text in concepts:
                continue
            long_matches = [
                m
                for m in self._dictionary_matches(long_form.text)
                if m.end - m.start >= 0.6 * len(long_form.text)
            ]
            if long_matches:
                best = max(long_matches, key=lambda m: m.end - m.start)
                concepts[short.text] = self._link(best.candidates, long_form.text, "")
            elif not any(c.tier == 0 for c in self._surface_terms.get(gene_surface_key(short.text), [])):
                concepts[short.text] = None  # an approved gene symbol stays a gene whatever its expansion
        return concepts


def _needs_context(match: _Match) -> bool:
    return len({c.curie for c in match.candidates if c.kind == "gene"}) > 1


def _set_concept(span: Span, normalized: Normalized) -> None:
    span._.concept_id = normalized.concept_id
    span._.alt_ids = list(normalized.alt_ids)
    span._.concept_label = normalized.label
    span._.vocab_kinds = list(normalized.kinds)


__all__ = ["TerminologyNer", "make_terminology_ner"]
