"""CLI command: `caseminer extract PATH...`, one file or a batch of them with one pipeline load.

Inputs are article files, folders (their article files, recursively), tar / tar.gz archives and
`-` (standard input). The result is one JSON object per document on stdout (JSON Lines), or
`--out DIR` with one `<doc_id>.json` per document, or `--format table`. Everything else goes to
stderr: the progress of a batch, and one line per input that fails, after which the batch goes on.
Exit code 0 when everything was extracted, 1 when some inputs failed, 2 when all did.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from caseminer.cli.app import TopicOption, app, error_console, fail
from caseminer.cli.nlp import ModelOption, VocabOption, pipeline

if TYPE_CHECKING:
    from spacy.language import Language

    from caseminer.schemas.document import Document
    from caseminer.schemas.extraction import ExtractionResult

console = Console()
STDIN = "-"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


@dataclass(frozen=True)
class InputFile:
    """One file to extract: `name` as the user knows it, `filename` for its format (None: sniffed)."""

    name: str
    filename: str | None
    read: Callable[[], bytes]


@dataclass
class BatchCounts:
    inputs: int = 0
    documents: int = 0
    failures: int = 0
    written: dict[str, str] = field(default_factory=dict)  # --out file name -> the input it came from

    def fail(self, message: str) -> None:
        self.failures += 1
        error_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)


@app.command()
def extract(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="article files (.txt, JATS or PubMed .xml, BioC .json), folders, .tar.gz archives,"
            " or - for standard input",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json (one object per document per line) or table")
    ] = OutputFormat.json,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="write <doc_id>.json per document into this folder instead of stdout"),
    ] = None,
    vocab: VocabOption = None,
    model: ModelOption = None,
    topic: TopicOption = None,
) -> None:
    """Extract genes, variants, phenotypes, treatments and patients from article files."""
    if out is not None and output_format is OutputFormat.table:
        raise fail("--out writes JSON files; it does not go with --format table")
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise fail(f"--out {out}: cannot make that folder: {error.strerror or error}") from None
    counts = BatchCounts()
    inputs = _inputs(paths, counts)
    if not inputs:
        raise typer.Exit(code=2)
    nlp = pipeline(vocab, model, topic)
    emit = _emitter(output_format, out, counts)
    started = time.perf_counter()
    # A live display only where it does not mix with results on the same terminal.
    show_progress = error_console.is_terminal and (out is not None or not sys.stdout.isatty())
    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[documents]} documents"),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
        disable=not show_progress,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        known = None if any(isinstance(entry, Path) for entry in inputs) else len(inputs)
        task = progress.add_task("extract", total=known, documents=0)
        for item in _files(inputs, counts):
            _extract_one(item, nlp, emit, counts)
            progress.update(task, advance=1, documents=counts.documents)
    if len(paths) > 1 or counts.inputs > 1:
        seconds = time.perf_counter() - started
        error_console.print(
            f"{counts.documents} documents from {counts.inputs} files in {seconds:.1f} s"
            + (f"; {counts.failures} failed" if counts.failures else ""),
            highlight=False,
            soft_wrap=True,
        )
    if counts.failures:
        raise typer.Exit(code=2 if counts.documents == 0 else 1)


def _inputs(paths: list[Path], counts: BatchCounts) -> list[InputFile | Path]:
    """Each path's files, or the path of an archive (read member by member later); a path that
    names no file is a failure, reported now."""
    from caseminer.sources.local import article_files, is_tar_archive

    inputs: list[InputFile | Path] = []
    for path in paths:
        if str(path) == STDIN:
            inputs.append(InputFile("stdin", None, sys.stdin.buffer.read))
        elif path.is_dir():
            if not (files := article_files(path)):
                counts.fail(f"{path}: no article files (.txt, .xml, .nxml, .json, maybe .gz) in this folder")
            inputs.extend(InputFile(str(file), str(file), file.read_bytes) for file in files)
        elif is_tar_archive(path):
            inputs.append(path)
        elif path.is_file():
            inputs.append(InputFile(str(path), str(path), path.read_bytes))
        else:
            counts.fail(f"no such file or folder: {path}")
    return inputs


def _files(inputs: list[InputFile | Path], counts: BatchCounts) -> Iterator[InputFile]:
    """The input files, an archive's members as they are read (an unreadable archive is one failure)."""
    from caseminer.sources import SourceError
    from caseminer.sources.local import iter_local_files

    for entry in inputs:
        if isinstance(entry, InputFile):
            yield entry
            continue
        members = 0
        try:
            for member in iter_local_files(entry):
                members += 1
                name = f"{entry}/{PurePosixPath(member.name)}"
                yield InputFile(name, name, lambda data=member.data: data)
        except SourceError as error:
            counts.fail(str(error))
            continue
        if not members:
            counts.fail(f"{entry}: no article files in this archive")


def _extract_one(
    item: InputFile, nlp: Language, emit: Callable[[ExtractionResult, InputFile], None], counts: BatchCounts
) -> None:
    from caseminer.parsing import ParseError, parse_bytes
    from caseminer.pipeline.extract import extract_documents

    counts.inputs += 1
    try:
        documents = parse_bytes(item.read(), filename=item.filename)
    except OSError as error:
        counts.fail(f"{item.name}: cannot read: {error.strerror or error}")
        return
    except ParseError as error:
        counts.fail(str(error) if error.source else f"{item.name}: {error}")
        return

    def report_failure(document: Document, error: Exception) -> None:
        counts.fail(f"{item.name}: {document.doc_id}: extraction failed: {error}")

    for result in extract_documents(documents, nlp, on_error=report_failure):
        emit(result, item)


def _emitter(
    output_format: OutputFormat, out: Path | None, counts: BatchCounts
) -> Callable[[ExtractionResult, InputFile], None]:
    """Where each result goes: a JSON line on stdout, a file in `out`, or a table on stdout."""

    def json_line(result: ExtractionResult, _item: InputFile) -> None:
        sys.stdout.write(json.dumps(result.to_gold_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()  # a reader down the pipe gets each document as it is done
        counts.documents += 1

    def table(result: ExtractionResult, _item: InputFile) -> None:
        console.print(_patients_table(result))
        counts.documents += 1

    if output_format is OutputFormat.table:
        return table
    return json_line if out is None else _json_file_writer(out, counts)


def _json_file_writer(out: Path, counts: BatchCounts) -> Callable[[ExtractionResult, InputFile], None]:
    """`<doc_id>.json` files in `out`; a document id met twice in the batch keeps its first file."""

    def json_file(result: ExtractionResult, item: InputFile) -> None:
        name = f"{_UNSAFE_IN_FILE_NAME.sub('_', result.doc_id).lstrip('.') or 'document'}.json"
        if (first := counts.written.get(name)) is not None:
            counts.fail(
                f"{item.name}: document {result.doc_id} was already written from {first}; kept that one"
            )
            return
        try:
            (out / name).write_text(
                json.dumps(result.to_gold_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as error:
            counts.fail(f"{item.name}: cannot write {out / name}: {error.strerror or error}")
            return
        counts.written[name] = item.name
        counts.documents += 1

    return json_file


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
            ", ".join(f"no {p.text}" if p.excluded else p.text for p in patient.phenotypes),
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
