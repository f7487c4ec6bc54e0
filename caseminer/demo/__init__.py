"""The project's own synthetic corpus, in the exact formats of the real services, for offline runs.

Public API (other areas call these):

- `DEMO_DIR` — `caseminer/data/demo/`, shipped as package data.
- `demo_topic() -> Topic` — the demo topic (`caseminer/data/demo/topic.toml`, fixed date window).
- `demo_cassette_dir() -> Path` — the recorded cassette of the demo topic. `caseminer ingest --demo` is
  `ingest_topic(demo_topic(), transport=ReplayTransport(demo_cassette_dir()))`; the cassette holds exactly
  the requests of `search_topic(topic, clients)` followed by `fetch_article(hit, clients)` for each hit
  (made by `scripts/build_demo_cassette.py`).
- `handwritten_reports() -> list[SyntheticReport]` — the seven hand-written reports of the cassette.
- `generate_reports(n, seed=0, *, start=0, indexed_from=FIRST_INDEX_DATE, days_apart=3)` — `n` distinct
  generated full-text reports (deterministic), for benchmarks. PMIDs `GENERATED_PMID_BASE + start + i`;
  report i is indexed `days_apart * i` days after `indexed_from` (2015-01-05). For a nightly increment,
  generate a second batch with `start=<size of the first>` and `indexed_from=<the watermark date>`, then
  `service.add_reports(batch)`. The demo topic's window ends 2025-12-31: increments dated later need a
  topic without `end_date` (e.g. `demo_topic().model_copy(update={"end_date": None})`).
- `record_cassette(service, topic, out) -> int` — record the ingest requests of `topic` answered by
  `service` into a cassette directory (e.g. a ≥500-document benchmark corpus); deterministic.
- `SyntheticService(reports, is_live=False)` — a `Transport` (`send(HttpRequest) -> TransportResponse`)
  answering Europe PMC search / fullTextXML, E-utilities esearch / efetch and PubTator3 export from the
  reports. `service.inject(pattern, *faults)` makes the next requests whose `<url>?<sorted query>`
  contains `pattern` fail with `Fault.http_status(429 | 503, retry_after="1")`, `Fault.malformed_xml()`,
  `Fault.truncated_json()`, `Fault.xxe()` or `Fault.empty()`, in order. Patterns such as
  `"/PMC99100001/fullTextXML"`, `"db=pubmed&id=99100004"` or `"search?"` pick one endpoint or record.
  `record_cassette` around a service with faults records them too (a 429 then the 200 replay in order).
  `service.add_reports(more)` publishes new reports; `service.new_since(day)` lists those an
  incremental run from `day` finds; `service.requests` logs every request served.
- `SyntheticReport` carries its intended facts (`patients`: sex, onset age, variants, phenotypes,
  treatments, HSCT donor, outcome, negated phenotypes) and `text_scope` ("full" or "abstract").
"""

from __future__ import annotations

from pathlib import Path

from caseminer.demo.cassette import record_cassette
from caseminer.demo.corpus import FIRST_INDEX_DATE, GENERATED_PMID_BASE, generate_reports
from caseminer.demo.handwritten import handwritten_reports
from caseminer.demo.model import SyntheticAge, SyntheticPatient, SyntheticReport, SyntheticVariant
from caseminer.demo.service import Fault, SyntheticService
from caseminer.sources.topic import Topic, load_topic

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"


def demo_topic() -> Topic:
    return load_topic(DEMO_DIR / "topic.toml")


def demo_cassette_dir() -> Path:
    return DEMO_DIR / "cassette"


__all__ = [
    "DEMO_DIR",
    "FIRST_INDEX_DATE",
    "GENERATED_PMID_BASE",
    "Fault",
    "SyntheticAge",
    "SyntheticPatient",
    "SyntheticReport",
    "SyntheticService",
    "SyntheticVariant",
    "demo_cassette_dir",
    "demo_topic",
    "generate_reports",
    "handwritten_reports",
    "record_cassette",
]
