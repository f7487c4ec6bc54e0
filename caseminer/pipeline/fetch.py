"""The fetch stage: which search hits to fetch (new, revised, failed before), and fetching them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseminer.db import session_scope
from caseminer.db.models import Article, DocumentRow
from caseminer.db.repository import (
    find_article,
    pending_failures,
)
from caseminer.pipeline.resources import describe_error
from caseminer.pipeline.work import ArticleWork, FailureNote
from caseminer.schemas import ArticleIds, SearchHit
from caseminer.sources import SourceError, fetch_article
from caseminer.sources.clients import SourceClients
from caseminer.sources.search import SEARCH_SOURCES

# The stage of a source's failed search in `failures` (its source_id is the topic's name).
SEARCH_STAGE = "search"


# Failures of these sources are retried by fetching the article again (PubTator3's are optional parts).
RETRIED_SOURCES = (*SEARCH_SOURCES, "pubtator3")


def _hit_metadata(hit: SearchHit) -> dict[str, Any]:
    return {
        "title": hit.title,
        "journal": hit.journal,
        "year": hit.year,
        "publication_types": hit.publication_types,
        "license": hit.license,
        "is_open_access": hit.is_open_access,
        "first_index_date": hit.first_index_date,
        "update_date": hit.update_date,
    }


def ids_from_key(key: str) -> ArticleIds:
    """The ids behind `ArticleIds.key` ("PMC123", "PMID123", "DOI:10.x/y")."""
    if key.upper().startswith("PMID"):
        return ArticleIds(pmid=key[4:])
    if key.upper().startswith("DOI:"):
        return ArticleIds(doi=key[4:])
    return ArticleIds(pmcid=key)


def retry_hits(session: Session) -> list[SearchHit]:
    """Articles that failed in an earlier run (fetch to store), as hits to fetch again."""
    hits: dict[str, SearchHit] = {}
    for failure in pending_failures(session):
        if failure.stage == SEARCH_STAGE:
            continue
        if failure.source in SEARCH_SOURCES and failure.source_id not in hits:
            hits[failure.source_id] = SearchHit(source=failure.source, ids=ids_from_key(failure.source_id))
    return list(hits.values())


@dataclass
class FetchPlan:
    """Which hits to fetch (new or updated) and which are already stored as they are."""

    new: list[SearchHit] = field(default_factory=list)
    updated: list[SearchHit] = field(default_factory=list)
    unchanged: list[SearchHit] = field(default_factory=list)

    @property
    def to_fetch(self) -> list[SearchHit]:
        return self.new + self.updated

    @property
    def found(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged)


def plan_fetches(engine: Engine, hits: Sequence[SearchHit], *, retry_failed: bool = True) -> FetchPlan:
    """Sort hits into new / updated / unchanged against the registry; failed articles count as new
    or updated and are fetched again (with `retry_failed`, also those this search did not list)."""
    plan = FetchPlan()
    with session_scope(engine) as session:
        pending = {
            f.source_id
            for f in pending_failures(session)
            if f.source in RETRIED_SOURCES and f.stage != SEARCH_STAGE
        }
        listed = {hit.ids.key for hit in hits}
        retries = [hit for hit in retry_hits(session) if hit.ids.key not in listed] if retry_failed else []
        for hit in [*hits, *retries]:
            article = find_article(session, hit.ids)
            stored = article is not None and session.scalar(
                select(DocumentRow.id).where(DocumentRow.article_id == article.id).limit(1)
            )
            if article is None or not stored:
                plan.new.append(hit)
            elif hit.ids.key in pending or _revised(hit, article):
                plan.updated.append(hit)
            else:
                plan.unchanged.append(hit)
    return plan


def _revised(hit: SearchHit, article: Article) -> bool:
    if not hit.update_date:
        return False
    revised = date.fromisoformat(hit.update_date[:10])
    return article.update_date is None or revised > article.update_date


@dataclass
class FetchOutcome:
    works: list[ArticleWork] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)


def fetch_batch(
    hits: Sequence[SearchHit], clients: SourceClients, *, topic: str | None = None
) -> FetchOutcome:
    """`fetch_article` for each hit (network); a hit that cannot be fetched becomes a failure note."""
    outcome = FetchOutcome()
    for hit in hits:
        try:
            records = fetch_article(hit, clients)
        except SourceError as error:
            outcome.failures.append(FailureNote(hit.source, hit.ids.key, "fetch", describe_error(error)))
            continue
        outcome.works.append(
            ArticleWork(hit.source, hit.ids.key, hit.ids, records, _hit_metadata(hit), topic=topic)
        )
    return outcome
