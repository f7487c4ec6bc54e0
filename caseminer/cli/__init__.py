"""The `caseminer` command. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="caseminer",
    help="Turn published case reports of a rare disease into a normalized patient registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
