"""CLI commands: `caseminer curate status`, `curate links`, `curate export`, `curate import`."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from caseminer.cli.app import DbOption, ResultFormat, app, error_console, fail
from caseminer.cli.store import _print_rows, _url
from caseminer.curation.individuals import DEFAULT_MIN_SCORE

curate_app = typer.Typer(help="Curation: review extracted facts; decisions survive re-extraction.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(curate_app, name="curate")

CuratorOption = Annotated[str | None, typer.Option("--curator", help="who decides (default: the login name)")]


@curate_app.command()
def status(
    output: Annotated[ResultFormat, typer.Option("--format", help="table, csv or json")] = ResultFormat.table,
    db: DbOption = None,
) -> None:
    """List the curations that apply to nothing now (their fact is no longer extracted)."""
    from caseminer.curation import curation_status
    from caseminer.db import init_db, session_scope

    engine = init_db(_url(db))
    try:
        with session_scope(engine) as session:
            in_force, unmatched = curation_status(session)
            rows = [
                (u.curation.id, u.article, u.curation.patient_label, u.curation.field, u.curation.value,
                 u.curation.action, u.curation.curator, u.reason)
                for u in unmatched
            ]  # fmt: skip
    finally:
        engine.dispose()
    columns = ["curation", "article", "patient", "field", "value", "action", "curator", "reason"]
    _print_rows(columns, rows, output)
    error_console.print(
        f"{in_force} curation(s) in force, {len(rows)} need a look (their fact is no longer extracted)",
        highlight=False,
    )


@curate_app.command()
def links(
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="list candidates scoring at least this")
    ] = DEFAULT_MIN_SCORE,
    output: Annotated[ResultFormat, typer.Option("--format", help="table, csv or json")] = ResultFormat.table,
    db: DbOption = None,
) -> None:
    """List candidate links: patients of different articles who may be one individual, best first.

    Confirm one with status `merge` on its `individual` row of `caseminer curate export`, reject it
    with `split`; individuals_v then counts merged records once.
    """
    from caseminer.curation.individuals import candidate_links
    from caseminer.db import init_db, session_scope

    engine = init_db(_url(db))
    try:
        with session_scope(engine) as session:
            rows = [
                (f"{link.score:.2f}", link.first.name, link.second.name, link.decision, link.curator,
                 link.explanation)
                for link in candidate_links(session, min_score=min_score)
            ]  # fmt: skip
    finally:
        engine.dispose()
    _print_rows(["score", "patient", "same_as", "decision", "curator", "explanation"], rows, output)
    error_console.print(f"{len(rows)} candidate link(s) scoring {min_score:.2f} or more", highlight=False)


@curate_app.command("export")
def export_review(
    path: Annotated[Path, typer.Argument(help="review.xlsx or review.csv")],
    article: Annotated[str | None, typer.Option("--article", help="only this article (PMID:n, PMCn)")] = None,
    db: DbOption = None,
) -> None:
    """Write a review sheet: one row per fact with its evidence, a status and a correction to fill in."""
    from caseminer.curation import find_article_by_reference
    from caseminer.curation.sheet import SheetError, export_sheet
    from caseminer.db import init_db, session_scope

    engine = init_db(_url(db))
    try:
        with session_scope(engine) as session:
            article_id = None
            if article:
                found = find_article_by_reference(session, article)
                if found is None:
                    raise fail(f"no article {article!r} in the registry")
                article_id = found.id
            try:
                count = export_sheet(session, path, article_id)
            except SheetError as error:
                raise fail(str(error).removeprefix("line 0: ")) from None
    finally:
        engine.dispose()
    error_console.print(f"wrote {count} row(s) to {path}: one per fact, then per link", highlight=False)


@curate_app.command("import")
def import_review(
    path: Annotated[Path, typer.Argument(help="a review sheet filled in (.xlsx or .csv)")],
    curator: CuratorOption = None,
    db: DbOption = None,
) -> None:
    """Record the decisions of a review sheet, all or none: a bad row is named by its line."""
    from caseminer.curation.sheet import SheetError, import_sheet
    from caseminer.db import init_db, session_scope

    engine = init_db(_url(db))
    try:
        with session_scope(engine) as session:
            result = import_sheet(session, path, curator=curator or getpass.getuser())
    except SheetError as error:
        for line, message in error.problems:
            where = f"{path}:{line}: " if line else ""
            error_console.print(f"[red]error:[/] {where}{message}", highlight=False, soft_wrap=True)
        error_console.print("nothing was imported", highlight=False)
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    error_console.print(
        f"{result.applied} decision(s) recorded, {result.unchanged} already in force, "
        f"{result.rows} row(s) read",
        highlight=False,
    )
