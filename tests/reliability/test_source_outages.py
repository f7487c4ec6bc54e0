"""A source down (its search answers 503 for good, or its host cannot be reached): the other sources'
articles are stored, the failure is recorded in `failures` and the run's row, the failed source's
watermark stays, and the next run, with the source back, ends with the counts of a run that never
saw the outage. The services are the project's synthetic stand-ins (caseminer.demo), answering as the
real endpoints do; the command-line tests replay cassettes recorded from them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ingest_fixtures import make_settings, registry_snapshot, subprocess_env
from sqlalchemy import select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import Article, Failure, IngestRun
from caseminer.db.repository import get_watermark
from caseminer.demo import Fault, SyntheticService, demo_topic, generate_reports
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.resources import store_engine
from caseminer.pipeline.work import RunSummary
from caseminer.sources import RecordingTransport
from caseminer.sources.http import HostUnreachable, HttpRequest, Transport, TransportResponse
from caseminer.sources.search import SEARCH_SOURCES
from caseminer.sources.topic import Topic

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

EUROPE_PMC_HOST = "www.ebi.ac.uk"
FIRST_NIGHT, SECOND_NIGHT = date(2015, 1, 31), date(2015, 2, 28)


class Unreachable:
    """A transport that cannot reach one host (as offline, or with that host's name unresolvable)."""

    def __init__(self, inner: Transport, host: str) -> None:
        self.inner, self.host, self.is_live = inner, host, inner.is_live

    def send(self, request: HttpRequest) -> TransportResponse:
        if urlsplit(request.url).netloc == self.host:
            raise HostUnreachable(f"{self.host}: name does not resolve")
        return self.inner.send(request)


def _open_topic() -> Topic:
    return Topic.model_validate({**demo_topic().model_dump(), "end_date": None})


def _service() -> SyntheticService:
    """Three reports indexed before the first night; three more indexed before the second."""
    reports = generate_reports(6, seed=43)
    service = SyntheticService(reports[:3])
    service.add_reports(replace(r, indexed=date(2015, 2, 10)) for r in reports[3:])
    return service


def _night(settings: Settings, transport: Transport, until: date, nlp: Any) -> RunSummary:
    return ingest_topic(
        _open_topic(), settings=settings, transport=transport, incremental=True, until=until, nlp=nlp
    )


def _watermarks(settings: Settings) -> dict[str, str | None]:
    with session_scope(store_engine(settings.database_url)) as session:
        return {source: get_watermark(session, _open_topic().name, source) for source in SEARCH_SOURCES}


# Provenance differs by design: during the outage PubMed and PMC listed the articles (article_sources)
# and PubMed records were fetched (raw_responses); failures count attempts.
PROVENANCE_TABLES = {"article_sources", "raw_responses", "failures"}


def _table_counts(settings: Settings) -> dict[str, int]:
    """Rows per registry table: articles, documents, extractions, patients and each kind of fact."""
    snapshot = registry_snapshot(store_engine(settings.database_url))
    return {table: sum(rows.values()) for table, rows in snapshot.items() if table not in PROVENANCE_TABLES}


def _articles(settings: Settings) -> Counter[tuple[str | None, str | None]]:
    with session_scope(store_engine(settings.database_url)) as session:
        return Counter(session.execute(select(Article.pmid, Article.pmcid)).tuples())


@sqlite_only
@pytest.mark.parametrize("outage", ["503", "unreachable"])
def test_a_source_down_leaves_the_others_stored_and_the_next_night_catches_up(
    settings: Settings, nlp: Any, tmp_path: Path, outage: str
) -> None:
    calm = make_settings(tmp_path / "calm", f"sqlite:///{tmp_path / 'calm.db'}", settings.resolved_vocab_path)
    for night in (FIRST_NIGHT, SECOND_NIGHT):  # the reference: nights without an outage
        assert _night(calm, _service(), night, nlp).status == "succeeded"

    service = _service()
    assert _night(settings, service, FIRST_NIGHT, nlp).status == "succeeded"
    if outage == "503":
        service.inject("/search", *[Fault.http_status(503)] * 6)  # every attempt of the search
        down: Transport = service
    else:
        down = Unreachable(service, EUROPE_PMC_HOST)
    second = _night(settings, down, SECOND_NIGHT, nlp)

    assert (second.status, second.sources, list(second.failed_sources)) == (
        "partial",
        ["pubmed", "pmc"],
        ["europepmc"],
    )
    expected = (
        "failed after 6 attempts: HTTP 503" if outage == "503" else "cannot reach europepmc (no network?)"
    )
    assert expected in second.failed_sources["europepmc"]
    # PubMed's and PMC's hits of the second night are stored (their full text from PMC when Europe PMC
    # cannot be reached), so the registry holds the articles of the reference.
    assert second.new >= 3 and second.failed == 0
    assert set(_articles(settings)) == set(_articles(calm))
    assert _watermarks(settings) == {"europepmc": "2015-01-31", "pubmed": "2015-02-28", "pmc": "2015-02-28"}
    with session_scope(store_engine(settings.database_url)) as session:
        run = session.get(IngestRun, second.run_id)
        assert run is not None and run.status == "partial" and list(run.failed_sources) == ["europepmc"]
        pending = session.scalars(select(Failure).where(Failure.resolved.is_(False))).all()
        assert [(f.source, f.source_id, f.stage) for f in pending] == [("europepmc", "ipex-demo", "search")]

    # The source is back: the next night searches Europe PMC from its own watermark and ends where the
    # nights without an outage ended.
    caught_up = _night(settings, service, SECOND_NIGHT, nlp)
    assert (caught_up.status, caught_up.failed_sources) == ("succeeded", {})
    assert caught_up.since == FIRST_NIGHT
    assert _articles(settings) == _articles(calm)
    assert _table_counts(settings) == _table_counts(calm)
    assert set(_watermarks(settings).values()) == {"2015-02-28"}
    with session_scope(store_engine(settings.database_url)) as session:
        assert all(f.resolved for f in session.scalars(select(Failure)))


def _recorded_cassette(folder: Path, transport: Transport, settings: Settings, nlp: Any) -> Path:
    """A cassette of one ingest of the demo topic through `transport` (into a scratch registry)."""
    scratch = make_settings(
        folder / "data", f"sqlite:///{folder / 'scratch.db'}", settings.resolved_vocab_path
    )
    ingest_topic(
        demo_topic(), settings=scratch, transport=RecordingTransport(transport, folder / "cassette"), nlp=nlp
    )
    return folder / "cassette"


def _quiet_env(settings: Settings) -> dict[str, str]:
    """A `caseminer` subprocess's environment with Prefect's logging left to caseminer's default."""
    env = {**subprocess_env(settings), "COLUMNS": "200"}
    env.pop("PREFECT_LOGGING_LEVEL", None)
    return env


@sqlite_only
@pytest.mark.parametrize(
    ("command", "outage"),
    [("ingest", "503"), ("nightly", "unreachable")],
    ids=["ingest-503", "nightly-unreachable"],
)
def test_the_command_line_over_a_cassette_of_an_outage_stores_the_rest_and_exits_partial(
    settings: Settings, nlp: Any, tmp_path: Path, command: str, outage: str
) -> None:
    """`caseminer ingest --replay` (plain) and `caseminer nightly --replay` (a Prefect flow) as typed."""
    from fresh_user import run_caseminer

    service = SyntheticService(generate_reports(3, seed=47))
    if outage == "503":
        service.inject("/search", *[Fault.http_status(503)] * 6)
    transport = service if outage == "503" else Unreachable(service, EUROPE_PMC_HOST)
    cassette = _recorded_cassette(tmp_path / "recorded", transport, settings, nlp)

    topic_file = Path(__file__).resolve().parents[2] / "caseminer" / "data" / "demo" / "topic.toml"
    args = [command, "--replay", str(cassette), "--topic", str(topic_file)]
    result = run_caseminer(args, _quiet_env(settings), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # partial
    failed_lines = [line for line in result.stdout.splitlines() if line.startswith("search failed:")]
    expected = "europepmc: GET" if outage == "503" else "cannot reach europepmc (no network?)"
    assert len(failed_lines) == 1 and expected in failed_lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Task run" not in result.stderr and "Flow run" not in result.stderr  # Prefect is quiet
    assert {pmid for pmid, _ in _articles(settings)} == {report.pmid for report in service.reports}
    with session_scope(store_engine(settings.database_url)) as session:
        (run,) = session.scalars(select(IngestRun)).all()
        assert (run.status, list(run.failed_sources)) == ("partial", ["europepmc"])
        assert get_watermark(session, "ipex-demo", "europepmc") is None
        if command == "nightly":
            assert get_watermark(session, "ipex-demo", "pubmed") == date.today().isoformat()


def test_an_offline_nightly_reports_each_unreachable_source_in_one_line_within_seconds(
    tmp_path: Path,
) -> None:
    """`caseminer nightly --topic ipex` on a machine without network: a fresh home whose HTTPS proxy
    refuses connections (so the test never reaches a real service, on any machine)."""
    import socket

    from fresh_user import fresh_env, run_caseminer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = f"sqlite:///{tmp_path / 'registry.db'}"
    env = fresh_env(tmp_path, database_url=database)
    env.update(HTTPS_PROXY=f"http://127.0.0.1:{port}", NO_PROXY="127.0.0.1,localhost")
    result = run_caseminer(["nightly", "--topic", "ipex"], env, cwd=tmp_path, timeout=240)

    assert result.returncode == 2, result.stdout + result.stderr  # nothing could be done
    failed_lines = [line for line in result.stdout.splitlines() if line.startswith("search failed:")]
    assert [line.split(" (no network?)")[0] for line in failed_lines] == [
        "search failed: cannot reach europepmc",
        "search failed: cannot reach pubmed",
        "search failed: cannot reach pmc",
    ]
    assert "Traceback" not in result.stdout + result.stderr and "error" not in result.stderr.lower()
    with session_scope(store_engine(database)) as session:
        (run,) = session.scalars(select(IngestRun)).all()
        assert run.status == "failed" and set(run.failed_sources) == set(SEARCH_SOURCES)
        # No retry storm: the searches ended within seconds (Prefect's start-up aside).
        assert run.durations["search"] < 10
        assert get_watermark(session, "ipex", "europepmc") is None
