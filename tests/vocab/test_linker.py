"""Linker behaviour: disambiguation by context, topic focus, crosswalk and approximate fallback."""

from __future__ import annotations

from pathlib import Path

from caseminer.vocab import Linker, TerminologyStore
from caseminer.vocab.approximate import ApproximateMatcher, build_approximate_index


def test_ambiguous_gene_alias_follows_context(linker: Linker) -> None:
    assert linker.link("CD25", "gene")[0].concept_id == "NCBIGene:3559"  # IL2RA by default
    sentence = "the interferon stimulated exonuclease CD25 was induced"
    in_context = linker.link("CD25", "gene", context=sentence)
    assert in_context[0].concept_id == "NCBIGene:3669"  # ISG20
    # the words of the sentence and of the names are cached: a later call without context is unaffected
    assert linker.link("CD25", "gene")[0].concept_id == "NCBIGene:3559"
    assert linker.link("CD25", "gene", context=sentence) == in_context


def test_focus_ranks_topic_concepts_first_without_excluding_others(vocab_store: TerminologyStore) -> None:
    focused = Linker(vocab_store, focus=["NCBIGene:3669"]).link("CD25", "gene")
    assert [r.concept_id for r in focused] == ["NCBIGene:3669", "NCBIGene:3559"]


def test_crosswalk_both_directions(linker: Linker) -> None:
    # reached through an HPO label, the mention still gets its MeSH and MONDO ids
    result = linker.link("Increased circulating IgE concentration", "phenotype")[0]
    assert result.concept_id.startswith(("HP:", "MESH:"))
    assert "HP:0003212" in {result.concept_id, *result.alt_ids}
    diabetes = linker.link("IDDM", "disease")[0]
    assert diabetes.concept_id == "MESH:D003922" and "MONDO:0005147" in diabetes.alt_ids


def test_word_order_and_unknown(linker: Linker) -> None:
    assert linker.link("diabetes mellitus type 1", "disease")[0].concept_id == "MESH:D003922"
    assert linker.link("zzqx not a concept", "disease") == []


def test_approximate_fallback_for_misspellings(vocab_store: TerminologyStore, tmp_path: Path) -> None:
    directory = build_approximate_index(vocab_store, tmp_path / "ann", ("procedure",))
    approximate = Linker(vocab_store, approximate=ApproximateMatcher(directory))
    (result, *_) = approximate.link("hematopoetic stem cell transplantaton", "procedure")
    assert result.concept_id == "MESH:D018380" and result.match.startswith("approximate")
    assert Linker(vocab_store).link("hematopoetic stem cell transplantaton", "procedure") == []


def test_case_sensitive_form_matches_exactly_other_cases_normalized(vocab_store: TerminologyStore) -> None:
    exact = vocab_store.lookup("FOXP3", ["gene"])
    normalized = vocab_store.lookup("foxp3", ["gene"])
    assert [(h.curie, h.match) for h in exact] == [("NCBIGene:50943", "exact")]
    assert [(h.curie, h.match) for h in normalized] == [("NCBIGene:50943", "normalized")]


def test_concepts_cached_in_bulk_equal_concepts_read_one_by_one(vocab_store: TerminologyStore) -> None:
    result = Linker(vocab_store).link("IDDM", "disease")[0]  # caches the crosswalk's concepts in one query
    ids = (result.concept_id, *result.alt_ids)
    one_by_one = TerminologyStore(vocab_store.path)
    assert [vocab_store.concept(c) for c in ids] == [one_by_one.concept(c) for c in ids]
    assert [vocab_store.xrefs(c) for c in ids] == [one_by_one.xrefs(c) for c in ids]
    assert "MONDO:0005147" in vocab_store.xrefs("MESH:D003922")
    assert vocab_store.concept(result.concept_id).label == "Diabetes Mellitus, Type 1"
