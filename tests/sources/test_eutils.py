"""E-utilities: history paging, the 10,000-id split into date windows, errors that arrive with HTTP 200."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from sources_fakes import ScriptedTransport, ok

from caseminer.sources.dates import DateWindow
from caseminer.sources.errors import ServiceErrorResponse, SourceError
from caseminer.sources.eutils import (
    EutilsClient,
    docsum_errors,
    parse_esearch,
    raise_for_eutils_error,
    rate_for,
)
from caseminer.sources.http import HttpClient

PER_DAY = 60


def _esearch_xml(count: int, ids: list[str], retstart: int) -> str:
    id_list = "".join(f"<Id>{uid}</Id>" for uid in ids)
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
        '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
        f"<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax><RetStart>{retstart}</RetStart>"
        "<QueryKey>1</QueryKey><WebEnv>MCID_6789abcd</WebEnv>"
        f"<IdList>{id_list}</IdList></eSearchResult>"
    )


def _daily_pubmed(request):
    """A PubMed with PER_DAY articles per Entrez day, answering esearch like the service."""
    params = request.params
    window = _window(params)
    days = range(window.start.toordinal(), window.end.toordinal() + 1)
    ids = [f"{day}{n:02d}" for day in days for n in range(PER_DAY)]
    retstart, retmax = int(params["retstart"]), int(params["retmax"])
    page = ids[retstart : retstart + retmax] if retstart < 10_000 else []
    return ok(_esearch_xml(len(ids), page[: max(0, 10_000 - retstart)], retstart), "text/xml")


def _window(params: dict[str, str]) -> DateWindow:
    def day(value: str) -> date:
        return datetime.strptime(value, "%Y/%m/%d").date()

    return DateWindow(day(params["mindate"]), day(params["maxdate"]))


def _client(responder, clock, buckets, **kwargs) -> tuple[EutilsClient, ScriptedTransport]:
    transport = ScriptedTransport(responder, clock)
    http = HttpClient(rate_for(kwargs.get("api_key")), transport=transport, buckets=buckets)
    return EutilsClient(http, email="curator@example.org", **kwargs), transport


def test_large_result_is_split_into_date_windows(clock, buckets):
    client, transport = _client(_daily_pubmed, clock, buckets)
    year = DateWindow(date(2020, 1, 1), date(2020, 12, 31))
    ids = list(client.search_ids("pubmed", '"Case Reports"[pt]', year))
    assert len(ids) == len(set(ids)) == 366 * PER_DAY
    windows = sorted({_window(request.params) for request in transport.requests})
    read = [w for w in windows if w.days * PER_DAY <= 10_000]
    # The windows that were read tile the year without gaps or overlaps.
    assert read[0].start == year.start and read[-1].end == year.end
    assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(read))
    for request in transport.requests:
        assert request.params["datetype"] == "edat"
        assert request.params["tool"] == "caseminer" and request.params["email"] == "curator@example.org"


def test_search_pages_with_retstart_below_the_cap(clock, buckets):
    client, transport = _client(_daily_pubmed, clock, buckets, page_size=100)
    ids = list(client.search_ids("pubmed", "x", DateWindow(date(2021, 3, 1), date(2021, 3, 5))))
    assert len(ids) == 5 * PER_DAY
    assert [int(r.params["retstart"]) for r in transport.requests] == [0, 100, 200]


def test_a_single_day_over_the_cap_is_a_clear_error(clock, buckets):
    crowded = lambda request: ok(_esearch_xml(25_000, ["1"], 0), "text/xml")  # noqa: E731
    client, _ = _client(crowded, clock, buckets)
    with pytest.raises(SourceError, match="25000 hits on 2021-03-01"):
        list(client.search_ids("pubmed", "x", DateWindow(date(2021, 3, 1), date(2021, 3, 1))))


def test_history_paging_uses_webenv_and_query_key(clock, buckets):
    client, transport = _client(lambda r: ok("<PubmedArticleSet/>", "text/xml"), clock, buckets, api_key="K")
    search = parse_esearch(_esearch_xml(450, [], 0).encode())
    pages = list(client.fetch_history("pubmed", search, batch_size=200))
    assert len(pages) == 3
    assert [
        (r.params["WebEnv"], r.params["query_key"], r.params["retstart"]) for r in transport.requests
    ] == [
        ("MCID_6789abcd", "1", "0"),
        ("MCID_6789abcd", "1", "200"),
        ("MCID_6789abcd", "1", "400"),
    ]
    assert transport.requests[0].params["api_key"] == "K"


def test_efetch_batches_and_strips_pmc_prefix(clock, buckets):
    client, transport = _client(lambda r: ok("<pmc-articleset/>", "text/xml"), clock, buckets)
    list(client.efetch("pmc", ["PMC1", "2", "PMC3.2"], batch_size=2))
    assert [r.params["id"] for r in transport.requests] == ["1,2", "3"]


def test_rates_follow_ncbi_limits():
    assert rate_for(None) == 3 and rate_for("key") == 10


@pytest.mark.parametrize(
    "body",
    [
        b"<eSearchResult><ERROR>Invalid db name specified: fleegle</ERROR></eSearchResult>",
        b'{"header":{"type":"esearch"},"esearchresult":{"ERROR":"Invalid db name specified"}}',
        b'{"esummaryresult":["Invalid db name specified: fleegle"]}',
        b'{"error":"API rate limit exceeded","api-key":"10.0.0.1","count":"4","limit":"3"}',
    ],
)
def test_errors_with_http_200_are_detected(body):
    with pytest.raises(ServiceErrorResponse, match=r"E-utilities error: (Invalid db|API rate limit)"):
        raise_for_eutils_error(body)


def test_truncated_or_garbled_bodies_are_clear_errors():
    with pytest.raises(SourceError, match="malformed JSON"):
        raise_for_eutils_error(b'{"esearchresult": {"count": "3", "idlist": ["1",')
    with pytest.raises(SourceError, match="unreadable XML"):
        parse_esearch(b"<eSearchResult><Count>3</Count><IdList><Id>1</Id>")


def test_phrase_not_found_is_a_warning_not_an_error():
    body = (
        b"<eSearchResult><Count>0</Count><RetMax>0</RetMax><RetStart>0</RetStart><IdList/>"
        b"<ErrorList><PhraseNotFound>abcXYZ</PhraseNotFound></ErrorList>"
        b"<WarningList><OutputMessage>No items found.</OutputMessage></WarningList></eSearchResult>"
    )
    result = parse_esearch(body)
    assert result.count == 0 and result.ids == []
    assert result.warnings == ["PhraseNotFound: abcXYZ", "OutputMessage: No items found."]


def test_per_id_docsum_errors_are_reported():
    body = (
        b'<eSummaryResult><DocumentSummarySet status="OK"><DocumentSummary uid="254085"><Title>A</Title>'
        b'</DocumentSummary><DocumentSummary uid="1"><error>cannot get document summary</error>'
        b"</DocumentSummary></DocumentSummarySet></eSummaryResult>"
    )
    assert docsum_errors(body) == {"1": "cannot get document summary"}
