"""Map section titles and JATS `sec-type` values onto the section kinds of `Document`."""

from __future__ import annotations

import re
from typing import get_args

from caseminer.schemas.document import SectionKind

SECTION_KINDS: frozenset[str] = frozenset(get_args(SectionKind))

_SEC_TYPES: dict[str, SectionKind] = {
    "intro": "introduction",
    "introduction": "introduction",
    "background": "introduction",
    "methods": "methods",
    "materials": "methods",
    "materials|methods": "methods",
    "subjects": "methods",
    "results": "results",
    "results|discussion": "discussion",
    "discussion": "discussion",
    "conclusions": "conclusion",
    "conclusion": "conclusion",
    "cases": "case",
    "case": "case",
    "case-report": "case",
    "case-presentation": "case",
    "supplementary-material": "other",
    "display-objects": "other",
}

# Checked in order: "Case discussion" is a discussion, "Patients and methods" are methods.
_TITLE_PATTERNS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("abstract", r"^(abstract|summary|synopsis)$"),
        ("discussion", r"\bdiscussion\b"),
        (
            "conclusion",
            r"\bconclu|^summary\b|learning points|key (points|messages)|take[- ]home|lessons? learn",
        ),
        ("methods", r"\bmethods?\b|\bmaterials\b|study design|experimental procedures"),
        (
            "case",
            r"\bcases?\b|\bpatients?\b"
            r"|clinical (presentation|history|description|course|findings|summary|reports?|data|features)"
            r"|\bproband\b|\bfamily (history|report)\b"
            r"|^(famil(y|ies)|pedigrees?|kindreds?|subjects?|individuals?)\s+[\w-]+(\s+and\s+[\w-]+)?$",
        ),
        ("introduction", r"^(introduction|background|intro|overview)\b"),
        ("results", r"^results?\b|\bfindings\b"),
        (
            "other",
            r"acknowledg|disclosure|funding|conflicts? of interest|competing interest|author contribution"
            r"|consent|ethic|abbreviation|data availability|supplementa|declaration"
            r"|^(references|bibliography|literature cited)$",
        ),
    )
)


_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVXivx]+[.)])\s*(?=[A-Za-z])")


def section_kind(title: str | None, sec_type: str | None = None) -> SectionKind | None:
    """The kind a section title (or JATS sec-type) names, or None when it names none we know."""
    if sec_type:
        kind = _SEC_TYPES.get(sec_type.strip().lower())
        if kind:
            return kind
    if not title:
        return None
    # Numbering ("2.", "3.1 ", "IV.") is dropped; a Roman numeral needs its dot so "Introduction" keeps its I.
    cleaned = _NUMBERING.sub("", title).strip(" :.\t")
    for kind, pattern in _TITLE_PATTERNS:
        if pattern.search(cleaned):
            return kind
    return None
