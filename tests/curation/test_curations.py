"""Curations keyed by a fact's identity: applied in the views, kept when their fact disappears,
applied again when it comes back; on SQLite and PostgreSQL (the hand-built extraction of
tests/db/registry_samples.py, stored as the pipeline stores it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import registry_samples as samples
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from caseminer.curation import (
    CurationError,
    Fact,
    curate_fact,
    curated_patients,
    curation_status,
    patient_facts,
    record_curation,
)
from caseminer.db import init_db, repository, session_scope
from caseminer.db.models import Article, Curation, PatientRow
from caseminer.export import export_csv, export_parquet


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = init_db(db_url)
    yield engine
    engine.dispose()


def store(engine: Engine, extraction: samples.ExtractionResult) -> None:
    with session_scope(engine) as session:
        article = repository.upsert_article(session, samples.IDS, title=samples.TITLE, source="pmc")
        repository.store_document(session, article, samples.document())
        repository.store_extraction(session, article, extraction)


def without_phenotype(version: str, text_: str) -> samples.ExtractionResult:
    extraction = samples.extraction(version)
    patient = extraction.patients[0]
    patient.phenotypes = [f for f in patient.phenotypes if f.text != text_]
    return extraction


def fact(session: Session, field: str, value: str) -> Fact:
    matches = [f for f in patient_facts(session) if f.field == field and f.identity_value == value]
    assert len(matches) == 1, [(f.field, f.identity_value) for f in patient_facts(session)]
    return matches[0]


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def curate_four_facts(engine: Engine) -> None:
    with session_scope(engine) as session:
        curate_fact(session, fact(session, "phenotype", "HP:0002014"), "accept", curator="ana")
        curate_fact(
            session, fact(session, "phenotype", "HP:0000857"), "correct", curator="ben",
            correction="hp:0000819", note="diabetes mellitus, not neonatal",
        )  # fmt: skip
        curate_fact(session, fact(session, "phenotype", "not HP:0000964"), "reject", curator="ana")
        curate_fact(session, fact(session, "variant", "FOXP3 c.1150G>A"), "correct", curator="ben",
                    correction="foxp3 c.1150G>T")  # fmt: skip
        curate_fact(session, fact(session, "sex", "male"), "correct", curator="ana", correction="Female")
        article = session.scalars(select(Article)).one()
        record_curation(session, article_id=article.id, patient_label="proband", field="treatment",
                        value=None, action="add", correction="mesh:D020123", curator="ben")  # fmt: skip


def assert_curated_views(engine: Engine) -> None:
    phenotypes = rows(
        engine,
        "SELECT hpo_id, excluded, curated, curator FROM patient_phenotypes_v ORDER BY hpo_id",
    )
    assert [(hpo, bool(excluded), curated, curator) for hpo, excluded, curated, curator in phenotypes] == [
        ("HP:0000819", False, "correct", "ben"),
        ("HP:0002014", False, "accept", "ana"),
    ]
    assert rows(engine, "SELECT gene, hgvs_c, hgvs_p, curated FROM variants_v") == [
        ("FOXP3", "c.1150G>T", None, "correct")
    ]
    assert sorted(rows(engine, "SELECT concept_id, curated FROM treatments_v")) == [
        ("MESH:D016559", None),
        ("MESH:D020123", "add"),
    ]
    ((sex, variants, curator),) = rows(engine, "SELECT sex, variants, curator FROM patients_v")
    assert (sex, variants, curator) == ("female", "FOXP3 c.1150G>T", "ben")


def test_curated_values_win_in_the_views_and_survive_a_new_extraction(engine: Engine) -> None:
    store(engine, samples.extraction("1.0"))
    curate_four_facts(engine)
    assert_curated_views(engine)

    store(engine, samples.extraction("2.0"))  # every fact row replaced
    assert rows(engine, "SELECT DISTINCT extractor_version FROM patients_v") == [("2.0",)]
    assert_curated_views(engine)
    with session_scope(engine) as session:
        in_force, unmatched = curation_status(session)
    assert (in_force, unmatched) == (6, [])


def test_the_table_exports_hold_curated_values(engine: Engine, tmp_path: Path) -> None:
    store(engine, samples.extraction("1.0"))
    curate_four_facts(engine)
    export_csv(engine, tmp_path / "csv")
    export_parquet(engine, tmp_path / "parquet")
    phenotypes = pd.read_csv(tmp_path / "csv" / "patient_phenotypes.csv")
    assert sorted(zip(phenotypes["hpo_id"], phenotypes["curator"], strict=True)) == [
        ("HP:0000819", "ben"),
        ("HP:0002014", "ana"),
    ]
    variants = pd.read_parquet(tmp_path / "parquet" / "variants.parquet")
    assert list(variants["hgvs_c"]) == ["c.1150G>T"]


def test_a_curation_whose_fact_disappears_is_listed_and_applies_when_it_returns(engine: Engine) -> None:
    store(engine, samples.extraction("1.0"))
    curate_four_facts(engine)

    store(engine, without_phenotype("2.0", "diarrhea"))
    with session_scope(engine) as session:
        in_force, unmatched = curation_status(session)
        assert in_force == 6
        assert [(u.article, u.curation.field, u.curation.value, u.curation.curator) for u in unmatched] == [
            ("PMID:38763967", "phenotype", "HP:0002014", "ana")
        ]
        assert "no longer extracted" in unmatched[0].reason
        assert sorted(session.scalars(select(Curation.id))) == [1, 2, 3, 4, 5, 6]  # nothing dropped

    store(engine, samples.extraction("3.0"))
    assert_curated_views(engine)
    with session_scope(engine) as session:
        assert curation_status(session)[1] == []


def test_a_later_curation_supersedes_an_earlier_one(engine: Engine) -> None:
    store(engine, samples.extraction("1.0"))
    with session_scope(engine) as session:
        diarrhea = fact(session, "phenotype", "HP:0002014")
        curate_fact(session, diarrhea, "reject", curator="ana")
    assert rows(engine, "SELECT count(*) FROM patient_phenotypes_v WHERE hpo_id = 'HP:0002014'") == [(0,)]
    with session_scope(engine) as session:
        curate_fact(session, fact(session, "phenotype", "HP:0002014"), "accept", curator="ben")
    assert rows(engine, "SELECT curated, curator FROM patient_phenotypes_v WHERE hpo_id = 'HP:0002014'") == [
        ("accept", "ben")
    ]


def test_curated_copies_leave_the_store_untouched(engine: Engine) -> None:
    store(engine, samples.extraction("1.0"))
    curate_four_facts(engine)
    with Session(engine) as session:
        stored = session.scalars(select(PatientRow)).all()
        (copy,) = curated_patients(session, stored)
        assert copy.sex == "female" and stored[0].sex == "male"
        assert sorted(f.hpo_id for f in copy.phenotypes) == ["HP:0000819", "HP:0002014"]
        assert [v.hgvs_c for v in copy.variants] == ["c.1150G>T"]
        assert sorted(t.concept_id for t in copy.treatments) == ["MESH:D016559", "MESH:D020123"]
        assert not session.dirty and not session.new


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phenotype", "diarrhoea", "not an HPO id"),
        ("variant", "c.1150G>T", "not '<gene>"),
        ("sex", "boy", "not one of male, female"),
        ("age_at_onset", "two months", "not a number of days"),
        ("country", "Atlantis", "not a country"),
        ("colour", "blue", "unknown field"),
    ],
)
def test_malformed_corrections_are_refused(engine: Engine, field: str, value: str, message: str) -> None:
    store(engine, samples.extraction("1.0"))
    with session_scope(engine) as session:
        article = session.scalars(select(Article)).one()
        with pytest.raises(CurationError, match=message):
            record_curation(session, article_id=article.id, patient_label="proband", field=field,
                            value="x", action="correct", correction=value, curator="ana")  # fmt: skip
