"""Services misbehaving: a 429/503 storm with Retry-After slows the run down and it completes;
malformed XML, truncated JSON, an XXE document and empty bodies become recorded failures while
the rest is ingested, and the next run retries exactly those."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import make_settings
from sqlalchemy import select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import Article, DocumentRow, Failure, MentionRow
from caseminer.demo import Fault, SyntheticService, demo_topic, generate_reports
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.resources import store_engine
from caseminer.sources import http

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


class VirtualClock:
    """Time that passes only when slept, so back-off is measured without waiting for it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[VirtualClock]:
    clock = VirtualClock()
    monkeypatch.setattr(http, "SHARED_BUCKETS", http.BucketRegistry(clock=clock, sleep=clock.sleep))
    yield clock


def test_a_429_503_storm_with_retry_after_slows_the_run_which_completes(
    settings: Settings, nlp: Any, clock: VirtualClock, tmp_path: Path
) -> None:
    reports = generate_reports(4, seed=23)
    calm = make_settings(tmp_path / "calm", f"sqlite:///{tmp_path / 'calm.db'}", settings.resolved_vocab_path)
    ingest_topic(demo_topic(), settings=calm, transport=SyntheticService(reports, is_live=True), nlp=nlp)
    calm_seconds = clock.now

    clock.now = 0.0
    stormy = SyntheticService(reports, is_live=True)
    stormy.inject("/search", *[Fault.http_status(429, retry_after="7")] * 3)
    stormy.inject("fullTextXML", *[Fault.http_status(503, retry_after="11")] * 2)
    stormy.inject("esearch.fcgi", Fault.http_status(429, retry_after="5"), Fault.http_status(503))
    summary = ingest_topic(demo_topic(), settings=settings, transport=stormy, nlp=nlp)

    assert (summary.status, summary.found, summary.new, summary.failed) == ("succeeded", 4, 4, 0)
    # Every Retry-After was honoured (the 503 without one backed off exponentially instead).
    assert clock.sleeps.count(7.0) == 3 and clock.sleeps.count(11.0) == 2 and clock.sleeps.count(5.0) == 1
    assert clock.now >= calm_seconds + 3 * 7 + 2 * 11 + 5
    with session_scope(store_engine(settings.database_url)) as session:
        assert len(session.scalars(select(Article)).all()) == 4
        assert not session.scalars(select(Failure)).all()


def test_malformed_truncated_xxe_and_empty_responses_are_recorded_failures(
    settings: Settings, nlp: Any
) -> None:
    reports = generate_reports(6, seed=29)
    pmids = [report.pmid for report in reports]
    service = SyntheticService(reports)
    # Both the full text and the PubMed record fallback of an article are broken, so the article fails.
    service.inject(f"{reports[1].pmcid}/fullTextXML", Fault.malformed_xml())
    service.inject(f"db=pubmed&id={pmids[1]}", Fault.malformed_xml())
    service.inject(f"{reports[2].pmcid}/fullTextXML", Fault.xxe())
    service.inject(f"db=pubmed&id={pmids[2]}", Fault.xxe())
    service.inject(f"pmids={pmids[3]}", Fault.truncated_json())  # PubTator3: only the annotations fail
    service.inject(f"{reports[4].pmcid}/fullTextXML", Fault.empty())
    service.inject(f"db=pmc&id={reports[4].pmc_number}", Fault.empty())
    service.inject(f"db=pubmed&id={pmids[4]}", Fault.empty())

    summary = ingest_topic(demo_topic(), settings=settings, transport=service, nlp=nlp)
    assert (summary.status, summary.found, summary.failed) == ("succeeded", 6, 4)
    engine = store_engine(settings.database_url)
    with session_scope(engine) as session:
        failures = {(f.source, f.source_id, f.stage): f.error for f in session.scalars(select(Failure))}
        stored = set(session.scalars(select(Article.pmid)))
        contents = [str(row.content) for row in session.scalars(select(DocumentRow))]
    assert set(failures) == {
        ("europepmc", reports[1].pmcid, "parse"),
        ("europepmc", reports[2].pmcid, "parse"),
        ("pubtator3", reports[3].pmcid, "parse"),
        ("europepmc", reports[4].pmcid, "fetch"),
    }
    assert "malformed XML" in failures[("europepmc", reports[1].pmcid, "parse")]
    assert "XXE" in failures[("europepmc", reports[2].pmcid, "parse")]
    assert "truncated" in failures[("pubtator3", reports[3].pmcid, "parse")]
    assert stored == {pmids[0], pmids[3], pmids[5]}
    assert not any("root:" in content for content in contents)  # no external entity was ever read

    # The faults are spent: the next run fetches exactly the failed articles again and resolves them.
    again = ingest_topic(demo_topic(), settings=settings, transport=service, nlp=nlp)
    assert (again.new, again.updated, again.unchanged, again.failed) == (3, 1, 2, 0)
    with session_scope(engine) as session:
        assert all(f.resolved for f in session.scalars(select(Failure)))
        assert set(session.scalars(select(Article.pmid))) == set(pmids)
        assert session.scalars(select(MentionRow).where(MentionRow.source == "pubtator3")).first()
