"""Ingestion as plain functions, one module per stage: `fetch` (which hits to fetch, fetching),
`store` (parse, extract, store; re-extraction of one batch), `runs` (run records, watermarks), the
runs themselves in `ingest` (a topic), `local` (bulk files) and `reextract`, over `work` (the items
and outcomes passed between stages), `resources` (engine, pipeline, retried writes) and `stages`
(in this process, or as Prefect tasks: the flows in `caseminer.flows` only call these functions).

Guarantees:
- One bad document never fails a run: a fetch, parse, extraction or store error is recorded in
  `failures` (stage + message) and the run goes on. A failed article is retried on the next run.
- Each article is written in one transaction (article row, raw records, documents, extraction,
  PubTator3 mentions, topic membership), so a run killed at any moment leaves every article either
  fully stored or absent, and the rerun completes the rest.
- Writes are idempotent (natural keys, upserts, atomic replacement of an extraction), and a write that
  collides with a concurrent writer is retried from scratch: two concurrent ingests of one topic end
  in the same database as one. We chose idempotent writes over a run lock so several Dask workers can
  write at once.
- A source whose search fails (an outage, no network) is recorded in `failures` (stage "search") and
  in the run's row (`failed_sources`); the other sources go on and the run ends "partial" ("failed"
  when no source answered).
- Each source of a topic has its own watermark, which advances only when its search succeeded in a
  completed run: the next incremental run searches a failed source's missed window again.
"""
