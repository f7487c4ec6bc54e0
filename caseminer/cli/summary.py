"""The result of a run (`ingest`, `nightly`, `backfill`, `reextract`): its counts, recorded failures
and per-patient table, for people (tables that fit the terminal) or whole for scripts (csv, json).

A table never cuts a header ("patie…"): a column is at least as wide as its header and its words,
and longer cells fold onto more lines; where that does not fit, the least needed columns are left out
and the table says which. csv and json give every patient and every column on stdout, the counts on stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from caseminer.cli.app import ResultFormat, error_console
from caseminer.pipeline.work import PatientSummary, RunSummary

PATIENT_ROWS_SHOWN = 60
# A column is at least as wide as its longest word up to this width (a PMC id, most variants).
WORD_WIDTH = 12
COUNT_NAMES = ("found", "new", "updated", "unchanged", "failed", "documents")
# The per-patient table's columns, the most needed first: the last ones go first when space is short.
PATIENT_COLUMNS = (
    ("doc", "doc_id"),
    ("patient", "patient"),
    ("variant", "variant"),
    ("phenotypes", "phenotypes"),
    ("sex", "sex"),
    ("outcome", "outcome"),
    ("onset", "onset"),
    ("HSCT", "hsct"),
)


def print_summaries(summaries: Sequence[RunSummary], output: ResultFormat, console: Console) -> None:
    """Each run's summary: tables on `console`, or csv / json on stdout (counts on stderr)."""
    if output is ResultFormat.json:
        for summary in summaries:
            sys.stdout.write(json.dumps(summary_record(summary), default=_json_value) + "\n")
    elif output is ResultFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["run_id", *(field for _, field in PATIENT_COLUMNS)])
        for summary in summaries:
            writer.writerows([summary.run_id, *_patient_cells(row)] for row in summary.patients)
    for summary in summaries:
        if output is ResultFormat.table:
            _print_tables(summary, console)
        else:
            _print_tables(summary, error_console, patients=False)


def summary_record(summary: RunSummary) -> dict[str, Any]:
    """The whole summary as one JSON object: counts, seconds per stage, failures, every patient."""
    return asdict(summary)


def _json_value(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _patient_cells(row: PatientSummary) -> list[str]:
    hsct = "" if row.hsct is None else ("yes" if row.hsct else "no")
    values = {**asdict(row), "hsct": hsct, "phenotypes": str(row.phenotypes)}
    return ["" if values[field] is None else values[field] for _, field in PATIENT_COLUMNS]


def _print_tables(summary: RunSummary, console: Console, *, patients: bool = True) -> None:
    seconds = sum(summary.durations.values())
    title = f"run {summary.run_id} of {summary.topic}: {summary.status} in {seconds:.1f} s"
    console.print(_counts_table(summary, title, console.width))
    for error in summary.failed_sources.values():  # each names its source
        console.print(f"search failed: {error}", style="red", highlight=False, soft_wrap=True)
    if summary.failures:
        failures = _fitting_table(
            ["source", "id", "stage", "error"],
            [[n.source, n.source_id, n.stage, n.error[:120]] for n in summary.failures[:20]],
            console.width,
            title="recorded failures (retried next run)",
        )
        console.print(failures)
    if patients and summary.patients:
        shown = summary.patients[:PATIENT_ROWS_SHOWN]
        headers = [header for header, _ in PATIENT_COLUMNS]
        rows = [_patient_cells(row) for row in shown]
        console.print(_fitting_table(headers, rows, console.width, title="patients"))
        if len(summary.patients) > PATIENT_ROWS_SHOWN:
            console.print(
                f"... {len(summary.patients) - PATIENT_ROWS_SHOWN} more (`--format csv` or `caseminer sql`)"
            )
    if summary.links:
        _print_links(summary, console, table=patients)


def _print_links(summary: RunSummary, console: Console, *, table: bool) -> None:
    """The candidate individual links: records of two articles that may be one person."""
    count = len(summary.links)
    plural = "s" * (count != 1)
    title = f"{count} candidate individual link{plural} (`caseminer curate links`): the same person twice?"
    if not table:
        console.print(title, highlight=False, soft_wrap=True)
        return
    rows = [
        [f"{link.score:.2f}", link.first, link.second, link.decision or "", link.explanation]
        for link in summary.links[:PATIENT_ROWS_SHOWN]
    ]
    headers = ["score", "patient", "same as", "decision", "why"]
    console.print(_fitting_table(headers, rows, console.width, title))


def _counts_table(summary: RunSummary, title: str, width: int) -> Table:
    """One row of counts where they fit side by side, else one count per line."""
    if _table_width(len(name) for name in COUNT_NAMES) <= width:
        table = Table(title=title)
        for name in COUNT_NAMES:
            table.add_column(name, justify="right", min_width=len(name))
        table.add_row(*(str(getattr(summary, name)) for name in COUNT_NAMES))
        return table
    table = Table("count", "", title=title)
    for name in COUNT_NAMES:
        table.add_row(name, str(getattr(summary, name)))
    return table


def _fitting_table(headers: list[str], rows: list[list[str]], width: int, title: str) -> Table:
    """A table of the first columns that fit `width`, each as wide as its header and its longest word
    (up to WORD_WIDTH: ids and variants stay whole); longer cells fold onto more lines."""
    floors = [
        max(len(header), *(min(_longest_word(row[i]), WORD_WIDTH) for row in rows))
        for i, header in enumerate(headers)
    ]
    kept = len(headers)
    while kept > 1 and _table_width(floors[:kept]) > width:
        kept -= 1
    widths = floors[:kept]
    spare = width - _table_width(widths)
    for i in range(kept):  # what is left goes to the longer cells, the most needed columns first
        longest = max((len(row[i]) for row in rows), default=0)
        grown = min(max(widths[i], longest), widths[i] + max(spare, 0))
        spare -= grown - widths[i]
        widths[i] = grown
    left_out = headers[kept:]
    caption = f"left out at this width: {', '.join(left_out)} (`--format csv` has them)" if left_out else None
    table = Table(title=title, caption=caption)
    for header, column_width in zip(headers[:kept], widths, strict=True):
        table.add_column(header, width=column_width, overflow="fold")
    for row in rows:
        table.add_row(*row[:kept])
    return table


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _table_width(column_widths: Iterable[int]) -> int:
    """The width of a table of columns this wide: a border before each, one after, a space each side."""
    widths = list(column_widths)
    return sum(widths) + 3 * len(widths) + 1
