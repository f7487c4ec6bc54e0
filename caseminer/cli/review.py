"""CLI command: `caseminer review`, the review page on a local web server."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from caseminer.cli.app import DbOption, app, error_console
from caseminer.cli.store import _url
from caseminer.review.server import DEFAULT_HOST, DEFAULT_PORT

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def review(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="address to listen on; another than 127.0.0.1 shares the page")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = DEFAULT_PORT,
    curator: Annotated[
        str | None, typer.Option("--curator", help="who decides (default: the login name)")
    ] = None,
) -> None:
    """Serve the review page: each fact beside its evidence, accept / reject / correct from the keyboard."""
    from caseminer.db import init_db
    from caseminer.review import create_app
    from caseminer.review.server import serve

    engine = init_db(_url(db))
    name = curator or getpass.getuser()

    def started(url: str) -> None:
        error_console.print(
            f"review page for {name} at {url} (Ctrl-C stops it)", highlight=False, soft_wrap=True
        )
        if host not in LOOPBACK:
            error_console.print(
                f"[yellow]note:[/] the page has no login: whoever reaches {host}:{port} decides as {name}",
                highlight=False,
                soft_wrap=True,
            )

    try:
        serve(create_app(engine, name), host, port, on_started=started)
    except KeyboardInterrupt:  # uvicorn stops cleanly on Ctrl-C, then passes the signal on
        pass
    finally:
        engine.dispose()
    error_console.print("review page stopped", highlight=False)
