"""The typer application object; command modules register on it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="caseminer",
    help="Turn published case reports of a rare disease into a normalized patient registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Errors and progress go to stderr, so `--format json` output stays pipeable.
error_console = Console(stderr=True)

TopicOption = Annotated[str | None, typer.Option("--topic", help="a shipped topic name or a topic TOML file")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (default: CASEMINER_DATABASE_URL or sqlite:///caseminer.db)"),
]


def fail(message: str) -> typer.Exit:
    """A one-line error on stderr and exit code 2; raise the returned exception."""
    error_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)
