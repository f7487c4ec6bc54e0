"""CLI commands: `caseminer sql`, `caseminer export`, `caseminer db upgrade`."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from caseminer.cli.app import DbOption, ResultFormat, app, error_console, fail
from caseminer.config import get_settings

console = Console()
db_app = typer.Typer(help="Registry database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    phenopackets = "phenopackets"


def _url(db: str | None) -> str:
    return db or get_settings().database_url


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], output: ResultFormat) -> None:
    if output is ResultFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output is ResultFormat.json:
        sys.stdout.write(
            json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, indent=2)
        )
        sys.stdout.write("\n")
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if value is None else str(value) for value in row))
        console.print(table)
        console.print(f"{len(rows)} row(s)")


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="one SQL statement; the database is opened read-only")],
    output: Annotated[ResultFormat, typer.Option("--format", help="table, csv or json")] = ResultFormat.table,
    db: DbOption = None,
) -> None:
    """Run a read-only SQL query against the registry (writes are refused)."""
    from caseminer.db import ReadOnlyViolation, SqlError, run_readonly_sql

    try:
        columns, rows = run_readonly_sql(_url(db), statement)
    except (ReadOnlyViolation, SqlError) as error:
        raise fail(str(error)) from error
    _print_rows(columns, rows, output)


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="directory to write into (created if missing)")],
    output: Annotated[
        ExportFormat, typer.Option("--format", help="csv, parquet or phenopackets")
    ] = ExportFormat.csv,
    db: DbOption = None,
) -> None:
    """Export the analyst views (CSV, Parquet) or one GA4GH Phenopacket v2 per patient."""
    from caseminer.db import make_engine
    from caseminer.export import export_csv, export_parquet, export_phenopackets

    exporter = {
        ExportFormat.csv: export_csv,
        ExportFormat.parquet: export_parquet,
        ExportFormat.phenopackets: export_phenopackets,
    }[output]
    engine = make_engine(_url(db))
    try:
        written = exporter(engine, out_dir)
    finally:
        engine.dispose()
    error_console.print(f"wrote {len(written)} file(s) to {out_dir}", highlight=False)


@db_app.command()
def upgrade(db: DbOption = None) -> None:
    """Create the registry schema or migrate it to the newest version."""
    from caseminer.db import init_db

    url = _url(db)
    init_db(url).dispose()
    console.print(f"database at newest schema: {url}")
