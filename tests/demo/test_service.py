"""SyntheticService answers the real clients like the services do, and injects the faults asked for."""

from __future__ import annotations

from datetime import date

import pytest

from caseminer.demo import (
    Fault,
    SyntheticService,
    demo_topic,
    generate_reports,
    handwritten_reports,
    record_cassette,
)
from caseminer.parsing import ParseError, parse_bytes
from caseminer.sources.clients import make_clients
from caseminer.sources.errors import ServiceErrorResponse, SourceError
from caseminer.sources.europepmc import BASE_URL as EUROPEPMC
from caseminer.sources.europepmc import EuropePmcClient
from caseminer.sources.eutils import EutilsClient
from caseminer.sources.fetch import fetch_article
from caseminer.sources.http import BucketRegistry, HttpClient, HttpRequest
from caseminer.sources.replay import ReplayTransport
from caseminer.sources.search import search_topic, topic_window

REPORTS = generate_reports(40, seed=11)


def _http(service: SyntheticService, **kwargs) -> HttpClient:
    return HttpClient(100.0, transport=service, buckets=BucketRegistry(), **kwargs)


def test_europepmc_search_pages_by_cursor():
    service = SyntheticService(REPORTS)
    hits = list(EuropePmcClient(_http(service)).search("FOXP3", page_size=15))
    assert sorted(hit.ids.pmid for hit in hits) == sorted(report.pmid for report in REPORTS)
    cursors = [request.params["cursorMark"] for request in service.requests]
    assert len(cursors) == 3 and cursors[0] == "*" and len(set(cursors)) == 3


def test_esearch_pages_with_retstart_and_efetches_from_history():
    service = SyntheticService(REPORTS)
    client = EutilsClient(_http(service), page_size=12)
    window = topic_window(demo_topic())
    ids = list(client.search_ids("pubmed", "FOXP3", window))
    assert sorted(ids) == sorted(report.pmid for report in REPORTS)
    assert [request.params["retstart"] for request in service.requests] == ["0", "12", "24", "36"]
    search = client.esearch("pubmed", "FOXP3", window=window)
    records = [
        document
        for result in client.fetch_history("pubmed", search, batch_size=25)
        for document in parse_bytes(result.body)
    ]
    assert sorted(document.ids.pmid for document in records) == sorted(ids)
    pmc_ids = list(client.search_ids("pmc", "FOXP3", window))
    assert sorted(pmc_ids) == sorted(report.pmc_number for report in REPORTS)


def test_incremental_window_finds_only_newer_reports(archive):
    service = SyntheticService(REPORTS)
    since = REPORTS[25].indexed
    hits = list(search_topic(demo_topic(), make_clients(archive=archive, transport=service), since=since))
    newer = service.new_since(since)
    assert sorted(hit.ids.pmid for hit in hits) == sorted(report.pmid for report in newer)
    assert 0 < len(newer) < len(REPORTS)


def test_added_reports_appear_in_the_next_increment(archive):
    service = SyntheticService(REPORTS[:30])
    since = date(2015, 12, 1)
    assert service.new_since(since) == []
    service.add_reports(REPORTS[30:])
    assert service.new_since(REPORTS[30].indexed) and len(service.new_since(REPORTS[30].indexed)) == 10
    with pytest.raises(ValueError, match="duplicate"):
        service.add_reports(REPORTS[:1])


# --- faults --------------------------------------------------------------------------------------

_REPORT = handwritten_reports()[0]
_FULL_TEXT_URL = f"{EUROPEPMC}/{_REPORT.pmcid}/fullTextXML"


def test_status_faults_are_served_in_order_then_the_real_answer():
    service = SyntheticService([_REPORT])
    service.inject(
        "fullTextXML", Fault.http_status(429, retry_after="2"), Fault.http_status(503, retry_after="1")
    )
    responses = [service.send(HttpRequest("GET", _FULL_TEXT_URL)) for _ in range(3)]
    assert [response.status for response in responses] == [429, 503, 200]
    assert [response.headers.get("Retry-After") for response in responses] == ["2", "1", None]
    assert parse_bytes(responses[2].body)[0].ids.pmcid == _REPORT.pmcid


def test_client_waits_as_retry_after_says_and_completes():
    waits: list[float] = []
    service = SyntheticService([_REPORT], is_live=True)
    service.inject(
        _REPORT.pmcid, Fault.http_status(429, retry_after="3"), Fault.http_status(503, retry_after="1")
    )
    client = EuropePmcClient(
        HttpClient(1000.0, transport=service, buckets=BucketRegistry(sleep=waits.append))
    )
    assert client.full_text_xml(_REPORT.pmcid).status == 200
    assert [wait for wait in waits if wait >= 1] == [3.0, 1.0]


