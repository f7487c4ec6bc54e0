"""Local bulk files: a directory or a .tar.gz (PMC open-access packages) of JATS / PubMed / BioC files.

Files are read in name order, never extracted to disk, so a malicious archive cannot write
outside its folder. A file's extension names its format (see caseminer.parsing.dispatch).
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from caseminer.parsing import ParseError, parse_bytes
from caseminer.parsing.dispatch import GZIP_MAGIC, gunzip
from caseminer.schemas.document import Document
from caseminer.sources.errors import SourceError

ARTICLE_SUFFIXES = (".xml", ".nxml", ".json", ".txt")


@dataclass(frozen=True)
class LocalFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class LocalDocuments:
    """The documents of one file, or the error that kept it from parsing."""

    name: str
    documents: list[Document]
    error: ParseError | None = None


def _is_article_name(name: str) -> bool:
    base = name.lower().removesuffix(".gz")
    return base.endswith(ARTICLE_SUFFIXES) and not Path(base).name.startswith(".")


def _maybe_gunzip(data: bytes) -> bytes:
    """Decompressed data; corrupt gzip stays as it is, for its parse to fail as that file's error
    (the files after it are still read)."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gunzip(data)
    except ParseError:
        return data


def article_files(directory: Path) -> list[Path]:
    """The article files under a directory (by extension, maybe .gz; not hidden ones), in name order."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and _is_article_name(p.name))


def is_tar_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith((".tar", ".tar.gz", ".tgz"))


def iter_local_files(path: str | Path) -> Iterator[LocalFile]:
    """(name, bytes) of every article file under a directory, or inside a tar / tar.gz archive."""
    path = Path(path)
    if path.is_dir():
        for file in article_files(path):
            yield LocalFile(str(file.relative_to(path)), _maybe_gunzip(file.read_bytes()))
    elif is_tar_archive(path):
        try:
            with tarfile.open(path, "r:*") as archive:
                for member in archive:
                    if member.isfile() and _is_article_name(member.name):
                        handle = archive.extractfile(member)
                        if handle is not None:
                            yield LocalFile(member.name, _maybe_gunzip(handle.read()))
        except (tarfile.TarError, EOFError, OSError) as error:
            raise SourceError(f"{path}: unreadable archive ({error})") from None
    elif path.is_file():
        yield LocalFile(path.name, _maybe_gunzip(path.read_bytes()))
    else:
        raise SourceError(f"{path}: no such file or directory")


def iter_local_documents(path: str | Path) -> Iterator[LocalDocuments]:
    """Parsed documents file by file; a file that does not parse is reported, never fatal."""
    for file in iter_local_files(path):
        try:
            yield LocalDocuments(file.name, parse_bytes(file.data, filename=file.name))
        except ParseError as error:
            yield LocalDocuments(file.name, [], error)
