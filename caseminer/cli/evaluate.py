"""CLI command: `caseminer eval`, extraction measured against gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caseminer.cli.app import TopicOption, app, error_console, fail
from caseminer.cli.nlp import ModelOption, VocabOption, pipeline

console = Console()


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="folder of gold .json annotations (SCHEMA.md)")],
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="folder of the gold documents' texts (default: beside the .json files)"),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option("--split", help="only the documents of this half of the gold folder's split.json"),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write the report as JSON here")
    ] = None,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Precision/recall/F1 per entity type and accuracy per patient field against gold annotations."""
    from caseminer.evaluation.gold import evaluate_gold

    for folder in (gold, texts):
        if folder is not None and not folder.is_dir():
            raise fail(f"no such folder: {folder}")
    nlp = pipeline(vocab, model, topic)
    with error_console.status(f"extracting the gold documents of {gold}", spinner="dots"):
        try:
            report = evaluate_gold(gold, nlp, texts_dir=texts, split=split)
        except (OSError, ValueError) as error:
            raise fail(f"gold split unavailable: {error}") from error
    if not report.documents:
        raise fail(f"no gold documents (.json with a .txt/.xml text) in {gold}")
    console.print(report.render_table())
    console.print(report.render_confusion())
    for document in report.documents:
        if document.error:
            error_console.print(
                f"[yellow]{document.doc_id}: not evaluated: {document.error}[/]", highlight=False
            )
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        error_console.print(f"report written to {json_out}")
