"""NCBI E-utilities: esearch (PubMed, PMC) with history and date splitting, efetch of records.

PubMed's esearch returns at most 10,000 ids per query; a larger result is split into date windows
(by Entrez date, `mindate` and `maxdate` always sent together) until each window fits.
Many errors arrive with HTTP 200: `<ERROR>`, `"ERROR"`, `esummaryresult` lists, per-id `<error>`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from caseminer.parsing.errors import ParseError
from caseminer.parsing.xmlsafe import parse_xml
from caseminer.schemas.sources import SourceName
from caseminer.sources.dates import DateWindow
from caseminer.sources.errors import ServiceErrorResponse, SourceError
from caseminer.sources.http import HttpClient, HttpResult

log = logging.getLogger(__name__)

BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
MAX_SEARCH_IDS = 10_000
RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0
EFETCH_BATCH = 200
CASE_REPORT_FILTER = '"Case Reports"[pt]'


def rate_for(api_key: str | None) -> float:
    """NCBI allows 3 requests/s per IP, 10 with an API key."""
    return RATE_WITH_KEY if api_key else RATE_WITHOUT_KEY


@dataclass
class EsearchResult:
    count: int
    ids: list[str]
    retstart: int = 0
    webenv: str | None = None
    query_key: str | None = None
    warnings: list[str] = field(default_factory=list)


def _raise_json_error(data: object, url: str | None) -> None:
    if isinstance(data, dict):
        for key in ("esearchresult", "esummaryresult", "elinkresult"):
            inner = data.get(key)
            if isinstance(inner, list) and inner and all(isinstance(item, str) for item in inner):
                raise ServiceErrorResponse(f"E-utilities error: {'; '.join(inner)}", url=url)
            if isinstance(inner, dict) and inner.get("ERROR"):
                raise ServiceErrorResponse(f"E-utilities error: {inner['ERROR']}", url=url)
        if isinstance(data.get("error"), str):
            raise ServiceErrorResponse(f"E-utilities error: {data['error']}", url=url)
        if isinstance(data.get("ERROR"), str):
            raise ServiceErrorResponse(f"E-utilities error: {data['ERROR']}", url=url)


def raise_for_eutils_error(body: bytes, *, url: str | None = None) -> None:
    """Raise ServiceErrorResponse when a body (XML or JSON) is an E-utilities error message."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise SourceError(f"E-utilities returned malformed JSON (truncated?): {error}", url=url) from None
        _raise_json_error(data, url)
        return
    try:
        root = parse_xml(body)
    except ParseError as error:
        raise SourceError(f"E-utilities returned unreadable XML: {error}", url=url) from None
    message = root.findtext("ERROR")
    if message:
        raise ServiceErrorResponse(f"E-utilities error: {message.strip()}", url=url)


def _xml_warnings(root) -> list[str]:
    warnings = []
    for container in ("ErrorList", "WarningList"):
        for item in root.findall(f"{container}/*"):
            if item.text and item.text.strip():
                warnings.append(f"{item.tag}: {item.text.strip()}")
    return warnings


def parse_esearch(body: bytes, *, url: str | None = None) -> EsearchResult:
    """An esearch response, XML or JSON; errors (even with HTTP 200) raise ServiceErrorResponse."""
    raise_for_eutils_error(body, url=url)
    if body.lstrip()[:1] == b"{":
        data = json.loads(body)["esearchresult"]
        errorlist = data.get("errorlist") or {}
        return EsearchResult(
            count=int(data.get("count", 0)),
            ids=[str(uid) for uid in data.get("idlist", [])],
            retstart=int(data.get("retstart", 0)),
            webenv=data.get("webenv"),
            query_key=data.get("querykey"),
            warnings=[f"{key}: {', '.join(map(str, v))}" for key, v in errorlist.items() if v],
        )
    root = parse_xml(body)
    if root.tag != "eSearchResult":
        raise SourceError(f"not an esearch response: root <{root.tag}>", url=url)
    return EsearchResult(
        count=int(root.findtext("Count") or 0),
        ids=[uid.text.strip() for uid in root.findall("IdList/Id") if uid.text],
        retstart=int(root.findtext("RetStart") or 0),
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
        warnings=_xml_warnings(root),
    )


