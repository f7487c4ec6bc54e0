"""Helpers for the extraction-pipeline tests: one built pipeline per process, small JATS documents."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.language import Language

from caseminer.parsing import parse_bytes
from caseminer.pipeline.extract import build_nlp, extract_document
from caseminer.schemas.document import Document
from caseminer.schemas.extraction import ExtractionResult
from caseminer.vocab import TerminologyStore


@lru_cache(maxsize=2)
def pipeline_for(store_path: Path) -> Language:
    """Loading the terminology NER takes seconds; the test modules share one pipeline."""
    return build_nlp(TerminologyStore(store_path))


def jats_document(body: str, *, title: str = "A case report", abstract: str = "") -> Document:
    """A Europe PMC style `<article>` parsed by the real parser; `body` holds <sec> elements."""
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<article article-type="case-report"><front><article-meta>
<article-id pub-id-type="pmcid">PMC0000001</article-id>
<title-group><article-title>{title}</article-title></title-group>
<abstract><p>{abstract}</p></abstract>
</article-meta></front><body>{body}</body></article>"""
    (document,) = parse_bytes(xml.encode(), filename="case.xml")
    return document


def case_report(body: str, nlp: Language, *, discussion: str = "", abstract: str = "") -> ExtractionResult:
    """The extraction of a report whose "Case presentation" section holds `body` (<p> elements),
    with a Discussion paragraph when given."""
    sections = f"<sec><title>Case presentation</title>{body}</sec>"
    if discussion:
        sections += f"<sec><title>Discussion</title><p>{discussion}</p></sec>"
    return extract_document(jats_document(sections, abstract=abstract), nlp)


def text_document(text: str) -> Document:
    (document,) = parse_bytes(text.encode(), filename="case.txt")
    return document
