"""Record the demo cassette: the demo topic's ingest requests answered by the synthetic service.

    python scripts/build_demo_cassette.py [--out caseminer/data/demo/cassette]

Runs exactly the source calls of an ingest (`search_topic`, then `fetch_article` for every hit)
through a RecordingTransport around `SyntheticService(handwritten_reports())`. The result is
deterministic: rebuilding gives byte-identical files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from caseminer.demo import SyntheticService, demo_cassette_dir, demo_topic, handwritten_reports
from caseminer.sources.archive import RawArchive
from caseminer.sources.clients import make_clients
from caseminer.sources.fetch import fetch_article
from caseminer.sources.replay import RecordingTransport
from caseminer.sources.search import search_topic


def build_cassette(out: Path) -> int:
    """Record into `out` (replaced); returns the number of articles fetched."""
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="caseminer-demo-archive-") as archive_dir:
        transport = RecordingTransport(SyntheticService(handwritten_reports()), out)
        clients = make_clients(archive=RawArchive(Path(archive_dir)), transport=transport)
        hits = list(search_topic(demo_topic(), clients))
        for hit in hits:
            fetch_article(hit, clients)
    return len(hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=demo_cassette_dir(), help="cassette directory to (re)write"
    )
    args = parser.parse_args(argv)
    articles = build_cassette(args.out)
    size = sum(path.stat().st_size for path in args.out.rglob("*") if path.is_file())
    print(f"recorded {articles} articles into {args.out} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