def test_a_storm_longer_than_the_retries_is_a_source_error():
    service = SyntheticService([_REPORT])
    service.inject("fullTextXML", *[Fault.http_status(503)] * 3)
    with pytest.raises(SourceError, match="failed after 3 attempts"):
        EuropePmcClient(_http(service, max_retries=2)).full_text_xml(_REPORT.pmcid)


def test_eutils_rate_limit_answer_has_ncbi_body_and_headers():
    service = SyntheticService([_REPORT])
    service.inject("efetch.fcgi", Fault.http_status(429, retry_after="1"))
    response = service.send(
        HttpRequest(
            "GET",
            "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi",
            {"db": "pubmed", "id": _REPORT.pmid},
        )
    )
    assert response.status == 429
    assert b"API rate limit exceeded" in response.body
    assert response.headers["X-RateLimit-Limit"] == "3"


@pytest.mark.parametrize("fault", [Fault.malformed_xml(), Fault.xxe()], ids=["malformed", "xxe"])
def test_unreadable_full_text_falls_back_to_the_pubmed_record(fault, archive):
    service = SyntheticService([_REPORT])
    service.inject(_FULL_TEXT_URL, fault)
    clients = make_clients(archive=archive, transport=service)
    (hit,) = search_topic(demo_topic(), clients)
    records = fetch_article(hit, clients)
    assert records[0].source == "pubmed"
    faulty = archive.get(
        next(
            record.sha256
            for record in archive.iter_records()
            if record.source == "europepmc" and "fullTextXML" in record.url
        )
    )
    with pytest.raises(ParseError):
        parse_bytes(faulty)


def test_xxe_document_declares_an_external_entity_and_uses_it():
    service = SyntheticService([_REPORT])
    service.inject("fullTextXML", Fault.xxe())
    body = service.send(HttpRequest("GET", _FULL_TEXT_URL)).body
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in body
    assert b"&xxe;" in body
    with pytest.raises(ParseError, match="entities"):
        parse_bytes(body)


def test_truncated_search_json_is_a_clear_source_error():
    service = SyntheticService(REPORTS)
    service.inject("search?", Fault.truncated_json())
    with pytest.raises(SourceError, match="malformed JSON"):
        list(EuropePmcClient(_http(service)).search("FOXP3"))


def test_empty_full_text_is_a_service_error():
    service = SyntheticService([_REPORT])
    service.inject("fullTextXML", Fault.empty())
    with pytest.raises(ServiceErrorResponse, match="no full text"):
        EuropePmcClient(_http(service)).full_text_xml(_REPORT.pmcid)


def test_faults_match_only_their_pattern():
    service = SyntheticService(handwritten_reports())
    other = handwritten_reports()[1]
    service.inject(_FULL_TEXT_URL, Fault.empty())
    assert service.send(HttpRequest("GET", f"{EUROPEPMC}/{other.pmcid}/fullTextXML")).body
    assert service.send(HttpRequest("GET", _FULL_TEXT_URL)).body == b""
    assert service.send(HttpRequest("GET", _FULL_TEXT_URL)).body


def test_a_dated_second_batch_is_exactly_the_next_increment(archive):
    first = generate_reports(30, seed=1)
    second = generate_reports(5, seed=2, start=30, indexed_from=date(2026, 1, 10), days_apart=1)
    assert not {report.pmid for report in first} & {report.pmid for report in second}
    service = SyntheticService(first)
    service.add_reports(second)
    topic = demo_topic().model_copy(update={"end_date": date(2026, 2, 1)})
    clients = make_clients(archive=archive, transport=service)
    hits = list(search_topic(topic, clients, since=date(2026, 1, 10)))
    assert sorted(hit.ids.pmid for hit in hits) == sorted(report.pmid for report in second)


def test_recorded_generated_corpus_replays_without_misses(tmp_path, archive):
    reports = generate_reports(25, seed=4)
    assert record_cassette(SyntheticService(reports), demo_topic(), tmp_path / "cassette") == 25
    clients = make_clients(archive=archive, transport=ReplayTransport(tmp_path / "cassette"))
    hits = list(search_topic(demo_topic(), clients))
    sources = {fetch_article(hit, clients)[0].source for hit in hits}
    assert len(hits) == 25 and sources == {"europepmc"}
