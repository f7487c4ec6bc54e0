"""Acceptance: curations of the demo registry survive `reextract` with a bumped extractor version,
in the views and in the Phenopackets (the real pipeline over the shipped cassette)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from caseminer.config import Settings
from caseminer.curation import curate_fact, curation_status, patient_facts
from caseminer.db import session_scope
from caseminer.db.models import Article, Extraction
from caseminer.demo import demo_cassette_dir, demo_topic
from caseminer.export import export_phenopackets
from caseminer.pipeline import extract
from caseminer.pipeline.ingest import ingest_topic
from caseminer.pipeline.reextract import reextract
from caseminer.pipeline.resources import store_engine
from caseminer.sources.replay import ReplayTransport

PROBAND_ARTICLE = "99100001"  # the boy of the hand-written demo report (caseminer/demo/handwritten.py)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_curations_survive_reextraction_in_views_and_phenopackets(
    settings: Settings, nlp: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ingest_topic(demo_topic(), settings=settings, transport=ReplayTransport(demo_cassette_dir()), nlp=nlp)
    engine = store_engine(settings.database_url)
    with session_scope(engine) as session:
        article = session.scalars(select(Article).where(Article.pmid == PROBAND_ARTICLE)).one()
        facts = {(f.field, f.identity_value): f for f in patient_facts(session, article_id=article.id)}
        eczema = facts[("phenotype", "HP:0000964")]
        diarrhea = facts[("phenotype", "HP:0002014")]
        curate_fact(session, eczema, "correct", curator="ana", correction="HP:0001047")  # atopic dermatitis
        curate_fact(session, diarrhea, "reject", curator="ana")
        label = eczema.patient_label

    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", "curation-test-version")
    summary = reextract(settings, "ipex-demo", nlp)
    assert summary.documents == summary.found > 0 and summary.failed == 0
    with session_scope(engine) as session:
        assert set(session.scalars(select(Extraction.extractor_version))) == {"curation-test-version"}
        assert curation_status(session) == (2, [])

    with engine.connect() as connection:
        phenotypes = connection.execute(
            text(
                "SELECT hpo_id, curated, curator FROM patient_phenotypes_v"
                " WHERE pmid = :pmid AND patient_label = :label"
            ),
            {"pmid": PROBAND_ARTICLE, "label": label},
        ).all()
    assert ("HP:0001047", "correct", "ana") in phenotypes
    assert all(hpo not in ("HP:0000964", "HP:0002014") for hpo, _, _ in phenotypes)

    export_phenopackets(engine, tmp_path)
    (packet_path,) = [
        p for p in tmp_path.glob("*.json") if PROBAND_ARTICLE in p.name or "PMC99100001" in p.name
    ]
    packet = json.loads(packet_path.read_text())
    features = {f["type"]["id"]: f for f in packet["phenotypicFeatures"]}
    assert "HP:0002014" not in features and "HP:0000964" not in features
    evidence = features["HP:0001047"]["evidence"][0]
    assert evidence["evidenceCode"]["id"] == "ECO:0000218"
    assert evidence["reference"] == {
        "id": f"PMID:{PROBAND_ARTICLE}",
        "description": "corrected by curator ana",
    }
