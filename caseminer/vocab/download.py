"""`caseminer vocab download`: fetch official vocabulary releases, recording each file's release.

The files land in one directory with a ``manifest.json`` ({name: {url, file, release, sha256}});
``caseminer vocab build --source-dir DIR`` (or the default downloads dir) builds from them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

DOWNLOAD_MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Release:
    name: str
    url: str
    file: str


def official_releases(mesh_year: int | None = None) -> list[Release]:
    year = mesh_year or dt.date.today().year
    mesh = "https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/xmlmesh"
    return [
        Release("mondo", "https://purl.obolibrary.org/obo/mondo.obo", "mondo.obo"),
        Release(
            "mondo_sssom",
            "https://github.com/monarch-initiative/mondo/releases/latest/download/mondo.sssom.tsv",
            "mondo.sssom.tsv",
        ),
        Release("hpo", "https://purl.obolibrary.org/obo/hp.obo", "hp.obo"),
        Release("mesh_desc", f"{mesh}/desc{year}.xml", f"desc{year}.xml"),
        Release("mesh_supp", f"{mesh}/supp{year}.xml", f"supp{year}.xml"),
        Release(
            "hgnc",
            "https://storage.googleapis.com/public-download-files/hgnc/tsv/tsv/hgnc_complete_set.txt",
            "hgnc_complete_set.txt",
        ),
    ]


class DownloadError(RuntimeError):
    """An official release could not be fetched."""


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=2, max=60),
    reraise=True,
)
def _fetch(url: str, target: Path) -> str:
    """Stream `url` into `target` (via a .part file); returns the sha256 of the body."""
    digest = hashlib.sha256()
    partial = target.with_suffix(target.suffix + ".part")
    with requests.get(url, stream=True, timeout=(15, 300)) as response:
        if response.status_code != 200:
            raise DownloadError(f"GET {url} -> HTTP {response.status_code}")
        with partial.open("wb") as handle:
            for chunk in response.iter_content(chunk_size=1 << 20):
                digest.update(chunk)
                handle.write(chunk)
    partial.replace(target)
    return digest.hexdigest()


def release_of(path: Path, name: str) -> str:
    """The release stated inside a downloaded file (OBO data-version, MeSH year, HGNC date)."""
    with path.open("rb") as handle:
        head = handle.read(64_000).decode("utf-8", errors="replace")
    if match := re.search(r"^data-version:\s*(\S+)", head, re.MULTILINE):
        return match.group(1)
    if match := re.search(r"mapping_set_version:\s*(\S+)", head):
        return match.group(1)
    if match := re.search(r"<(?:DescriptorRecordSet|SupplementalRecordSet) LanguageCode=\"\w+\"", head):
        year = re.search(r"(\d{4})", path.name)
        return f"MeSH {year.group(1)}" if year else match.group(0)
    return f"downloaded {dt.date.today().isoformat()}" if name == "hgnc" else "unknown"


def download_releases(target_dir: Path, releases: list[Release] | None = None) -> dict[str, dict[str, Any]]:
    target_dir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, Any]] = {}
    for release in releases or official_releases():
        path = target_dir / release.file
        sha256 = _fetch(release.url, path)
        manifest[release.name] = {
            "url": release.url,
            "file": release.file,
            "sha256": sha256,
            "release": release_of(path, release.name),
        }
    (target_dir / DOWNLOAD_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def read_manifest(directory: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((directory / DOWNLOAD_MANIFEST).read_text())
    missing = {"mondo", "hpo", "mesh_desc", "mesh_supp", "hgnc"} - set(manifest)
    if missing:
        raise DownloadError(
            f"{directory / DOWNLOAD_MANIFEST} lacks {sorted(missing)}; run `caseminer vocab download` again"
        )
    return manifest
