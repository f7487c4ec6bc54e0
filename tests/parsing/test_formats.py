"""Parsing of every input format, built from small inline documents in the real layouts."""

from __future__ import annotations

import gzip
import json

import pytest

from caseminer.parsing import ParseError, parse_bytes


def _passage_texts(document, section=None):
    return [
        document.text[p.start : p.end] for p in document.passages if section is None or p.section == section
    ]


JATS = b"""<?xml version="1.0"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN"
 "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report"><?properties open_access?>
<front><journal-meta><journal-title-group><journal-title>Case Rep J</journal-title></journal-title-group>
</journal-meta><article-meta>
<article-id pub-id-type="pmcid">PMC123.2</article-id><article-id pub-id-type="pmid">456</article-id>
<article-id pub-id-type="doi">10.1000/ABC.1</article-id>
<title-group><article-title>A <italic>FOXP3</italic> variant in an infant</article-title></title-group>
<pub-date pub-type="epub"><year>2020</year></pub-date>
<abstract><p>An infant with <italic>enteropathy</italic>.</p></abstract>
</article-meta></front>
<body>
<sec sec-type="intro"><title>Introduction</title><p>IPEX is rare<sup><xref ref-type="bibr" rid="R1">1</xref>,
<xref ref-type="bibr" rid="R2">2</xref></sup>and X-linked
[<xref ref-type="bibr" rid="R3">3</xref>].</p></sec>
<sec><title>Case presentation</title>
<p>A boy had the variant c.1150G&gt;A <italic>in</italic> <bold>FOXP3</bold>.
<table-wrap id="T1"><label>Table 1</label><caption><p>Patients</p></caption>
<table><thead><tr><th>Patient</th><th colspan="2">Age</th></tr>
<tr><th/><th>onset</th><th>diagnosis</th></tr></thead>
<tbody><tr><td rowspan="2">P1</td><td>3 weeks</td><td>11 months</td></tr>
<tr><td>2 days</td><td>1 year</td></tr></tbody></table>
<table-wrap-foot><p>P, patient.</p></table-wrap-foot></table-wrap></p>
<fig id="F1"><label>Figure 1</label><caption><p>Eczema on the scalp.</p></caption></fig>
</sec>
<sec><title>Discussion</title><p>Transplant helps.</p></sec>
</body>
<back><ref-list><ref id="R1"><mixed-citation>Reference text must not appear.</mixed-citation></ref>
</ref-list></back>
</article>"""


def test_jats_metadata_sections_and_ids():
    (document,) = parse_bytes(JATS, filename="x.xml")
    assert document.doc_id == "pmc123"
    assert (
        document.ids.pmcid == "PMC123" and document.ids.pmid == "456" and document.ids.doi == "10.1000/abc.1"
    )
    assert document.title == "A FOXP3 variant in an infant"
    assert (document.journal, document.year, document.is_open_access) == ("Case Rep J", 2020, True)
    assert document.is_case_report and document.text_scope == "full" and document.source_format == "jats"
    kinds = [section.kind for section in document.sections]
    assert kinds[:4] == ["title", "abstract", "introduction", "case"]
    assert "discussion" in kinds and "figure" in kinds and "table" in kinds
    assert "Reference text" not in document.text


def test_jats_inline_markup_keeps_spaces_and_separates_citations():
    (document,) = parse_bytes(JATS)
    assert "IPEX is rare [1, 2] and X-linked [3]." in document.text
    assert "the variant c.1150G>A in FOXP3." in document.text


def test_jats_table_kept_as_cells_and_rendered_into_text():
    (document,) = parse_bytes(JATS)
    (table,) = document.tables
    assert table.label == "Table 1" and table.caption == "Patients"
    assert table.header == ["Patient", "Age onset", "Age diagnosis"]
    assert table.rows == [["P1", "3 weeks", "11 months"], ["P1", "2 days", "1 year"]]
    rendered = document.text[table.start : table.end]
    assert "P1 | 3 weeks | 11 months\nP1 | 2 days | 1 year" in rendered
    assert rendered.endswith("P, patient.")
    (caption,) = _passage_texts(document, "figure")
    assert caption == "Figure 1 Eczema on the scalp."


