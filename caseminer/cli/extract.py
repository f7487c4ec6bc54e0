"""CLI commands: `caseminer extract FILE` and `caseminer eval --gold DIR`."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from caseminer.cli.app import TopicOption, app, error_console, fail

if TYPE_CHECKING:
    from spacy.language import Language

    from caseminer.schemas.document import Document
    from caseminer.schemas.extraction import ExtractionResult

console = Console()


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _pipeline(vocab: Path | None, model: str | None, topic: str | None) -> Language:
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
            return _built_pipeline(store.path, model, topic_concepts)
        except OSError as error:  # spaCy's "can't find model"
            raise fail(f"spaCy model {model!r} unavailable: {error}") from error


@lru_cache(maxsize=2)
def _built_pipeline(store_path: Path, model: str | None, topic_concepts: tuple[str, ...]) -> Language:
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
    nlp = _pipeline(vocab, model, topic)

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


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="folder of gold .txt/.xml + .json pairs (SCHEMA.md)")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write the report as JSON here")
    ] = None,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Precision/recall/F1 per entity type and accuracy per patient field against gold annotations."""
    from caseminer.pipeline.evaluate import evaluate_gold

    if not gold.is_dir():
        raise fail(f"no such folder: {gold}")
    nlp = _pipeline(vocab, model, topic)
    with error_console.status(f"extracting the gold documents of {gold}", spinner="dots"):
        report = evaluate_gold(gold, nlp)
    if not report.documents:
        raise fail(f"no gold documents (.txt/.xml with a .json beside them) in {gold}")
    console.print(report.render_table())
    for document in report.documents:
        if document.error:
            error_console.print(
                f"[yellow]{document.doc_id}: not evaluated: {document.error}[/]", highlight=False
            )
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        console.print(f"report written to {json_out}")
