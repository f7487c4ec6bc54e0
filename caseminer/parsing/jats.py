"""JATS articles: PMC efetch `<pmc-articleset>`, Europe PMC `fullTextXML` `<article>`, bulk `<articles>`.

Body sections keep their kind (from `sec-type` or the title), tables are kept as cells and also
rendered into the text one row per line, figure captions become passages, references are left out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator

from lxml import etree

from caseminer.parsing.builder import DocumentBuilder, author_name, clean_text
from caseminer.parsing.errors import ParseError
from caseminer.parsing.sections import section_kind
from caseminer.parsing.xmlsafe import local_name
from caseminer.schemas.document import Document, SectionKind
from caseminer.schemas.sources import ArticleIds

JATS_ROOTS = frozenset({"article", "pmc-articleset", "articles"})

# Elements whose text is not part of the running paragraph: floats get their own passages,
# nested lists become paragraphs of their own, TeX source is noise next to the MathML.
_OUT_OF_LINE = frozenset(
    {
        "table-wrap",
        "table-wrap-group",
        "fig",
        "fig-group",
        "list",
        "disp-quote",
        "boxed-text",
        "supplementary-material",
        "ref-list",
        "tex-math",
        "annotation",
        "sec-meta",
    }
)
# Elements that separate words even when the XML puts no whitespace around them.
_WORD_BREAKING = frozenset({"break", "p", "title", "label", "td", "th", "list-item", "caption", "def-item"})
_CONTAINER_BLOCKS = frozenset({"list", "list-item", "boxed-text", "disp-quote", "statement", "def-list"})
_NOT_TEXT_BLOCKS = frozenset(
    {"title", "label", "ref-list", "sec-meta", "tex-math", "annotation", "supplementary-material"}
)
_CITATION_SEPARATORS = re.compile(r"^[\s,;–—\-−]*$")
_SKIPPED_ABSTRACT_TYPES = frozenset(
    {"graphical", "teaser", "toc", "web-summary", "video", "author-highlights"}
)
_PUB_DATE_PREFERENCE = ("epub", "ppub", "pub", "collection", "epreprint")
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def iter_articles(root: etree._Element) -> Iterator[etree._Element]:
    name = local_name(root)
    if name == "article":
        yield root
    elif name in JATS_ROOTS:
        yield from (child for child in root if local_name(child) == "article")


def _strip_namespaces(root: etree._Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = local_name(element)


def _is_citation_sup(element: etree._Element) -> bool:
    children = [child for child in element if isinstance(child.tag, str)]
    if not children or any(c.tag != "xref" or c.get("ref-type") != "bibr" for c in children):
        return False
    between = (element.text or "") + "".join(child.tail or "" for child in children)
    return bool(_CITATION_SEPARATORS.match(between))


def inline_text(element: etree._Element) -> str:
    """The running text of an element: markup flattened, floats left out, no words glued."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if not isinstance(child.tag, str) or child.tag in _OUT_OF_LINE:
                pass
            elif child.tag == "sup" and _is_citation_sup(child):
                # Superscript citation numbers would glue onto the word before them.
                word_follows = (child.tail or "")[:1].isalnum()
                parts.append(f" [{clean_text(''.join(child.itertext()))}]" + (" " if word_follows else ""))
            elif child.tag in _WORD_BREAKING:
                parts.append(" ")
                walk(child)
                parts.append(" ")
            else:
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    return clean_text("".join(parts))


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if child.tag in names]


