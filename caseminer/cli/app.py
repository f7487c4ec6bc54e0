"""The typer application object; command modules register on it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="caseminer",
    help="Turn published case reports of a rare disease into a normalized patient registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
