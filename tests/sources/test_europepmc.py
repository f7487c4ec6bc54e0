"""Europe PMC: cursor paging with its loop guard, hits from core records, error beans."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sources_fakes import ScriptedTransport, ok

from caseminer.sources.dates import DateWindow
from caseminer.sources.errors import ServiceErrorResponse, SourceError
from caseminer.sources.europepmc import EuropePmcClient, build_query, parse_search_page
from caseminer.sources.http import HttpClient


def _page(ids: list[str], next_cursor: str | None) -> str:
    page = {
        "version": "6.9",
        "hitCount": 5,
        "request": {"queryString": "q", "resultType": "core", "cursorMark": "%2A", "pageSize": 2},
        "resultList": {"result": [{"id": i, "source": "MED", "pmid": i, "pubYear": "2020"} for i in ids]},
    }
    if next_cursor:
        page["nextCursorMark"] = next_cursor
    return json.dumps(page)


def _client(pages: dict[str, str], clock, buckets) -> tuple[EuropePmcClient, ScriptedTransport]:
    transport = ScriptedTransport(lambda request: ok(pages[request.params["cursorMark"]]), clock)
    return EuropePmcClient(HttpClient(10, transport=transport, buckets=buckets)), transport


def test_cursor_paging_follows_next_cursor_until_absent(clock, buckets):
    pages = {"*": _page(["1", "2"], "AoA="), "AoA=": _page(["3", "4"], "AoB="), "AoB=": _page(["5"], None)}
    client, transport = _client(pages, clock, buckets)
    assert [hit.ids.pmid for hit in client.search("ipex", page_size=2)] == ["1", "2", "3", "4", "5"]
    assert [r.params["cursorMark"] for r in transport.requests] == ["*", "AoA=", "AoB="]
    assert {r.params["pageSize"] for r in transport.requests} == {"2"}


@pytest.mark.parametrize("repeat", ["AoA=", "*"])
def test_repeated_cursor_stops_paging(clock, buckets, repeat):
    pages = {"*": _page(["1"], "AoA="), "AoA=": _page(["2"], repeat)}
    client, transport = _client(pages, clock, buckets)
    assert [hit.ids.pmid for hit in client.search("ipex")] == ["1", "2"]
    assert len(transport.requests) == 2


def test_page_size_is_capped_at_1000(clock, buckets):
    client, transport = _client({"*": _page([], None)}, clock, buckets)
    list(client.search("ipex", page_size=5000))
    assert transport.requests[0].params["pageSize"] == "1000"


def test_truncated_json_and_error_bean_are_clear_errors():
    with pytest.raises(SourceError, match="malformed JSON"):
        parse_search_page(b'{"hitCount": 3, "resultList": {"result": [{"id"')
    bean = b"<errorBean><errCode>0</errCode><errMsg>PMC1 is not open access one</errMsg></errorBean>"
    with pytest.raises(ServiceErrorResponse, match="not open access"):
        parse_search_page(bean)


def test_query_adds_case_report_filter_and_index_date_window():
    window = DateWindow(date(2024, 1, 1), date(2024, 1, 31))
    query = build_query("IPEX", window=window)
    span = "[2024-01-01 TO 2024-01-31]"
    assert query == f'(IPEX) AND (PUB_TYPE:"Case Reports" OR PUB_TYPE:"case-report") AND FIRST_IDATE:{span}'
    incremental = build_query("IPEX", case_reports_only=False, window=window, incremental=True)
    assert incremental == f"(IPEX) AND (FIRST_IDATE:{span} OR UPDATE_DATE:{span})"


def test_full_text_error_bean_is_service_error(clock, buckets):
    bean = b'<?xml version="1.0"?><errorBean><errCode>0</errCode><errMsg>not open access</errMsg></errorBean>'
    transport = ScriptedTransport(lambda request: ok(bean, "application/xml"), clock)
    client = EuropePmcClient(HttpClient(10, transport=transport, buckets=buckets))
    with pytest.raises(ServiceErrorResponse, match="not open access"):
        client.full_text_xml("PMC3040717")
    assert transport.requests[0].url.endswith("/PMC3040717/fullTextXML")
