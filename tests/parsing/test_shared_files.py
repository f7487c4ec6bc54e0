"""Every gold document and every article-shaped sample of ../shared parses (skipped without it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from caseminer.parsing import ParseError, parse_file
from caseminer.schemas import ArticleIds

pytestmark = pytest.mark.shared


def _gold_inputs(gold_dir: Path) -> list[Path]:
    return sorted(p for p in gold_dir.iterdir() if p.suffix in (".xml", ".txt"))


def test_gold_documents_parse_with_their_gold_ids_and_titles(gold_dir: Path):
    inputs = _gold_inputs(gold_dir)
    assert len(inputs) >= 10
    for path in inputs:
        gold = json.loads(path.with_suffix(".json").read_text())
        (document,) = parse_file(path)
        assert document.doc_id == gold["doc_id"], path.name
        normalise = lambda s: re.sub(r"\W+", " ", s or "").strip().lower()  # noqa: E731
        assert normalise(document.title) == normalise(gold["title"]), path.name
        for field in ("pmid", "pmcid", "doi"):
            found, expected = getattr(document.ids, field), gold[field]
            if found and expected:
                assert found == expected.lower() if field == "doi" else found == expected, path.name
        # The gold says "abstract" for a record that has only its title.
        assert document.text_scope in (gold["text_scope"], "title"), path.name
        if document.source_format != "text":
            assert document.is_case_report == gold["is_case_report"], path.name


def test_gold_ipex_report_keeps_variant_and_case_section(gold_dir: Path):
    (document,) = parse_file(gold_dir / "turkjpediatr-2019-61-424.txt")
    case_text = " ".join(document.text[p.start : p.end] for p in document.passages if p.section == "case")
    assert "c.1150G>A; p.Ala384Thr" in case_text
    assert any(s.kind == "discussion" for s in document.sections)


def test_bulk_file_gives_ten_articles_with_tables(samples_dir: Path):
    documents = parse_file(samples_dir / "europepmc" / "ftp_bulk_10articles_PMC6358576-PMC6358589.xml")
    assert len(documents) == 10
    assert len({d.doc_id for d in documents}) == 10
    assert sum(d.is_case_report for d in documents) == 6
    with_table = next(d for d in documents if d.doc_id == "pmc6358580")
    (table,) = with_table.tables
    assert table.rows and all(len(row) == len(table.rows[0]) for row in table.rows)
    assert with_table.text[table.start : table.end].count("\n") >= len(table.rows)


ARTICLE_SAMPLES = [
    "europepmc/fullTextXML_PMC6385181.xml",
    "pmc/efetch_pmc_PMC6329583.xml",
    "pmc/efetch_pmc_PMC3040717_author_manuscript.xml",
    "pmc/efetch_pmc_PMC3299399.xml",
    "pmc/efetch_pmc_8435807_correction.xml",
    "eutils/efetch_pubmed_38763967_case_report.xml",
    "eutils/efetch_pubmed_38762411_case_report.xml",
    "eutils/efetch_pubmed_2records.xml",
    "eutils/efetch_pubmed_29106400.xml",
    "eutils/efetch_pubmed_23121403_rct.xml",
    "pubtator3/biocjson_pmids_22663011.json",
    "pubtator3/biocjson_pmids_20516115.json",
    "pubtator3/biocjson_doc_33664495_variant.json",
    "pubtator3/pubtator_format_tmVar_normalization_corpus.txt",
]


@pytest.mark.parametrize("name", ARTICLE_SAMPLES)
def test_article_samples_parse_with_ids_and_text(samples_dir: Path, name: str):
    documents = parse_file(samples_dir / name)
    assert documents
    for document in documents:
        assert document.title and document.text.startswith(document.title[:20])
        assert not document.ids.is_empty()
        assert "ReferenceList" not in document.text


def test_pubmed_record_ignores_cited_article_ids(samples_dir: Path):
    (document,) = parse_file(samples_dir / "eutils" / "efetch_pubmed_38763967_case_report.xml")
    assert (document.ids.pmid, document.ids.pmcid) == ("38763967", "PMC11608206")
    assert "Case Reports" in document.publication_types and document.mesh_terms


def test_europepmc_bare_digit_pmcid_is_normalised(samples_dir: Path):
    (document,) = parse_file(samples_dir / "europepmc" / "fullTextXML_PMC6385181.xml")
    assert document.ids.pmcid == "PMC6385181" and document.doc_id == "pmc6385181"
    assert len(document.tables) == 3 and any(p.section == "figure" for p in document.passages)


NOT_ARTICLES = [
    "eutils/error_esearch_invalid_db.xml",
    "eutils/esearch_pubmed_basic.xml",
    "europepmc/error_supplementaryFiles_not_open_access.xml",
    "europepmc/search_core_cancer.json",
    "pmc/oa_fcgi_error_idIsNotOpenAccess.xml",
]


@pytest.mark.parametrize("name", NOT_ARTICLES)
def test_service_responses_are_not_taken_for_articles(samples_dir: Path, name: str):
    with pytest.raises(ParseError, match=r"unknown XML format|not BioC"):
        parse_file(samples_dir / name)


def test_authors_affiliations_and_cited_works_are_kept(samples_dir: Path):
    (jats,) = parse_file(samples_dir / "europepmc" / "fullTextXML_PMC6385181.xml")
    # 11 <contrib contrib-type="author">, the first <surname>Koch</surname><given-names>Lionel</given-names>
    assert len(jats.authors) == 11 and jats.authors[0] == "Koch L"
    # <aff><label>2</label><institution-wrap><institution-id>grid.414014.4</institution-id>
    #   <institution>Ecole du Val de Grace (EVDG), </institution></institution-wrap>Paris, France</aff>
    assert "Ecole du Val de Grace (EVDG), Paris, France" in jats.affiliations
    assert len(jats.affiliations) == 4
    # 47 of its 53 <ref>s give a <pub-id> (PMID or DOI)
    assert len(jats.references) == 47 and ArticleIds(pmid="26922822") in jats.references

    (pubmed,) = parse_file(samples_dir / "eutils" / "efetch_pubmed_38763967_case_report.xml")
    # LastName Uysal, ForeName Cihan; Oguz, Hanife; Cifci, Hasan; Kocyigit, Ismail
    assert pubmed.authors[:4] == ["Uysal C", "Oguz H", "Cifci H", "Kocyigit I"]
    # 16 of its 17 <Reference>s have an ArticleIdList; their PMIDs are not taken for the record's own
    assert len(pubmed.references) == 16 and ArticleIds(pmid="11556779") in pubmed.references
    assert pubmed.ids.pmid == "38763967"
