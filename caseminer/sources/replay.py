"""Cassettes: recorded HTTP responses replayed instead of the network (format in docs/architecture.md).

```
cassette/index.jsonl      one JSON object per response, in recording order
cassette/bodies/<sha256>  the body bytes exactly as received
```

A request matches on method, URL and params, ignoring `tool`, `email` and `api_key`. Several lines
for one request are served in order and the last one repeats (a 429 then a 200 replays as such).
A line with `"unreachable": "<reason>"` instead of a response replays a host that could not be
reached (as a refused connection or an unresolvable name does live).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from caseminer.sources.errors import CassetteMiss
from caseminer.sources.http import IDENTITY_PARAMS, HostUnreachable, HttpRequest, Transport, TransportResponse

INDEX = "index.jsonl"
BODIES = "bodies"

RequestKey = tuple[str, str, tuple[tuple[str, str], ...]]


def request_key(method: str, url: str, params: dict[str, Any] | None) -> RequestKey:
    kept = tuple(sorted((k, str(v)) for k, v in (params or {}).items() if k not in IDENTITY_PARAMS))
    return method.upper(), url, kept


def _describe(request: HttpRequest) -> str:
    kept = {k: v for k, v in request.params.items() if k not in IDENTITY_PARAMS}
    return f"{request.method} {request.url} {json.dumps(kept, sort_keys=True)}"


class ReplayTransport:
    is_live = False

    def __init__(self, cassette_dir: str | Path) -> None:
        self.cassette_dir = Path(cassette_dir)
        index = self.cassette_dir / INDEX
        if not index.is_file():
            raise CassetteMiss(f"no cassette index at {index}")
        self._responses: dict[RequestKey, list[dict[str, Any]]] = defaultdict(list)
        for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                key = request_key(entry.get("method", "GET"), entry["url"], entry.get("params"))
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise CassetteMiss(f"{index}:{number}: malformed cassette line ({error})") from None
            self._responses[key].append(entry)
        self._served: dict[RequestKey, int] = defaultdict(int)
        self._lock = threading.Lock()

    def send(self, request: HttpRequest) -> TransportResponse:
        key = request_key(request.method, request.url, request.params)
        with self._lock:
            entries = self._responses.get(key)
            if not entries:
                raise CassetteMiss(f"no recorded response for {_describe(request)} in {self.cassette_dir}")
            entry = entries[min(self._served[key], len(entries) - 1)]
            self._served[key] += 1
        if "unreachable" in entry:
            raise HostUnreachable(str(entry["unreachable"]))
        body_path = self.cassette_dir / BODIES / entry["body_sha256"]
        try:
            body = body_path.read_bytes()
        except FileNotFoundError:
            raise CassetteMiss(f"cassette body {body_path} is missing for {_describe(request)}") from None
        return TransportResponse(int(entry.get("status", 200)), dict(entry.get("headers") or {}), body)


class RecordingTransport:
    """Sends through `inner` and appends every response (or unreachable host) to a cassette."""

    def __init__(self, inner: Transport, cassette_dir: str | Path) -> None:
        self.inner = inner
        self.is_live = inner.is_live
        self.cassette_dir = Path(cassette_dir)
        (self.cassette_dir / BODIES).mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def send(self, request: HttpRequest) -> TransportResponse:
        entry: dict[str, Any] = {
            "method": request.method,
            "url": request.url,
            "params": {k: v for k, v in request.params.items() if k not in IDENTITY_PARAMS},
        }
        try:
            response = self.inner.send(request)
        except HostUnreachable as error:
            self._append({**entry, "unreachable": str(error)})
            raise
        sha256 = hashlib.sha256(response.body).hexdigest()
        entry["status"] = response.status
        entry["headers"] = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
        entry["body_sha256"] = sha256
        self._append(entry, response.body)
        return response

    def _append(self, entry: dict[str, Any], body: bytes | None = None) -> None:
        with self._lock:
            if body is not None:
                (self.cassette_dir / BODIES / entry["body_sha256"]).write_bytes(body)
            with (self.cassette_dir / INDEX).open("a", encoding="utf-8") as index:
                index.write(json.dumps(entry, ensure_ascii=False) + "\n")


# Headers worth replaying; others (cookies, server ids) are noise or private.
_KEPT_HEADERS = frozenset({"content-type", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining"})
