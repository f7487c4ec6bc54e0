"""The one error every parser raises: a one-line message a curator can act on."""

from __future__ import annotations


class ParseError(ValueError):
    """A document could not be parsed (empty, binary, malformed, unsafe or of an unknown format)."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        one_line = " ".join(message.split())
        super().__init__(f"{source}: {one_line}" if source else one_line)
