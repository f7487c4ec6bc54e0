"""Topic search across sources (one hit per article) and fetching, replayed from a cassette."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sources_fakes import write_cassette

from caseminer.parsing import parse_bytes
from caseminer.schemas.sources import ArticleIds, SearchHit
from caseminer.sources import (
    RawArchive,
    ReplayTransport,
    fetch_article,
    make_clients,
    merge_hits,
    search_topic,
)
from caseminer.sources.errors import SourceError
from caseminer.sources.topic import Topic

EPMC = "https://www.ebi.ac.uk/europepmc/webservices/rest"
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
PUBTATOR = "https://www.ncbi.nlm.nih.gov/research/pubtator3-api"
SINCE, UNTIL = date(2024, 1, 1), date(2024, 1, 31)

TOPIC = Topic(
    name="demo",
    queries={"europepmc": "FOXP3", "pubmed": "FOXP3[tiab]", "pmc": "FOXP3"},
    start_date=SINCE,
)

EPMC_PAGE = {
    "version": "6.9",
    "hitCount": 2,
    "request": {"queryString": "q", "resultType": "core", "cursorMark": "%2A", "pageSize": 1000},
    "resultList": {
        "result": [
            {
                "id": "111",
                "source": "MED",
                "pmid": "111",
                "pmcid": "PMC222",
                "doi": "10.1/ABC",
                "title": "A FOXP3 case",
                "pubYear": "2024",
                "pubTypeList": {"pubType": ["Case Reports", "Journal Article"]},
                "isOpenAccess": "Y",
                "journalInfo": {"journal": {"title": "Case Rep J"}},
                "firstIndexDate": "2024-01-10",
            },
            {"id": "333", "source": "MED", "pmid": "333", "title": "Closed access case", "isOpenAccess": "N"},
        ]
    },
}

JATS = (
    b'<article article-type="case-report"><front><article-meta>'
    b'<article-id pub-id-type="pmcid">222</article-id><article-id pub-id-type="pmid">111</article-id>'
    b"<title-group><article-title>A FOXP3 case</article-title></title-group></article-meta></front>"
    b"<body><sec><title>Case report</title><p>A boy with FOXP3 c.1150G&gt;A.</p></sec></body></article>"
)
PUBMED_333 = (
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>333</PMID><Article><ArticleTitle>Closed access"
    b" case</ArticleTitle></Article></MedlineCitation><PubmedData><ArticleIdList>"
    b'<ArticleId IdType="pubmed">333</ArticleId></ArticleIdList></PubmedData>'
    b"</PubmedArticle></PubmedArticleSet>"
)

PUBMED_555 = PUBMED_333.replace(b"333", b"555")
ERROR_BEAN = b"<errorBean><errCode>0</errCode><errMsg>PMC444 is not open access one</errMsg></errorBean>"
PMC_FRONT_ONLY = (
    b'<pmc-articleset><article article-type="case-report"><front><article-meta>'
    b'<article-id pub-id-type="pmcid">PMC444</article-id><title-group><article-title>Closed'
    b"</article-title></title-group><abstract><p>Abstract only.</p></abstract></article-meta></front>"
    b"</article></pmc-articleset>"
)


def _esearch(ids: list[str]) -> bytes:
    id_list = "".join(f"<Id>{uid}</Id>" for uid in ids)
    return (
        f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(ids)}</RetMax><RetStart>0</RetStart>"
        f"<QueryKey>1</QueryKey><WebEnv>MCID_1</WebEnv><IdList>{id_list}</IdList></eSearchResult>"
    ).encode()


def _esearch_params(db: str, term: str) -> dict[str, str]:
    return {
        "db": db,
        "term": term,
        "retmode": "xml",
        "usehistory": "y",
        "retstart": "0",
        "retmax": "5000",
        "datetype": "edat",
        "mindate": "2024/01/01",
        "maxdate": "2024/01/31",
    }


@pytest.fixture
def cassette(tmp_path):
    epmc_query = (
        '(FOXP3) AND (PUB_TYPE:"Case Reports" OR PUB_TYPE:"case-report") AND '
        "(FIRST_IDATE:[2024-01-01 TO 2024-01-31] OR UPDATE_DATE:[2024-01-01 TO 2024-01-31])"
    )
    epmc_params = {
        "query": epmc_query,
        "resultType": "core",
        "format": "json",
        "pageSize": "1000",
        "cursorMark": "*",
    }
    write_cassette(
        tmp_path / "cassette",
        [
            (f"{EPMC}/search", epmc_params, 200, json.dumps(EPMC_PAGE).encode()),
            (
                f"{EUTILS}/esearch.fcgi",
                _esearch_params("pubmed", '(FOXP3[tiab]) AND "Case Reports"[pt]'),
                200,
                _esearch(["111", "333"]),
            ),
            (f"{EUTILS}/esearch.fcgi", _esearch_params("pmc", "FOXP3"), 200, _esearch(["222"])),
            (f"{EPMC}/PMC222/fullTextXML", {}, 200, JATS),
            (f"{EUTILS}/efetch.fcgi", {"db": "pubmed", "id": "333", "retmode": "xml"}, 200, PUBMED_333),
            (f"{PUBTATOR}/publications/export/biocjson", {"pmids": "111"}, 200, b'{"PubTator3": []}'),
            (f"{PUBTATOR}/publications/export/biocjson", {"pmids": "333"}, 200, b""),
            (f"{EPMC}/PMC444/fullTextXML", {}, 200, ERROR_BEAN),
            (f"{EUTILS}/efetch.fcgi", {"db": "pmc", "id": "444", "retmode": "xml"}, 200, PMC_FRONT_ONLY),
            (f"{EUTILS}/efetch.fcgi", {"db": "pubmed", "id": "555", "retmode": "xml"}, 200, PUBMED_555),
            (f"{PUBTATOR}/publications/export/biocjson", {"pmids": "555"}, 200, b'{"PubTator3": []}'),
        ],
    )
    return tmp_path / "cassette"


def test_same_article_from_three_sources_is_one_hit_with_all_ids(cassette, tmp_path):
    clients = make_clients(archive=RawArchive(tmp_path / "archive"), transport=ReplayTransport(cassette))
    hits = list(search_topic(TOPIC, clients, since=SINCE, until=UNTIL))
    assert len(hits) == 2
    first = next(hit for hit in hits if hit.ids.pmid == "111")
    assert first.ids == ArticleIds(pmid="111", pmcid="PMC222", doi="10.1/abc")
    assert first.source == "europepmc" and first.is_open_access and first.journal == "Case Rep J"


def test_merge_keeps_conflicting_ids_apart():
    hits = [
        SearchHit(source="europepmc", ids=ArticleIds(pmid="1", pmcid="PMC1")),
        SearchHit(source="pubmed", ids=ArticleIds(pmid="1")),
        SearchHit(source="pmc", ids=ArticleIds(pmcid="PMC1", doi="10.1/x")),
        SearchHit(source="pmc", ids=ArticleIds(pmid="2", pmcid="PMC1")),
    ]
    merged = merge_hits(hits)
    assert [hit.ids for hit in merged] == [
        ArticleIds(pmid="1", pmcid="PMC1", doi="10.1/x"),
        ArticleIds(pmid="2", pmcid="PMC1"),
    ]


def test_fetch_prefers_open_access_full_text_and_archives_everything(cassette, tmp_path):
    archive = RawArchive(tmp_path / "archive")
    clients = make_clients(archive=archive, transport=ReplayTransport(cassette))
    hits = {hit.ids.pmid: hit for hit in search_topic(TOPIC, clients, since=SINCE, until=UNTIL)}
    records = fetch_article(hits["111"], clients)
    assert [record.source for record in records] == ["europepmc", "pubtator3"]
    (document,) = parse_bytes(archive.get(records[0].sha256), raw_sha256=records[0].sha256)
    assert document.doc_id == "pmc222" and document.text_scope == "full"

    errors: list[SourceError] = []
    records = fetch_article(hits["333"], clients, errors=errors)
    assert [record.source for record in records] == ["pubmed"]
    assert "PubTator3 has no annotations for 333" in str(errors[-1])


def test_fetch_without_any_record_is_a_source_error(cassette, tmp_path):
    clients = make_clients(archive=RawArchive(tmp_path / "archive"), transport=ReplayTransport(cassette))
    hit = SearchHit(source="europepmc", ids=ArticleIds(pmid="999"))
    with pytest.raises(SourceError, match=r"no record could be fetched for PMID999: .*no recorded response"):
        fetch_article(hit, clients)


def test_fetch_falls_back_from_closed_full_text_to_pubmed_then_to_pmc_front_matter(cassette, tmp_path):
    clients = make_clients(archive=RawArchive(tmp_path / "archive"), transport=ReplayTransport(cassette))
    errors: list[SourceError] = []
    with_pmid = SearchHit(source="pmc", ids=ArticleIds(pmid="555", pmcid="PMC444"))
    records = fetch_article(with_pmid, clients, errors=errors)
    assert [record.source for record in records] == ["pubmed", "pubtator3"]
    assert "not open access" in str(errors[0])
    only_pmcid = SearchHit(source="pmc", ids=ArticleIds(pmcid="PMC444"))
    assert [record.source for record in fetch_article(only_pmcid, clients)] == ["pmc"]
