"""Normalized lookup keys shared by the store builder, the NER matcher and the linker.

A key is the lower-cased token sequence of a term with spelling variation folded away (accents,
Greek letters, British spellings, plurals, possessives, hyphens), so that "Crohn's disease",
"crohn disease" and "Crohns-Disease" meet on one key. Because every side computes keys with the
same function, the folding only has to be consistent, not linguistically perfect.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

GREEK_LETTERS = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}

# British -> American spellings, as (pattern, replacement) applied inside a lower-case token.
_SPELLING_RULES = [
    (
        re.compile(
            r"^(an|leuk|septic|hyperglyc|hypoglyc|isch|hyperkal|hypokal|hyponatr|hypernatr|hypocalc|hypercalc|tox|ur|bacter|vir|lip|thalass|hyperinsulin|hypoxa|hypox)aem"
        ),
        r"\1em",
    ),
    (re.compile(r"^haem"), "hem"),
    (re.compile(r"aemia"), "emia"),
    (re.compile(r"^oe(dema|sophag|strogen)"), r"e\1"),
    (re.compile(r"hoea"), "hea"),
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"^orthopaed"), "orthoped"),
    (re.compile(r"(tum|col|behavi|fav|hum)our"), r"\1or"),
    (re.compile(r"isation$"), "ization"),
    (re.compile(r"^foet"), "fet"),
    (re.compile(r"^coeliac"), "celiac"),
    (re.compile(r"ae(mia)$"), r"e\1"),
    (re.compile(r"^ciclosporin"), "cyclosporin"),
]
# Matches every token that some spelling rule changes (the rules without their anchors): most tokens
# match none, and one search is cheaper than trying the rules one by one.
_SPELLING_HINT = re.compile("|".join(p.pattern.strip("^$") for p, _ in _SPELLING_RULES))

# Words that vary freely in clinical phrasing of one finding ("elevated serum IgE" ==
# "increased IgE"): synonyms mapped to one form, fillers dropped inside longer terms.
_TOKEN_SYNONYMS = {
    "elevated": "increased",
    "raised": "increased",
    "lowered": "decreased",
    "reduced": "decreased",
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",  # "type I diabetes" == "type 1 diabetes"
}
_FILLERS = frozenset({"serum", "circulating", "plasma", "level", "concentration"})
_FUNCTION_WORDS = frozenset(
    {"of", "in", "the", "a", "an", "to", "for", "with", "and", "or", "on", "at", "by"}
)
_TOKEN_RE = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_SEPARATORS = frozenset("-‐‑‒–—/_+")
_KEEP_PLURAL_ENDINGS = ("ss", "us", "is", "ys")


_GREEK_TABLE = str.maketrans(GREEK_LETTERS)


def fold(text: str) -> str:
    """Lower-case, Greek letters spelled out, accents and compatibility forms removed."""
    text = text.lower()
    if text.isascii():  # nothing to spell out or decompose
        return text
    text = text.translate(_GREEK_TABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)  # few distinct words, called for every term of the store and every mention
def normalize_token(token: str) -> str:
    """One folded token -> its canonical spelling (American, singular)."""
    if not token.isalpha():
        return token
    token = _TOKEN_SYNONYMS.get(token, token)
    if _SPELLING_HINT.search(token):
        for pattern, replacement in _SPELLING_RULES:
            token = pattern.sub(replacement, token)
    return singularize(token)


def singularize(token: str) -> str:
    if len(token) <= 3 or not token.endswith("s") or token.endswith(_KEEP_PLURAL_ENDINGS):
        return token
    if token.endswith("as") and not token.endswith("ias"):  # pancreas, but anemias
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("ches", "shes", "xes", "sses")):
        return token[:-2]
    return token[:-1]


def raw_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Folded tokens of `text` with character offsets into the folded string.

    Folding can change the length of the text (Greek letters), so callers that need offsets in
    the original text use :func:`tokens_with_offsets` instead.
    """
    for match in _TOKEN_RE.finditer(fold(text)):
        yield match.group(), match.start(), match.end()


def key_tokens(text: str) -> list[str]:
    """The normalized tokens of a term: separators dropped, possessive "'s" removed."""
    tokens: list[str] = []
    previous = ""
    for token, _, _ in raw_tokens(text):
        after_apostrophe = previous in {"'", "’"}
        previous = token
        if token in _SEPARATORS or token in {"'", "’"} or (token == "s" and after_apostrophe):
            continue
        tokens.append(normalize_token(token))
    if len(tokens) >= 3:
        kept = tokens[:1] + [t for t in tokens[1:] if t not in _FILLERS]
        if kept[-1] not in _FUNCTION_WORDS:  # "lack of concentration" is not "lack of"
            tokens = kept
    return tokens


def normalize_key(text: str) -> str:
    """The lookup key of a term; empty when the term has no word characters."""
    return " ".join(key_tokens(text))


def bag_key(text: str) -> str | None:
    """Order-free key for 2-3 word terms ("diabetes type 1" == "type 1 diabetes"), else None."""
    return bag_of_tokens(key_tokens(text))


def bag_of_tokens(tokens: list[str]) -> str | None:
    """:func:`bag_key` from tokens already computed by :func:`key_tokens`."""
    if not 2 <= len(tokens) <= 3:
        return None
    return " ".join(sorted(tokens))


def uninvert(name: str) -> str | None:
    """MeSH-style inverted names ("Diabetes Mellitus, Type 1") in reading order, else None."""
    head, sep, tail = name.partition(", ")
    if not sep or "," in tail or "(" in name:
        return None
    return f"{tail} {head}"


def gene_surface_key(text: str) -> str:
    """Case-preserving key for gene symbols: hyphens and spaces dropped ("CTLA-4" -> "CTLA4")."""
    return re.sub(r"[\s\-‐‑–]", "", text)
