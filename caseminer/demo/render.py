"""Render synthetic reports in the exact formats of the real services (shapes from shared/samples).

- Europe PMC `fullTextXML`: a bare, pretty-printed JATS `<article>` (PMCID without prefix).
- PMC `efetch db=pmc`: `<pmc-articleset>` on one line, 2025-style ids (`pmcid` = `PMC…`, `pmcaid`).
- PubMed `efetch db=pubmed`: `<PubmedArticleSet>`, one `PubmedArticle` per line (abstract only).
- Europe PMC `search` (`resultType=core`, `format=json`), E-utilities `esearch` (XML and JSON),
  PubTator3 `export/biocjson` and Europe PMC's `<errorBean>`.

XML is built with lxml; only the prologs (declaration, DOCTYPE) are written as the services write them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from lxml import etree

from caseminer.demo.concepts import FOXP3, Concept
from caseminer.demo.model import AMINO_ACIDS, Mention, SyntheticReport, SyntheticSection, SyntheticTable

XLINK = "http://www.w3.org/1999/xlink"
MATHML = "http://www.w3.org/1998/Math/MathML"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
EUROPEPMC_VERSION = "6.9"

_EUROPEPMC_PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.1 '
    b'20151215//EN" "JATS-archivearticle1.dtd">\n'
)
_PMC_PROLOG = (
    b'<?xml version="1.0"  ?><!DOCTYPE pmc-articleset PUBLIC "-//NLM//DTD ARTICLE SET 2.0//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pmc/articleset/nlm-articleset-2.0.dtd">'
)
_PUBMED_PROLOG = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
    b'2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
_ESEARCH_PROLOG = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch '
    b'20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
_GENE_SYMBOL = re.compile(r"\bFOXP3\b")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(
        parent, tag, {key.replace("_", "-"): value for key, value in attributes.items()}
    )
    if text is not None:
        element.text = text
    return element


def _rich(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    """An element whose text italicises gene symbols, as journals typeset them (`<italic>FOXP3</italic>`)."""
    element = _sub(parent, tag, **attributes)
    pieces = _GENE_SYMBOL.split(text)
    element.text = pieces[0]
    for piece in pieces[1:]:
        italic = _sub(element, "italic", "FOXP3")
        italic.tail = piece
    return element


def _date(parent: etree._Element, tag: str, when: date, **attributes: str) -> None:
    element = _sub(parent, tag, **attributes)
    _sub(element, "day", str(when.day))
    _sub(element, "month", str(when.month))
    _sub(element, "year", str(when.year))


# --- JATS ----------------------------------------------------------------------------------------


def jats_article(report: SyntheticReport, *, style: str = "europepmc") -> etree._Element:
    """The `<article>` of an open-access report; `style` "europepmc" or "pmc" sets the id conventions."""
    if report.pmcid is None:
        raise ValueError(f"report {report.pmid} has no PMCID, so no JATS full text")
    nsmap = {"mml": MATHML, "xlink": XLINK}
    article = etree.Element("article", nsmap=nsmap, attrib={"article-type": "case-report"})
    if style == "pmc":
        article.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        article.set("dtd-version", "1.4")
    else:
        article.append(etree.ProcessingInstruction("properties", "open_access"))
    front = _sub(article, "front")
    journal_meta = _sub(front, "journal-meta")
    _sub(journal_meta, "journal-id", report.journal.abbreviation, journal_id_type="nlm-ta")
    _sub(journal_meta, "journal-id", report.journal.abbreviation, journal_id_type="iso-abbrev")
    _sub(_sub(journal_meta, "journal-title-group"), "journal-title", report.journal.title)
    _sub(journal_meta, "issn", report.journal.issn, pub_type="epub")
    _sub(_sub(journal_meta, "publisher"), "publisher-name", "Synthetic Case Reports Press")
    meta = _sub(front, "article-meta")
    if style == "pmc":
        _sub(meta, "article-id", report.pmcid, pub_id_type="pmcid")
        _sub(meta, "article-id", f"{report.pmcid}.1", pub_id_type="pmcid-ver")
        _sub(meta, "article-id", report.pmc_number, pub_id_type="pmcaid")
    else:
        _sub(meta, "article-id", report.pmc_number, pub_id_type="pmcid")
    _sub(meta, "article-id", report.pmid, pub_id_type="pmid")
    _sub(meta, "article-id", report.doi, pub_id_type="doi")
    categories = _sub(_sub(meta, "article-categories"), "subj-group", subj_group_type="heading")
    _sub(categories, "subject", "Case Report")
    _rich(_sub(meta, "title-group"), "article-title", report.title)
    contributors = _sub(meta, "contrib-group")
    for surname, given in report.authors:
        name = _sub(_sub(contributors, "contrib", contrib_type="author"), "name")
        _sub(name, "surname", surname)
        _sub(name, "given-names", given)
    if report.affiliation:
        _sub(meta, "aff", report.affiliation, id="Aff1")
    _date(meta, "pub-date", report.published, pub_type="epub")
    _sub(_sub(meta, "pub-date", pub_type="collection"), "year", str(report.published.year))
    _sub(meta, "volume", str(report.published.year - 2000))
    _sub(meta, "elocation-id", f"e{report.pmid[-4:]}")
    permissions = _sub(meta, "permissions")
    _sub(permissions, "copyright-statement", f"© The Author(s) {report.published.year}")
    license_element = _sub(permissions, "license", license_type="open-access")
    license_element.set(f"{{{XLINK}}}href", LICENSE_URL)
    _sub(license_element, "license-p", "This article is distributed under the terms of the Creative Commons "
         "Attribution 4.0 International License.")  # fmt: skip
    _rich(_sub(meta, "abstract", id="Abs1"), "p", report.abstract, id="Par1")
    keywords = _sub(meta, "kwd-group", xml_lang="en") if report.keywords else None
    for keyword in report.keywords:
        _sub(keywords, "kwd", keyword)
    body = _sub(article, "body")
    counter = _Counter()
    for section in report.sections:
        _section(body, section, counter, report.tables if section.kind == "case" else ())
    if report.references:
        references = _sub(_sub(article, "back"), "ref-list", id="Bib1")
        _sub(references, "title", "References")
        for number, reference in enumerate(report.references, start=1):
            citation = _sub(
                _sub(references, "ref", id=f"CR{number}"), "mixed-citation", publication_type="journal"
            )
            citation.text = f"{reference.citation} "
            _sub(citation, "pub-id", reference.doi, pub_id_type="doi")
            _sub(citation, "pub-id", reference.pmid, pub_id_type="pmid")
    return article


class _Counter:
    def __init__(self) -> None:
        self.sections = 0
        self.paragraphs = 1

    def next_section(self) -> str:
        self.sections += 1
        return f"Sec{self.sections}"

    def next_paragraph(self) -> str:
        self.paragraphs += 1
        return f"Par{self.paragraphs}"


def _section(
    parent: etree._Element, section: SyntheticSection, counter: _Counter, tables: Sequence[SyntheticTable]
) -> None:
    sec = _sub(parent, "sec", id=counter.next_section())
    if section.sec_type:
        sec.set("sec-type", section.sec_type)
    _sub(sec, "title", section.title)
    for paragraph in section.paragraphs:
        _rich(sec, "p", paragraph, id=counter.next_paragraph())
    for subsection in section.subsections:
        _section(sec, subsection, counter, ())
    for number, table in enumerate(tables, start=1):
        _table(sec, table, f"Tab{number}")


def _table(parent: etree._Element, table: SyntheticTable, table_id: str) -> None:
    wrap = _sub(parent, "table-wrap", id=table_id)
    _sub(wrap, "label", table.label)
    _sub(_sub(wrap, "caption"), "p", table.caption)
    grid = _sub(wrap, "table", frame="hsides", rules="groups")
    header = _sub(_sub(grid, "thead"), "tr")
    for cell in table.header:
        _sub(header, "th", cell)
    body = _sub(grid, "tbody")
    for row in table.rows:
        tr = _sub(body, "tr")
        for cell in row:
            _sub(tr, "td", cell)


def europepmc_full_text(report: SyntheticReport) -> bytes:
    """The body of `GET /{PMCID}/fullTextXML`: a bare pretty-printed `<article>`."""
    article = jats_article(report, style="europepmc")
    etree.indent(article, space="  ")
    return _EUROPEPMC_PROLOG + etree.tostring(article, encoding="UTF-8") + b"\n"


def pmc_articleset(reports: Iterable[SyntheticReport]) -> bytes:
    """The body of `efetch db=pmc`: `<pmc-articleset>` on one line."""
    articleset = etree.Element("pmc-articleset")
    for report in reports:
        articleset.append(jats_article(report, style="pmc"))
    return _PMC_PROLOG + etree.tostring(articleset, encoding="UTF-8")


# --- PubMed --------------------------------------------------------------------------------------


def _pubmed_article(report: SyntheticReport) -> etree._Element:
    record = etree.Element("PubmedArticle")
    citation = _sub(record, "MedlineCitation", Status="PubMed-not-MEDLINE", Owner="NLM")
    _sub(citation, "PMID", report.pmid, Version="1")
    revised = _sub(citation, "DateRevised")
    _sub(revised, "Year", str(report.indexed.year))
    _sub(revised, "Month", f"{report.indexed.month:02d}")
    _sub(revised, "Day", f"{report.indexed.day:02d}")
    article = _sub(citation, "Article", PubModel="Electronic")
    journal = _sub(article, "Journal")
    _sub(journal, "ISSN", report.journal.issn, IssnType="Electronic")
    issue = _sub(journal, "JournalIssue", CitedMedium="Internet")
    _sub(issue, "Volume", str(report.published.year - 2000))
    pub_date = _sub(issue, "PubDate")
    _sub(pub_date, "Year", str(report.published.year))
    _sub(pub_date, "Month", _MONTHS[report.published.month - 1])
    _sub(journal, "Title", report.journal.title)
    _sub(journal, "ISOAbbreviation", report.journal.abbreviation)
    _sub(article, "ArticleTitle", report.title.rstrip(".") + ".")
    _sub(article, "ELocationID", report.doi, EIdType="doi", ValidYN="Y")
    abstract = _sub(article, "Abstract")
    _sub(abstract, "AbstractText", report.abstract)
    _sub(abstract, "CopyrightInformation", f"© {report.published.year}. The Author(s).")
    authors = _sub(article, "AuthorList", CompleteYN="Y")
    for surname, given in report.authors:
        author = _sub(authors, "Author", ValidYN="Y")
        _sub(author, "LastName", surname)
        _sub(author, "ForeName", given)
        _sub(author, "Initials", "".join(part[0] for part in given.split()))
        if report.affiliation:
            _sub(_sub(author, "AffiliationInfo"), "Affiliation", report.affiliation)
    _sub(article, "Language", "eng")
    types = _sub(article, "PublicationTypeList")
    _sub(types, "PublicationType", "Case Reports", UI="D002363")
    _sub(types, "PublicationType", "Journal Article", UI="D016428")
    article_date = _sub(article, "ArticleDate", DateType="Electronic")
    _sub(article_date, "Year", str(report.published.year))
    _sub(article_date, "Month", f"{report.published.month:02d}")
    _sub(article_date, "Day", f"{report.published.day:02d}")
    info = _sub(citation, "MedlineJournalInfo")
    _sub(info, "MedlineTA", report.journal.abbreviation)
    _sub(info, "ISSNLinking", report.journal.issn)
    if report.keywords:
        keywords = _sub(citation, "KeywordList", Owner="NOTNLM")
        for keyword in report.keywords:
            _sub(keywords, "Keyword", keyword, MajorTopicYN="N")
    pubmed_data = _sub(record, "PubmedData")
    history = _sub(pubmed_data, "History")
    for status in ("entrez", "pubmed"):
        stamp = _sub(history, "PubMedPubDate", PubStatus=status)
        _sub(stamp, "Year", str(report.indexed.year))
        _sub(stamp, "Month", str(report.indexed.month))
        _sub(stamp, "Day", str(report.indexed.day))
    _sub(pubmed_data, "PublicationStatus", "epublish")
    ids = _sub(pubmed_data, "ArticleIdList")
    _sub(ids, "ArticleId", report.pmid, IdType="pubmed")
    if report.pmcid:
        _sub(ids, "ArticleId", report.pmcid, IdType="pmc")
    _sub(ids, "ArticleId", report.doi, IdType="doi")
    if report.references:
        references = _sub(pubmed_data, "ReferenceList")
        for reference in report.references:
            cited = _sub(references, "Reference")
            _sub(cited, "Citation", reference.citation)
            cited_ids = _sub(cited, "ArticleIdList")
            _sub(cited_ids, "ArticleId", reference.pmid, IdType="pubmed")
            _sub(cited_ids, "ArticleId", reference.doi, IdType="doi")
    return record


def pubmed_articleset(reports: Iterable[SyntheticReport]) -> bytes:
    """The body of `efetch db=pubmed retmode=xml`."""
    articleset = etree.Element("PubmedArticleSet")
    articleset.text = "\n"
    for report in reports:
        articleset.append(_pubmed_article(report))
    return _PUBMED_PROLOG + etree.tostring(articleset, encoding="UTF-8") + b"\n"


# --- searches ------------------------------------------------------------------------------------


def europepmc_core_result(report: SyntheticReport) -> dict[str, Any]:
    """One `resultList.result` item of a `resultType=core` search."""
    result: dict[str, Any] = {"id": report.pmid, "source": "MED", "pmid": report.pmid}
    if report.pmcid:
        result["pmcid"] = report.pmcid
        result["fullTextIdList"] = {"fullTextId": [report.pmcid]}
    result.update(
        doi=report.doi,
        title=report.title,
        authorString=", ".join(f"{surname} {given[0]}" for surname, given in report.authors) + ".",
        authorList={
            "author": [
                {
                    "fullName": f"{surname} {given[0]}",
                    "firstName": given,
                    "lastName": surname,
                    "initials": given[0],
                }
                for surname, given in report.authors
            ]
        },
        journalInfo={
            "volume": str(report.published.year - 2000),
            "dateOfPublication": f"{report.published.year} {_MONTHS[report.published.month - 1]}",
            "monthOfPublication": report.published.month,
            "yearOfPublication": report.published.year,
            "printPublicationDate": report.published.isoformat(),
            "journal": {
                "title": report.journal.title,
                "medlineAbbreviation": report.journal.abbreviation,
                "isoabbreviation": report.journal.abbreviation,
                "essn": report.journal.issn,
            },
        },
        pubYear=str(report.published.year),
        abstractText=report.abstract,
        language="eng",
        pubModel="Electronic",
        pubTypeList={"pubType": ["Case Reports", "Journal Article"]},
        keywordList={"keyword": list(report.keywords)} if report.keywords else None,
        isOpenAccess="Y" if report.is_open_access else "N",
        inEPMC="Y" if report.is_open_access else "N",
        inPMC="Y" if report.pmcid else "N",
        hasPDF="Y" if report.pmcid else "N",
        hasBook="N",
        hasSuppl="N",
        citedByCount=0,
        hasReferences="N",
        hasTextMinedTerms="Y" if report.in_pubtator else "N",
        hasDbCrossReferences="N",
        hasLabsLinks="N",
        authMan="N",
        epmcAuthMan="N",
        nihAuthMan="N",
        hasTMAccessionNumbers="N",
        dateOfCreation=report.indexed.isoformat(),
        firstIndexDate=report.indexed.isoformat(),
        dateOfRevision=report.indexed.isoformat(),
        electronicPublicationDate=report.published.isoformat(),
        firstPublicationDate=report.published.isoformat(),
    )
    if report.is_open_access:
        result["license"] = "cc by"
    return {key: value for key, value in result.items() if value is not None}


def europepmc_search(
    query: str,
    results: Sequence[SyntheticReport],
    *,
    hit_count: int,
    cursor: str,
    page_size: int,
    next_cursor: str | None,
) -> bytes:
    """A `search?format=json&resultType=core` page; `nextCursorMark` only when more pages follow."""
    page: dict[str, Any] = {"version": EUROPEPMC_VERSION, "hitCount": hit_count}
    if next_cursor is not None:
        page["nextCursorMark"] = next_cursor
        page["nextPageUrl"] = (
            "https://www.ebi.ac.uk/europepmc/webservices/rest/search?"
            f"query={quote(query)}&cursorMark={next_cursor}&resultType=core&format=json&pageSize={page_size}"
        )
    page["request"] = {
        "queryString": query,
        "resultType": "core",
        "cursorMark": quote(cursor, safe=""),
        "pageSize": page_size,
        "sort": "",
        "synonym": False,
    }
    page["resultList"] = {"result": [europepmc_core_result(report) for report in results]}
    return json.dumps(page, ensure_ascii=False).encode()


def europepmc_error_bean(code: int, message: str) -> bytes:
    bean = etree.Element("errorBean")
    _sub(bean, "errCode", str(code))
    _sub(bean, "errMsg", message)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + etree.tostring(bean, encoding="UTF-8")


def eutils_error_xml(root: str, message: str) -> bytes:
    """An E-utilities error answer (sent with HTTP 200): `<eSearchResult><ERROR>…</ERROR>`."""
    result = etree.Element(root)
    _sub(result, "ERROR", message)
    return b'<?xml version="1.0" encoding="UTF-8" ?>\n' + etree.tostring(result, encoding="UTF-8") + b"\n"


def eutils_error_json(message: str) -> bytes:
    return json.dumps({"esearchresult": {"ERROR": message}}).encode() + b"\n"


def esearch_xml(
    *, count: int, ids: Sequence[str], retstart: int, webenv: str | None, query_key: str | None, term: str
) -> bytes:
    result = etree.Element("eSearchResult")
    _sub(result, "Count", str(count))
    _sub(result, "RetMax", str(len(ids)))
    _sub(result, "RetStart", str(retstart))
    if webenv and query_key:
        _sub(result, "QueryKey", query_key)
        _sub(result, "WebEnv", webenv)
    id_list = _sub(result, "IdList")
    id_list.text = "\n"
    for uid in ids:
        _sub(id_list, "Id", uid).tail = "\n"
    _sub(result, "TranslationSet")
    _sub(result, "QueryTranslation", term)
    return _ESEARCH_PROLOG + etree.tostring(result, encoding="UTF-8") + b"\n"


def esearch_json(
    *, count: int, ids: Sequence[str], retstart: int, webenv: str | None, query_key: str | None, term: str
) -> bytes:
    """Production esearch JSON: numbers as strings, `querykey`/`webenv` with usehistory."""
    inner: dict[str, Any] = {"count": str(count), "retmax": str(len(ids)), "retstart": str(retstart)}
    if webenv and query_key:
        inner.update(querykey=query_key, webenv=webenv)
    inner.update(idlist=list(ids), translationset=[], querytranslation=term)
    return (
        json.dumps({"header": {"type": "esearch", "version": "0.3"}, "esearchresult": inner}).encode() + b"\n"
    )


# --- PubTator3 -----------------------------------------------------------------------------------


_ONE_LETTER = {three: one for one, three in AMINO_ACIDS.items()} | {"Ter": "X"}
_TMVAR_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"c\.([\d+_-]+)([ACGT])>([ACGT])"), "c|SUB|{1}|{0}|{2}"),
    (re.compile(r"c\.([\d_]+)del([ACGT]*)"), "c|DEL|{0}|{1}"),
    (re.compile(r"p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})fsTer(\d+)"), "p|FS|{0}|{1}|{2}|{3}"),
    (re.compile(r"p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})"), "p|SUB|{0}|{1}|{2}"),
    (re.compile(r"p\.([A-Z])(\d+)([A-Z])"), "p|SUB|{0}|{1}|{2}"),
)


def tmvar_identifier(text: str, gene_id: str) -> tuple[str, str]:
    """(identifier, HGVS) of a variant mention as tmVar writes them; legacy "R347H" reads as p.R347H.

    No RS# part: the demo variants are fictional and have no dbSNP record.
    """
    hgvs = text if text.startswith(("c.", "p.")) else f"p.{text}"
    normalized = f"c|Allele|{hgvs}"
    for pattern, layout in _TMVAR_FORMS:
        match = pattern.fullmatch(hgvs)
        if match:
            groups = [_ONE_LETTER.get(group, group) for group in match.groups()]
            normalized = layout.format(*groups)
            break
    identifier = (
        f"tmVar:{normalized};HGVS:{hgvs};VariantGroup:0;CorrespondingGene:{gene_id};CorrespondingSpecies:9606"
    )
    return identifier, hgvs


def _annotation(number: int, mention: Mention) -> dict[str, Any]:
    locations = [{"offset": mention.start, "length": mention.end - mention.start}]
    if mention.variant is not None:
        gene = int(FOXP3.id.removeprefix("NCBIGene:"))
        identifier, hgvs = tmvar_identifier(mention.text, str(gene))
        infons: dict[str, Any] = {
            "identifier": identifier,
            "type": "Variant",
            "valid": True,
            "subtype": "ProteinMutation" if hgvs.startswith("p.") else "DNAMutation",
            "database": "litvar",
            "hgvs": hgvs,
            "gene_ids": [gene],
            "gene_id": gene,
            "species_ids": [9606],
            "species_id": 9606,
            "normalized": [f"#{gene}#"],
            "normalized_id": f"#{gene}#",
            "biotype": "variant",
            "name": hgvs,
            "accession": f"@VARIANT_{hgvs}_FOXP3_human",
        }
        return {"id": str(number), "infons": infons, "text": mention.text, "locations": locations}
    concept = mention.concept
    assert concept is not None  # a Mention names a concept or a variant
    return {
        "id": str(number),
        "infons": _concept_infons(concept),
        "text": mention.text,
        "locations": locations,
    }


def _concept_infons(concept: Concept) -> dict[str, Any]:
    if concept.kind == "gene":
        number = int(concept.id.removeprefix("NCBIGene:"))
        return {
            "identifier": str(number),
            "type": "Gene",
            "valid": True,
            "normalized": [number],
            "database": "ncbi_gene",
            "normalized_id": number,
            "biotype": "gene",
            "name": concept.text,
            "accession": f"@GENE_{concept.text}",
        }
    mesh = concept.id.removeprefix("MESH:")
    kind = "Disease" if concept.kind == "disease" else "Chemical"
    return {
        "identifier": concept.id,
        "type": kind,
        "valid": True,
        "normalized": [mesh],
        "database": "ncbi_mesh",
        "normalized_id": mesh,
        "biotype": kind.lower(),
        "name": concept.text,
        "accession": f"@{kind.upper()}_{concept.text.replace(' ', '_')}",
    }


def pubtator_document(report: SyntheticReport) -> dict[str, Any]:
    """One document of a PubTator3 `export/biocjson` answer (title and abstract passages)."""
    published = report.published
    citation = (
        f"{report.journal.abbreviation}. {published.year} {_MONTHS[published.month - 1]} {published.day}. "
        f"doi: {report.doi}. Epub "
    )
    title_infons: dict[str, Any] = {"journal": citation, "year": str(published.year)}
    if report.pmcid:
        title_infons["article-id_pmc"] = report.pmcid
    title_infons.update(type="title", authors=", ".join(f"{s} {g[0]}" for s, g in report.authors))
    abstract_offset = len(report.title) + 1
    passages = [
        {"infons": title_infons, "offset": 0, "text": report.title, "sentences": [], "annotations": [],
         "relations": []},
        {"infons": {"type": "abstract"}, "offset": abstract_offset, "text": report.abstract, "sentences": [],
         "annotations": [], "relations": []},
    ]  # fmt: skip
    for number, mention in enumerate(report.pubtator_mentions, start=1):
        passages[0 if mention.start < abstract_offset else 1]["annotations"].append(
            _annotation(number, mention)
        )
    return {
        "_id": f"{report.pmid}|{report.pmcid}",
        "id": report.pmid,
        "infons": {},
        "passages": passages,
        "relations": [],
        "pmid": int(report.pmid),
        "pmcid": report.pmcid,
        "meta": {},
        "date": f"{published.isoformat()}T00:00:00Z",
        "journal": report.journal.abbreviation,
        "authors": [f"{surname} {given[0]}" for surname, given in report.authors],
        "relations_display": [],
    }


def pubtator_export(reports: Iterable[SyntheticReport]) -> bytes:
    """The body of `publications/export/biocjson?pmids=…`; empty when PubTator3 holds none of them."""
    documents = [pubtator_document(report) for report in reports]
    return json.dumps({"PubTator3": documents}).encode() if documents else b""
