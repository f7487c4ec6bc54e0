"""Plain-text articles: title first, blank-line paragraphs, headings such as "Case Report".

Text extracted from PDFs wraps lines inside paragraphs; wrapped lines are joined (a line ending
in a hyphen is joined without a space, keeping the hyphen), so sentences read as one line.
"""

from __future__ import annotations

import re

from caseminer.parsing.builder import DocumentBuilder
from caseminer.parsing.sections import section_kind
from caseminer.schemas.document import Document, SectionKind
from caseminer.schemas.sources import ArticleIds

# A category label some journals print above the title; it is not the title.
_CATEGORY_LABELS = re.compile(
    r"^(case reports?|clinical case|original (article|research)|research article|letter( to the editor)?"
    r"|review( article)?|brief report|short communication|images? in \w+)$",
    re.IGNORECASE,
)
_INLINE_HEADING = re.compile(
    r"^(abstract|summary|background|introduction|case (report|presentation|description)|discussion"
    r"|conclusions?)\s*[:.]\s+",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"^(fig\.?|figure|table)\s*\d+[a-z]?\s*[.:|]", re.IGNORECASE)
_SENTENCE_END = (".", "?", "!", ":", ".)", '."', ".”")
_MAX_HEADING_LENGTH = 60
_MAX_TITLE_LENGTH = 300
# When most lines are indented, indentation is layout, not a paragraph start.
_INDENT_BREAK_MAX_SHARE = 0.3


def _paragraphs(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    non_blank = [line for line in lines if line.strip()]
    indented = sum(1 for line in non_blank if line[:1] in (" ", "\t"))
    indent_breaks = bool(non_blank) and indented / len(non_blank) <= _INDENT_BREAK_MAX_SHARE
    blocks: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if not stripped:
            blocks.append([])
            continue
        starts_paragraph = not _continues(stripped) or bool(blocks[-1] and _CAPTION.match(blocks[-1][0]))
        if indent_breaks and line[:1] in (" ", "\t") and blocks[-1] and starts_paragraph:
            blocks.append([])
        blocks[-1].append(stripped)
    paragraphs: list[str] = []
    for block in filter(None, blocks):
        paragraph = _join_wrapped(block)
        # Page and column breaks of PDF text cut sentences (sometimes around a figure caption);
        # a lower-case start continues the last unfinished non-caption paragraph.
        cut = _unfinished_paragraph(paragraphs) if _continues(paragraph) else None
        if cut is None:
            paragraphs.append(paragraph)
        else:
            paragraphs[cut] = _join_wrapped([paragraphs[cut], paragraph])
    return paragraphs


def _unfinished_paragraph(paragraphs: list[str]) -> int | None:
    for index in range(len(paragraphs) - 1, -1, -1):
        if not _CAPTION.match(paragraphs[index]):
            return None if paragraphs[index].endswith(_SENTENCE_END) else index
    return None


def _continues(line: str) -> bool:
    return line[:1].islower()


def _join_wrapped(lines: list[str]) -> str:
    joined = lines[0]
    for line in lines[1:]:
        if joined.endswith("-") and line[:1].islower():
            joined += line
        else:
            joined += " " + line
    return joined


def _heading_kind(paragraph: str) -> SectionKind | None:
    if len(paragraph) > _MAX_HEADING_LENGTH or paragraph.endswith((".", ",", ";")):
        return None
    return section_kind(paragraph)


def parse_text(text: str, *, fallback_id: str, raw_sha256: str | None = None) -> Document:
    paragraphs = _paragraphs(text)
    article_type = None
    if paragraphs and _CATEGORY_LABELS.match(paragraphs[0]):
        if paragraphs[0].lower().startswith("case report"):
            article_type = "case-report"
        paragraphs = paragraphs[1:]
    title = paragraphs[0] if paragraphs and len(paragraphs[0]) <= _MAX_TITLE_LENGTH else None
    body = paragraphs[1:] if title else paragraphs
    has_body_headings = any(_heading_kind(p) not in (None, "abstract") for p in body)

    builder = DocumentBuilder()
    if title:
        builder.add(title, section="title", kind="title")
    kind: SectionKind = "other" if has_body_headings else "abstract"
    heading: str | None = None
    for paragraph in body:
        heading_kind = _heading_kind(paragraph)
        if heading_kind:
            kind, heading = heading_kind, paragraph
            builder.add(paragraph, section=kind, section_title=heading, kind="heading")
            continue
        caption = _CAPTION.match(paragraph)
        if caption:
            section: SectionKind = "table" if caption.group(1).lower() == "table" else "figure"
            builder.add(
                paragraph, section=section, section_title=caption.group(0).rstrip(".:| "), kind="caption"
            )
            continue
        inline = _INLINE_HEADING.match(paragraph)
        if inline:
            kind = section_kind(inline.group(1)) or kind
            heading = inline.group(1)
        builder.add(paragraph, section=kind, section_title=heading)
    return builder.build(
        ids=ArticleIds(),
        fallback_id=fallback_id,
        title=title,
        article_type=article_type,
        source_format="text",
        raw_sha256=raw_sha256,
    )
