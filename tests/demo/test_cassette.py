"""The shipped demo cassette replays through the real clients and is exactly what the builder makes."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

from caseminer.demo import DEMO_DIR, demo_cassette_dir, demo_topic
from caseminer.parsing import parse_bytes
from caseminer.sources.clients import make_clients
from caseminer.sources.fetch import fetch_article
from caseminer.sources.replay import INDEX, ReplayTransport, request_key
from caseminer.sources.search import search_topic

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_demo_cassette", REPO_ROOT / "scripts" / "build_demo_cassette.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _CountingReplay(ReplayTransport):
    """Replay that remembers which recorded requests were asked for."""

    def __init__(self, cassette_dir: Path) -> None:
        super().__init__(cassette_dir)
        self.asked: list = []

    def send(self, request):
        self.asked.append(request_key(request.method, request.url, request.params))
        return super().send(request)


def _ingest_sources(transport, archive):
    clients = make_clients(archive=archive, transport=transport)
    hits = list(search_topic(demo_topic(), clients))
    return hits, {hit.ids.key: fetch_article(hit, clients) for hit in hits}


def test_demo_topic_has_a_fixed_window():
    topic = demo_topic()
    assert topic.end_date is not None, "a moving end date would change the recorded search requests"
    assert topic.gene_ids == ["NCBIGene:50943"]


def test_every_ingest_request_is_served_and_every_recording_is_used(archive, reports):
    transport = _CountingReplay(demo_cassette_dir())
    hits, records = _ingest_sources(transport, archive)
    recorded = {
        request_key(entry["method"], entry["url"], entry["params"])
        for entry in map(json.loads, (demo_cassette_dir() / INDEX).read_text().splitlines())
    }
    assert set(transport.asked) == recorded
    assert sorted(hit.ids.pmid for hit in hits) == sorted(report.pmid for report in reports)
    assert all(records.values())


def test_replayed_articles_parse_into_their_intended_scope(archive, reports):
    _hits, records = _ingest_sources(ReplayTransport(demo_cassette_dir()), archive)
    by_pmid = {report.pmid: report for report in reports}
    for raw_records in records.values():
        article = raw_records[0]
        documents = parse_bytes(archive.get(article.sha256))
        assert len(documents) == 1
        document = documents[0]
        report = by_pmid[document.ids.pmid]
        assert document.text_scope == report.text_scope, report.pmid
        assert document.title and document.title.rstrip(".") == report.title  # PubMed ends titles with "."
        if report.text_scope == "full":
            assert "case" in {section.kind for section in document.sections}
        annotated = [record for record in raw_records[1:] if record.source == "pubtator3"]
        assert bool(annotated) == report.in_pubtator


def test_full_text_source_follows_what_the_services_hold(archive, reports):
    _hits, records = _ingest_sources(ReplayTransport(demo_cassette_dir()), archive)
    sources = {report.pmid: records[_key(report)][0].source for report in reports}
    expected = {
        report.pmid: "europepmc" if report.full_text == "europepmc" else report.full_text or "pubmed"
        for report in reports
    }
    assert sources == expected
    assert set(sources.values()) == {"europepmc", "pmc", "pubmed"}


def _key(report) -> str:
    return report.pmcid or f"PMID{report.pmid}"


def test_rebuilt_cassette_is_byte_identical(tmp_path):
    builder = _load_builder()
    rebuilt = tmp_path / "cassette"
    builder.build_cassette(rebuilt)
    shipped = demo_cassette_dir()
    files = sorted(path.relative_to(shipped) for path in shipped.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(rebuilt) for path in rebuilt.rglob("*") if path.is_file())
    for name in files:
        assert (shipped / name).read_bytes() == (rebuilt / name).read_bytes(), name


def test_cassette_is_small():
    size = sum(path.stat().st_size for path in demo_cassette_dir().rglob("*") if path.is_file())
    assert size < 1_000_000


def test_package_data_globs_cover_every_demo_file():
    """pyproject's package-data must ship the topic and every cassette body in the wheel."""
    globs = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "caseminer"
    ]
    package_root = DEMO_DIR.parents[1]
    shipped = {path for pattern in globs for path in package_root.glob(pattern) if path.is_file()}
    demo_files = {path for path in DEMO_DIR.rglob("*") if path.is_file()}
    assert demo_files and demo_files <= shipped