def test_passage_offsets_index_the_text():
    (document,) = parse_bytes(JATS)
    for passage in document.passages:
        chunk = document.text[passage.start : passage.end]
        assert chunk and chunk == chunk.strip()
    for section in document.sections:
        assert 0 <= section.start < section.end <= len(document.text)


def test_bulk_articles_wrapper_gives_one_document_per_article():
    body = JATS.split(b"?>", 1)[1].split(b"\n", 3)[3]  # drop declaration and DOCTYPE
    second = body.replace(b"PMC123.2", b"PMC124").replace(
        b'<article-id pub-id-type="pmid">456</article-id>', b""
    )
    documents = parse_bytes(b"<articles>" + body + second + b"</articles>")
    assert [d.doc_id for d in documents] == ["pmc123", "pmc124"]


PUBMED = b"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"
 "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">111</PMID><Article><Journal><JournalIssue><PubDate><Year>2024</Year></PubDate>
</JournalIssue><Title>CEN case reports</Title></Journal><ArticleTitle>A case of <i>IPEX</i>.</ArticleTitle>
<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Rare.</AbstractText>
<AbstractText Label="CASE PRESENTATION" NlmCategory="METHODS">A boy with diarrhea.</AbstractText></Abstract>
<PublicationTypeList><PublicationType UI="D002363">Case Reports</PublicationType></PublicationTypeList>
</Article><MeshHeadingList><MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName>
</MeshHeading></MeshHeadingList></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">111</ArticleId>
<ArticleId IdType="doi">10.1/X</ArticleId>
</ArticleIdList><ReferenceList><Reference><Citation>Other.</Citation><ArticleIdList>
<ArticleId IdType="pubmed">999</ArticleId><ArticleId IdType="pmc">PMC999</ArticleId></ArticleIdList>
</Reference>
</ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>"""


def test_pubmed_ids_only_from_the_record_not_its_references():
    (document,) = parse_bytes(PUBMED)
    assert document.ids.pmid == "111" and document.ids.doi == "10.1/x" and document.ids.pmcid is None
    assert document.doc_id == "pmid111"
    assert document.title == "A case of IPEX."
    assert _passage_texts(document, "abstract") == [
        "BACKGROUND: Rare.",
        "CASE PRESENTATION: A boy with diarrhea.",
    ]
    assert document.publication_types == ["Case Reports"] and document.mesh_terms == ["Humans"]
    assert document.text_scope == "abstract" and document.year == 2024 and document.is_case_report


def test_pubtator3_biocjson_places_passages_at_their_offsets():
    title = "FOXP3 mutation in IPEX."
    abstract = "A boy with a FOXP3 variant."
    payload = {
        "PubTator3": [
            {
                "_id": "42|None",
                "id": "42",
                "infons": {},
                "pmid": 42,
                "pmcid": None,
                "journal": "J",
                "date": "2019-01-01T00:00:00Z",
                "passages": [
                    {
                        "infons": {"type": "title"},
                        "offset": 0,
                        "text": title,
                        "sentences": [],
                        "annotations": [],
                        "relations": [],
                    },
                    {
                        "infons": {"type": "abstract"},
                        "offset": len(title) + 1,
                        "text": abstract,
                        "sentences": [],
                        "annotations": [],
                        "relations": [],
                    },
                ],
                "relations": [],
            }
        ]
    }
    (document,) = parse_bytes(json.dumps(payload).encode())
    assert document.doc_id == "pmid42" and document.year == 2019 and document.source_format == "bioc"
    assert document.text == f"{title}\n{abstract}"
    assert document.text.index("FOXP3 variant") == len(title) + 1 + abstract.index("FOXP3 variant")


BIOC_XML = b"""<?xml version='1.0' encoding='UTF-8'?><!DOCTYPE collection SYSTEM 'BioC.dtd'>
<collection><source>PMC</source><date>20240101</date><key>pmc.key</key>
<document><id>PMC77</id>
<passage><infon key="section_type">TITLE</infon><infon key="type">front</infon>
<infon key="article-id_pmid">77</infon><offset>0</offset><text>Title here</text></passage>
<passage><infon key="section_type">CASE</infon><infon key="type">paragraph</infon><offset>11</offset>
<text>A girl presented.</text></passage>
<passage><infon key="section_type">REF</infon><infon key="type">ref</infon><offset>29</offset>
<text>Cited work.</text></passage>
</document></collection>"""


def test_bioc_xml_full_text_sections_and_references_left_out():
    (document,) = parse_bytes(BIOC_XML)
    assert document.doc_id == "pmc77" and document.ids.pmid == "77"
    assert document.title == "Title here" and document.text_scope == "full"
    assert _passage_texts(document, "case") == ["A girl presented."]
    assert "Cited work" not in document.text


def test_plain_text_title_headings_and_wrapped_lines():
    text = (
        "Case Report\n\nIPEX syndrome: a life \nthreatening condition\n"
        " SUMMARY: A boy with diabetes.\n\nCase Report\n\nA male infant had type 1\n\n"
        "diabetes and a life-\nthreatening enteropathy.\n\nDiscussion\n\nIPEX is rare.\n"
    )
    (document,) = parse_bytes(text.encode(), filename="/tmp/turk-2019.txt")
    assert document.doc_id == "turk-2019"
    assert document.title == "IPEX syndrome: a life threatening condition"
    assert document.article_type == "case-report" and document.text_scope == "full"
    assert _passage_texts(document, "abstract") == ["SUMMARY: A boy with diabetes."]
    assert _passage_texts(document, "case") == [
        "Case Report",
        "A male infant had type 1 diabetes and a life-threatening enteropathy.",
    ]
    assert _passage_texts(document, "discussion") == ["Discussion", "IPEX is rare."]


def test_plain_text_without_headings_is_an_abstract():
    (document,) = parse_bytes(b"A title\n\nOne paragraph about a patient.\n")
    assert document.title == "A title" and document.text_scope == "abstract"
    (only_title,) = parse_bytes(b"Just a title\n")
    assert only_title.text_scope == "title"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"<article><front></article>", "malformed XML"),
        (b'{"PubTator3": [{"id": "1", "passages": [', "malformed JSON"),
        (b"<eSearchResult><Count>0</Count></eSearchResult>", "unknown XML format"),
        (b'{"esearchresult": {}}', "not BioC"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
    ],
)
def test_bad_input_gives_one_line_parse_error(data, message):
    with pytest.raises(ParseError) as error:
        parse_bytes(data, filename="bad.in")
    text = str(error.value)
    assert message in text and "\n" not in text and text.startswith("bad.in: ")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><front><article-meta><title-group><article-title>&xxe;</article-title></title-group>
</article-meta></front></article>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><Article><ArticleTitle>&lol3;</ArticleTitle></Article>
</MedlineCitation></PubmedArticle></PubmedArticleSet>"""


