"""Section titles as authors write them, numbered or not, map to the section kinds."""

from __future__ import annotations

import pytest

from caseminer.parsing.sections import section_kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Introduction", "introduction"),
        ("1. Introduction", "introduction"),
        ("II. Case report", "case"),
        ("3.1 Patients and methods", "methods"),
        ("IV) Discussion", "discussion"),
        ("Case presentation", "case"),
        ("Case discussion", "discussion"),
        ("Acknowledgements", "other"),
        ("Ivy", None),
    ],
)
def test_section_titles(title: str, kind: str | None) -> None:
    assert section_kind(title) == kind


def test_jats_sec_type_wins_over_title() -> None:
    assert section_kind("Summary of the case", "cases") == "case"