def docsum_errors(body: bytes) -> dict[str, str]:
    """Per-id errors of an ESummary 2.0 response (`<DocumentSummary uid><error>`), by uid."""
    root = parse_xml(body)
    return {
        summary.get("uid", ""): (summary.findtext("error") or "").strip()
        for summary in root.iter("DocumentSummary")
        if summary.find("error") is not None
    }


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EutilsClient:
    def __init__(
        self,
        http: HttpClient,
        *,
        tool: str = "caseminer",
        email: str | None = None,
        api_key: str | None = None,
        base_url: str = BASE_URL,
        page_size: int = 5000,
    ) -> None:
        self.http = http
        self.tool = tool
        self.email = email
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size

    def _identity(self) -> dict[str, str]:
        identity = {"tool": self.tool}
        if self.email:
            identity["email"] = self.email
        if self.api_key:
            identity["api_key"] = self.api_key
        return identity

    def _get(self, utility: str, params: dict[str, str | int], *, source: SourceName) -> HttpResult:
        return self.http.get(f"{self.base_url}/{utility}.fcgi", {**params, **self._identity()}, source=source)

    def esearch(
        self,
        db: str,
        term: str,
        *,
        window: DateWindow | None = None,
        retstart: int = 0,
        retmax: int | None = None,
        datetype: str = "edat",
    ) -> EsearchResult:
        params: dict[str, str | int] = {
            "db": db,
            "term": term,
            "retmode": "xml",
            "usehistory": "y",
            "retstart": retstart,
            "retmax": retmax if retmax is not None else self.page_size,
        }
        if window is not None:
            # E-utilities ignores a lone mindate or maxdate: always both.
            params.update(
                datetype=datetype,
                mindate=window.start.strftime("%Y/%m/%d"),
                maxdate=window.end.strftime("%Y/%m/%d"),
            )
        result = self._get("esearch", params, source=_source_of(db))
        parsed = parse_esearch(result.body, url=result.url)
        for warning in parsed.warnings:
            log.info("esearch %s %r: %s", db, term, warning)
        return parsed

    def search_ids(self, db: str, term: str, window: DateWindow) -> Iterator[str]:
        """Every id of a search in a window, split into smaller windows past the 10,000-id cap."""
        first = self.esearch(db, term, window=window)
        if first.count > MAX_SEARCH_IDS:
            if window.days < 2:
                raise SourceError(
                    f"{db} search {term!r} has {first.count} hits on {window.start}, over the "
                    f"{MAX_SEARCH_IDS} the service returns; narrow the query"
                )
            for half in window.halves():
                yield from self.search_ids(db, term, half)
            return
        yield from first.ids
        retstart = len(first.ids)
        while retstart < first.count:
            page = self.esearch(db, term, window=window, retstart=retstart)
            if not page.ids:
                break
            yield from page.ids
            retstart += len(page.ids)

    def fetch_history(
        self, db: str, search: EsearchResult, *, batch_size: int = EFETCH_BATCH
    ) -> Iterator[HttpResult]:
        """efetch the records of a search from the History server (WebEnv + query_key), page by page."""
        if not (search.webenv and search.query_key):
            raise SourceError(f"{db} search has no WebEnv/query_key (usehistory=y missing?)")
        for retstart in range(0, search.count, batch_size):
            params = {
                "db": db,
                "WebEnv": search.webenv,
                "query_key": search.query_key,
                "retstart": retstart,
                "retmax": batch_size,
                "retmode": "xml",
            }
            yield self._checked(self._get("efetch", params, source=_source_of(db)))

    def efetch(self, db: str, ids: Iterable[str], *, batch_size: int = EFETCH_BATCH) -> Iterator[HttpResult]:
        """efetch records by id (PubMed XML for db=pubmed, JATS for db=pmc), in batches."""
        uids = [_uid(db, uid) for uid in ids]
        for batch in _batches(uids, batch_size):
            params = {"db": db, "id": ",".join(batch), "retmode": "xml"}
            yield self._checked(self._get("efetch", params, source=_source_of(db)))

    @staticmethod
    def _checked(result: HttpResult) -> HttpResult:
        raise_for_eutils_error(result.body, url=result.url)
        return result


def _source_of(db: str) -> SourceName:
    return "pmc" if db == "pmc" else "pubmed"


def _uid(db: str, uid: str) -> str:
    """PMC's E-utilities take the numeric part of a PMCID."""
    return uid.upper().removeprefix("PMC").split(".")[0] if db == "pmc" else uid


def default_window(start: date, end: date | None = None) -> DateWindow:
    return DateWindow(start, end or date.today())
