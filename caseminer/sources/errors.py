"""Errors of the literature sources, each with a one-line message naming the request."""

from __future__ import annotations


class SourceError(RuntimeError):
    """A source could not deliver: network failure after retries, HTTP error, unusable response."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(" ".join(message.split()))


class ServiceErrorResponse(SourceError):
    """The service answered (often with HTTP 200) but the body is an error message."""


class CassetteMiss(SourceError):
    """Replay mode: the cassette holds no recorded response for this request."""


class SourceUnreachable(SourceError):
    """The service's host could not be reached at all (name does not resolve, connection refused):
    no retry helps within a run, so the client reports it at once and fails fast from then on."""
