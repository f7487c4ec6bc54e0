"""Small pipelines for unit tests of single components: scispaCy's tokenizer, a sentence splitter,
then the components under test (no terminology store needed)."""

from __future__ import annotations

from typing import Any

import scispacy.abbreviation
import scispacy.custom_sentence_segmenter  # noqa: F401  (registers pysbd_sentencizer)
import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language

import caseminer.extractors.ages
import caseminer.extractors.clinical
import caseminer.extractors.context
import caseminer.extractors.demographics
import caseminer.extractors.variants  # noqa: F401  (the imports register the factories)


def component_pipeline(
    *components: str | tuple[str, dict[str, Any]], sentencizer: str = "pysbd_sentencizer"
) -> Language:
    """`components` are factory names, or (name, config) pairs, added in order after the splitter."""
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe(sentencizer)
    for component in components:
        name, config = (component, {}) if isinstance(component, str) else component
        nlp.add_pipe(name, config=config)
    return nlp
