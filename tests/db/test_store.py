"""Store behaviour, run against SQLite and a real PostgreSQL (see conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import registry_samples as samples
from sqlalchemy import Engine, func, inspect, select, text

from caseminer.db import models, repository, session_scope
from caseminer.schemas import ArticleIds, Mention, RawRecord

FACT_TABLES = [
    "articles",
    "article_sources",
    "documents",
    "passages",
    "extractions",
    "mentions",
    "patients",
    "patient_ages",
    "patient_variants",
    "patient_phenotypes",
    "patient_treatments",
    "patient_hsct",
    "patient_outcomes",
    "concepts",
    "crosswalks",
]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in FACT_TABLES
        }


def load(engine: Engine, version: str = "1.0", patients: int = 1) -> None:
    with session_scope(engine) as session:
        article = repository.upsert_article(session, samples.IDS, title=samples.TITLE, source="pmc")
        repository.store_document(session, article, samples.document())
        repository.store_extraction(session, article, samples.extraction(version, patients=patients))


def test_migration_creates_tables_and_views(engine: Engine) -> None:
    inspector = inspect(engine)
    assert set(FACT_TABLES) <= set(inspector.get_table_names())
    assert {"patients_v", "patient_phenotypes_v", "variants_v", "treatments_v", "mentions_v"} <= set(
        inspector.get_view_names()
    )


def test_same_article_from_three_sources_is_one_row_with_all_ids(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_article(session, ArticleIds(pmid=samples.PMID), source="pubmed", year=2024)
        repository.upsert_article(
            session, ArticleIds(pmcid="pmc11608206.1", doi=samples.DOI.upper()), source="pmc", license="CC BY"
        )
        repository.upsert_article(
            session, ArticleIds(doi=f"https://doi.org/{samples.DOI}"), source="europepmc"
        )
    with session_scope(engine) as session:
        articles = session.scalars(select(models.Article)).all()
        assert len(articles) == 2  # the PMID-only row and the PMCID+DOI row are not known to be one yet
        merged = repository.upsert_article(session, samples.IDS, source="europepmc", is_open_access=True)
    with session_scope(engine) as session:
        (article,) = session.scalars(select(models.Article)).all()
        assert (article.pmid, article.pmcid, article.doi) == (samples.PMID, samples.PMCID, samples.DOI)
        assert article.id == merged.id
        assert (article.year, article.license, article.is_open_access) == (2024, "CC BY", True)
        assert {s.source for s in article.sources} == {"pubmed", "pmc", "europepmc"}


def test_merging_two_rows_keeps_the_facts_of_both(engine: Engine) -> None:
    with session_scope(engine) as session:
        article = repository.upsert_article(session, ArticleIds(pmcid=samples.PMCID))
        repository.store_extraction(session, article, samples.extraction())
        repository.upsert_article(session, ArticleIds(pmid=samples.PMID))
    with session_scope(engine) as session:
        repository.upsert_article(session, samples.IDS)
    counts = row_counts(engine)
    assert counts["articles"] == 1
    assert counts["patients"] == 1
    with session_scope(engine) as session:
        patient = session.scalars(select(models.PatientRow)).one()
        assert patient.article_id == session.scalars(select(models.Article.id)).one()


def test_loading_the_same_extraction_twice_leaves_identical_counts(engine: Engine) -> None:
    load(engine)
    first = row_counts(engine)
    load(engine)
    assert row_counts(engine) == first
    assert first["patients"] == 1 and first["patient_phenotypes"] == 3 and first["mentions"] == 4


def test_reextraction_replaces_facts_and_records_version(engine: Engine) -> None:
    load(engine, "1.0", patients=2)
    load(engine, "2.0", patients=1)
    with session_scope(engine) as session:
        assert session.scalars(select(models.Extraction.extractor_version)).all() == ["2.0"]
        assert session.scalar(select(func.count()).select_from(models.PatientRow)) == 1
        versions = set(session.scalars(select(models.PatientVariantRow.extractor_version)))
        assert versions == {"2.0"}


def test_failure_in_the_middle_of_a_write_leaves_previous_facts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, "1.0", patients=2)
    before = row_counts(engine)
    original = repository._patient_row
    calls = []

    def fail_on_second_patient(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(repository, "_patient_row", fail_on_second_patient)
    with pytest.raises(RuntimeError, match="disk full"):
        load(engine, "2.0", patients=2)
    assert len(calls) == 2
    assert row_counts(engine) == before
    with session_scope(engine) as session:
        assert session.scalars(select(models.Extraction.extractor_version)).all() == ["1.0"]


def test_failed_extraction_inside_a_longer_transaction_keeps_the_rest(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(engine, "1.0")
    monkeypatch.setattr(
        repository, "_patient_row", lambda *a, **k: (_ for _ in ()).throw(ValueError("bad fact"))
    )
    with session_scope(engine) as session:
        article = repository.find_article(session, samples.IDS)
        assert article is not None
        with pytest.raises(ValueError):
            repository.store_extraction(session, article, samples.extraction("2.0"))
        repository.record_failure(
            session, source="pmc", source_id=samples.PMCID, stage="store", error="bad fact"
        )
    with session_scope(engine) as session:
        assert session.scalars(select(models.Extraction.extractor_version)).all() == ["1.0"]
        assert [f.source_id for f in repository.pending_failures(session)] == [samples.PMCID]


def test_concepts_and_crosswalks_describe_stored_ids(engine: Engine) -> None:
    load(engine)
    with session_scope(engine) as session:
        concepts = {c.curie: c for c in session.scalars(select(models.Concept))}
        assert concepts["NCBIGene:50943"].label == "FOXP3"
        assert concepts["HP:0000857"].vocabulary == "HP"
        assert concepts["MONDO:0010580"].vocabulary == "MONDO"
        crosswalks = {(c.from_curie, c.to_curie) for c in session.scalars(select(models.Crosswalk))}
        assert ("HP:0000964", "MESH:D004485") in crosswalks


def test_views_give_one_row_per_patient_and_phenotype_status(engine: Engine) -> None:
    load(engine)
    with engine.connect() as connection:
        patient = connection.execute(text("SELECT * FROM patients_v")).mappings().one()
        phenotypes = connection.execute(
            text("SELECT hpo_id, hpo_label, status FROM patient_phenotypes_v ORDER BY hpo_id")
        ).all()
        mentions = connection.execute(text("SELECT concept_id, negated, source FROM mentions_v")).all()
    assert (patient["pmid"], patient["pmcid"], patient["sex"]) == (samples.PMID, samples.PMCID, "male")
    assert patient["age_at_onset_days"] == 61
    assert patient["variants"] == "FOXP3 c.1150G>A"
    assert bool(patient["hsct_performed"]) is True and patient["hsct_age_days"] == 243
    assert patient["outcome"] == "alive"
    assert [tuple(row) for row in phenotypes] == [
        ("HP:0000857", "Neonatal insulin-dependent diabetes mellitus", "present"),
        ("HP:0000964", "Eczematoid dermatitis", "excluded"),
        ("HP:0002014", "Diarrhea", "present"),
    ]
    assert {(m.concept_id, bool(m.negated)) for m in mentions} >= {
        ("MESH:D004485", True),
        ("MONDO:0010580", False),
    }


def test_external_mentions_are_idempotent_and_kept_beside_ours(engine: Engine) -> None:
    load(engine)
    start, end = samples.span("FOXP3")
    pubtator = [
        Mention(
            start=start, end=end, text="FOXP3", type="gene", concept_id="NCBIGene:50943", source="pubtator3"
        )
    ]
    with session_scope(engine) as session:
        article = repository.find_article(session, samples.IDS)
        assert repository.store_external_mentions(session, article, pubtator) == 1
    with session_scope(engine) as session:
        article = repository.find_article(session, samples.IDS)
        assert repository.store_external_mentions(session, article, pubtator) == 0
    load(engine, "2.0")  # re-extraction must not touch the second opinion
    with engine.connect() as connection:
        sources = connection.execute(
            text("SELECT source, count(*) FROM mentions GROUP BY source ORDER BY source")
        ).all()
    assert [tuple(s) for s in sources] == [("caseminer", 4), ("pubtator3", 1)]


def test_raw_records_are_stored_once(engine: Engine) -> None:
    record = RawRecord(
        sha256="a" * 64,
        url="https://www.ebi.ac.uk/europepmc/webservices/rest/PMC11608206/fullTextXML",
        source="europepmc",
        status=200,
        content_type="application/xml",
        fetched_at=datetime(2024, 6, 1, tzinfo=UTC),
        size=1234,
        path="aa/" + "a" * 64 + ".gz",
    )
    for _ in range(2):
        with session_scope(engine) as session:
            assert repository.store_raw_record(session, record).sha256 == record.sha256
    assert row_counts(engine) | {} and inspect(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM raw_responses")).scalar_one() == 1


def test_failures_count_attempts_until_resolved(engine: Engine) -> None:
    for error in ("HTTP 503", "truncated JSON"):
        with session_scope(engine) as session:
            repository.record_failure(
                session, source="europepmc", source_id="PMC1", stage="fetch", error=error
            )
    with session_scope(engine) as session:
        (failure,) = repository.pending_failures(session, source="europepmc")
        assert (failure.attempts, failure.error) == (2, "truncated JSON")
        assert repository.resolve_failure(session, source="europepmc", source_id="PMC1") == 1
    with session_scope(engine) as session:
        assert repository.pending_failures(session) == []


def test_watermarks_and_runs(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repository.get_watermark(session, "ipex", "europepmc") is None
        repository.set_watermark(session, "ipex", "europepmc", "2024-05-01")
        repository.set_watermark(session, "ipex", "europepmc", "2024-06-01")
        run = repository.start_run(session, "ipex")
    with session_scope(engine) as session:
        assert repository.get_watermark(session, "ipex", "europepmc") == "2024-06-01"
        finished = repository.finish_run(
            session, run.id, status="succeeded", found=3, new=2, durations={"fetch": 1.5}
        )
        assert finished.finished_at is not None
    with session_scope(engine) as session:
        stored = session.get(models.IngestRun, run.id)
        assert (stored.status, stored.found, stored.new, stored.durations) == (
            "succeeded",
            3,
            2,
            {"fetch": 1.5},
        )


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert differences == []
