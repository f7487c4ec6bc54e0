"""caseminer's tokenizers: scispaCy's combined_rule_tokenizer with a few infixes of its own, and the
trained recognizer's variant that also splits words at inner hyphens and slashes (registered for the
recognizer's spaCy config)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokenizer import Tokenizer

_TOKENIZER_CACHE_SIZE = 100_000

# Infixes added to scispaCy's: a full stop before a citation number ("reported.1",
# "sirolimus.17,18") ends the sentence; cell-marker signs split from the marker ("CD4(+)CD25(+)",
# "CD4+CD25+") so each marker is a token the gene NER can match.
_EXTRA_INFIXES = (
    r"(?<=[a-z]{2})\.(?=\d)",
    r"\([+\-−]\)(?=[A-Za-z])",
    r"(?<=[A-Za-z0-9])\([+\-−]$",
    r"(?<=\d)\+(?=[A-Z])",
)

# A hyphen or slash inside a word, and a hyphen after a closing bracket ("(PAN)-induced").
_WORD_JOINER_INFIXES = (r"(?<=[A-Za-z0-9])[-/](?=[A-Za-z0-9])", r"(?<=\))-(?=[A-Za-z])")


def make_tokenizer(nlp: Language, extra_infixes: tuple[str, ...] = ()) -> Tokenizer:
    """scispaCy's combined_rule_tokenizer with caseminer's extra infixes (and `extra_infixes`)."""
    with warnings.catch_warnings():  # scispaCy's infix pattern trips a FutureWarning of `re`
        warnings.simplefilter("ignore", FutureWarning)
        tokenizer = combined_rule_tokenizer(nlp)
    pattern: re.Pattern[str] = tokenizer.infix_finditer.__self__  # type: ignore[attr-defined]
    tokenizer.infix_finditer = re.compile(
        "|".join([pattern.pattern, *_EXTRA_INFIXES, *extra_infixes])
    ).finditer
    # spaCy stops caching a text's chunks once any special case has matched in it (the flag is per
    # text, not per chunk), and its whitespace exceptions ("\n", " ", "\t", "\xa0") match at the
    # first line break: the cache never held more than a title's words and every later chunk ran the
    # affix regexes again. Whitespace has no affixes, so the same tokens come out without them.
    tokenizer.rules = {text: tokens for text, tokens in tokenizer.rules.items() if not text.isspace()}
    # spaCy caches the first 10,000 distinct chunks it meets and no more: one long article fills that.
    # A 100,000 chunk cache (a few MB) keeps the words of many articles: -25% tokenizer time on a
    # second pass over the 15 full-text articles of ../shared/samples.
    tokenizer.max_cache_size = _TOKENIZER_CACHE_SIZE
    return tokenizer


@spacy.registry.tokenizers("caseminer.recognizer_tokenizer.v1")
def recognizer_tokenizer() -> Callable[[Language], Tokenizer]:
    """The trained recognizer's tokenizer (named in its spaCy config): :func:`make_tokenizer` that
    also splits words at inner hyphens and slashes, where BC5CDR and NCBI Disease put about one
    mention in fifteen ("cocaine|-induced", "CPA|/EE")."""

    def create(nlp: Language) -> Tokenizer:
        # scispaCy's rules start from spaCy's default tokenizer, not yet made while a config loads
        nlp.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return make_tokenizer(nlp, _WORD_JOINER_INFIXES)

    return create