@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_declarations_are_refused(data):
    with pytest.raises(ParseError, match="entities"):
        parse_bytes(data)


def test_gzipped_input_is_read_and_corrupt_gzip_refused():
    (document,) = parse_bytes(gzip.compress(PUBMED))
    assert document.doc_id == "pmid111"
    with pytest.raises(ParseError, match="truncated gzip"):
        parse_bytes(gzip.compress(PUBMED)[:60])


def test_external_dtd_is_not_loaded_and_document_still_parses():
    # The JATS sample names an external DTD; it must neither be fetched nor block parsing.
    (document,) = parse_bytes(JATS)
    assert document.title


LONG = "The proband had a long course with many findings described in one paragraph of the article. " * 3


def test_plain_text_one_line_per_paragraph_with_tables():
    # The layout of text exported from article markup: CRLF, no blank lines, a paragraph per line,
    # table rows as tab-separated cells with the table's title after it.
    text = "\r\n".join(
        [
            "Two sisters with a rare syndrome",
            "We describe two sisters. " + LONG,
            "Introduction",
            "The syndrome is rare. " + LONG,
            "Family 1",
            "A 5-year-old girl presented with seizures. " + LONG,
            "Patient\tSex\tAge at onset",
            "1\tF\t2 years",
            "2\tF\t3 years",
            "Clinical findings of the two sisters",
            "Discussion",
            "Other reports describe older patients. " + LONG,
            "References",
        ]
    )
    (document,) = parse_bytes(text.encode(), filename="/tmp/sisters.txt")
    assert document.title == "Two sisters with a rare syndrome"
    assert _passage_texts(document, "abstract")[0].startswith("We describe two sisters.")
    case = _passage_texts(document, "case")
    assert case[0] == "Family 1" and case[1].startswith("A 5-year-old girl")
    (table,) = document.tables
    assert table.header == ["Patient", "Sex", "Age at onset"]
    assert table.rows == [["1", "F", "2 years"], ["2", "F", "3 years"]]
    assert table.caption == "Clinical findings of the two sisters"  # a caption, not a heading
    assert _passage_texts(document, "discussion")[0] == "Discussion"
    assert "References" in _passage_texts(document, "other")


