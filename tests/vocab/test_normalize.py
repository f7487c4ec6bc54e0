"""Lookup-key folding: the same key for spelling variants, on the ASCII fast path and off it."""

from __future__ import annotations

import pytest

from caseminer.vocab.normalize import bag_key, fold, normalize_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("FOXP3", "foxp3"),
        ("IL-2Rα", "il-2ralpha"),
        ("TGF-Β", "tgf-beta"),  # upper-case Greek is lower-cased before it is spelled out
        ("Sjögren’s", "sjogren’s"),
        ("ＩＰＥＸ", "ipex"),  # full-width compatibility forms
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_spelling_variants_meet_on_one_key() -> None:
    assert normalize_key("Haemolytic Anaemias") == normalize_key("hemolytic anemia") == "hemolytic anemia"
    assert normalize_key("Crohn's disease") == normalize_key("Crohns-Disease") == "crohn disease"
    # keys need only be consistent, not words ("diabete")
    assert bag_key("diabetes type I") == bag_key("type 1 diabetes") == "1 diabete type"
    assert bag_key("eczema") is None
