"""Parse a file into Documents, in the format its extension names, else the one its content shows.

A file's extension decides: a `.txt` file is text even when it starts with "[" (PubMed writes
translated titles so: "[Girl with ...]"), a `.json` file is JSON. The content is sniffed only where
the name does not say: no name (a download, standard input), no or an unknown extension, and inside
XML (`.xml` may be JATS, PubMed or BioC XML, told apart by the root element).
"""

from __future__ import annotations

import codecs
import hashlib
import zlib
from pathlib import Path
from typing import Literal

from caseminer.parsing.bioc import (
    load_bioc_json,
    looks_like_pubtator_text,
    parse_bioc_records,
    read_bioc_xml,
    read_pubtator_text,
)
from caseminer.parsing.errors import ParseError
from caseminer.parsing.jats import JATS_ROOTS, parse_jats
from caseminer.parsing.pubmed import PUBMED_ROOTS, parse_pubmed
from caseminer.parsing.text import parse_text
from caseminer.parsing.xmlsafe import local_name, parse_xml
from caseminer.schemas.document import Document

InputFormat = Literal["xml", "json", "pubtator", "text"]

# Share of control characters above which bytes are treated as binary, not text.
_MAX_CONTROL_SHARE = 0.01
_SNIFF_BYTES = 8192


GZIP_MAGIC = b"\x1f\x8b"
# A decompressed file larger than this is refused (gzip bombs); PMC's largest articles are far smaller.
MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024


def gunzip(data: bytes) -> bytes:
    """Decompress gzip data, refusing corrupt input and anything inflating past MAX_DECOMPRESSED_BYTES."""
    decompressor = zlib.decompressobj(wbits=31)
    try:
        inflated = decompressor.decompress(data, MAX_DECOMPRESSED_BYTES)
    except zlib.error as error:
        raise ParseError(f"corrupt gzip data ({error})") from None
    if decompressor.unconsumed_tail:
        raise ParseError(f"gzip data inflates past {MAX_DECOMPRESSED_BYTES // 2**20} MB; refused")
    if not decompressor.eof:
        raise ParseError("truncated gzip data")
    return inflated


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse binary data."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError("binary or corrupt file (invalid UTF-16)") from None
    head = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    if b"\x00" in head or controls > _MAX_CONTROL_SHARE * len(head):
        raise ParseError("binary file, not text, XML or JSON")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(f"not UTF-8 text (invalid byte at offset {error.start})") from None


# What an extension says a file holds (after any ".gz"). ".txt" is text: plain, or PubTator's text
# format, which is recognised by its first line ("<pmid>|t|<title>") and is never JSON or XML.
FORMAT_OF_SUFFIX: dict[str, InputFormat] = {
    ".txt": "text",
    ".pubtator": "pubtator",
    ".json": "json",
    ".xml": "xml",
    ".nxml": "xml",
}


def format_of_name(filename: str | None) -> InputFormat | None:
    """The format a file name's extension names, or None where it names none we know."""
    if not filename:
        return None
    suffixes = [s.lower() for s in Path(filename).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return FORMAT_OF_SUFFIX.get(suffixes[-1]) if suffixes else None


def detect_format(text: str, filename: str | None = None) -> InputFormat:
    """The extension's format; the content's where the extension names none."""
    named = format_of_name(filename)
    if named == "text":
        return "pubtator" if looks_like_pubtator_text(text) else "text"
    if named is not None:
        return named
    stripped = text.lstrip()
    start = stripped[:1]
    if start == "<":
        return "xml"
    # A JSON list starts with a value ("[{", "[]"); "[Girl with ...]" is a translated title.
    if start == "{" or (start == "[" and stripped[1:].lstrip()[:1] in ("{", "[", "]", '"')):
        return "json"
    if looks_like_pubtator_text(text):
        return "pubtator"
    return "text"


def parse_bytes(data: bytes, *, filename: str | None = None, raw_sha256: str | None = None) -> list[Document]:
    """Parse one file's bytes (JATS, PubMed XML, BioC JSON/XML, PubTator, plain text; maybe gzipped)."""
    try:
        return _parse(data, filename=filename, raw_sha256=raw_sha256)
    except ParseError as error:
        if filename and error.source is None:
            raise ParseError(str(error), source=filename) from None
        raise


def _parse(data: bytes, *, filename: str | None, raw_sha256: str | None) -> list[Document]:
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    if not data.strip():
        raise ParseError("empty file")
    text = decode_text(data)
    if not text.strip():
        raise ParseError("empty file")
    fallback_id = _fallback_id(filename, data, raw_sha256)
    input_format = detect_format(text, filename)
    if input_format == "xml":
        root = parse_xml(
            data if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else text.encode()
        )
        name = local_name(root)
        if name in JATS_ROOTS:
            return parse_jats(root, fallback_id=fallback_id, raw_sha256=raw_sha256)
        if name in PUBMED_ROOTS:
            return parse_pubmed(root, fallback_id=fallback_id, raw_sha256=raw_sha256)
        if name == "collection":
            return parse_bioc_records(read_bioc_xml(root), fallback_id=fallback_id, raw_sha256=raw_sha256)
        raise ParseError(f"unknown XML format: root <{name}> is not a JATS, PubMed or BioC document")
    if input_format == "json":
        return parse_bioc_records(load_bioc_json(text), fallback_id=fallback_id, raw_sha256=raw_sha256)
    if input_format == "pubtator":
        return parse_bioc_records(read_pubtator_text(text), fallback_id=fallback_id, raw_sha256=raw_sha256)
    return [parse_text(text, fallback_id=fallback_id, raw_sha256=raw_sha256)]


def _fallback_id(filename: str | None, data: bytes, raw_sha256: str | None) -> str:
    if filename:
        name = Path(filename).name
        for suffix in (".gz", *FORMAT_OF_SUFFIX):
            if name.lower().endswith(suffix):
                name = name[: -len(suffix)]
        if name:
            return name
    return f"doc-{(raw_sha256 or hashlib.sha256(data).hexdigest())[:12]}"


def parse_file(path: str | Path) -> list[Document]:
    """Parse a file on disk; a missing or unreadable file is a ParseError too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(f"cannot read file: {error.strerror}", source=str(path)) from None
    return parse_bytes(data, filename=str(path), raw_sha256=hashlib.sha256(data).hexdigest())
