"""The ingest functions without Prefect: demo corpus end to end, idempotency, watermark, local, reextract."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import registry_snapshot
from sqlalchemy import func, select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import (
    Article,
    Extraction,
    Failure,
    IngestRun,
    MentionRow,
    PatientAge,
    PatientPhenotypeRow,
    PatientRow,
    PatientVariantRow,
)
from caseminer.db.repository import get_watermark
from caseminer.demo import Fault, SyntheticService, demo_cassette_dir, demo_topic, generate_reports
from caseminer.demo.render import europepmc_full_text
from caseminer.pipeline import extract
from caseminer.pipeline.ingest import backfill, backfill_windows, ingest_topic
from caseminer.pipeline.local import ingest_local
from caseminer.pipeline.reextract import reextract
from caseminer.pipeline.resources import store_engine
from caseminer.sources import ReplayTransport
from caseminer.sources.search import SEARCH_SOURCES
from caseminer.sources.topic import Topic


def _watermarks(settings: Settings, topic: str) -> dict[str, str | None]:
    with session_scope(store_engine(settings.database_url)) as session:
        return {source: get_watermark(session, topic, source) for source in SEARCH_SOURCES}


def _count(settings: Settings, model: Any) -> int:
    with session_scope(store_engine(settings.database_url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_corpus_lands_with_patient_facts_and_rerun_changes_nothing(settings: Settings, nlp: Any) -> None:
    first = ingest_topic(
        demo_topic(), settings=settings, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp
    )
    assert (first.status, first.found, first.new, first.failed) == ("succeeded", 7, 7, 0)
    assert first.documents == 7 and first.patients
    engine = store_engine(settings.database_url)
    with session_scope(engine) as session:
        # At least one patient with every kind of fact, each fact pointing at its document and offsets.
        complete = session.scalars(
            select(PatientRow)
            .where(PatientRow.sex.isnot(None))
            .where(PatientRow.id.in_(select(PatientAge.patient_id)))
            .where(PatientRow.id.in_(select(PatientVariantRow.patient_id)))
            .where(PatientRow.id.in_(select(PatientPhenotypeRow.patient_id)))
        ).all()
        assert complete
        for fact in [*complete[0].ages, *complete[0].variants, *complete[0].phenotypes]:
            assert fact.doc_id and fact.char_start is not None and fact.char_end > fact.char_start
        assert session.scalar(select(func.count()).where(MentionRow.source == "pubtator3"))
    assert set(_watermarks(settings, "ipex-demo").values()) == {date.today().isoformat()}
    before = registry_snapshot(engine)

    again = ingest_topic(
        demo_topic(), settings=settings, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp
    )
    assert (again.found, again.new, again.updated, again.unchanged) == (7, 0, 0, 7)
    assert registry_snapshot(engine) == before
    assert [p.patient for p in again.patients] == [p.patient for p in first.patients]
    with session_scope(engine) as session:
        runs = session.scalars(select(IngestRun).order_by(IngestRun.id)).all()
        assert [(r.status, r.found, r.new) for r in runs] == [("succeeded", 7, 7), ("succeeded", 7, 0)]
        assert {"search", "fetch", "parse", "extract", "store"} <= set(runs[0].durations)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_incremental_run_searches_from_the_watermark_which_a_failed_run_keeps(
    settings: Settings, nlp: Any
) -> None:
    topic = Topic.model_validate({**demo_topic().model_dump(), "end_date": None})
    reports = generate_reports(4, seed=3)
    service = SyntheticService(reports[:2])
    ingest_topic(topic, settings=settings, transport=service, until=date(2015, 1, 31), nlp=nlp)
    assert _count(settings, Article) == 2

    # Later reports, indexed after the watermark: the nightly run finds exactly those.
    service.add_reports(replace(r, indexed=date(2015, 2, 10)) for r in reports[2:])
    service.requests.clear()
    nightly = ingest_topic(
        topic, settings=settings, transport=service, incremental=True, until=date(2015, 2, 28), nlp=nlp
    )
    assert nightly.since == date(2015, 1, 31) and (nightly.found, nightly.new) == (2, 2)
    searches = [r.params["query"] for r in service.requests if r.url.endswith("/search")]
    assert searches and all("[2015-01-31 TO 2015-02-28]" in query for query in searches)

    # A source whose search fails for good is recorded, its watermark stays; the others go on.
    service.inject("/search", *[Fault.http_status(503)] * 10)
    partial = ingest_topic(
        topic, settings=settings, transport=service, incremental=True, until=date(2015, 3, 31), nlp=nlp
    )
    assert partial.status == "partial" and list(partial.failed_sources) == ["europepmc"]
    assert _watermarks(settings, topic.name) == {
        "europepmc": "2015-02-28",
        "pubmed": "2015-03-31",
        "pmc": "2015-03-31",
    }
    with session_scope(store_engine(settings.database_url)) as session:
        last = session.scalars(select(IngestRun).order_by(IngestRun.id.desc())).first()
        assert last is not None and last.status == "partial"
        assert "HTTP 503" in last.failed_sources["europepmc"]
        (failure,) = session.scalars(select(Failure).where(Failure.resolved.is_(False))).all()
        assert (failure.source, failure.source_id, failure.stage) == ("europepmc", topic.name, "search")

    # With every source failing the run could do nothing: "failed", no watermark moves.
    service.inject("/search", *[Fault.http_status(503)] * 10)
    service.inject("esearch.fcgi", *[Fault.http_status(503)] * 20)
    failed = ingest_topic(
        topic, settings=settings, transport=service, incremental=True, until=date(2015, 4, 30), nlp=nlp
    )
    assert failed.status == "failed" and set(failed.failed_sources) == set(SEARCH_SOURCES)
    assert _watermarks(settings, topic.name)["pubmed"] == "2015-03-31"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_local_files_each_become_an_article_and_a_bad_file_is_a_recorded_failure(
    settings: Settings, nlp: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "bulk"
    folder.mkdir()
    for report in generate_reports(2, seed=5):
        (folder / f"{report.pmcid}.xml").write_bytes(europepmc_full_text(report))
    (folder / "broken.xml").write_bytes(b"<article><front></article>")

    summary = ingest_local(folder, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (3, 3, 1, 2)
    assert [(f.source_id, f.stage) for f in summary.failures] == [("bulk/broken.xml", "parse")]
    assert _count(settings, Article) == 2 and _count(settings, Extraction) == 2

    again = ingest_local(folder, settings, nlp=nlp)
    # Stored files are skipped; the broken one is tried again and fails again.
    assert (again.unchanged, again.new, again.failed) == (2, 1, 1)
    with session_scope(store_engine(settings.database_url)) as session:
        failure = session.scalars(select(Failure)).one()
        assert (failure.source, failure.attempts, failure.resolved) == ("local", 2, False)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_reextract_redoes_only_documents_of_another_extractor_version(
    settings: Settings, nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_topic(demo_topic(), settings=settings, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp)
    assert reextract(settings, "ipex-demo", nlp).found == 0

    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", "next-version")
    summary = reextract(settings, "ipex-demo", nlp)
    assert (summary.found, summary.documents, summary.failed) == (7, 7, 0)
    with session_scope(store_engine(settings.database_url)) as session:
        versions = set(session.scalars(select(Extraction.extractor_version)))
    assert versions == {"next-version"}
    assert reextract(settings, "ipex-demo", nlp).found == 0
    assert reextract(settings, "another-topic", nlp, force=True).found == 0


def test_backfill_windows_cover_the_range_without_overlap() -> None:
    windows = backfill_windows(date(2020, 1, 1), date(2020, 1, 10), 4)
    assert [(w.start.day, w.end.day) for w in windows] == [(1, 4), (5, 8), (9, 10)]
    with pytest.raises(ValueError):
        backfill_windows(date(2020, 1, 1), date(2020, 1, 10), 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_incremental_run_of_a_closed_topic_finds_nothing_and_succeeds(settings: Settings, nlp: Any) -> None:
    replay = ReplayTransport(demo_cassette_dir())
    ingest_topic(demo_topic(), settings=settings, transport=replay, nlp=nlp)
    # The demo topic ends in 2025; its watermark (today) is past that: nothing to search, no request.
    nightly = ingest_topic(demo_topic(), settings=settings, transport=replay, incremental=True, nlp=nlp)
    assert (nightly.status, nightly.since, nightly.found) == ("succeeded", date.today(), 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_backfill_ingests_each_window_once_and_leaves_the_watermark_alone(
    settings: Settings, nlp: Any
) -> None:
    reports = generate_reports(12, seed=31)  # indexed every 3 days from 2015-01-05
    service = SyntheticService(reports)
    summaries = backfill(
        demo_topic(), date(2015, 1, 1), date(2015, 2, 28), 20, settings=settings, transport=service, nlp=nlp
    )
    assert [(s.since, s.until) for s in summaries] == [
        (date(2015, 1, 1), date(2015, 1, 20)),
        (date(2015, 1, 21), date(2015, 2, 9)),
        (date(2015, 2, 10), date(2015, 2, 28)),
    ]
    # Each article is found in exactly one window; together they are the whole corpus.
    assert sum(s.new for s in summaries) == 12 and all(s.found == s.new for s in summaries)
    assert _count(settings, Article) == 12
    assert set(_watermarks(settings, "ipex-demo").values()) == {None}
