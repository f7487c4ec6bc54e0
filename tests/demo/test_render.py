"""Rendered bodies parse into the intended Documents and have the shapes of the real samples."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from caseminer.demo import generate_reports, handwritten_reports, render
from caseminer.parsing import parse_bytes
from caseminer.sources.europepmc import parse_search_page
from caseminer.sources.eutils import parse_esearch
from caseminer.sources.pubtator import annotations_from_biocjson

FULL_TEXT = [report for report in handwritten_reports() if report.pmcid] + generate_reports(12, seed=2)


def _kinds(sections) -> list[str]:
    kinds: list[str] = []
    for section in sections:
        kinds.append(section.kind)
        kinds += _kinds(section.subsections)
    return kinds


@pytest.mark.parametrize("report", FULL_TEXT, ids=lambda report: report.pmid)
def test_jats_parses_into_full_text_with_the_intended_sections(report):
    for body in (render.europepmc_full_text(report), render.pmc_articleset([report])):
        (document,) = parse_bytes(body)
        assert document.text_scope == "full"
        assert (document.ids.pmid, document.ids.pmcid, document.ids.doi) == (
            report.pmid,
            report.pmcid,
            report.doi,
        )
        assert document.is_case_report
        body_kinds = [
            section.kind for section in document.sections if section.kind not in ("title", "abstract")
        ]
        assert [kind for kind in body_kinds if kind != "table"] == _kinds(report.sections)
        assert len(document.tables) == len(report.tables)
        for section in report.sections:
            for paragraph in section.paragraphs:
                assert paragraph in document.text


def test_both_jats_styles_give_the_same_text():
    report = FULL_TEXT[1]
    (europepmc,) = parse_bytes(render.europepmc_full_text(report))
    (pmc,) = parse_bytes(render.pmc_articleset([report]))
    assert europepmc.text == pmc.text


def test_pubmed_record_is_an_abstract_of_a_case_report():
    reports = handwritten_reports()[:3]
    documents = parse_bytes(render.pubmed_articleset(reports))
    assert [document.ids.pmid for document in documents] == [report.pmid for report in reports]
    for document, report in zip(documents, reports, strict=True):
        assert document.text_scope == "abstract"
        assert "Case Reports" in document.publication_types
        assert report.abstract in document.text
        assert document.ids.pmcid == report.pmcid


def test_pubtator_annotations_point_at_their_text():
    reports = [report for report in handwritten_reports() if report.in_pubtator]
    body = render.pubtator_export(reports)
    documents = {document.ids.pmid: document for document in parse_bytes(body)}
    exported = annotations_from_biocjson(body)
    assert [item.ids.pmid for item in exported] == [report.pmid for report in reports]
    for item in exported:
        text = documents[item.ids.pmid].text
        assert item.mentions
        for mention in item.mentions:
            assert text[mention.start : mention.end] == mention.text
        genes = {mention.concept_id for mention in item.mentions if mention.type == "gene"}
        assert genes == {"NCBIGene:50943"}
        variants = [mention for mention in item.mentions if mention.type == "variant"]
        assert variants and all("NCBIGene:50943" in mention.alt_ids for mention in variants)


def test_pubtator_reads_legacy_variant_forms_as_protein_changes():
    identifier, hgvs = render.tmvar_identifier("R347H", "50943")
    assert hgvs == "p.R347H"
    assert identifier.startswith("tmVar:p|SUB|R|347|H;HGVS:p.R347H;")
    assert render.tmvar_identifier("p.Arg347His", "50943")[0].startswith("tmVar:p|SUB|R|347|H;")
    assert render.tmvar_identifier("c.210+1G>A", "50943")[0].startswith("tmVar:c|SUB|G|210+1|A;")


def test_search_pages_read_back_through_the_clients_parsers():
    reports = handwritten_reports()
    body = render.europepmc_search("q", reports[:2], hit_count=5, cursor="*", page_size=2, next_cursor="abc")
    page = parse_search_page(body)
    assert (page.hit_count, page.next_cursor) == (5, "abc")
    assert [hit.ids.pmcid for hit in page.hits] == [report.pmcid for report in reports[:2]]
    assert all(hit.is_open_access and "Case Reports" in hit.publication_types for hit in page.hits)
    for renderer in (render.esearch_xml, render.esearch_json):
        result = parse_esearch(
            renderer(count=9, ids=["1", "2"], retstart=4, webenv="MCID_1", query_key="1", term="t")
        )
        assert (result.count, result.ids, result.retstart, result.webenv) == (9, ["1", "2"], 4, "MCID_1")


# --- shapes of the real samples ------------------------------------------------------------------


def _tags(body: bytes) -> list[str]:
    return [child.tag for child in etree.fromstring(body, etree.XMLParser(load_dtd=False, no_network=True))]


def test_shapes_match_the_real_samples(samples_dir):
    report = handwritten_reports()[0]
    sample_search = json.loads((samples_dir / "europepmc" / "search_core_cancer.json").read_text())
    sample_keys = {key for result in sample_search["resultList"]["result"] for key in result}
    ours = json.loads(
        render.europepmc_search("q", [report], hit_count=1, cursor="*", page_size=25, next_cursor=None)
    )
    assert set(ours) <= set(sample_search)
    assert set(ours["request"]) == set(sample_search["request"])
    assert set(ours["resultList"]["result"][0]) <= sample_keys

    sample_pubtator = json.loads((samples_dir / "pubtator3" / "biocjson_pmids_20516115.json").read_text())
    ours_pubtator = json.loads(render.pubtator_export([report]))
    assert set(ours_pubtator["PubTator3"][0]) == set(sample_pubtator["PubTator3"][0])

    sample_esearch = _tags((samples_dir / "eutils" / "esearch_pubmed_usehistory.xml").read_bytes())
    ours_esearch = _tags(
        render.esearch_xml(count=1, ids=["1"], retstart=0, webenv="MCID_1", query_key="1", term="t")
    )
    assert [tag for tag in sample_esearch if tag in ours_esearch] == ours_esearch

    sample_pmc = (samples_dir / "pmc" / "efetch_pmc_PMC6329583.xml").read_bytes()
    ours_pmc = render.pmc_articleset([report])
    prolog_end = sample_pmc.index(b"<pmc-articleset>")
    assert ours_pmc[:prolog_end] == sample_pmc[:prolog_end]
    sample_pubmed = (samples_dir / "eutils" / "efetch_pubmed_38763967_case_report.xml").read_bytes()
    prolog_end = sample_pubmed.index(b"<PubmedArticleSet>")
    assert render.pubmed_articleset([report])[:prolog_end] == sample_pubmed[:prolog_end]
