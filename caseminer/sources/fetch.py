"""Fetch what an article has: open-access full text when there is one, else its PubMed record,
plus PubTator3's annotations. Every body lands in the raw archive; RawRecords point at them.
"""

from __future__ import annotations

import logging

from caseminer.parsing import ParseError, parse_bytes
from caseminer.schemas.sources import RawRecord, SearchHit
from caseminer.sources.clients import SourceClients
from caseminer.sources.errors import SourceError
from caseminer.sources.http import HttpResult

log = logging.getLogger(__name__)


def _archived(result: HttpResult) -> RawRecord:
    if result.raw is None:
        raise ValueError("fetch_article needs clients made with an archive (make_clients(archive=...))")
    return result.raw


def _has_body(result: HttpResult) -> bool:
    try:
        return any(document.text_scope == "full" for document in parse_bytes(result.body))
    except ParseError:
        return False


def _pmc_records(hit: SearchHit, clients: SourceClients, errors: list[SourceError]) -> list[HttpResult]:
    """Full text first (Europe PMC, then PMC efetch); a PMC record with front matter only comes last."""
    pmcid = hit.ids.pmcid
    if not pmcid or hit.is_open_access is False:
        return []
    if clients.europepmc:
        try:
            return [clients.europepmc.full_text_xml(pmcid)]
        except SourceError as error:
            errors.append(error)
    if clients.eutils:
        try:
            # PMC's efetch gives only front matter for articles outside the open-access subset.
            return [next(clients.eutils.efetch("pmc", [pmcid]))]
        except SourceError as error:
            errors.append(error)
    return []


def _pubmed_record(hit: SearchHit, clients: SourceClients, errors: list[SourceError]) -> HttpResult | None:
    if not (hit.ids.pmid and clients.eutils):
        return None
    try:
        return next(clients.eutils.efetch("pubmed", [hit.ids.pmid]))
    except SourceError as error:
        errors.append(error)
        return None


def fetch_article(
    hit: SearchHit,
    clients: SourceClients,
    *,
    errors: list[SourceError] | None = None,
    annotations: bool = True,
) -> list[RawRecord]:
    """Raw records of one article: [full text or PubMed record, PubTator3 annotations if any].

    Raises SourceError when no article record could be fetched; problems with optional parts
    (a failed full-text attempt, missing annotations) are appended to `errors` instead.
    """
    errors = errors if errors is not None else []
    pmc = _pmc_records(hit, clients, errors)
    article = pmc[0] if pmc and _has_body(pmc[0]) else _pubmed_record(hit, clients, errors)
    # Without a PubMed record, PMC's front matter (title, abstract) is still the article's record.
    article = article or (pmc[0] if pmc else None)
    if article is None:
        causes = "; ".join(str(error) for error in errors) or "no PMID or open-access PMCID"
        raise SourceError(f"no record could be fetched for {hit.ids.key}: {causes}")
    records = [_archived(article)]
    if annotations and clients.pubtator and hit.ids.pmid:
        try:
            records.extend(_archived(result) for result in clients.pubtator.export_pmids([hit.ids.pmid]))
        except SourceError as error:
            log.info("no PubTator3 annotations for %s: %s", hit.ids.key, error)
            errors.append(error)
    return records