class _JatsArticle:
    """Walks one `<article>` into a DocumentBuilder."""

    def __init__(self, article: etree._Element) -> None:
        self.article = article
        self.front = article.find("front")
        self.meta = self.front.find("article-meta") if self.front is not None else None
        self.builder = DocumentBuilder()

    # --- metadata -------------------------------------------------------------------------
    def ids(self) -> ArticleIds:
        found: dict[str, str] = {}
        for article_id in self.meta.findall("article-id") if self.meta is not None else []:
            id_type = (article_id.get("pub-id-type") or "").lower()
            field = {"pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid", "doi": "doi"}.get(id_type)
            if field and field not in found and article_id.text:
                found[field] = article_id.text.strip()
        return ArticleIds(**found)

    def title(self) -> str | None:
        element = self.meta.find("title-group/article-title") if self.meta is not None else None
        return inline_text(element) or None if element is not None else None

    def authors(self) -> list[str]:
        """The byline as "Surname Initials" (the form PubMed gives), so the two compare."""
        if self.meta is None:
            return []
        names = self.meta.findall("contrib-group/contrib[@contrib-type='author']/name")
        return [
            author_name(name.findtext("surname") or "", name.findtext("given-names") or "")
            for name in names
            if (name.findtext("surname") or "").strip()
        ]

    def affiliations(self) -> list[str]:
        if self.meta is None:
            return []
        found = []
        for aff in [*self.meta.findall("aff"), *self.meta.findall("contrib-group/aff")]:
            aff = copy.deepcopy(aff)
            # The footnote mark and registry ids (GRID, ROR) are no part of the written affiliation.
            etree.strip_elements(aff, "label", "institution-id", with_tail=False)
            if text := inline_text(aff).strip(" ,;"):
                found.append(text)
        return list(dict.fromkeys(found))

    def references(self) -> list[ArticleIds]:
        """The ids of each cited work of the reference list that gives any (PMID, PMCID, DOI)."""
        cited = []
        for ref in self.article.findall("back/ref-list//ref"):
            found: dict[str, str] = {}
            for pub_id in ref.iter("pub-id"):
                field = {"pmid": "pmid", "pmcid": "pmcid", "pmc": "pmcid", "doi": "doi"}.get(
                    (pub_id.get("pub-id-type") or "").lower()
                )
                if field and field not in found and pub_id.text and pub_id.text.strip():
                    found[field] = pub_id.text.strip()
            if found:
                cited.append(ArticleIds(**found))
        return cited

    def journal(self) -> str | None:
        if self.front is None:
            return None
        element = self.front.find("journal-meta//journal-title")
        if element is None:
            element = self.front.find("journal-meta/journal-id")
        return inline_text(element) or None if element is not None else None

    def year(self) -> int | None:
        if self.meta is None:
            return None
        dated = {}
        for pub_date in self.meta.findall("pub-date"):
            kind = pub_date.get("pub-type") or pub_date.get("date-type") or "pub"
            year = (pub_date.findtext("year") or "").strip()
            if year.isdigit():
                dated.setdefault(kind, int(year))
        for kind in _PUB_DATE_PREFERENCE:
            if kind in dated:
                return dated[kind]
        return min(dated.values()) if dated else None

    def license(self) -> str | None:
        license_element = self.meta.find("permissions/license") if self.meta is not None else None
        if license_element is None:
            return None
        return (
            license_element.get(_XLINK_HREF)
            or clean_text(license_element.findtext(".//license_ref"))
            or license_element.get("license-type")
            or None
        )

    def is_open_access(self) -> bool | None:
        for instruction in self.article.iter(etree.ProcessingInstruction):
            if instruction.target == "properties" and "open_access" in (instruction.text or ""):
                return True
        return None

    # --- text -------------------------------------------------------------------------------
    def add_title(self) -> None:
        title = self.title()
        if title:
            self.builder.add(title, section="title", kind="title")

    def add_abstracts(self) -> None:
        for abstract in self.meta.findall("abstract") if self.meta is not None else []:
            if abstract.get("abstract-type") in _SKIPPED_ABSTRACT_TYPES:
                continue
            self.add_blocks(abstract, kind="abstract", title=None, fixed_kind=True)

    def add_section(self, sec: etree._Element, inherited: SectionKind | None, fixed_kind: bool) -> None:
        title_element = sec.find("title")
        title = inline_text(title_element) if title_element is not None else None
        kind = inherited if fixed_kind else section_kind(title, sec.get("sec-type")) or inherited or "other"
        if title:
            self.builder.add(title, section=kind, section_title=title, kind="heading")
        self.add_blocks(sec, kind=kind, title=title or None, fixed_kind=fixed_kind)

    def add_blocks(
        self, container: etree._Element, *, kind: SectionKind, title: str | None, fixed_kind: bool = False
    ) -> None:
        for child in container:
            self.add_block(child, kind=kind, title=title, fixed_kind=fixed_kind)

    def add_block(
        self, element: etree._Element, *, kind: SectionKind, title: str | None, fixed_kind: bool
    ) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in _NOT_TEXT_BLOCKS:
            return
        if tag == "sec":
            self.add_section(element, kind, fixed_kind)
        elif tag in ("table-wrap", "table-wrap-group"):
            self.add_tables(element)
        elif tag in ("fig", "fig-group"):
            self.add_figures(element)
        elif tag in _CONTAINER_BLOCKS:
            self.add_blocks(element, kind=kind, title=title, fixed_kind=fixed_kind)
        else:
            self.builder.add(inline_text(element), section=kind, section_title=title)
            # Floats and lists nested inside a paragraph follow it.
            for nested in element:
                if nested.tag in _OUT_OF_LINE:
                    self.add_block(nested, kind=kind, title=title, fixed_kind=fixed_kind)

    def add_figures(self, element: etree._Element) -> None:
        figures = [element] if element.tag == "fig" else element.iter("fig")
        for figure in figures:
            label = clean_text(figure.findtext("label")) or None
            caption = figure.find("caption")
            text = " ".join(
                part for part in (label, inline_text(caption) if caption is not None else "") if part
            )
            self.builder.add(text, section="figure", section_title=label, kind="caption")

    def add_tables(self, element: etree._Element) -> None:
        wraps = [element] if element.tag == "table-wrap" else element.iter("table-wrap")
        for wrap in wraps:
            caption = wrap.find("caption")
            header, rows = _table_cells(wrap.find(".//table"))
            footer = wrap.find("table-wrap-foot")
            self.builder.add_table(
                label=clean_text(wrap.findtext("label")) or None,
                caption=inline_text(caption) if caption is not None else None,
                header=header,
                rows=rows,
                footer=inline_text(footer) if footer is not None else None,
            )

    def build(self, *, fallback_id: str, raw_sha256: str | None) -> Document:
        self.add_title()
        self.add_abstracts()
        body = self.article.find("body")
        if body is not None:
            self.add_blocks(body, kind="other", title=None)
        floats = self.article.find("floats-group")
        if floats is not None:
            self.add_blocks(floats, kind="other", title=None)
        ids = self.ids()
        return self.builder.build(
            fallback_id=fallback_id,
            ids=ids,
            title=self.title(),
            journal=self.journal(),
            year=self.year(),
            authors=self.authors(),
            affiliations=self.affiliations(),
            references=self.references(),
            article_type=self.article.get("article-type"),
            license=self.license(),
            is_open_access=self.is_open_access(),
            source_format="jats",
            raw_sha256=raw_sha256,
        )


