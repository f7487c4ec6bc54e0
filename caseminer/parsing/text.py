"""Plain-text articles: title first, then paragraphs, headings such as "Case Report".

Two layouts are read. Text extracted from PDFs wraps lines inside blank-line paragraphs; wrapped
lines are joined (a line ending in a hyphen is joined without a space, keeping the hyphen), so
sentences read as one line. Text exported from an article's markup (the JAX case reports, text
copied from a web page) writes each paragraph and each heading on a line of its own, without blank
lines: there every line is a paragraph. The layout is told by the line lengths: no PDF wraps its
lines beyond a couple hundred characters.

Paragraphs before the first heading of a text with headings are its abstract. In the one-line
layout, consecutive lines holding tab-separated cells are a table (one row per line), kept as cells
like the tables of JATS, so patient tables can be read column by column.

Plain text states no identifiers; a file named by its PMID ("31234567.txt", as PubMed and the JAX
corpus save them) is that article, the way a BioC document's numeric id is its PMID. Any other
name identifies nothing, and ingest refuses the file rather than store an article without an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_MAX_CAPTION_LENGTH = 200
_MIN_CAPTION_WORDS = 3
# When most lines are indented, indentation is layout, not a paragraph start.
_INDENT_BREAK_MAX_SHARE = 0.3
# One paragraph per line when most of the text sits on lines longer than any wrapped line.
_UNWRAPPED_LINE_LENGTH = 200
_UNWRAPPED_MIN_SHARE = 0.5


def _unwrapped(lines: list[str]) -> bool:
    total = sum(len(line) for line in lines)
    long = sum(len(line) for line in lines if len(line) > _UNWRAPPED_LINE_LENGTH)
    return bool(total) and long / total >= _UNWRAPPED_MIN_SHARE


@dataclass
class _TableBlock:
    rows: list[list[str]]
    caption: str | None = None


Block = str | _TableBlock


def _is_caption_line(line: str) -> bool:
    """A title of a few words, no sentence (and no stray cell such as "No" or "0.0004b")."""
    words = re.findall(r"[A-Za-z]{2,}", line)
    return (
        len(words) >= _MIN_CAPTION_WORDS
        and len(line) <= _MAX_CAPTION_LENGTH
        and not line.endswith(_SENTENCE_END)
    )


def _line_blocks(lines: list[str]) -> list[Block]:
    """One paragraph per line; runs of lines with tab-separated cells (blank lines between them
    allowed) are one table of at least two rows, and a short line that is no sentence right after
    it is its caption (a heading-like caption must not start a section)."""
    blocks: list[Block] = []
    rows: list[list[str]] = []

    def end_table() -> None:
        if len(rows) >= 2:
            blocks.append(_TableBlock(list(rows)))
        else:
            blocks.extend(" ".join(row) for row in rows)
        rows.clear()

    for line in lines:
        if not line.strip():
            continue
        if "\t" in line:
            rows.append([cell.strip() for cell in line.rstrip("\t ").split("\t")])
            continue
        end_table()
        last = blocks[-1] if blocks else None
        if isinstance(last, _TableBlock) and last.caption is None and _is_caption_line(line.strip()):
            last.caption = line.strip()
            continue
        blocks.append(line.strip())
    end_table()
    return blocks


def _blocks(text: str) -> list[Block]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    non_blank = [line for line in lines if line.strip()]
    if _unwrapped(non_blank):
        return _line_blocks(lines)
    return list(_paragraphs(lines, non_blank))


def _paragraphs(lines: list[str], non_blank: list[str]) -> list[str]:
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


def _ids_of_file_name(stem: str) -> ArticleIds:
    """The PMID a file's name (without its extensions) is made of; none for any other name."""
    return ArticleIds(pmid=stem) if stem.isdigit() else ArticleIds()


def parse_text(text: str, *, fallback_id: str, raw_sha256: str | None = None) -> Document:
    blocks = _blocks(text)
    article_type = None
    if blocks and isinstance(blocks[0], str) and _CATEGORY_LABELS.match(blocks[0]):
        if blocks[0].lower().startswith("case report"):
            article_type = "case-report"
        blocks = blocks[1:]
    first = blocks[0] if blocks else None
    title = first if isinstance(first, str) and len(first) <= _MAX_TITLE_LENGTH else None
    body = blocks[1:] if title else blocks

    builder = DocumentBuilder()
    if title:
        builder.add(title, section="title", kind="title")
    kind: SectionKind = "abstract"
    heading: str | None = None
    for block in body:
        if isinstance(block, _TableBlock):
            builder.add_table(label=None, caption=block.caption, header=block.rows[0], rows=block.rows[1:])
            continue
        heading_kind = _heading_kind(block)
        if heading_kind:
            kind, heading = heading_kind, block
            builder.add(block, section=kind, section_title=heading, kind="heading")
            continue
        caption = _CAPTION.match(block)
        if caption:
            section: SectionKind = "table" if caption.group(1).lower() == "table" else "figure"
            builder.add(block, section=section, section_title=caption.group(0).rstrip(".:| "), kind="caption")
            continue
        inline = _INLINE_HEADING.match(block)
        if inline:
            kind = section_kind(inline.group(1)) or kind
            heading = inline.group(1)
        builder.add(block, section=kind, section_title=heading)
    return builder.build(
        ids=_ids_of_file_name(fallback_id),
        fallback_id=fallback_id,
        title=title,
        article_type=article_type,
        source_format="text",
        raw_sha256=raw_sha256,
    )
