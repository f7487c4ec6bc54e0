"""Record the demo cassette: the demo topic's ingest requests answered by the synthetic service.

    python scripts/build_demo_cassette.py [--out caseminer/data/demo/cassette]

Runs exactly the source calls of an ingest (`search_topic`, then `fetch_article` for every hit)
through a RecordingTransport around `SyntheticService(handwritten_reports())`. The result is
deterministic: rebuilding gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caseminer.demo import (
    SyntheticService,
    demo_cassette_dir,
    demo_topic,
    handwritten_reports,
    record_cassette,
)


def build_cassette(out: Path) -> int:
    """Record the demo cassette into `out`; returns the number of articles fetched."""
    return record_cassette(SyntheticService(handwritten_reports()), demo_topic(), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=demo_cassette_dir(), help="cassette directory to write")
    args = parser.parse_args(argv)
    articles = build_cassette(args.out)
    size = sum(path.stat().st_size for path in args.out.rglob("*") if path.is_file())
    print(f"recorded {articles} articles into {args.out} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
