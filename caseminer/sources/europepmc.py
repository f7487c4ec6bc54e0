"""Europe PMC REST: `search` (core records, cursor paging) and `{PMCID}/fullTextXML`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from caseminer.parsing.errors import ParseError
from caseminer.parsing.xmlsafe import parse_xml
from caseminer.schemas.sources import ArticleIds, SearchHit
from caseminer.sources.dates import DateWindow
from caseminer.sources.errors import ServiceErrorResponse, SourceError
from caseminer.sources.http import HttpClient, HttpResult

log = logging.getLogger(__name__)

BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
MAX_PAGE_SIZE = 1000
# No official number; third-party guides state 10/s per IP. Stay well below.
RATE_PER_SECOND = 5.0
CASE_REPORT_FILTER = '(PUB_TYPE:"Case Reports" OR PUB_TYPE:"case-report")'


@dataclass
class SearchPage:
    hit_count: int
    hits: list[SearchHit]
    next_cursor: str | None


def raise_for_error_bean(body: bytes, *, url: str | None = None) -> None:
    """Europe PMC reports some errors as `<errorBean>` XML (with HTTP 200 or an error status)."""
    if b"<errorBean" not in body[:500]:
        return
    try:
        root = parse_xml(body)
    except ParseError:
        raise ServiceErrorResponse(f"Europe PMC error (unreadable errorBean) for {url}", url=url) from None
    message = root.findtext("errMsg") or "no message"
    raise ServiceErrorResponse(f"Europe PMC error {root.findtext('errCode')}: {message}", url=url)


def _flag(value: Any) -> bool | None:
    return {"Y": True, "N": False}.get(str(value)) if value is not None else None


def hit_from_result(result: dict[str, Any]) -> SearchHit:
    """A SearchHit from one `resultList.result` item (core or lite)."""
    pub_types = result.get("pubTypeList", {}).get("pubType")
    if pub_types is None and isinstance(result.get("pubType"), str):
        pub_types = [part.strip() for part in result["pubType"].split(";") if part.strip()]
    if isinstance(pub_types, str):
        pub_types = [pub_types]
    journal = (result.get("journalInfo") or {}).get("journal", {}).get("title") or result.get("journalTitle")
    year = str(result.get("pubYear") or "")
    license_value = result.get("license")
    return SearchHit(
        source="europepmc",
        ids=ArticleIds(pmid=result.get("pmid"), pmcid=result.get("pmcid"), doi=result.get("doi")),
        title=result.get("title"),
        journal=journal,
        year=int(year) if year.isdigit() else None,
        publication_types=list(pub_types or []),
        is_open_access=_flag(result.get("isOpenAccess")),
        license=license_value if isinstance(license_value, str) else None,
        first_index_date=result.get("firstIndexDate"),
        update_date=result.get("dateOfRevision"),
    )


def _parse_search_xml(body: bytes, url: str | None) -> SearchPage:
    """The `format=xml` layout (`<responseWrapper>`), read into the same records as JSON."""
    try:
        root = parse_xml(body)
    except ParseError as error:
        raise SourceError(f"Europe PMC search returned malformed XML: {error}", url=url) from None
    if root.tag != "responseWrapper" or root.findtext("hitCount") is None:
        raise SourceError(f"Europe PMC search response has no hitCount (root <{root.tag}>)", url=url)
    results = [
        {child.tag: child.text for child in result if len(child) == 0 and child.text}
        for result in root.iterfind("resultList/result")
    ]
    return SearchPage(
        hit_count=int(root.findtext("hitCount") or 0),
        hits=[hit_from_result(result) for result in results],
        next_cursor=root.findtext("nextCursorMark"),
    )


def parse_search_page(body: bytes, *, url: str | None = None) -> SearchPage:
    """One page of `search` results (JSON as requested; the XML layout is read too)."""
    raise_for_error_bean(body, url=url)
    if body.lstrip()[:1] == b"<":
        return _parse_search_xml(body, url)
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = f"Europe PMC search returned malformed JSON (truncated?): {error}"
        raise SourceError(message, url=url) from None
    if not isinstance(data, dict) or "hitCount" not in data:
        raise SourceError("Europe PMC search response has no hitCount", url=url)
    results = (data.get("resultList") or {}).get("result") or []
    return SearchPage(
        hit_count=int(data["hitCount"]),
        hits=[hit_from_result(result) for result in results],
        next_cursor=data.get("nextCursorMark"),
    )


def build_query(
    query: str, *, case_reports_only: bool = True, window: DateWindow | None = None, incremental: bool = False
) -> str:
    """The topic query, the case-report filter and a FIRST_IDATE window (incrementally also UPDATE_DATE)."""
    parts = [f"({query})"]
    if case_reports_only:
        parts.append(CASE_REPORT_FILTER)
    if window is not None:
        span = f"[{window.start.isoformat()} TO {window.end.isoformat()}]"
        parts.append(f"(FIRST_IDATE:{span} OR UPDATE_DATE:{span})" if incremental else f"FIRST_IDATE:{span}")
    return " AND ".join(parts)


class EuropePmcClient:
    def __init__(self, http: HttpClient, base_url: str = BASE_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def search_pages(
        self, query: str, *, page_size: int = MAX_PAGE_SIZE, result_type: str = "core"
    ) -> Iterator[SearchPage]:
        """Every page of a search, following nextCursorMark until it is missing or repeats."""
        url = f"{self.base_url}/search"
        cursor = "*"
        seen = {cursor}
        while True:
            params = {
                "query": query,
                "resultType": result_type,
                "format": "json",
                "pageSize": min(page_size, MAX_PAGE_SIZE),
                "cursorMark": cursor,
            }
            result = self.http.get(url, params, source="europepmc")
            page = parse_search_page(result.body, url=result.url)
            yield page
            next_cursor = page.next_cursor
            if not next_cursor or not page.hits:
                return
            if next_cursor in seen:
                log.warning("Europe PMC repeated cursor %s for %r; stopping", next_cursor, query)
                return
            seen.add(next_cursor)
            cursor = next_cursor

    def search(self, query: str, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[SearchHit]:
        for page in self.search_pages(query, page_size=page_size):
            yield from page.hits

    def full_text_xml(self, pmcid: str) -> HttpResult:
        """The open-access JATS of an article (a bare `<article>`); SourceError when not available."""
        result = self.http.get(f"{self.base_url}/{pmcid}/fullTextXML", source="europepmc")
        raise_for_error_bean(result.body, url=result.url)
        if not result.body.strip():
            raise ServiceErrorResponse(f"Europe PMC returned no full text for {pmcid}", url=result.url)
        return result
