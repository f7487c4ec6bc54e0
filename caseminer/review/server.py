"""Serving the review app with uvicorn: in the foreground for `caseminer review`, or in a background
thread for the browser test and the screenshot script."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class _Server(uvicorn.Server):
    """uvicorn's server, saying where it listens once its socket is bound (not before)."""

    def __init__(self, app: FastAPI, host: str, port: int, on_started: Callable[[str], None] | None) -> None:
        super().__init__(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
        self._on_started = on_started

    @property
    def url(self) -> str:
        host, port = self.servers[0].sockets[0].getsockname()[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    async def startup(self, sockets: list[socket.socket] | None = None) -> Any:
        await super().startup(sockets)
        if self.started and self._on_started is not None:
            self._on_started(self.url)


def serve(
    app: FastAPI,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_started: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C); `on_started` gets the page's URL once it is listening."""
    _Server(app, host, port, on_started).run()


@contextmanager
def serving_in_background(app: FastAPI, host: str = DEFAULT_HOST, port: int = 0) -> Iterator[str]:
    """Serve `app` from a thread while the block runs; yields its base URL (port 0: a free one)."""
    server = _Server(app, host, port, None)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the review server did not start on {host}:{port}")
        time.sleep(0.05)
    try:
        yield server.url.rstrip("/")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
