"""Literature sources: Europe PMC, NCBI E-utilities (PubMed, PMC), PubTator3 and local bulk files.

Every response body is stored in the raw archive before parsing; requests go through one HTTP
client with per-host rate limits and retries, or through a cassette for offline replay.
"""

from caseminer.sources.archive import RawArchive
from caseminer.sources.clients import SourceClients, clients_from_settings, make_clients
from caseminer.sources.errors import CassetteMiss, ServiceErrorResponse, SourceError
from caseminer.sources.fetch import fetch_article
from caseminer.sources.http import HttpClient, HttpResult
from caseminer.sources.replay import RecordingTransport, ReplayTransport
from caseminer.sources.search import merge_hits, search_topic
from caseminer.sources.topic import Topic, TopicError, load_topic

__all__ = [
    "CassetteMiss",
    "HttpClient",
    "HttpResult",
    "RawArchive",
    "RecordingTransport",
    "ReplayTransport",
    "ServiceErrorResponse",
    "SourceClients",
    "SourceError",
    "Topic",
    "TopicError",
    "clients_from_settings",
    "fetch_article",
    "load_topic",
    "make_clients",
    "merge_hits",
    "search_topic",
]
