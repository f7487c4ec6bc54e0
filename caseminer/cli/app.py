"""The typer application object; command modules register on it."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

# Errors and progress go to stderr, so `--format json` output stays pipeable.
error_console = Console(stderr=True)


class ResultFormat(StrEnum):
    """How a command prints a tabular result: rich tables for people, csv or json for scripts."""

    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str) -> typer.Exit:
    """A one-line error on stderr and exit code 2; raise the returned exception."""
    error_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


class CaseminerGroup(TyperGroup):
    """The root command: an error of the database a command works on is one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            message = database_error_message(error)
            if message is None:
                raise
            raise fail(message) from None


def database_error_message(error: Exception) -> str | None:
    """What a user can act on in a database error (unreachable, locked, bad URL, unknown schema)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    if isinstance(error, OperationalError):
        detail = " ".join(str(error.orig).split())
        if "database is locked" in detail:
            return (
                "another run holds the database (it stayed locked for 30 s);"
                " try again when that run has finished"
            )
        return f"database unavailable: {detail}"
    if isinstance(error, ArgumentError | NoSuchModuleError):
        return f"database URL not usable: {error}"
    if isinstance(error, CommandError):
        return f"database schema: {error}"
    return None


app = typer.Typer(
    cls=CaseminerGroup,
    name="caseminer",
    help="Turn published case reports of a rare disease into a normalized patient registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

TopicOption = Annotated[str | None, typer.Option("--topic", help="a shipped topic name or a topic TOML file")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: CASEMINER_DATABASE_URL or sqlite:///caseminer.db)"),
]
