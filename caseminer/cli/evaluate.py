"""CLI command: `caseminer eval`, extraction measured against gold.

`--gold DIR` compares with the project's per-patient gold (SCHEMA.md; texts beside the JSON or in
`--texts DIR`); `--corpus PATH` scores a public benchmark as the field does (a PubTator file such as
BC5CDR or NCBI Disease, the GSC+ TSV, or the JAX case-report folder). `--split tuning|checking`
keeps one fixed half of either. `--gold DIR --against OTHER` measures a second annotator's
annotations against the gold the same way (inter-annotator agreement; nothing is extracted).
`--phenopackets DIR` compares with curators' GA4GH phenopackets (Phenopacket Store), one per
individual, with the texts in `--texts DIR` or the JAX-dev layout (`phenopackets/` and `txt/`).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from caseminer.cli.app import TopicOption, app, error_console, fail
from caseminer.cli.nlp import ModelOption, VocabOption, open_store, pipeline

if TYPE_CHECKING:
    from spacy.language import Language

    from caseminer.evaluation.corpora import CorpusReport
    from caseminer.evaluation.gold import EvalReport
    from caseminer.evaluation.phenopackets import PhenopacketReport

console = Console()


class Half(StrEnum):
    tuning = "tuning"
    checking = "checking"


@app.command(name="eval")
def evaluate(
    gold: Annotated[
        Path | None, typer.Option("--gold", help="folder of gold .json annotations (SCHEMA.md)")
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus", help="a PubTator file (BC5CDR, NCBI Disease), the GSC+ TSV or the JAX folder"
        ),
    ] = None,
    phenopackets: Annotated[
        Path | None,
        typer.Option(
            "--phenopackets",
            help="curated GA4GH phenopackets as gold (with --texts), or a folder with phenopackets/ and txt/",
        ),
    ] = None,
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="folder of the gold documents' texts (default: beside the .json files)"),
    ] = None,
    split: Annotated[
        Half | None, typer.Option("--split", help="only one fixed half: ids sorted, every other one")
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="another annotator's .json annotations of --gold documents: their agreement, no extraction",
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write the report as JSON here")
    ] = None,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Precision/recall/F1 per entity type and accuracy per patient field against gold annotations."""
    if sum(option is not None for option in (gold, corpus, phenopackets)) != 1:
        raise fail("give one of --gold DIR, --corpus PATH or --phenopackets DIR")
    for path in (gold, texts, corpus, against, phenopackets):
        if path is not None and not path.exists():
            raise fail(f"no such file or folder: {path}")
    if against is not None and gold is None:
        raise fail("--against compares with --gold DIR")
    half = split.value if split else None
    # The report is the result: the table, or the JSON where `--json -` asks for it on stdout.
    json_on_stdout = json_out == Path("-")
    out = error_console if json_on_stdout else console
    report: EvalReport | CorpusReport | PhenopacketReport
    if phenopackets is not None:
        report = _phenopacket_report(phenopackets, texts, half, vocab, pipeline(vocab, model, topic), out)
    elif against is not None:
        assert gold is not None
        report = _agreement_report(gold, against, out)
    elif gold is not None:
        report = _gold_report(gold, texts, half, pipeline(vocab, model, topic), out)
    else:
        assert corpus is not None
        report = _corpus_report(corpus, half, pipeline(vocab, model, topic), out)
    if json_on_stdout:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    elif json_out is not None:
        json_out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        error_console.print(f"report written to {json_out}", highlight=False)


def _gold_report(gold: Path, texts: Path | None, half: str | None, nlp: Language, out: Console) -> EvalReport:
    from caseminer.evaluation.gold import evaluate_gold

    if not gold.is_dir():
        raise fail(f"not a folder: {gold}")
    with error_console.status(f"extracting the gold documents of {gold}", spinner="dots"):
        report = evaluate_gold(gold, nlp, texts_dir=texts, split=half)  # type: ignore[arg-type]
    if not report.documents:
        raise fail(f"no gold documents (.json with a .txt/.xml text) in {gold}")
    out.print(report.render_table())
    out.print(report.render_confusion())
    for document in report.documents:
        if document.error:
            error_console.print(
                f"[yellow]{document.doc_id}: not evaluated: {document.error}[/]", highlight=False
            )
    return report


def _phenopacket_report(
    phenopackets: Path, texts: Path | None, half: str | None, vocab: Path | None, nlp: Language, out: Console
) -> PhenopacketReport:
    from caseminer.evaluation.phenopackets import (
        PhenopacketFormatError,
        StoreOntology,
        evaluate_phenopackets,
    )

    ontology = StoreOntology(open_store(vocab))
    with error_console.status(
        f"extracting the articles of the phenopackets in {phenopackets}", spinner="dots"
    ):
        try:
            report = evaluate_phenopackets(
                phenopackets,
                nlp,
                texts_dir=texts,
                split=half,
                ontology=ontology,  # type: ignore[arg-type]
            )
        except PhenopacketFormatError as error:
            raise fail(str(error)) from error
    if not report.articles:
        raise fail(f"no phenopackets (.json) in {phenopackets}")
    out.print(report.render_table())
    out.print(report.render_confusion())
    for article in report.articles:
        if article.error:
            error_console.print(f"[yellow]{article.pmid}: not evaluated: {article.error}[/]", highlight=False)
    return report


def _agreement_report(gold: Path, other: Path, out: Console) -> EvalReport:
    from caseminer.evaluation.gold import evaluate_agreement

    report = evaluate_agreement(gold, other)
    if not report.documents:
        raise fail(f"no annotation in {other} has a counterpart in {gold}")
    out.print(report.render_table())
    out.print(report.render_confusion())
    return report


def _corpus_report(corpus: Path, half: str | None, nlp: Language, out: Console) -> CorpusReport:
    from caseminer.evaluation.corpora import CorpusFormatError, evaluate_corpus

    with error_console.status(f"extracting the documents of {corpus}", spinner="dots"):
        try:
            report = evaluate_corpus(corpus, nlp, split=half)  # type: ignore[arg-type]
        except (OSError, CorpusFormatError, UnicodeDecodeError) as error:
            raise fail(f"corpus unreadable: {error}") from error
    if not report.documents:
        raise fail(f"no documents in {corpus}")
    out.print(report.render_table())
    return report
