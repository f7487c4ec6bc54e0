"""The set of source clients one run uses, each with its service's rate limit and one archive."""

from __future__ import annotations

from dataclasses import dataclass

from caseminer.config import Settings
from caseminer.sources import europepmc, eutils, pubtator
from caseminer.sources.archive import RawArchive
from caseminer.sources.europepmc import EuropePmcClient
from caseminer.sources.eutils import EutilsClient
from caseminer.sources.http import BucketRegistry, HttpClient, Transport
from caseminer.sources.pubtator import PubTatorClient
from caseminer.sources.topic import Topic


@dataclass
class SourceClients:
    europepmc: EuropePmcClient | None = None
    eutils: EutilsClient | None = None
    pubtator: PubTatorClient | None = None
    archive: RawArchive | None = None


def make_clients(
    *,
    archive: RawArchive | None = None,
    transport: Transport | None = None,
    email: str | None = None,
    api_key: str | None = None,
    tool: str = "caseminer",
    max_retries: int = 5,
    buckets: BucketRegistry | None = None,
) -> SourceClients:
    """Clients for Europe PMC, E-utilities and PubTator3 sharing one archive and transport.

    Pass a `ReplayTransport` to run against a cassette, a `RecordingTransport` to make one.
    """

    def http(rate: float) -> HttpClient:
        return HttpClient(rate, max_retries, archive, transport, buckets=buckets)

    return SourceClients(
        europepmc=EuropePmcClient(http(europepmc.RATE_PER_SECOND)),
        eutils=EutilsClient(http(eutils.rate_for(api_key)), tool=tool, email=email, api_key=api_key),
        pubtator=PubTatorClient(http(pubtator.RATE_PER_SECOND)),
        archive=archive,
    )


def clients_from_settings(
    settings: Settings, topic: Topic | None = None, *, transport: Transport | None = None
) -> SourceClients:
    """Clients archiving into the configured archive, identified to NCBI by the configured email/key."""
    return make_clients(
        archive=RawArchive(settings.resolved_archive_dir),
        transport=transport,
        email=settings.ncbi_email or (topic.email if topic else None),
        api_key=settings.ncbi_api_key,
        tool=settings.ncbi_tool,
    )
