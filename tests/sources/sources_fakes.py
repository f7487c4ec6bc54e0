"""Test doubles for the source tests: a fake clock and a scripted transport (no network, no wall time)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from caseminer.sources.http import HttpRequest, TransportResponse


@dataclass
class FakeClock:
    """Time that only moves when someone sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Responder = Callable[[HttpRequest], TransportResponse]


class ScriptedTransport:
    """Answers each request with `responder(request)` and remembers when (fake time) it was sent."""

    is_live = True

    def __init__(self, responder: Responder, clock: FakeClock | None = None) -> None:
        self.responder = responder
        self.clock = clock
        self.requests: list[HttpRequest] = []
        self.sent_at: list[float] = []

    def send(self, request: HttpRequest) -> TransportResponse:
        self.requests.append(request)
        if self.clock is not None:
            self.sent_at.append(self.clock())
        return self.responder(request)


def ok(body: bytes | str, content_type: str = "application/json", status: int = 200) -> TransportResponse:
    data = body.encode() if isinstance(body, str) else body
    return TransportResponse(status, {"Content-Type": content_type}, data)


def write_cassette(
    directory: Path, entries: list[tuple[str, dict, int, bytes]], headers: dict | None = None
) -> None:
    """A cassette in the docs/architecture.md format from (url, params, status, body) tuples."""
    root = Path(directory)
    (root / "bodies").mkdir(parents=True, exist_ok=True)
    with (root / "index.jsonl").open("w") as index:
        for url, params, status, body in entries:
            sha256 = hashlib.sha256(body).hexdigest()
            (root / "bodies" / sha256).write_bytes(body)
            line = {
                "method": "GET",
                "url": url,
                "params": params,
                "status": status,
                "headers": headers or {"Content-Type": "application/json"},
                "body_sha256": sha256,
            }
            index.write(json.dumps(line) + "\n")
