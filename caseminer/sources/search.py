"""Search every configured source for a topic and merge the hits into one per article."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date

from caseminer.schemas.sources import SearchHit
from caseminer.sources import europepmc, eutils
from caseminer.sources.clients import SourceClients
from caseminer.sources.dates import DateWindow
from caseminer.sources.identity import IdentityIndex
from caseminer.sources.topic import Topic

log = logging.getLogger(__name__)


def topic_window(topic: Topic, since: date | None = None, until: date | None = None) -> DateWindow:
    return DateWindow(since or topic.start_date, until or topic.end_date or date.today())


def pubmed_term(query: str, *, case_reports_only: bool) -> str:
    return f"({query}) AND {eutils.CASE_REPORT_FILTER}" if case_reports_only else query


def iter_source_hits(
    topic: Topic, clients: SourceClients, since: date | None = None, until: date | None = None
) -> Iterator[SearchHit]:
    """Hits as each source lists them (an article may appear once per source)."""
    window = topic_window(topic, since, until)
    queries = topic.queries
    if clients.europepmc and queries.europepmc:
        query = europepmc.build_query(
            queries.europepmc,
            case_reports_only=topic.case_reports_only,
            window=window,
            incremental=since is not None,
        )
        yield from clients.europepmc.search(query)
    if clients.eutils and queries.pubmed:
        term = pubmed_term(queries.pubmed, case_reports_only=topic.case_reports_only)
        for pmid in clients.eutils.search_ids("pubmed", term, window):
            yield SearchHit(source="pubmed", ids={"pmid": pmid})
    if clients.eutils and queries.pmc:
        # PMC's query is used as written: its case-report filter differs from PubMed's [pt].
        for uid in clients.eutils.search_ids("pmc", queries.pmc, window):
            yield SearchHit(source="pmc", ids={"pmcid": uid})


def merge_hits(hits: Iterable[SearchHit]) -> list[SearchHit]:
    """One hit per article: ids merged across sources, metadata taken from the first that has it."""
    index = IdentityIndex()
    merged: dict[int, SearchHit] = {}
    for hit in hits:
        position, _ = index.add(hit.ids)
        known = merged.get(position)
        if known is None:
            merged[position] = hit.model_copy()
            continue
        update = {
            name: getattr(hit, name)
            for name in SearchHit.model_fields
            if name not in ("source", "ids", "publication_types") and getattr(known, name) is None
        }
        update["publication_types"] = list(dict.fromkeys(known.publication_types + hit.publication_types))
        merged[position] = known.model_copy(update=update)
    # An article found first by ids that later merged keeps every id.
    return [hit.model_copy(update={"ids": index.articles[pos]}) for pos, hit in sorted(merged.items())]


def search_topic(
    topic: Topic, clients: SourceClients, since: date | None = None, until: date | None = None
) -> Iterator[SearchHit]:
    """Every article of the topic in the window (since = incremental), once, across all sources."""
    hits = merge_hits(iter_source_hits(topic, clients, since, until))
    log.info("topic %s: %d articles", topic.name, len(hits))
    yield from hits
