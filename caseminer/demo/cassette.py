"""Record a cassette of a topic's ingest requests, answered by a SyntheticService.

The requests are exactly those of an ingest's source stage: `search_topic(topic, clients)`, then
`fetch_article(hit, clients)` for every hit. Replaying the cassette with `ReplayTransport` serves
that stage without a network; the demo cassette and benchmark corpora are made this way.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from caseminer.demo.service import SyntheticService
from caseminer.sources.archive import RawArchive
from caseminer.sources.clients import make_clients
from caseminer.sources.fetch import fetch_article
from caseminer.sources.replay import RecordingTransport
from caseminer.sources.search import search_topic
from caseminer.sources.topic import Topic


def record_cassette(service: SyntheticService, topic: Topic, out: Path) -> int:
    """Record into `out` (replaced when it exists); returns the number of articles fetched.

    Deterministic: the same reports and topic give byte-identical files.
    """
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="caseminer-cassette-archive-") as archive_dir:
        clients = make_clients(
            archive=RawArchive(Path(archive_dir)), transport=RecordingTransport(service, out)
        )
        hits = list(search_topic(topic, clients))
        for hit in hits:
            fetch_article(hit, clients)
    return len(hits)
