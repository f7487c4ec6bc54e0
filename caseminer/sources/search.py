"""Search every configured source for a topic and merge the hits into one per article."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from caseminer.schemas.sources import SearchHit
from caseminer.sources import europepmc, eutils
from caseminer.sources.clients import SourceClients
from caseminer.sources.dates import DateWindow
from caseminer.sources.errors import SourceError
from caseminer.sources.identity import IdentityIndex
from caseminer.sources.topic import Topic

log = logging.getLogger(__name__)


def window_end(topic: Topic, until: date | None = None) -> date:
    return until or topic.end_date or date.today()


def topic_window(topic: Topic, since: date | None = None, until: date | None = None) -> DateWindow:
    return DateWindow(since or topic.start_date, window_end(topic, until))


def pubmed_term(query: str, *, case_reports_only: bool) -> str:
    return f"({query}) AND {eutils.CASE_REPORT_FILTER}" if case_reports_only else query


SEARCH_SOURCES = ("europepmc", "pubmed", "pmc")


def topic_sources(topic: Topic, clients: SourceClients) -> list[str]:
    """The sources this topic searches with these clients, in search order."""
    queries = topic.queries
    configured = {
        "europepmc": bool(clients.europepmc and queries.europepmc),
        "pubmed": bool(clients.eutils and queries.pubmed),
        "pmc": bool(clients.eutils and queries.pmc),
    }
    return [source for source in SEARCH_SOURCES if configured[source]]


def source_hits(
    source: str, topic: Topic, clients: SourceClients, since: date | None = None, until: date | None = None
) -> Iterator[SearchHit]:
    """Hits of one source (`since` given = an incremental search); raises SourceError."""
    window = topic_window(topic, since, until)
    queries = topic.queries
    if source == "europepmc" and clients.europepmc and queries.europepmc:
        query = europepmc.build_query(
            queries.europepmc,
            case_reports_only=topic.case_reports_only,
            window=window,
            incremental=since is not None,
        )
        yield from clients.europepmc.search(query)
    elif source == "pubmed" and clients.eutils and queries.pubmed:
        term = pubmed_term(queries.pubmed, case_reports_only=topic.case_reports_only)
        for pmid in clients.eutils.search_ids("pubmed", term, window):
            yield SearchHit(source="pubmed", ids={"pmid": pmid})
    elif source == "pmc" and clients.eutils and queries.pmc:
        # PMC's query is used as written: its case-report filter differs from PubMed's [pt].
        for uid in clients.eutils.search_ids("pmc", queries.pmc, window):
            yield SearchHit(source="pmc", ids={"pmcid": uid})


def iter_source_hits(
    topic: Topic, clients: SourceClients, since: date | None = None, until: date | None = None
) -> Iterator[SearchHit]:
    """Hits as each source lists them (an article may appear once per source)."""
    for source in topic_sources(topic, clients):
        yield from source_hits(source, topic, clients, since, until)


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


@dataclass
class TopicSearch:
    """What searching each source found: the merged hits of the sources that answered, and the
    one-line error of each source that did not (`searched` lists the sources that answered)."""

    hits: list[SearchHit] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def search_each_source(
    topic: Topic,
    clients: SourceClients,
    since: Mapping[str, date | None] | None = None,
    until: date | None = None,
) -> TopicSearch:
    """Search every source of the topic from its own `since` (none: the topic's start); a source that
    fails is reported in `failed` and the others go on."""
    since = since or {}
    result = TopicSearch()
    found: list[SearchHit] = []
    for source in topic_sources(topic, clients):
        start = since.get(source)
        if start is not None and start > window_end(topic, until):
            result.searched.append(source)  # a watermark past a closed topic's end: nothing to search
            continue
        try:
            # A source that fails on a later page gives nothing: its window is searched again.
            hits = list(source_hits(source, topic, clients, start, until))
        except SourceError as error:
            log.info("topic %s: %s search failed: %s", topic.name, source, error)
            result.failed[source] = str(error)
            continue
        found.extend(hits)
        result.searched.append(source)
    result.hits = merge_hits(found)
    log.info(
        "topic %s: %d articles from %s",
        topic.name,
        len(result.hits),
        ", ".join(result.searched) or "no source",
    )
    return result
