"""The raw archive: every response body, gzip-compressed and addressed by its sha256.

`bodies/ab/cdef....gz` holds the body; `bodies/ab/cdef....json` its metadata (url, time, status,
source, content type). Storing the same body twice is a no-op, so re-running a fetch never
duplicates, and re-parsing reads from here instead of refetching.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from caseminer.schemas.sources import RawRecord, SourceName

_BODIES = "bodies"


class RawArchive:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _relative_path(self, sha256: str) -> str:
        return f"{_BODIES}/{sha256[:2]}/{sha256[2:]}.gz"

    def put(
        self,
        body: bytes,
        *,
        url: str,
        source: SourceName,
        status: int = 200,
        content_type: str | None = None,
        fetched_at: datetime | None = None,
    ) -> RawRecord:
        """Store a body (idempotent: a body already stored keeps its first metadata)."""
        sha256 = hashlib.sha256(body).hexdigest()
        relative = self._relative_path(sha256)
        body_path = self.root / relative
        meta_path = body_path.with_suffix(".json")
        if meta_path.exists():
            return RawRecord.model_validate_json(meta_path.read_text())
        record = RawRecord(
            sha256=sha256,
            url=url,
            source=source,
            status=status,
            content_type=content_type,
            fetched_at=fetched_at or datetime.now(UTC),
            size=len(body),
            path=relative,
        )
        body_path.parent.mkdir(parents=True, exist_ok=True)
        # gzip with mtime=0 keeps the stored file identical for identical bodies.
        _atomic_write(body_path, gzip.compress(body, mtime=0))
        _atomic_write(meta_path, record.model_dump_json(indent=None).encode())
        return record

    def get(self, sha256: str) -> bytes:
        path = self.root / self._relative_path(sha256)
        try:
            return gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise KeyError(f"no archived body with sha256 {sha256}") from None

    def record(self, sha256: str) -> RawRecord:
        path = (self.root / self._relative_path(sha256)).with_suffix(".json")
        try:
            return RawRecord.model_validate_json(path.read_text())
        except FileNotFoundError:
            raise KeyError(f"no archived record with sha256 {sha256}") from None

    def __contains__(self, sha256: str) -> bool:
        return (self.root / self._relative_path(sha256)).with_suffix(".json").exists()

    def iter_records(self) -> Iterator[RawRecord]:
        for meta_path in sorted((self.root / _BODIES).glob("*/*.json")):
            yield RawRecord.model_validate(json.loads(meta_path.read_text()))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves a half-written body."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
