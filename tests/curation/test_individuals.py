"""Individuals across articles: candidate links between patients of different articles, scored and
explained; confirmed (merge) or rejected (split) in code or in the review sheet; individuals_v counts
merged records once; the export writes the individuals.

The hand-built reports (tests/db/registry_samples.py, one boy stored under several PMIDs) run on
SQLite and PostgreSQL; the demo registry (the real pipeline over the shipped cassette) on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import registry_samples as samples
from ingest_fixtures import copy_registry
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text

import caseminer.curation.individuals as individuals_module
from caseminer.curation.individuals import (
    DEFAULT_MIN_SCORE,
    MAX_POINTS,
    ArticleMetadata,
    CandidateLink,
    PatientRecord,
    candidate_links,
    compare,
    decide,
)
from caseminer.curation.records import link_patients
from caseminer.curation.sheet import SheetError, export_sheet, import_sheet
from caseminer.db import init_db, repository, session_scope
from caseminer.db.models import Curation, PatientRow
from caseminer.export import export_csv, export_parquet
from caseminer.schemas import ArticleIds

# The boy of the first hand-written demo report and his follow-up five years on (caseminer/demo/
# handwritten.py: _single_boy, _single_boy_follow_up): male, FOXP3 c.1087A>G, onset at 3 weeks.
FIRST_REPORT, FOLLOW_UP = "99100001", "99100007"
HAND_BUILT = ("99900001", "99900002", "99900003")


def store_report(
    engine: Engine,
    pmid: str,
    *,
    sex: str = "male",
    authors: tuple[str, ...] = (),
    cites: tuple[str, ...] = (),
) -> None:
    """The sample boy (FOXP3 c.1150G>A, onset 61 days, diabetes and diarrhea) reported under `pmid`
    by `authors`, its reference list citing the PMIDs `cites`."""
    ids = ArticleIds(pmid=pmid)
    document = samples.document().model_copy(update={
        "doc_id": f"pmid{pmid}", "ids": ids, "authors": list(authors),
        "references": [ArticleIds(pmid=cited) for cited in cites]})  # fmt: skip
    extraction = samples.extraction().model_copy(
        update={"doc_id": f"pmid{pmid}", "pmid": pmid, "pmcid": None, "doi": None,
                "patients": [samples.patient("1.0", sex=sex)]}
    )  # fmt: skip
    with session_scope(engine) as session:
        article = repository.upsert_article(session, ids, title=samples.TITLE, source="pubmed")
        repository.store_document(session, article, document)
        repository.store_extraction(session, article, extraction)


def patient_key(session: Any, pmid: str, label: str = "proband") -> tuple[int, str]:
    row = session.execute(
        text(
            "SELECT article_id, patient_label FROM patients_v WHERE pmid = :pmid AND patient_label = :label"
        ),
        {"pmid": pmid, "label": label},
    ).one()
    return row.article_id, row.patient_label


def individuals(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(text("SELECT * FROM individuals_v")).mappings()]


def pmids_of(individual: dict[str, Any]) -> set[str]:
    return set(individual["pmids"].split("; "))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = init_db(db_url)
    for pmid in HAND_BUILT:
        store_report(engine, pmid)
    yield engine
    engine.dispose()


def test_one_boy_in_three_articles_is_a_candidate_thrice_with_what_agrees(engine: Engine) -> None:
    with session_scope(engine) as session:
        links = candidate_links(session)
    assert {(link.first.article, link.second.article) for link in links} == {
        ("PMID:99900001", "PMID:99900002"), ("PMID:99900001", "PMID:99900003"),
        ("PMID:99900002", "PMID:99900003"),
    }  # fmt: skip
    # same variant 4, sex 1, onset 1, phenotypes (both present ones shared) 1; no diagnosis age, no country
    assert {link.score for link in links} == {round(7 / MAX_POINTS, 2)}
    assert links[0].explanation == (
        "agree: same variant FOXP3 c.1150G>A; sex male; onset 61 vs 61 days; 2 of 2 phenotypes shared"
        " | not stated by both: diagnosis, country, authors, centre, citation"  # no documents stored
    )
    assert all(link.decision is None for link in links)


def test_records_a_concurrent_run_replaces_between_the_reads_are_left_out(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_records = individuals_module._records

    def another_run_stores_the_third_report_first(session: Any, patient_ids: set[int]) -> Any:
        store_report(engine, HAND_BUILT[2])  # committed by its own session: new patient rows
        return read_records(session, patient_ids)

    monkeypatch.setattr(individuals_module, "_records", another_run_stores_the_third_report_first)
    with session_scope(engine) as session:
        links = candidate_links(session)
        stored = set(session.scalars(select(PatientRow.id)))
    # no error, and only records that are stored (SQLite may give the new rows the old ids)
    assert ("PMID:99900001", "PMID:99900002") in {(link.first.article, link.second.article) for link in links}
    assert {record.patient_id for link in links for record in (link.first, link.second)} <= stored


def test_merges_join_records_transitively_and_a_split_undoes_its_pair(engine: Engine) -> None:
    assert len(individuals(engine)) == 3
    with session_scope(engine) as session:
        first, second, third = (patient_key(session, pmid) for pmid in HAND_BUILT)
        links = {(link.first.key, link.second.key): link for link in candidate_links(session)}
        decide(session, links[(first, second)], "merge", curator="ana")
        decide(session, links[(second, third)], "merge", curator="ana")
    (individual,) = individuals(engine)
    assert (individual["patient_records"], individual["article_count"]) == (3, 3)
    assert pmids_of(individual) == set(HAND_BUILT)
    assert (individual["sex"], individual["age_at_onset_days"]) == ("male", 61)
    assert individual["split_conflicts"] == 0

    with session_scope(engine) as session:
        decide(session, links[(first, second)], "split", curator="ben", note="twins, not one boy")
        decisions = {(link.first.key, link.second.key): link.decision for link in candidate_links(session)}
    assert decisions == {(first, second): "split", (second, third): "merge", (first, third): None}
    assert sorted(sorted(pmids_of(i)) for i in individuals(engine)) == [
        ["99900001"],
        ["99900002", "99900003"],
    ]


def test_a_split_that_other_merges_still_join_is_counted_as_a_conflict(engine: Engine) -> None:
    with session_scope(engine) as session:
        first, second, third = (patient_key(session, pmid) for pmid in HAND_BUILT)
        links = {(link.first.key, link.second.key): link for link in candidate_links(session)}
        decide(session, links[(first, second)], "merge", curator="ana")
        decide(session, links[(second, third)], "merge", curator="ana")
        decide(session, links[(first, third)], "split", curator="ben")
    (individual,) = individuals(engine)  # the merges still join all three records
    assert (individual["patient_records"], individual["split_conflicts"]) == (3, 1)


def test_a_different_sex_takes_the_pair_below_the_threshold(engine: Engine) -> None:
    store_report(engine, "99900004", sex="female")
    with session_scope(engine) as session:
        listed = {link.second.article for link in candidate_links(session)}
        everything = candidate_links(session, min_score=0)
    assert "PMID:99900004" not in listed
    girl = [link for link in everything if link.second.article == "PMID:99900004"]
    assert len(girl) == 3
    # same variant 4, sex -4, onset 1, phenotypes 1
    assert {link.score for link in girl} == {round(2 / MAX_POINTS, 2)} and 2 / MAX_POINTS < DEFAULT_MIN_SCORE
    assert all("disagree: sex male vs female" in link.explanation for link in girl)


# --- the demo registry --------------------------------------------------------------------------


@pytest.fixture
def demo(demo_registry_file: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = copy_registry(demo_registry_file, tmp_path / "registry.db")
    yield engine
    engine.dispose()


def demo_link(engine: Engine) -> Any:
    with session_scope(engine) as session:
        (link,) = candidate_links(session)
    return link


def patient_records(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count(PatientRow.id))).scalar_one()


def test_the_follow_up_of_the_demo_boy_is_the_one_candidate(demo: Engine) -> None:
    link = demo_link(demo)
    assert {link.first.name, link.second.name} == {
        f"PMID:{FIRST_REPORT} proband",
        f"PMID:{FOLLOW_UP} proband",
    }
    assert link.score >= DEFAULT_MIN_SCORE
    agreed = link.explanation.split(" | ")[0]
    centre = "Department of Paediatric Immunology, Synthetic Children's Hospital, Demo City"
    cites = f"PMID:{FOLLOW_UP} cites PMID:{FIRST_REPORT}"
    for detail in ("same variant FOXP3 c.1087A>G", "sex male", "onset 21 vs 21 days", centre, cites):
        assert detail in agreed
    # Lindqvist Maja and Okafor Chidi wrote both reports; Serrano and Virtanen only one each
    (authors,) = [f for f in link.features if f.name == "authors"]
    assert authors.points > 0 and set(authors.detail.removeprefix("shared authors ").split(", ")) == {
        "Lindqvist M", "Okafor C"
    }  # fmt: skip
    assert "disagree" not in link.explanation


def test_the_demo_boy_merged_is_one_individual_and_split_two(demo: Engine) -> None:
    records = patient_records(demo)
    assert len(individuals(demo)) == records
    with session_scope(demo) as session:
        decide(session, demo_link(demo), "merge", curator="ana")
    counted = individuals(demo)
    assert len(counted) == records - 1
    (boy,) = [individual for individual in counted if individual["patient_records"] > 1]
    assert pmids_of(boy) == {FIRST_REPORT, FOLLOW_UP} and boy["article_count"] == 2
    assert (boy["first_year"], boy["last_year"]) == (2019, 2024)

    with session_scope(demo) as session:
        decide(session, demo_link(demo), "split", curator="ana")
    assert len(individuals(demo)) == records
    assert demo_link(demo).decision == "split"


def test_a_link_row_of_the_sheet_round_trips_as_a_merge(demo: Engine, tmp_path: Path) -> None:
    path = tmp_path / "review.xlsx"
    with session_scope(demo) as session:
        export_sheet(session, path)
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) for name in header}
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[column["field"]].value == "individual"]
    names = {f"{row[column['article']].value} {row[column['patient']].value}", row[column["value"]].value}
    assert names == {f"PMID:{FIRST_REPORT} proband", f"PMID:{FOLLOW_UP} proband"}
    assert row[column["evidence"]].value.startswith("candidate, score ")
    assert "same variant FOXP3 c.1087A>G" in row[column["evidence"]].value
    row[column["status"]].value = "merge"
    row[column["note"]].value = "the same boy, five years on"
    workbook.save(path)

    with session_scope(demo) as session:
        result = import_sheet(session, path, curator="ana")
    assert (result.applied, result.unchanged) == (1, 0)
    assert len(individuals(demo)) == patient_records(demo) - 1
    with session_scope(demo) as session:
        assert import_sheet(session, path, curator="ana").applied == 0  # the merge is already in force
        (curation,) = session.scalars(select(Curation)).all()
        assert (curation.action, curation.note) == ("merge", "the same boy, five years on")
    exported_again = tmp_path / "again.csv"
    with session_scope(demo) as session:
        export_sheet(session, exported_again)
    again = pd.read_csv(exported_again, keep_default_na=False)
    assert list(again.loc[again["field"] == "individual", "curated"]) == ["merged by ana"]


def test_a_link_row_naming_no_patient_is_refused_by_its_line(demo: Engine, tmp_path: Path) -> None:
    path = tmp_path / "review.xlsx"
    with session_scope(demo) as session:
        export_sheet(session, path)
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[header.index("field")].value == "individual"]
    row[header.index("status")].value = "merge"
    row[header.index("value")].value = f"PMID:{FOLLOW_UP} Patient 9"
    workbook.save(path)
    with session_scope(demo) as session, pytest.raises(SheetError) as refused:
        import_sheet(session, path, curator="ana")
    assert refused.value.problems == [(row[0].row, f"no patient 'Patient 9' in PMID:{FOLLOW_UP}")]
    with session_scope(demo) as session:
        assert session.scalar(select(func.count(Curation.id))) == 0


def test_the_export_writes_the_individuals(demo: Engine, tmp_path: Path) -> None:
    with session_scope(demo) as session:
        decide(session, demo_link(demo), "merge", curator="ana")
    csv_files = {path.name: path for path in export_csv(demo, tmp_path / "csv")}
    parquet_files = {path.name: path for path in export_parquet(demo, tmp_path / "parquet")}
    for table in (pd.read_csv(csv_files["individuals.csv"], dtype={"pmids": str}),
                  pd.read_parquet(parquet_files["individuals.parquet"])):  # fmt: skip
        assert len(table) == patient_records(demo) - 1
        merged = table[table["patient_records"] == 2]
        assert len(merged) == 1
        assert set(merged.iloc[0]["pmids"].split("; ")) == {FIRST_REPORT, FOLLOW_UP}


def test_shared_authors_and_a_citation_are_read_from_the_stored_documents(engine: Engine) -> None:
    store_report(engine, "99900011", authors=("Uysal C", "Oguz H"))
    store_report(engine, "99900012", authors=("Oguz H", "Kaya A"), cites=("99900011", "12345678"))
    with session_scope(engine) as session:
        (link,) = [
            link for link in candidate_links(session)
            if {link.first.article, link.second.article} == {"PMID:99900011", "PMID:99900012"}
        ]  # fmt: skip
        others = [link for link in candidate_links(session) if "PMID:99900001" in link.first.article]
    assert "shared authors Oguz H" in link.explanation
    assert "PMID:99900012 cites PMID:99900011" in link.explanation
    # 7 points about the boy + 2 for the author + 2 for the citation, capped
    assert link.score == min(1.0, round(11 / MAX_POINTS, 2))
    # The fixture's reports state no authors and cite nothing
    assert others and all("authors" in link.explanation.split("not stated by both: ")[1] for link in others)


def test_the_articles_authors_centre_and_citation_add_evidence() -> None:
    earlier = PatientRecord(1, 1, "PMID:1", "proband", sex="male", variants=frozenset({"FOXP3 c.1A>G"}))
    later = replace(earlier, patient_id=2, article_id=2, article="PMID:2")
    # variant 4 + sex 1 over the 9 points of a pair agreeing on every patient feature
    assert CandidateLink(earlier, later, compare(earlier, later)).score == round(5 / MAX_POINTS, 2)

    earlier = replace(earlier, article_meta=ArticleMetadata(
        ids=frozenset({"pmid:1", "doi:10.1/a"}), authors={"okafor c": "Okafor C", "serrano l": "Serrano L"},
        centres={"synthetic hospital": "Synthetic Hospital"}))  # fmt: skip
    later = replace(later, article_meta=ArticleMetadata(
        ids=frozenset({"pmid:2"}), authors={"okafor c": "Okafor C"}, centres={"another": "Another"},
        cited=frozenset({"doi:10.1/a"}), has_references=True))  # fmt: skip
    link = CandidateLink(earlier, later, compare(earlier, later))
    # + shared author 2 + citation (by DOI) 2; the centres differ, which is no evidence against
    assert link.score == min(1.0, round(9 / MAX_POINTS, 2))
    assert "shared authors Okafor C" in link.explanation and "PMID:2 cites PMID:1" in link.explanation
    assert "inconclusive: no shared centre" in link.explanation


def test_a_link_decided_between_records_that_are_no_candidates_stays_in_the_sheet(
    demo: Engine, tmp_path: Path
) -> None:
    # The brothers of PMID 99100002 and the boy of 99100003 carry different variants: no candidate.
    with session_scope(demo) as session:
        brother, other = patient_key(session, "99100002", "Patient 1"), patient_key(session, "99100003")
        link_patients(session, brother, other, "merge", curator="ana", note="a test of a wrong merge")
    path = tmp_path / "review.csv"
    with session_scope(demo) as session:
        export_sheet(session, path)
    sheet = pd.read_csv(path, keep_default_na=False, dtype=str)
    decided = sheet[sheet["evidence"] == "decided before; not a candidate now"]
    (row,) = decided.itertuples(index=False)
    # The pair is stored in one order (link_patients), whichever record the curator named first
    assert {f"{row.article} {row.patient}", row.value} == {"PMID:99100002 Patient 1", "PMID:99100003 proband"}
    assert (row.curated, row.note) == ("merged by ana", "a test of a wrong merge")
    assert len(sheet[sheet["field"] == "individual"]) == 2  # and the candidate
