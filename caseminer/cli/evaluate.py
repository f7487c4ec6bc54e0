"""CLI command: `caseminer eval`, extraction measured against gold."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caseminer.cli.app import TopicOption, app, error_console, fail
from caseminer.cli.nlp import ModelOption, VocabOption, pipeline

console = Console()


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="folder of gold .txt/.xml + .json pairs (SCHEMA.md)")],
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="write the report as JSON here ('-': stdout, the table on stderr)"),
    ] = None,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Precision/recall/F1 per entity type and accuracy per patient field against gold annotations."""
    from caseminer.evaluation.gold import evaluate_gold

    if not gold.is_dir():
        raise fail(f"no such folder: {gold}")
    nlp = pipeline(vocab, model, topic)
    with error_console.status(f"extracting the gold documents of {gold}", spinner="dots"):
        report = evaluate_gold(gold, nlp)
    if not report.documents:
        raise fail(f"no gold documents (.txt/.xml with a .json beside them) in {gold}")
    json_on_stdout = json_out == Path("-")
    # The report is the result: the table, or the JSON where `--json -` asks for it on stdout.
    (error_console if json_on_stdout else console).print(report.render_table())
    for document in report.documents:
        if document.error:
            error_console.print(
                f"[yellow]{document.doc_id}: not evaluated: {document.error}[/]", highlight=False
            )
    if json_on_stdout:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    elif json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        error_console.print(f"report written to {json_out}", highlight=False)
