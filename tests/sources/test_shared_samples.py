"""Every recorded response in ../shared/samples is read by the code that handles it, or recognised
as an error response (or as a service caseminer does not call) with a clear message."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from caseminer.parsing import ParseError, parse_bytes
from caseminer.sources.errors import ServiceErrorResponse
from caseminer.sources.europepmc import parse_search_page, raise_for_error_bean
from caseminer.sources.eutils import docsum_errors, parse_esearch, raise_for_eutils_error
from caseminer.sources.pubtator import annotations_from_biocjson

pytestmark = pytest.mark.shared


def _article(body: bytes) -> None:
    documents = parse_bytes(body)
    assert documents and all(d.title and not d.ids.is_empty() for d in documents)


def _pubtator_export(body: bytes) -> None:
    _article(body)
    (annotations,) = annotations_from_biocjson(body)
    (document,) = parse_bytes(body)
    assert annotations.mentions
    assert all(document.text[m.start : m.end] == m.text for m in annotations.mentions)


def _eutils_error(body: bytes) -> None:
    with pytest.raises(ServiceErrorResponse, match="E-utilities error: "):
        raise_for_eutils_error(body)


def _europepmc_error(body: bytes) -> None:
    with pytest.raises(ServiceErrorResponse, match="not open access"):
        raise_for_error_bean(body)


def _europepmc_search(body: bytes) -> None:
    page = parse_search_page(body)
    assert len(page.hits) <= page.hit_count
    assert all(not hit.ids.is_empty() for hit in page.hits)
    assert (page.next_cursor is None) == (page.hit_count <= len(page.hits))


def _esearch(body: bytes) -> None:
    result = parse_esearch(body)
    assert result.count >= len(result.ids) and all(uid.isdigit() for uid in result.ids)
    if result.count == 0:
        assert result.warnings


def _vcr_cassette(body: bytes) -> None:
    (interaction,) = yaml.safe_load(body)["interactions"]
    assert interaction["response"]["headers"]["X-RateLimit-Limit"] == ["3"]
    _esearch(interaction["response"]["body"]["string"].encode())


def _eutils_ok(body: bytes) -> None:
    raise_for_eutils_error(body)  # elink / epost / esummary: valid, no error inside


def _esummary_with_bad_id(body: bytes) -> None:
    raise_for_eutils_error(body)
    assert docsum_errors(body) == {"1": "cannot get document summary"}


def _not_used_by_caseminer(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"unknown XML format|not BioC"):
        parse_bytes(body)


# First matching pattern wins; every sample must match one.
HANDLERS: list[tuple[str, Callable[[bytes], None]]] = [
    ("europepmc/error_*", _europepmc_error),
    ("europepmc/search_*", _europepmc_search),
    ("europepmc/*", _article),
    ("eutils/error_*", _eutils_error),
    ("eutils/esearch_*", _esearch),
    ("eutils/vcr_cassette_esearch_*", _vcr_cassette),
    ("eutils/esummary_pmc_v2.0_one_bad_id.xml", _esummary_with_bad_id),
    ("eutils/esummary_*", _eutils_ok),
    ("eutils/elink_*", _eutils_ok),
    ("eutils/epost_*", _eutils_ok),
    ("eutils/efetch_pubmed_*", _article),
    ("pmc/efetch_pmc_*", _article),
    ("pmc/oa_fcgi_error_*", _not_used_by_caseminer),
    ("pmc/aws_opendata_*", _not_used_by_caseminer),
    ("pubtator3/biocjson_*", _pubtator_export),
    ("pubtator3/pubtator_format_*", _article),
    ("idconv/*", _not_used_by_caseminer),
    ("crossref/*", _not_used_by_caseminer),
]


def _sample_names(samples_dir: Path) -> list[str]:
    return sorted(
        str(path.relative_to(samples_dir))
        for path in samples_dir.rglob("*")
        if path.is_file() and path.parent != samples_dir
    )


def test_every_sample_has_a_handler(samples_dir: Path):
    names = _sample_names(samples_dir)
    assert len(names) >= 57
    unhandled = [name for name in names if not any(fnmatch.fnmatch(name, pattern) for pattern, _ in HANDLERS)]
    assert unhandled == []


def test_every_sample_is_read_or_recognised(samples_dir: Path):
    for name in _sample_names(samples_dir):
        handler = next(handler for pattern, handler in HANDLERS if fnmatch.fnmatch(name, pattern))
        try:
            handler((samples_dir / name).read_bytes())
        except Exception as error:
            raise AssertionError(f"{name}: {handler.__name__} failed: {error}") from error
