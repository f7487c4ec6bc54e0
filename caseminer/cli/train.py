"""CLI command: `caseminer train ner`, the disease/chemical recognizer rebuilt from the public corpora."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from caseminer.cli.app import app, error_console, fail

train_app = typer.Typer(help="Train the statistical models caseminer ships.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command()
def ner(
    corpora: Annotated[
        Path, typer.Option("--corpora", help="folder of the corpora (the ../shared/corpora layout)")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="model folder to write (default: the package's shipped recognizer)"),
    ] = None,
    steps: Annotated[int, typer.Option("--steps", min=1, help="training steps")] = 6000,
    seed: Annotated[int, typer.Option("--seed", help="random seed")] = 0,
    eval_frequency: Annotated[
        int, typer.Option("--eval-frequency", min=1, help="steps between checkpoint evaluations")
    ] = 250,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="at most this many documents per corpus file")
    ] = None,
) -> None:
    """Train the disease/chemical recognizer (BC5CDR + NCBI Disease training sets; checkpoint chosen on
    the tuning halves of their development sets). Progress on stderr; the training record on stdout."""
    from caseminer.extractors.trained_entities import DEFAULT_MODEL
    from caseminer.training.ner import TRAINING_FILES, TUNING_FILES, train_recognizer

    missing = [name for name in (*TRAINING_FILES, *TUNING_FILES) if not (corpora / name).is_file()]
    if missing:
        raise fail(f"corpus files missing under {corpora}: {', '.join(missing)}")
    target = out or DEFAULT_MODEL
    record = train_recognizer(
        corpora, target, steps=steps, seed=seed, eval_frequency=eval_frequency, limit=limit
    )
    error_console.print(f"recognizer written to {target}", highlight=False)
    sys.stdout.write(json.dumps(asdict(record), indent=2) + "\n")
