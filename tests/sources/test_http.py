"""HttpClient: rate limits, retries honouring Retry-After, clear errors, archiving of every body."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
import requests
from sources_fakes import ScriptedTransport, ok

from caseminer.sources.archive import RawArchive
from caseminer.sources.errors import SourceError, SourceUnreachable
from caseminer.sources.http import HostUnreachable, HttpClient, TransportResponse, parse_retry_after

URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"


def _max_in_any_second(times: list[float]) -> int:
    # The epsilon keeps float rounding of the fake clock from counting a request twice.
    return max(sum(1 for t in times if start <= t < start + 1.0 - 1e-9) for start in times)


def test_client_never_exceeds_its_rate(clock, buckets):
    transport = ScriptedTransport(lambda request: ok("{}"), clock)
    client = HttpClient(3, transport=transport, buckets=buckets)
    for _ in range(20):
        client.get(URL, source="pubmed")
    assert len(transport.sent_at) == 20
    assert _max_in_any_second(transport.sent_at) == 3
    # 20 requests at 3/s take at least 19/3 s of (fake) time.
    assert transport.sent_at[-1] - transport.sent_at[0] == pytest.approx(19 / 3)


def test_clients_of_one_host_share_the_bucket(clock, buckets):
    transport = ScriptedTransport(lambda request: ok("{}"), clock)
    first = HttpClient(3, transport=transport, buckets=buckets)
    second = HttpClient(3, transport=transport, buckets=buckets)
    for _ in range(10):
        first.get(URL, source="pubmed")
        second.get(URL, source="pubmed")
    assert _max_in_any_second(transport.sent_at) == 3


def test_other_hosts_have_their_own_bucket(clock, buckets):
    transport = ScriptedTransport(lambda request: ok("{}"), clock)
    client = HttpClient(1, transport=transport, buckets=buckets)
    client.get(URL, source="pubmed")
    client.get("https://www.ebi.ac.uk/europepmc/webservices/rest/search", source="europepmc")
    assert clock.sleeps == []


RATE_LIMIT_BODY = b'{"error":"API rate limit exceeded","api-key":"10.0.0.1","count":"4","limit":"3"}'


def test_429_with_retry_after_is_retried_and_succeeds(clock, buckets, tmp_path):
    answers = iter(
        [
            TransportResponse(429, {"Retry-After": "2", "Content-Type": "application/json"}, RATE_LIMIT_BODY),
            ok('{"esearchresult": {"count": "1"}}'),
        ]
    )
    transport = ScriptedTransport(lambda request: next(answers), clock)
    archive = RawArchive(tmp_path)
    client = HttpClient(3, archive=archive, transport=transport, buckets=buckets)
    result = client.get(URL, {"db": "pubmed", "api_key": "secret"}, source="pubmed")
    assert result.status == 200 and b"esearchresult" in result.body
    assert len(transport.requests) == 2
    assert 2.0 in clock.sleeps
    # Both bodies were archived; the API key never reaches the archive.
    statuses = sorted(record.status for record in archive.iter_records())
    assert statuses == [200, 429]
    assert all("secret" not in record.url for record in archive.iter_records())
    assert result.raw is not None and archive.get(result.raw.sha256) == result.body


def test_timeouts_and_5xx_are_retried_then_reported(clock, buckets):
    calls = []

    def failing(request):
        calls.append(request)
        if len(calls) % 2:
            raise requests.Timeout("read timed out")
        return ok("busy", status=503)

    client = HttpClient(10, max_retries=3, transport=ScriptedTransport(failing, clock), buckets=buckets)
    with pytest.raises(SourceError, match=r"failed after 4 attempts: HTTP 503"):
        client.get(URL, source="pubmed")
    assert len(calls) == 4


def test_client_errors_are_not_retried(clock, buckets):
    transport = ScriptedTransport(lambda request: ok("not found", status=404), clock)
    client = HttpClient(10, transport=transport, buckets=buckets)
    with pytest.raises(SourceError, match="HTTP 404") as error:
        client.get(URL, source="pubmed")
    assert error.value.status == 404 and len(transport.requests) == 1


def test_retry_after_forms():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("100000") == 300.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_archive_is_content_addressed_compressed_and_idempotent(tmp_path):
    archive = RawArchive(tmp_path)
    first = archive.put(b"<x/>", url="https://a/1", source="pmc", status=200, content_type="text/xml")
    again = archive.put(b"<x/>", url="https://a/2", source="pmc")
    assert first == again
    assert first.path == f"bodies/{first.sha256[:2]}/{first.sha256[2:]}.gz"
    assert gzip.decompress((tmp_path / first.path).read_bytes()) == b"<x/>"
    assert archive.get(first.sha256) == b"<x/>" and first.sha256 in archive
    assert [r.url for r in archive.iter_records()] == ["https://a/1"]
    with pytest.raises(KeyError):
        archive.get("0" * 64)


def test_a_request_ends_within_its_deadline_even_when_retry_after_asks_for_longer(clock, buckets):
    transport = ScriptedTransport(
        lambda request: TransportResponse(503, {"Retry-After": "50"}, b"busy"), clock
    )
    client = HttpClient(10, max_retries=10, transport=transport, buckets=buckets, deadline=120)
    started = clock()
    with pytest.raises(SourceError, match=r"failed after 3 attempts \(deadline 120 s\): HTTP 503"):
        client.get(URL, source="pubmed")
    # Two waits of 50 s fit in 120 s; a third would end past the deadline, so the request ends there.
    assert clock.sleeps == [50.0, 50.0] and clock() - started <= 120
    # The last attempt's timeout is cut to what is left of the deadline.
    assert transport.requests[-1].timeout == pytest.approx(20.0)


def test_an_unreachable_host_fails_at_once_and_stays_down_for_the_client(clock, buckets):
    def refused(request):
        raise HostUnreachable("www.ebi.ac.uk: Connection refused")

    transport = ScriptedTransport(refused, clock)
    client = HttpClient(10, transport=transport, buckets=buckets)
    with pytest.raises(SourceUnreachable, match=r"^cannot reach europepmc \(no network\?\)"):
        client.get("https://www.ebi.ac.uk/europepmc/webservices/rest/search", source="europepmc")
    with pytest.raises(SourceUnreachable, match="cannot reach europepmc"):
        client.get("https://www.ebi.ac.uk/europepmc/webservices/rest/PMC1/fullTextXML", source="europepmc")
    assert len(transport.requests) == 1 and clock.sleeps == []
    # Another host of the same client is still tried.
    with pytest.raises(SourceUnreachable):
        client.get(URL, source="pubmed")
    assert len(transport.requests) == 2


def test_a_refused_connection_and_an_unresolvable_name_are_unreachable_hosts() -> None:
    """Through the real `requests` transport: a closed local port, and a name in the reserved
    `.invalid` domain (RFC 2606), which no resolver resolves."""
    import socket
    import time

    with socket.socket() as probe:  # a port nobody listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(10)
    started = time.monotonic()
    with pytest.raises(
        SourceUnreachable, match=r"cannot reach pmc \(no network\?\): 127\.0\.0\.1: .*refused"
    ):
        client.get(f"http://127.0.0.1:{port}/efetch.fcgi", source="pmc")
    with pytest.raises(SourceUnreachable, match=r"cannot reach pubmed .*caseminer-test\.invalid"):
        client.get("http://caseminer-test.invalid/esearch.fcgi", source="pubmed")
    assert time.monotonic() - started < 15
