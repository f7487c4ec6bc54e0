"""The extraction pipeline as the commands that extract load it (store, model, topic options)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caseminer.cli.app import error_console, fail

if TYPE_CHECKING:
    from spacy.language import Language

    from caseminer.vocab.store import TerminologyStore


def pipeline(vocab: Path | None, model: str | None, topic: str | None) -> Language:
    from caseminer.sources import load_topic

    try:
        topic_concepts = tuple(load_topic(topic).focus_concepts) if topic else ()
    except (OSError, ValueError) as error:
        raise fail(f"topic unavailable: {error}") from error
    # Built on first use, with its own progress display on stderr (so not inside the spinner below).
    store = open_store(vocab)
    with error_console.status("loading the terminology store and pipeline", spinner="dots"):
        try:
            return built_pipeline(store.path, model, topic_concepts)
        except OSError as error:  # spaCy's "can't find model"
            raise fail(f"spaCy model {model!r} unavailable: {error}") from error


def open_store(path: Path | None) -> TerminologyStore:
    """The terminology store, built first when absent; a store that cannot be had is one error line."""
    from caseminer.vocab.store import TerminologyStore

    try:
        return TerminologyStore.open(path, build_if_missing=True)
    except (OSError, ValueError) as error:
        raise fail(f"terminology store unavailable: {error}") from error


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
