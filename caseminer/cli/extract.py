"""CLI command: `caseminer extract FILE`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from caseminer.cli.app import TopicOption, app, error_console, fail
from caseminer.cli.nlp import ModelOption, VocabOption, pipeline

if TYPE_CHECKING:
    from caseminer.schemas.document import Document
    from caseminer.schemas.extraction import ExtractionResult

console = Console()


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help=".txt, JATS .xml, PubMed XML or BioC JSON file")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json or table")
    ] = OutputFormat.json,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Extract genes, variants, phenotypes, treatments and patients from one article file."""
    from caseminer.parsing import ParseError, parse_file
    from caseminer.pipeline.extract import extract_documents

    if not file.is_file():
        raise fail(f"no such file: {file}")
    try:
        documents = parse_file(file)
    except ParseError as error:
        raise fail(str(error)) from error
    nlp = pipeline(vocab, model, topic)

    def report_failure(document: Document, error: Exception) -> None:
        error_console.print(f"[red]error:[/] {document.doc_id}: extraction failed: {error}", highlight=False)

    results = list(extract_documents(documents, nlp, on_error=report_failure))
    if not results:
        raise typer.Exit(code=2)
    if output_format is OutputFormat.json:
        payload = [r.to_gold_json() for r in results]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False))
        return
    for result in results:
        console.print(_patients_table(result))


def _patients_table(result: ExtractionResult) -> Table:
    table = Table(title=f"{result.doc_id}: {result.title or ''}", show_lines=True)
    for column in (
        "patient",
        "sex",
        "onset",
        "diagnosis",
        "variants",
        "phenotypes",
        "treatments",
        "HSCT",
        "outcome",
    ):
        table.add_column(column, overflow="fold")
    for patient in result.patients:
        table.add_row(
            patient.label,
            patient.sex or "",
            patient.age_at_onset.text if patient.age_at_onset else "",
            patient.age_at_diagnosis.text if patient.age_at_diagnosis else "",
            "\n".join(
                f"{v.gene or '?'} {' '.join(x for x in (v.hgvs_c, v.hgvs_p) if x) or v.text}"
                for v in patient.variants
            ),
            ", ".join(p.text for p in patient.phenotypes),
            ", ".join(t.text for t in patient.treatments),
            {True: "yes", False: "no", None: ""}[patient.hsct.performed]
            + (f" ({patient.hsct.donor})" if patient.hsct.donor else ""),
            patient.outcome.status,
        )
    entities = result.entities
    table.caption = (
        f"genes {len(entities.genes)}, diseases {len(entities.diseases)},"
        f" chemicals {len(entities.chemicals)}, variants {len(entities.variants)}"
    )
    return table