# A PubMed record with a translated title, saved as text: its first character is "[".
TRANSLATED_TITLE_TEXT = (
    "[Girl with chronic diarrhea and eczema: IPEX syndrome].\n\n"
    "A 3-month-old girl presented with watery diarrhea and eczema.\n"
)


@pytest.mark.parametrize("name", ["pubmed-123.txt", "PUBMED-123.TXT", "pubmed-123.txt.gz"])
def test_a_txt_file_is_text_even_when_it_starts_with_a_bracket(name):
    data = TRANSLATED_TITLE_TEXT.encode()
    (document,) = parse_bytes(gzip.compress(data) if name.endswith(".gz") else data, filename=name)
    assert document.source_format == "text" and document.doc_id.lower() == "pubmed-123"
    assert document.title == "[Girl with chronic diarrhea and eczema: IPEX syndrome]."
    assert "watery diarrhea" in document.text


@pytest.mark.parametrize("name", ["31234567.txt", "reports/31234567.txt.gz"])
def test_a_txt_file_named_by_its_pmid_is_that_article(name):
    data = TRANSLATED_TITLE_TEXT.encode()
    (document,) = parse_bytes(gzip.compress(data) if name.endswith(".gz") else data, filename=name)
    assert document.ids.pmid == "31234567" and not document.ids.is_empty()


@pytest.mark.parametrize("name", ["case.txt", "pubmed-123.txt", "0.txt", None])
def test_a_txt_file_named_otherwise_has_no_id(name):
    (document,) = parse_bytes(TRANSLATED_TITLE_TEXT.encode(), filename=name)
    assert document.ids.is_empty()


def test_a_txt_file_in_pubtator_text_format_is_read_as_pubtator():
    data = b"123|t|FOXP3 variant in a boy\n123|a|A boy had enteropathy.\n\n"
    (document,) = parse_bytes(data, filename="export.txt")
    assert document.source_format != "text" and document.ids.pmid == "123"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("case.json", TRANSLATED_TITLE_TEXT.encode(), "malformed JSON"),
        ("case.xml", TRANSLATED_TITLE_TEXT.encode(), "malformed XML"),
        ("case.json", PUBMED, "malformed JSON"),
    ],
)
def test_the_extension_decides_even_against_the_content(name, data, message):
    with pytest.raises(ParseError, match=message):
        parse_bytes(data, filename=name)


@pytest.mark.parametrize("name", [None, "download", "record.gz", "case.unknown"])
def test_content_is_sniffed_where_the_name_says_nothing(name):
    (pubmed,) = parse_bytes(PUBMED, filename=name)
    assert pubmed.source_format == "pubmed"
    (text,) = parse_bytes(b"A title\n\nOne paragraph about a patient.\n", filename=name)
    assert text.source_format == "text"
    (bracketed,) = parse_bytes(TRANSLATED_TITLE_TEXT.encode(), filename=name)
    assert bracketed.source_format == "text"
    with pytest.raises(ParseError, match="malformed JSON"):
        parse_bytes(b'[{"id": "1", "passages": [', filename=name)


def test_xml_files_are_told_apart_by_their_root():
    assert parse_bytes(JATS, filename="a.xml")[0].source_format == "jats"
    assert parse_bytes(PUBMED, filename="a.xml")[0].source_format == "pubmed"
    assert parse_bytes(BIOC_XML, filename="a.xml")[0].source_format.startswith("bioc")