def _table_cells(table: etree._Element | None) -> tuple[list[str], list[list[str]]]:
    """Header and body rows of an HTML-model table, with row and column spans filled in."""
    if table is None:
        return [], []
    header_rows: list[list[str]] = []
    body_rows: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still spanned, text)
    for tr in table.iter("tr"):
        in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
        cells = [cell for cell in tr if cell.tag in ("td", "th")]
        if not in_head and not body_rows and cells and all(cell.tag == "th" for cell in cells):
            in_head = True
        row: list[str] = []

        for cell in cells:
            _fill_spanned(row, pending)
            text = inline_text(cell)
            colspan = max(1, _int_attr(cell, "colspan"))
            rowspan = max(1, _int_attr(cell, "rowspan"))
            for offset in range(colspan):
                column_text = text if offset == 0 or in_head else ""
                if rowspan > 1:
                    pending[len(row)] = (rowspan - 1, column_text)
                row.append(column_text)
        _fill_spanned(row, pending)
        (header_rows if in_head else body_rows).append(row)
    width = max((len(row) for row in header_rows + body_rows), default=0)
    header = _merge_header_rows(header_rows, width)
    return header, [row + [""] * (width - len(row)) for row in body_rows]


def _fill_spanned(row: list[str], pending: dict[int, tuple[int, str]]) -> None:
    """Put the cells that row-spanning cells above carry down into this row."""
    while len(row) in pending:
        remaining, text = pending.pop(len(row))
        if remaining > 1:
            pending[len(row)] = (remaining - 1, text)
        row.append(text)


def _merge_header_rows(rows: list[list[str]], width: int) -> list[str]:
    merged: list[str] = []
    for column in range(width):
        parts: list[str] = []
        for row in rows:
            text = row[column] if column < len(row) else ""
            if text and text not in parts:
                parts.append(text)
        merged.append(" ".join(parts))
    return merged if any(merged) else []


def _int_attr(element: etree._Element, name: str) -> int:
    value = (element.get(name) or "").strip()
    return int(value) if value.isdigit() else 1


def parse_jats(root: etree._Element, *, fallback_id: str, raw_sha256: str | None = None) -> list[Document]:
    _strip_namespaces(root)
    articles = list(iter_articles(root))
    if not articles:
        raise ParseError(f"<{local_name(root)}> holds no <article>")
    documents = []
    for index, article in enumerate(articles):
        article_fallback = fallback_id if len(articles) == 1 else f"{fallback_id}-{index + 1}"
        documents.append(_JatsArticle(article).build(fallback_id=article_fallback, raw_sha256=raw_sha256))
    return documents
