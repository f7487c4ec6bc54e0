"""The extraction pipeline as the commands that extract load it (store, model, topic options)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseminer.cli.app import error_console, fail

if TYPE_CHECKING:
    from spacy.language import Language


def pipeline(vocab: Path | None, model: str | None, topic: str | None) -> Language:
    from caseminer.sources import load_topic
    from caseminer.vocab.store import TerminologyStore

    try:
        topic_concepts = tuple(load_topic(topic).focus_concepts) if topic else ()
    except (OSError, ValueError) as error:
        raise fail(f"topic unavailable: {error}") from error
    with error_console.status("loading the terminology store and pipeline", spinner="dots"):
        try:
            store = TerminologyStore.open(vocab, build_if_missing=True)
        except (OSError, ValueError) as error:
            raise fail(f"terminology store unavailable: {error}") from error
        try:
            return built_pipeline(store.path, model, topic_concepts)
        except OSError as error:  # spaCy's "can't find model"
            raise fail(f"spaCy model {model!r} unavailable: {error}") from error


@lru_cache(maxsize=2)
def built_pipeline(store_path: Path, model: str | None, topic_concepts: tuple[str, ...]) -> Language:
    """One pipeline per store, model and topic in a process (commands run in-process by tests, notebooks)."""
    from caseminer.pipeline.extract import build_nlp
    from caseminer.vocab.store import TerminologyStore

    return build_nlp(TerminologyStore(store_path), model=model, topic_concepts=topic_concepts)


VocabOption = Annotated[
    Path | None, typer.Option("--vocab", help="terminology store (default: CASEMINER_VOCAB_PATH / data dir)")
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="a scispaCy/spaCy NER model name or path (default: CASEMINER_SPACY_MODEL)"),
]
