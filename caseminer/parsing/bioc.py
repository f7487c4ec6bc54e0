"""BioC (JSON, XML) and PubTator-format documents, read with the `bioc` package.

Passages are placed at their BioC offsets in `Document.text`, so annotation offsets of the same
file (PubTator3's) index into our text unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import bioc
from bioc import biocjson, biocxml, pubtator
from lxml import etree

from caseminer.parsing.builder import DocumentBuilder
from caseminer.parsing.errors import ParseError
from caseminer.parsing.sections import section_kind
from caseminer.schemas.document import Document, SectionKind
from caseminer.schemas.sources import ArticleIds

log = logging.getLogger(__name__)

# BioC `section_type` values of the PMC BioC collection.
_SECTION_TYPES: dict[str, SectionKind] = {
    "TITLE": "title",
    "ABSTRACT": "abstract",
    "INTRO": "introduction",
    "METHODS": "methods",
    "RESULTS": "results",
    "DISCUSS": "discussion",
    "CONCL": "conclusion",
    "CASE": "case",
    "FIG": "figure",
    "TABLE": "table",
}
_EXCLUDED_SECTION_TYPES = frozenset({"REF"})
_PUBTATOR_LINE = re.compile(r"^\d+\|[ta]\|", re.MULTILINE)


@dataclass
class BiocRecord:
    """One BioC document plus the fields PubTator3 puts beside it (pmid, pmcid, journal, date)."""

    document: bioc.BioCDocument
    extra: dict[str, Any] = field(default_factory=dict)


def looks_like_pubtator_text(text: str) -> bool:
    return bool(_PUBTATOR_LINE.match(text.lstrip()))


def iter_bioc_json(obj: Any) -> Iterator[BiocRecord]:
    """BioC documents of a PubTator3 export, a BioC collection (or a list of them) or one document."""
    try:
        if isinstance(obj, list):
            for item in obj:
                yield from iter_bioc_json(item)
        elif isinstance(obj, dict) and "PubTator3" in obj:
            for item in obj["PubTator3"]:
                yield BiocRecord(biocjson.decoder.parse_doc(item), _pubtator_extra(item))
        elif isinstance(obj, dict) and "documents" in obj:
            for item in obj["documents"]:
                yield BiocRecord(biocjson.decoder.parse_doc(item), _pubtator_extra(item))
        elif isinstance(obj, dict) and "passages" in obj:
            yield BiocRecord(biocjson.decoder.parse_doc(obj), _pubtator_extra(obj))
        else:
            raise ParseError("JSON is not BioC (no PubTator3, documents or passages)")
    except (KeyError, TypeError, AttributeError) as error:
        raise ParseError(f"malformed BioC JSON: missing or wrong field {error}") from None


def _pubtator_extra(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in ("pmid", "pmcid", "journal", "date") if item.get(key) is not None}


def read_bioc_xml(root: etree._Element) -> list[BiocRecord]:
    # The tree was parsed safely already; bioc re-reads a serialisation that has no DTD left.
    try:
        collection = biocxml.loads(etree.tostring(root, encoding="unicode"))
    except (etree.XMLSyntaxError, ValueError, TypeError, AttributeError) as error:
        raise ParseError(f"malformed BioC XML: {error}") from None
    return [BiocRecord(document) for document in collection.documents]


def read_pubtator_text(text: str) -> list[BiocRecord]:
    """PubTator text format (`PMID|t|title`, `PMID|a|abstract`, tab-separated annotations)."""
    records = []
    # bioc prints malformed annotation lines to stdout; keep them as log warnings instead.
    with contextlib.redirect_stdout(io.StringIO()) as skipped:
        items = pubtator.loads(text)
    for line in skipped.getvalue().splitlines():
        log.warning("PubTator text: skipped malformed line %s", line)
    for item in items:
        document = bioc.BioCDocument()
        document.id = item.pmid
        title = bioc.BioCPassage.of_text(item.title, 0)
        title.infons["type"] = "title"
        abstract = bioc.BioCPassage.of_text(item.abstract, len(item.title) + 1)
        abstract.infons["type"] = "abstract"
        for annotation in item.annotations:
            target = title if annotation.start < len(item.title) else abstract
            converted = bioc.BioCAnnotation()
            converted.id = str(len(target.annotations))
            converted.text = annotation.text
            converted.infons.update({"type": annotation.type, "identifier": annotation.id})
            converted.add_location(bioc.BioCLocation(annotation.start, annotation.end - annotation.start))
            target.add_annotation(converted)
        document.add_passage(title)
        document.add_passage(abstract)
        records.append(BiocRecord(document, {"pmid": item.pmid}))
    return records


def _infon(record: BiocRecord, key: str) -> str | None:
    for source in [record.document.infons] + [p.infons for p in record.document.passages]:
        value = source.get(key)
        if value not in (None, "", "None"):
            return str(value)
    return None


def bioc_ids(record: BiocRecord) -> ArticleIds:
    pmid = record.extra.get("pmid") or _infon(record, "article-id_pmid")
    pmcid = record.extra.get("pmcid") or _infon(record, "article-id_pmc")
    doc_id = str(record.document.id or "")
    if not pmcid and doc_id.upper().startswith("PMC"):
        pmcid = doc_id
    elif not pmid and doc_id.isdigit():
        pmid = doc_id
    return ArticleIds(pmid=pmid, pmcid=pmcid, doi=_infon(record, "article-id_doi"))


def passage_placement(passage: bioc.BioCPassage) -> tuple[SectionKind, str] | None:
    """(section kind, passage kind) of a BioC passage; None for references."""
    section_type = str(passage.infons.get("section_type") or "").upper()
    passage_type = str(passage.infons.get("type") or "").lower()
    if section_type in _EXCLUDED_SECTION_TYPES or passage_type in ("ref", "reference"):
        return None
    kind = (
        _SECTION_TYPES.get(section_type)
        or section_kind(passage_type)
        or ("title" if passage_type in ("title", "front") else "other")
    )
    if passage_type == "title" or section_type == "TITLE":
        return "title", "title"
    if passage_type.startswith("title_"):
        return kind, "heading"
    if passage_type.endswith(("caption", "footnote")):
        return kind, "caption"
    return kind, "paragraph"


def bioc_to_document(record: BiocRecord, *, fallback_id: str, raw_sha256: str | None = None) -> Document:
    builder = DocumentBuilder()
    title: str | None = None
    section_titles: dict[SectionKind, str] = {}
    for passage in record.document.passages:
        placement = passage_placement(passage)
        if placement is None or not passage.text:
            continue
        kind, passage_kind = placement
        if passage_kind == "title":
            title = title or passage.text.strip()
        elif passage_kind == "heading":
            section_titles[kind] = passage.text.strip()
        builder.add(
            passage.text,
            section=kind,
            section_title=section_titles.get(kind),
            kind=passage_kind,  # type: ignore[arg-type]
            at=passage.offset,
            keep_whitespace=True,
        )
    ids = bioc_ids(record)
    year = record.extra.get("date", "")[:4] or _infon(record, "year") or ""
    return builder.build(
        fallback_id=fallback_id,
        ids=ids,
        title=title,
        journal=record.extra.get("journal") or _infon(record, "journal"),
        year=int(year) if year.isdigit() else None,
        source_format="bioc",
        raw_sha256=raw_sha256,
    )


def parse_bioc_records(
    records: list[BiocRecord], *, fallback_id: str, raw_sha256: str | None
) -> list[Document]:
    if not records:
        raise ParseError("BioC input holds no document")
    return [
        bioc_to_document(
            record,
            fallback_id=fallback_id if len(records) == 1 else f"{fallback_id}-{index + 1}",
            raw_sha256=raw_sha256,
        )
        for index, record in enumerate(records)
    ]


def load_bioc_json(text: str) -> list[BiocRecord]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"malformed JSON (truncated?): {error}") from None
    return list(iter_bioc_json(obj))
