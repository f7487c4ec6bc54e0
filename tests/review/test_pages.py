"""The review app on the demo registry through FastAPI's TestClient: the article list with its
counts, a patient's facts beside their marked evidence, the article text with every mention marked,
and decisions posted as the page's forms post them, recorded as curations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import Engine, select

from caseminer.db import session_scope
from caseminer.db.models import DocumentRow, PatientRow
from caseminer.db.repository import load_document
from caseminer.review import create_app
from caseminer.review.pages import Span, segments

Rows = Callable[..., list[tuple[Any, ...]]]


@pytest.fixture
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine, "ana"))


def page(client: TestClient, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def fact_row(tree: html.HtmlElement, field: str, value: str) -> html.HtmlElement:
    (row,) = tree.xpath(f'//li[@data-field="{field}"][@data-value="{value}"]')
    return row


def post(client: TestClient, row: html.HtmlElement, using: str | None = None, **form: str) -> Any:
    """Submit the row's form for `using` (default: form["action"]) as the browser does, with its
    hidden fields, overridden by `form`."""
    (element,) = row.xpath(f'.//form[input[@name="action"][@value="{using or form["action"]}"]]')
    fields = {i.name: i.value or "" for i in element.xpath(".//input")} | form
    return client.post(element.action.removeprefix("http://testserver"), data=fields, follow_redirects=False)


def test_article_list_counts_the_patients_of_each_article(client: TestClient, sql: Rows) -> None:
    tree = page(client, "/")
    shown = {
        row.xpath("string(td[1])"): int(row.xpath("string(td[4])"))
        for row in tree.xpath("//table[@class='list']/tbody/tr")
    }
    stored = sql(
        "SELECT coalesce('PMID:' || a.pmid, a.pmcid), count(*) FROM patients p"
        " JOIN articles a ON a.id = p.article_id GROUP BY a.id"
    )
    assert shown == dict(stored) and len(shown) >= 5


def test_patient_page_lists_every_fact_beside_its_marked_evidence(
    client: TestClient, engine: Engine, proband: PatientRow, sql: Rows
) -> None:
    tree = page(client, f"/patients/{proband.id}")
    facts = sql(
        "SELECT field, extracted_value, doc_id, char_start, char_end, sentence FROM patient_facts_v"
        " WHERE patient_id = :id",
        id=proband.id,
    )
    rows = tree.xpath("//li[contains(@class, 'fact-row')]")
    assert sorted((r.get("data-field"), r.get("data-value")) for r in rows) == sorted(
        (field, value) for field, value, *_ in facts
    )
    with session_scope(engine) as session:
        texts = {row.doc_id: load_document(row).text for row in session.scalars(select(DocumentRow))}
    marked = 0
    for field, value, doc_id, start, end, sentence in facts:
        if start is None:
            continue
        (evidence,) = fact_row(tree, field, value).xpath(".//blockquote[@class='evidence']")
        assert evidence.xpath("string(mark)") == texts[doc_id][start:end]
        assert sentence in " ".join(evidence.text_content().split())
        marked += 1
    assert marked >= len(facts) - 1  # consanguinity "no" has no sentence of its own


def test_article_text_is_whole_with_every_mention_marked(
    client: TestClient, engine: Engine, proband: PatientRow, sql: Rows
) -> None:
    tree = page(client, f"/patients/{proband.id}")
    with session_scope(engine) as session:
        (row,) = session.scalars(select(DocumentRow).where(DocumentRow.article_id == proband.article_id))
        document = load_document(row)
    (shown,) = tree.xpath(f"//article[@data-doc='{document.doc_id}']")
    passages = shown.xpath("./h3 | ./p[contains(@class, 'passage')]")
    assert [p.text_content() for p in passages] == [document.text[p.start : p.end] for p in document.passages]
    mentions = sql(
        "SELECT text FROM mentions WHERE article_id = :id AND source = 'caseminer'", id=proband.article_id
    )
    marked = " ".join(m.text_content() for m in shown.xpath(".//mark[contains(@class, 'mention')]"))
    assert mentions and all(text in marked for (text,) in mentions)
    facts = shown.xpath(".//mark[contains(@class, 'fact')]")
    assert {m.text_content() for m in facts} >= {"boy", "c.1087A>G"}


def test_segments_keep_overlapping_mentions_and_lose_no_text() -> None:
    text = "severe autoimmune enteropathy and eczema"
    spans = [
        Span(7, 29, "mention", "disease"),  # autoimmune enteropathy
        Span(18, 29, "fact", "phenotype", "text-1"),  # enteropathy, inside it
        Span(34, 40, "mention", "disease"),
    ]
    pieces = segments(text, 0, len(text), spans)
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.classes) for p in pieces if p.classes] == [
        ("autoimmune ", ("mention",)),
        ("enteropathy", ("mention", "fact")),
        ("eczema", ("mention",)),
    ]
    assert [p.anchors for p in pieces if p.anchors] == [("text-1",)]
    assert "".join(p.text for p in segments(text, 18, 33, spans)) == text[18:33]


def test_accept_and_correct_are_recorded_as_curations(
    client: TestClient, proband: PatientRow, sql: Rows
) -> None:
    tree = page(client, f"/patients/{proband.id}")
    diarrhea, eczema = fact_row(tree, "phenotype", "HP:0002014"), fact_row(tree, "phenotype", "HP:0000964")
    accepted = post(client, diarrhea, action="accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith(f"/patients/{proband.id}#fact-")
    assert post(client, eczema, action="correct", correction="hp:0001047").status_code == 303

    assert sql("SELECT field, value, action, correction, curator FROM curations ORDER BY id") == [
        ("phenotype", "HP:0002014", "accept", None, "ana"),
        ("phenotype", "HP:0000964", "correct", "HP:0001047", "ana"),
    ]
    assert ("HP:0001047", "correct", "ana") in sql(
        "SELECT hpo_id, curated, curator FROM patient_phenotypes_v WHERE patient_id = :id", id=proband.id
    )
    tree = page(client, f"/patients/{proband.id}")
    assert "accepted by ana" in fact_row(tree, "phenotype", "HP:0002014").text_content()
    corrected = fact_row(tree, "phenotype", "HP:0000964")
    assert "corrected by ana" in corrected.text_content()
    assert corrected.xpath("string(.//span[@class='value'])") == "HP:0001047"


def test_a_rejected_fact_stays_listed_struck_through(client: TestClient, proband: PatientRow) -> None:
    tree = page(client, f"/patients/{proband.id}")
    assert post(client, fact_row(tree, "sex", "male"), action="reject").status_code == 303
    row = fact_row(page(client, f"/patients/{proband.id}"), "sex", "male")
    assert row.xpath("string(.//del)") == "male" and "rejected by ana" in row.text_content()


def test_a_bad_correction_is_refused_on_the_page_and_records_nothing(
    client: TestClient, proband: PatientRow, sql: Rows
) -> None:
    row = fact_row(page(client, f"/patients/{proband.id}"), "age_at_onset", "21")
    response = post(client, row, action="correct", correction="three weeks")
    assert response.status_code == 422
    refused = html.fromstring(response.text)
    (error,) = refused.xpath("//p[@class='error']")
    assert "'three weeks' is not a number of days" in error.text_content()
    assert refused.xpath("//ol[@id='facts']/@data-at") == [row.get("data-key")]  # selected again
    assert post(client, row, action="correct", correction="").status_code == 422
    assert post(client, row, "correct", action="add", correction="3").status_code == 422
    assert sql("SELECT count(*) FROM curations") == [(0,)]


def test_a_decision_posted_from_another_site_is_refused(
    client: TestClient, proband: PatientRow, sql: Rows
) -> None:
    row = fact_row(page(client, f"/patients/{proband.id}"), "sex", "male")
    (form,) = row.xpath('.//form[input[@name="action"][@value="accept"]]')
    path = form.action.removeprefix("http://testserver")
    foreign = client.post(path, data={"action": "accept"}, headers={"origin": "http://elsewhere.example"})
    assert foreign.status_code == 403
    assert sql("SELECT count(*) FROM curations") == [(0,)]
    own = client.post(path, data={"action": "accept"}, headers={"origin": "http://testserver"})
    assert own.status_code == 200 and sql("SELECT action FROM curations") == [("accept",)]


def test_unknown_patient_or_fact_is_not_found(client: TestClient, proband: PatientRow) -> None:
    assert client.get("/patients/999999").status_code == 404
    assert client.get("/articles/999999").status_code == 404
    missing = client.post(f"/patients/{proband.id}/facts/patients-0-sex", data={"action": "accept"})
    assert missing.status_code == 404


def test_without_a_stored_text_the_evidence_sentences_are_shown_marked(
    client: TestClient, engine: Engine, proband: PatientRow, sql: Rows
) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM documents WHERE article_id = ?", (proband.article_id,))
    tree = page(client, f"/patients/{proband.id}")
    (section,) = tree.xpath("//section[@class='article-text']")
    assert "not stored in the registry" in section.text_content()
    assert not section.xpath(".//article")
    sentences = {
        s for (s,) in sql("SELECT sentence FROM patient_facts_v WHERE patient_id = :id", id=proband.id)
    }
    shown = section.xpath("./p[@class='passage']")
    assert shown and all(p.text_content() in sentences for p in shown)
    marked = {m.text_content() for m in section.xpath("./p/mark")}  # those found as mentions
    assert {"c.1087A>G", "diarrhea"} <= marked


def test_article_page_lists_its_patients(client: TestClient, engine: Engine, sql: Rows) -> None:
    ((article_id, patients),) = sql(
        "SELECT article_id, count(*) FROM patients GROUP BY article_id HAVING count(*) > 1 LIMIT 1"
    )
    tree = page(client, f"/articles/{article_id}")
    links = tree.xpath("//nav[@class='patients']//a")
    assert len(links) == patients
    assert all(
        page(client, link.get("href").removeprefix("http://testserver")).xpath("//ol") for link in links
    )
