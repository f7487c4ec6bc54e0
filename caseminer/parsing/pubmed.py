"""PubMed XML (`efetch db=pubmed retmode=xml`): title, abstract, MeSH, publication types, ids.

Ids come only from `PubmedData/ArticleIdList`: the `ReferenceList` of a record holds
`ArticleIdList`s of the works it cites, so a global search for `ArticleId` would mix them in.
"""

from __future__ import annotations

import re

from lxml import etree

from caseminer.parsing.builder import DocumentBuilder, author_name, clean_text
from caseminer.parsing.errors import ParseError
from caseminer.schemas.document import Document
from caseminer.schemas.sources import ArticleIds

PUBMED_ROOTS = frozenset({"PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"})
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_ID_FIELDS = {"pubmed": "pmid", "pmc": "pmcid", "doi": "doi"}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _text(element: etree._Element | None) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def _ids(record: etree._Element) -> ArticleIds:
    found: dict[str, str] = {}
    for article_id in record.findall("PubmedData/ArticleIdList/ArticleId") + record.findall(
        "PubmedBookData/ArticleIdList/ArticleId"
    ):
        field = _ID_FIELDS.get((article_id.get("IdType") or "").lower())
        if field and field not in found and article_id.text:
            found[field] = article_id.text.strip()
    if "pmid" not in found:
        # The record's own PMID, never a cited work's.
        pmid = record.findtext("MedlineCitation/PMID") or record.findtext("BookDocument/PMID")
        if pmid:
            found["pmid"] = pmid.strip()
    return ArticleIds(**found)


def _year(record: etree._Element) -> int | None:
    for path in (
        "MedlineCitation/Article/Journal/JournalIssue/PubDate/Year",
        "MedlineCitation/Article/Journal/JournalIssue/PubDate/MedlineDate",
        "MedlineCitation/Article/ArticleDate/Year",
        "BookDocument/Book/PubDate/Year",
    ):
        match = _YEAR.search(record.findtext(path) or "")
        if match:
            return int(match.group(1))
    return None


def _abstract_paragraphs(record: etree._Element) -> list[str]:
    paragraphs = []
    for abstract_text in record.findall(".//Abstract/AbstractText"):
        text = _text(abstract_text)
        label = clean_text(abstract_text.get("Label"))
        if text:
            paragraphs.append(f"{label}: {text}" if label else text)
    return paragraphs


def _authors(record: etree._Element) -> list[str]:
    names = []
    for author in record.findall("MedlineCitation/Article/AuthorList/Author"):
        surname, given = _text(author.find("LastName")), _text(author.find("ForeName"))
        if surname:
            names.append(
                author_name(surname, given) if given else f"{surname} {_text(author.find('Initials'))}"
            )
    return [name.strip() for name in names]


def _affiliations(record: etree._Element) -> list[str]:
    found = (
        _text(a)
        for a in record.findall("MedlineCitation/Article/AuthorList/Author/AffiliationInfo/Affiliation")
    )
    return list(dict.fromkeys(text for text in found if text))


def _references(record: etree._Element) -> list[ArticleIds]:
    """The ids of each cited work PubMed's reference list names (its `ArticleIdList`)."""
    cited = []
    for reference in record.findall("PubmedData/ReferenceList/Reference"):
        found: dict[str, str] = {}
        for article_id in reference.findall("ArticleIdList/ArticleId"):
            field = {"pubmed": "pmid", "pmc": "pmcid", "doi": "doi"}.get(article_id.get("IdType", ""))
            if field and field not in found and _text(article_id):
                found[field] = _text(article_id)
        if found:
            cited.append(ArticleIds(**found))
    return cited


def _parse_record(record: etree._Element, *, fallback_id: str, raw_sha256: str | None) -> Document:
    title = _text(record.find("MedlineCitation/Article/ArticleTitle")) or _text(
        record.find("BookDocument/ArticleTitle")
    )
    builder = DocumentBuilder()
    builder.add(title, section="title", kind="title")
    for paragraph in _abstract_paragraphs(record):
        builder.add(paragraph, section="abstract")
    ids = _ids(record)
    publication_types = [
        _text(pt) for pt in record.findall("MedlineCitation/Article/PublicationTypeList/PublicationType")
    ]
    journal = _text(record.find("MedlineCitation/Article/Journal/Title")) or _text(
        record.find("BookDocument/Book/BookTitle")
    )
    return builder.build(
        fallback_id=fallback_id,
        ids=ids,
        title=title or None,
        journal=journal or None,
        year=_year(record),
        publication_types=[pt for pt in publication_types if pt],
        mesh_terms=[
            _text(name)
            for name in record.findall("MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName")
        ],
        article_type="case-report" if "Case Reports" in publication_types else None,
        authors=_authors(record),
        affiliations=_affiliations(record),
        references=_references(record),
        source_format="pubmed",
        raw_sha256=raw_sha256,
    )


def parse_pubmed(root: etree._Element, *, fallback_id: str, raw_sha256: str | None = None) -> list[Document]:
    records = [root] if root.tag in _RECORD_TAGS else [child for child in root if child.tag in _RECORD_TAGS]
    if not records:
        raise ParseError(f"<{root.tag}> holds no PubmedArticle")
    return [
        _parse_record(
            record,
            fallback_id=fallback_id if len(records) == 1 else f"{fallback_id}-{index + 1}",
            raw_sha256=raw_sha256,
        )
        for index, record in enumerate(records)
    ]
