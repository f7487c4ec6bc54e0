"""`SyntheticService`: a Transport that answers the real endpoints from synthetic reports, no network.

Served (URLs and parameters as the clients in `caseminer.sources` send them):
- Europe PMC `search` (JSON, core; cursorMark paging; `FIRST_IDATE:[a TO b]` windows honoured, the
  rest of the query ignored: every report is on the topic) and `{PMCID}/fullTextXML` (404 with an
  `<errorBean>` when Europe PMC has no full text).
- E-utilities `esearch` (db pubmed or pmc; `mindate`/`maxdate` on the Entrez date; `retstart`,
  `retmax`, `usehistory=y`; XML or JSON) and `efetch` (db pubmed or pmc, by `id` or by `WebEnv` +
  `query_key`).
- PubTator3 `publications/export/biocjson?pmids=` (an empty body when it holds none of them).

Faults for reliability tests are injected per request pattern (a substring of
`<url>?<sorted query>`), consumed in order, one per matching request: HTTP 429/503 with
Retry-After, malformed XML, truncated JSON, an XXE document, an empty body.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import urlencode

from caseminer.demo import render
from caseminer.demo.model import SyntheticReport
from caseminer.sources import europepmc, eutils, pubtator
from caseminer.sources.http import IDENTITY_PARAMS, HttpRequest, TransportResponse

FaultKind = Literal["status", "malformed_xml", "truncated_json", "xxe", "empty"]

JSON = "application/json;charset=UTF-8"
XML = "application/xml;charset=UTF-8"
EUTILS_XML = "text/xml; charset=UTF-8"
EUTILS_JSON = "application/json; charset=UTF-8"
# The body NCBI sends with a 429 (shared/samples/eutils/error_429_rate_limit_exceeded.json).
_RATE_LIMIT_BODY = b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}\n'
_XXE_DOCTYPE = b'<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_WINDOW = re.compile(r"FIRST_IDATE:\[(\d{4}-\d{2}-\d{2}) TO (\d{4}-\d{2}-\d{2})\]")
_FULL_TEXT_PATH = re.compile(r"/(PMC\d+)/fullTextXML$")
_DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class Fault:
    """One faulty answer. Build with the class methods."""

    kind: FaultKind
    status: int = 200
    retry_after: str | None = None

    @classmethod
    def http_status(cls, status: int, retry_after: str | None = None) -> Fault:
        return cls("status", status, retry_after)

    @classmethod
    def malformed_xml(cls) -> Fault:
        return cls("malformed_xml")

    @classmethod
    def truncated_json(cls) -> Fault:
        return cls("truncated_json")

    @classmethod
    def xxe(cls) -> Fault:
        return cls("xxe")

    @classmethod
    def empty(cls) -> Fault:
        return cls("empty")


def canonical_request(request: HttpRequest) -> str:
    """`<url>?<query>` with sorted parameters and no identification parameters (what faults match)."""
    kept = sorted((key, value) for key, value in request.params.items() if key not in IDENTITY_PARAMS)
    return f"{request.url}?{urlencode(kept)}" if kept else request.url


def _newest_first(reports: Iterable[SyntheticReport]) -> list[SyntheticReport]:
    return sorted(reports, key=lambda report: (report.indexed, report.pmid), reverse=True)


def _cursor(offset: int) -> str:
    return base64.b64encode(f"synthetic-cursor:{offset}".encode()).decode()


def _offset(cursor: str) -> int | None:
    if cursor == "*":
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(number) if prefix == "synthetic-cursor" and number.isdigit() else None


def _day(value: str) -> date:
    return datetime.strptime(value.replace("-", "/"), "%Y/%m/%d").date()


class SyntheticService:
    """Answers Europe PMC, E-utilities and PubTator3 requests from `reports`; see the module docstring.

    `is_live=True` makes clients rate-limit and sleep between retries as they do against the real
    services (for tests that measure back-off); the default serves as fast as a replay.
    """

    def __init__(self, reports: Iterable[SyntheticReport], *, is_live: bool = False) -> None:
        self.is_live = is_live
        self.reports: list[SyntheticReport] = []
        self.requests: list[HttpRequest] = []
        self._by_pmid: dict[str, SyntheticReport] = {}
        self._by_pmcid: dict[str, SyntheticReport] = {}
        self._histories: dict[str, list[str]] = {}
        self._faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self.add_reports(reports)

    # --- set-up ----------------------------------------------------------------------------------
    def add_reports(self, reports: Iterable[SyntheticReport]) -> None:
        """Publish more reports (e.g. the new ones of a nightly increment)."""
        with self._lock:
            for report in reports:
                if report.pmid in self._by_pmid:
                    raise ValueError(f"duplicate synthetic PMID {report.pmid}")
                self.reports.append(report)
                self._by_pmid[report.pmid] = report
                if report.pmcid:
                    self._by_pmcid[report.pmcid] = report

    def new_since(self, day: date) -> list[SyntheticReport]:
        """The reports an incremental search from `day` finds (indexed on or after it), newest first."""
        return _newest_first(report for report in self.reports if report.indexed >= day)

    def inject(self, pattern: str, *faults: Fault) -> None:
        """Answer the next requests whose canonical form contains `pattern` with `faults`, in order."""
        with self._lock:
            self._faults.setdefault(pattern, deque()).extend(faults)

    # --- Transport -------------------------------------------------------------------------------
    def send(self, request: HttpRequest) -> TransportResponse:
        canonical = canonical_request(request)
        with self._lock:
            self.requests.append(request)
            fault = self._next_fault(canonical)
        if fault is not None and fault.kind == "status":
            return self._status_fault(request, fault)
        response = self._answer(request)
        return response if fault is None else _corrupt(response, fault)

    def _next_fault(self, canonical: str) -> Fault | None:
        for pattern, queue in self._faults.items():
            if queue and pattern in canonical:
                return queue.popleft()
        return None

    def _status_fault(self, request: HttpRequest, fault: Fault) -> TransportResponse:
        headers = {"Content-Type": "text/html; charset=UTF-8"}
        body = b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n"
        if fault.status == 429 and request.url.startswith(eutils.BASE_URL):
            headers = {"Content-Type": EUTILS_JSON, "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0"}
            body = _RATE_LIMIT_BODY
        if fault.retry_after is not None:
            headers["Retry-After"] = fault.retry_after
        return TransportResponse(fault.status, headers, body)

    def _answer(self, request: HttpRequest) -> TransportResponse:
        url, params = request.url, request.params
        routes: dict[str, Callable[[dict[str, str]], TransportResponse]] = {
            f"{europepmc.BASE_URL}/search": self._europepmc_search,
            f"{eutils.BASE_URL}/esearch.fcgi": self._esearch,
            f"{eutils.BASE_URL}/efetch.fcgi": self._efetch,
            f"{pubtator.BASE_URL}/publications/export/biocjson": self._pubtator_export,
        }
        if url in routes:
            return routes[url](params)
        full_text = _FULL_TEXT_PATH.search(url)
        if url.startswith(europepmc.BASE_URL) and full_text:
            return self._full_text(full_text.group(1))
        return TransportResponse(404, {"Content-Type": "text/plain"}, f"no such endpoint: {url}\n".encode())

    # --- Europe PMC ------------------------------------------------------------------------------
    def _europepmc_search(self, params: dict[str, str]) -> TransportResponse:
        query = params.get("query", "")
        listed = [report for report in self.reports if report.in_europepmc]
        window = _WINDOW.search(query)
        if window:
            start, end = date.fromisoformat(window.group(1)), date.fromisoformat(window.group(2))
            listed = [report for report in listed if start <= report.indexed <= end]
        listed = _newest_first(listed)
        page_size = min(int(params.get("pageSize", _DEFAULT_PAGE_SIZE)), europepmc.MAX_PAGE_SIZE)
        cursor = params.get("cursorMark", "*")
        offset = _offset(cursor)
        if offset is None:
            body = render.europepmc_error_bean(400, f"Invalid cursorMark {cursor}")
            return TransportResponse(400, {"Content-Type": XML}, body)
        page = listed[offset : offset + page_size]
        more = offset + page_size < len(listed)
        body = render.europepmc_search(
            query,
            page,
            hit_count=len(listed),
            cursor=cursor,
            page_size=page_size,
            next_cursor=_cursor(offset + page_size) if more else None,
        )
        return TransportResponse(200, {"Content-Type": JSON}, body)

    def _full_text(self, pmcid: str) -> TransportResponse:
        report = self._by_pmcid.get(pmcid)
        if report is None or report.full_text != "europepmc":
            body = render.europepmc_error_bean(404, f"Article with id {pmcid} has no full text")
            return TransportResponse(404, {"Content-Type": XML}, body)
        return TransportResponse(200, {"Content-Type": XML}, render.europepmc_full_text(report))

    # --- E-utilities -----------------------------------------------------------------------------
    def _esearch(self, params: dict[str, str]) -> TransportResponse:
        db, term = params.get("db", "pubmed"), params.get("term", "")
        if db not in ("pubmed", "pmc"):
            return _eutils_error(f"Invalid db name specified: {db}", params)
        listed = [report for report in self.reports if db == "pubmed" or report.pmcid]
        if "mindate" in params and "maxdate" in params:
            start, end = _day(params["mindate"]), _day(params["maxdate"])
            listed = [report for report in listed if start <= report.indexed <= end]
        uids = [report.pmid if db == "pubmed" else str(report.pmc_number) for report in _newest_first(listed)]
        retstart, retmax = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        webenv = query_key = None
        if params.get("usehistory") == "y":
            key = "|".join(f"{k}={params.get(k, '')}" for k in ("db", "term", "mindate", "maxdate"))
            webenv, query_key = f"MCID_{hashlib.sha1(key.encode()).hexdigest()[:24]}", "1"
            with self._lock:
                self._histories[webenv] = uids
        fields = dict(count=len(uids), ids=uids[retstart : retstart + retmax], retstart=retstart)
        if params.get("retmode") == "json":
            body = render.esearch_json(**fields, webenv=webenv, query_key=query_key, term=term)
            return TransportResponse(200, {"Content-Type": EUTILS_JSON}, body)
        body = render.esearch_xml(**fields, webenv=webenv, query_key=query_key, term=term)
        return TransportResponse(200, _eutils_headers(), body)

    def _efetch(self, params: dict[str, str]) -> TransportResponse:
        db = params.get("db", "pubmed")
        if "id" in params:
            uids = [uid.strip() for uid in params["id"].split(",") if uid.strip()]
        elif "WebEnv" in params:
            history = self._histories.get(params["WebEnv"])
            if history is None or params.get("query_key") != "1":
                return _eutils_error(
                    f"Unable to obtain query #{params.get('query_key')}", params, "eFetchResult"
                )
            retstart = int(params.get("retstart", 0))
            uids = history[retstart : retstart + int(params.get("retmax", 20))]
        else:
            return _eutils_error("Empty id list - nothing todo", params, "eFetchResult")
        if db == "pubmed":
            found = [self._by_pmid[uid] for uid in uids if uid in self._by_pmid]
            return TransportResponse(200, _eutils_headers(), render.pubmed_articleset(found))
        if db == "pmc":
            found = [self._by_pmcid.get(f"PMC{uid.upper().removeprefix('PMC')}") for uid in uids]
            open_access = [report for report in found if report is not None and report.is_open_access]
            return TransportResponse(200, _eutils_headers(), render.pmc_articleset(open_access))
        return _eutils_error(f"Invalid db name specified: {db}", params, "eFetchResult")

    # --- PubTator3 -------------------------------------------------------------------------------
    def _pubtator_export(self, params: dict[str, str]) -> TransportResponse:
        pmids = [pmid.strip() for pmid in params.get("pmids", "").split(",")]
        held = [
            self._by_pmid[pmid] for pmid in pmids if pmid in self._by_pmid and self._by_pmid[pmid].in_pubtator
        ]
        return TransportResponse(200, {"Content-Type": "application/json"}, render.pubtator_export(held))


def _eutils_headers() -> dict[str, str]:
    return {"Content-Type": EUTILS_XML, "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2"}


def _eutils_error(message: str, params: dict[str, str], root: str = "eSearchResult") -> TransportResponse:
    """E-utilities report bad requests with HTTP 200 and an `<ERROR>` element."""
    if params.get("retmode") == "json":
        body = render.eutils_error_json(message)
        return TransportResponse(200, {"Content-Type": EUTILS_JSON}, body)
    return TransportResponse(200, _eutils_headers(), render.eutils_error_xml(root, message))


def _corrupt(response: TransportResponse, fault: Fault) -> TransportResponse:
    body = response.body
    if fault.kind == "empty":
        body = b""
    elif fault.kind == "truncated_json":
        body = body[: len(body) // 2]
    elif fault.kind == "malformed_xml":
        # The last closing tag no longer matches its start tag.
        body = body[: body.rstrip().rfind(b"</")] + b"</mismatched>\n"
    elif fault.kind == "xxe":
        body = _with_external_entity(body)
    return TransportResponse(response.status, response.headers, body)


def _with_external_entity(body: bytes) -> bytes:
    """The document with a DOCTYPE declaring an external entity, referenced in its first paragraph."""
    start = body.find(b"<!DOCTYPE")
    if start >= 0:
        body = body[:start] + _XXE_DOCTYPE + body[body.find(b">", start) + 1 :]
    else:
        declaration_end = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
        body = body[:declaration_end] + _XXE_DOCTYPE + body[declaration_end:]
    for opening in (b"<p ", b"<p>", b"<AbstractText>", b"<Id>"):
        position = body.find(opening)
        if position >= 0:
            end = body.find(b">", position) + 1
            return body[:end] + b"&xxe;" + body[end:]
    return body
