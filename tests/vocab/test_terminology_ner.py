"""The terminology NER component on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from caseminer.extractors.terminology import NESTED_CHEMICALS, TerminologyNer, first_hp_term_only
from caseminer.vocab import TerminologyStore


@pytest.fixture(scope="module")
def nlp(vocab_store: TerminologyStore) -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("caseminer_terminology_ner", config={"store_path": str(vocab_store.path)})
    return pipeline


def _ents(doc: spacy.tokens.Doc) -> dict[str, tuple[str, str]]:
    return {e.text: (e.label_, e._.concept_id) for e in doc.ents}


def test_finds_and_normalizes_each_type(nlp: Language) -> None:
    doc = nlp(
        "An infant boy with IPEX syndrome and a FOXP3 mutation had autoimmune enteropathy and type 1 "
        "diabetes. He was treated with tacrolimus and steroids, needed parenteral nutrition and "
        "underwent bone marrow transplantation."
    )
    ents = _ents(doc)
    assert ents["IPEX syndrome"] == ("DISEASE", "MESH:C580192")
    assert ents["FOXP3"] == ("GENE", "NCBIGene:50943")
    assert ents["autoimmune enteropathy"] == ("DISEASE", "MESH:C538273")
    assert ents["type 1 diabetes"] == ("DISEASE", "MESH:D003922")
    assert ents["tacrolimus"] == ("CHEMICAL", "MESH:D016559")
    assert ents["steroids"][0] == "CHEMICAL"
    assert ents["parenteral nutrition"][0] == "PROCEDURE"
    assert ents["bone marrow transplantation"][0] == "PROCEDURE"
    diabetes = next(e for e in doc.ents if e.text == "type 1 diabetes")
    assert {"MONDO:0005147", "HP:0100651"} <= set(diabetes._.alt_ids)
    assert {"disease", "phenotype"} <= set(diabetes._.vocab_kinds)


def test_ambiguous_alias_and_english_words(nlp: Language) -> None:
    doc = nlp("The CD25 staining of regulatory T cells was reduced, and the impact was common in all cases.")
    ents = _ents(doc)
    assert ents["CD25"] == ("GENE", "NCBIGene:3559")  # IL2RA, not ISG20
    assert not {"impact", "common", "all", "cases"} & set(ents)


def test_variant_spelling_and_plural(nlp: Language) -> None:
    ents = _ents(nlp("She had haemolytic anaemia, recurrent diarrhoea and Crohn's disease."))
    assert ents["haemolytic anaemia"][1] == "MESH:D000743"
    assert ents["diarrhoea"][1] == "MESH:D003967"
    assert ents["Crohn's disease"][1] == "MESH:D003424"


def test_keeps_entities_of_earlier_components(nlp: Language) -> None:
    doc = nlp.make_doc("A FOXP3 c.1150G>A variant caused IPEX.")
    doc.ents = [Span(doc, 2, 3, label="VARIANT")]
    variant_text = doc.ents[0].text
    doc = nlp.get_pipe("caseminer_terminology_ner")(doc)
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels[variant_text] == "VARIANT"
    assert labels["FOXP3"] == "GENE" and labels["IPEX"] == "DISEASE"


@pytest.fixture(scope="module")
def abbreviating_nlp(vocab_store: TerminologyStore) -> Language:
    pytest.importorskip("scispacy.abbreviation")
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("abbreviation_detector")
    pipeline.add_pipe("caseminer_terminology_ner", config={"store_path": str(vocab_store.path)})
    return pipeline


def test_short_form_takes_the_long_form_concept(abbreviating_nlp: Language) -> None:
    doc = abbreviating_nlp("Autoimmune enteropathy (AIE) is rare. AIE responded to tacrolimus.")
    short_forms = [e for e in doc.ents if e.text == "AIE"]
    assert short_forms and all(e._.concept_id == "MESH:C538273" for e in short_forms)


def test_component_without_spacy_config(vocab_store: TerminologyStore) -> None:
    ner = TerminologyNer(vocab_store, types=["gene"])
    doc = ner(spacy.blank("en")("FOXP3 and tacrolimus"))
    assert [(e.text, e.label_) for e in doc.ents] == [("FOXP3", "GENE")]


def test_course_word_of_a_disease_entity_stays_and_of_a_sign_goes(nlp: Language) -> None:
    doc = nlp("Three weeks later she developed acute pancreatitis and a persistent fever.")
    spans = {e.text: e for e in doc.ents}
    assert "MONDO:0006515" in {
        spans["acute pancreatitis"]._.concept_id,
        *spans["acute pancreatitis"]._.alt_ids,
    }
    assert spans["fever"]._.concept_id == "MESH:D005334"  # HP "Persistent fever" has no MeSH id


def test_measured_quantities_are_not_diseases(nlp: Language) -> None:
    ents = _ents(nlp("His birth weight was 2.9 kg; later he had failure to thrive and weight loss."))
    assert "birth weight" not in ents
    assert ents["weight loss"][0] == "DISEASE"


def test_protein_named_as_such_is_a_gene_and_a_drug_name_variant_is_its_drug(nlp: Language) -> None:
    ents = _ents(
        nlp("Serum TNF-α was high. Insulin detemir was stopped and detemir restarted. He was anuric.")
    )
    assert ents["TNF-α"] == ("GENE", "NCBIGene:7124")
    assert ents["detemir"] == ("CHEMICAL", "MESH:D000069057")
    assert ents["anuric"] == ("DISEASE", "MESH:D001002")


def test_coordinated_terms_share_their_head(nlp: Language) -> None:
    doc = nlp(
        "Iron and vitamin D deficiency resolved. CT showed liver and lung abscesses"
        " and renal, hepatic and cardiac failure."
    )
    ents = _ents(doc)
    assert ents["Iron"] == ("DISEASE", "MESH:D000090463")  # iron deficiency
    assert ents["vitamin D deficiency"] == ("DISEASE", "MESH:D014808")
    assert ents["liver"] == ("DISEASE", "MESH:D008100")  # liver abscess
    assert ents["lung abscesses"] == ("DISEASE", "MESH:D008169")
    assert (ents["renal"][1], ents["hepatic"][1]) == ("MESH:D051437", "MESH:D017093")  # the whole list
    assert ents["cardiac failure"][1] == "MESH:D006333"


def test_a_conjunct_that_completes_no_term_is_left_alone(nlp: Language) -> None:
    ents = _ents(nlp("He had fever and abdominal pain, and headache or chest pain."))
    assert ents["fever"][1] == "MESH:D005334"  # its own concept, not "fever pain"
    assert ents["abdominal pain"][1] == "MESH:D015746"
    assert "headache" in ents and "chest pain" in ents


def test_a_sign_keeps_the_site_words_before_it(nlp: Language) -> None:
    ents = _ents(nlp("He developed a bile duct injury and liver injury. She had fever, a rare rash."))
    assert ents["bile duct injury"][0] == "DISEASE"  # the vocabulary has no term for the phrase
    assert ents["liver injury"][0] == "DISEASE"
    assert "fever" in ents and "had fever" not in ents  # a verb is not a modifier
    assert "rash" in ents and "rare rash" not in ents


def test_a_chemical_word_inside_an_enzyme_or_test_name_is_not_a_chemical(nlp: Language) -> None:
    ents = _ents(
        nlp(
            "Alanine aminotransferase and prothrombin time were high, a glucose tolerance test was done"
            " and an integrin-binding antibody was given. Insulin release was low; he received glucose."
        )
    )
    assert not {"Alanine", "prothrombin", "integrin"} & set(ents)
    assert ents["Insulin"][0] == "CHEMICAL"  # "release" is not an enzyme
    assert ents["glucose"][0] == "CHEMICAL"


def test_a_drug_is_not_taken_for_its_class(nlp: Language) -> None:
    ents = _ents(nlp("He received cyclosporine and later insulin."))
    # ids from shared/vocab/ipex_genes_drugs_verified.tsv: the drug, not the class "Cyclosporins"
    assert ents["cyclosporine"] == ("CHEMICAL", "MESH:D016572")
    assert ents["insulin"] == ("CHEMICAL", "MESH:D007328")


def test_chemicals_named_inside_other_mentions_are_kept_apart(nlp: Language) -> None:
    doc = nlp("She had vitamin D deficiency and stayed on a gluten-free diet.")
    assert _ents(doc)["vitamin D deficiency"] == ("DISEASE", "MESH:D014808")
    nested = {s._.concept_id: s.text for s in doc.spans[NESTED_CHEMICALS]}
    assert nested.keys() == {"MESH:D014807", "MESH:D005983"}
    assert nested["MESH:D014807"] == "vitamin D"  # the longest chemical name inside, not "vitamin"
    assert nested["MESH:D005983"].startswith("gluten")  # the whole token where the tokenizer keeps one
    assert all(e.label_ != "CHEMICAL" for e in doc.ents)  # not mentions of their own


def test_designators_after_a_term_name_its_subtypes(nlp: Language) -> None:
    doc = nlp("Screening found no viral hepatitis A, B, and C; hepatitis B and C were excluded.")
    by_start = [(e.text, e._.concept_id) for e in doc.ents]
    assert by_start[:4] == [
        ("viral hepatitis", "MESH:D006525"),
        ("A", "MESH:D006506"),
        ("B", "MESH:D006509"),
        ("C", "MESH:D006526"),
    ]
    assert by_start[4:] == [("hepatitis B", "MESH:D006509"), ("C", "MESH:D006526")]


def test_a_lone_number_after_a_term_is_no_designator(nlp: Language) -> None:
    ents = _ents(nlp("He received IVIG 2 g/kg and had type 1 diabetes 2 years later."))
    assert "2" not in ents and ents["type 1 diabetes"][1] == "MESH:D003922"


def test_a_term_written_head_first(nlp: Language) -> None:
    ents = _ents(
        nlp(
            "Congenital defects of bile acid synthesis are rare. She had an infection of the urinary tract"
            " and a deficiency of vitamin D, but the duration of the fever was short."
        )
    )
    assert ents["Congenital defects of bile acid synthesis"][1] == "MONDO:0018841"
    assert ents["infection of the urinary tract"][1] == "MESH:D014552"
    assert ents["deficiency of vitamin D"][1] == "MESH:D014808"
    assert "duration of the fever" not in ents and ents["fever"][1] == "MESH:D005334"


def test_a_negating_prefix_is_not_the_concept(nlp: Language) -> None:
    ents = _ents(nlp("Other non-neoplastic diseases and non-Hodgkin lymphoma were considered."))
    assert not any("neoplastic" in text for text in ents)
    assert ents["non-Hodgkin lymphoma"][1] == "MESH:D008228"


def test_a_protein_family_with_a_member_number_is_no_chemical(nlp: Language) -> None:
    ents = _ents(nlp("FOXP3 encodes forkhead box protein 3. Forkhead box proteins bind DNA."))
    assert not any(text.startswith("forkhead") for text in ents)
    assert ents["Forkhead box proteins"][0] == "CHEMICAL"


def test_a_gene_symbol_defined_by_a_protein_family_stays_the_gene(abbreviating_nlp: Language) -> None:
    doc = abbreviating_nlp("Mutations in forkhead box protein 3 (FOXP3) cause IPEX. FOXP3 is in Tregs.")
    assert {(e.text, e.label_, e._.concept_id) for e in doc.ents if "IPEX" not in e.text} == {
        ("forkhead box protein 3", "GENE", "NCBIGene:50943"),
        ("FOXP3", "GENE", "NCBIGene:50943"),
    }


def test_a_gene_symbol_defined_by_its_genes_name_is_the_gene_not_the_mesh_protein(
    abbreviating_nlp: Language,
) -> None:
    doc = abbreviating_nlp(
        "It is caused by mutations in fibroblast growth factor receptor 3 (FGFR3). FGFR3 was sequenced."
    )
    assert {(e.text, e.label_, e._.concept_id) for e in doc.ents} == {
        ("fibroblast growth factor receptor 3", "GENE", "NCBIGene:2261"),
        ("FGFR3", "GENE", "NCBIGene:2261"),
    }


def test_a_pedigree_position_is_no_gene_alias(nlp: Language) -> None:
    ents = _ents(nlp("Individuals V-73 and IV-5 were affected; SLC6A15 was not sequenced."))
    assert "V-73" not in ents and "IV-5" not in ents
    assert ents["SLC6A15"] == ("GENE", "NCBIGene:55117")  # the gene whose alias V7-3 "V-73" folds to


def test_a_genes_deficiency_is_the_one_disease_named_after_the_gene(nlp: Language) -> None:
    ents = _ents(nlp("HSD3B7 deficiency was treated with cholic acid; LRBA deficiency was excluded."))
    assert ents["HSD3B7 deficiency"] == ("DISEASE", "MESH:C535442")  # no term: MONDO names the gene
    assert ents["LRBA deficiency"] == ("DISEASE", "MONDO:0013863")
    # a gene that several disease concepts name is left a gene
    assert _ents(nlp("STAT5B deficiency was excluded."))["STAT5B"][0] == "GENE"
    named = "deficiency of the 3beta-hydroxy-steroid oxidoreductase (HSD3B7) enzyme"
    doc = nlp(f"Urine bile acids showed {named}.")
    assert _ents(doc)[named] == ("DISEASE", "MESH:C535442")
    assert not doc.spans[NESTED_CHEMICALS]  # the steroid names the enzyme
    # the gene named, not its product: the gene is a cause
    assert _ents(nlp("Haploinsufficiency of the gene TBX1 causes it."))["TBX1"][0] == "GENE"


def test_a_suspended_prefix_completes_the_word_after_the_conjunction(nlp: Language) -> None:
    doc = nlp("US revealed intra- and extrahepatic bile duct dilatation. Pre- and postoperative care.")
    prefixed = [e for e in doc.ents if e.text.startswith("intra")]
    assert [e._.concept_id for e in prefixed] == ["HP:0033149"]  # intrahepatic bile duct dilatation
    assert not [e for e in doc.ents if e.text.lower().startswith("pre")]  # completes no disease term
    ents = _ents(nlp("Associations were found for squamous- and small-cell lung cancers."))
    assert ents["squamous-"][1] == "MONDO:0005097"  # squamous cell lung carcinoma
    assert ents["small-cell lung cancers"][1] == "MESH:D055752"


def test_a_generic_head_is_read_as_the_vocabularys_disease(nlp: Language) -> None:
    ents = _ents(nlp("IPEX is an X-linked disorder; drugs worsen cardiac conditions. Rare disorders differ."))
    assert ents["X-linked disorder"][1] == "MESH:D040181"  # the term "X-linked disease"
    assert ents["cardiac conditions"][1] == "MESH:D006331"  # heart disease
    assert not any("Rare" in text for text in ents)  # a class of diseases, not one
    # a noun's conditions are circumstances: "growth conditions" are no growth disorder
    assert not _ents(nlp("Bacteria were cultured under various growth conditions."))


def test_a_disease_named_by_its_test_is_no_mention(nlp: Language) -> None:
    doc = nlp("Streptococcal pneumonia antigen was negative. Later he had Streptococcal pneumonia.")
    (pneumonia,) = [e for e in doc.ents if e.text == "Streptococcal pneumonia"]
    assert pneumonia.start_char > doc.text.index("Later")
    assert not _ents(nlp("PCR for influenza and serologies for hepatitis B were negative."))
    assert not _ents(nlp("A fine-needle aspiration of the node was done."))  # a procedure, no sign


def test_a_word_the_vocabulary_writes_otherwise(nlp: Language) -> None:
    ents = _ents(
        nlp(
            "A gonadal vein thrombosis and GI bleeding were found, and a CNS infection. She had a "
            "urinary infection and passed dark-coloured urine. Heart failure followed."
        )
    )
    assert ents["vein thrombosis"][1] == "MESH:D020246"  # venous thrombosis, not any thrombosis
    assert ents["GI bleeding"][1] == "MESH:D006471"  # gastrointestinal hemorrhage
    assert ents["CNS infection"][1] == "MESH:D002494"
    assert ents["urinary infection"][1] == "MESH:D014552"  # urinary tract infection
    assert ents["dark-coloured urine"][1] == "HP:0040319"  # dark urine
    assert ents["Heart failure"][1] == "MESH:D006333"  # a term as written stays itself


def test_a_short_form_before_a_head_is_read_as_the_text_defines_it(abbreviating_nlp: Language) -> None:
    doc = abbreviating_nlp("The glycemic index (GI) of the meal was low. GI bleeding did not occur.")
    assert {e.text for e in doc.ents if "bleeding" in e.text} == {"bleeding"}  # not gastrointestinal
    doc = abbreviating_nlp("White matter (WM) volume fell, and WM abnormalities progressed.")
    assert _ents(doc)["WM abnormalities"][1] == "MESH:D049292"  # white matter abnormalities


def test_a_disease_named_by_its_organism_is_its_infection(nlp: Language) -> None:
    ents = _ents(nlp("Klebsiella oxytoca sepsis and Pseudomonas bacteremia followed."))
    assert ents["Klebsiella oxytoca sepsis"][1] == "MESH:D007710"  # Klebsiella Infections
    assert ents["Pseudomonas bacteremia"][1] == "MESH:D011552"  # Pseudomonas Infections
    # a capitalized adjective names no organism
    ents = _ents(nlp("Bacterial sepsis is common. Opportunistic infections occur."))
    assert ents["Bacterial sepsis"][1] == "MESH:D018805"  # sepsis
    assert ents["Opportunistic infections"][1] == "MESH:D009894"


def test_a_verb_before_its_object_names_the_noun_term(nlp: Language) -> None:
    assert _ents(nlp("He had been abusing alcohol for years."))["abusing alcohol"][1] == "MESH:D000437"


def test_first_hp_term_only_keeps_order_and_the_other_vocabularies() -> None:
    ids = ["MESH:D000001", "HP:0000002", "MONDO:0000003", "HP:0000004", "OMIM:000005"]
    assert first_hp_term_only(ids) == ["MESH:D000001", "HP:0000002", "MONDO:0000003", "OMIM:000005"]
    assert first_hp_term_only(["MESH:D000001"]) == ["MESH:D000001"]


def test_a_mention_names_one_hp_term(nlp: Language) -> None:
    # MeSH's Retinitis Pigmentosa is cross-referenced by more than one HP term; the mention is one
    doc = nlp("Her brother was diagnosed with retinitis pigmentosa at the age of twelve.")
    (mention,) = [e for e in doc.ents if e.text == "retinitis pigmentosa"]
    hp_ids = [i for i in [mention._.concept_id, *mention._.alt_ids] if i.startswith("HP:")]
    assert len(hp_ids) == 1


def test_hp_wordings_kept_for_linking_name_their_sign(nlp: Language) -> None:
    # "small chin" and "tented upper lip" are HP synonyms that are not exact ones
    doc = nlp("On examination she had a tented upper lip and a small chin.")
    ids = {e.text: [e._.concept_id, *e._.alt_ids] for e in doc.ents}
    assert "HP:0000331" in ids["small chin"]  # Short chin
    assert "HP:0010804" in ids["tented upper lip"]  # Tented upper lip vermilion


def test_an_hp_wording_carries_the_hp_term_alone(nlp: Language) -> None:
    # HP words Chest pain loosely as "chest discomfort"; MeSH's Chest Pain does not name it so
    doc = nlp("He reported chest discomfort after meals.")
    (mention,) = [e for e in doc.ents if e.text == "chest discomfort"]
    assert [mention._.concept_id, *mention._.alt_ids] == ["HP:0100749"]


def test_a_grouping_term_wording_is_no_sign(nlp: Language) -> None:
    # "facial anomaly" is a synonym of the grouping term Abnormality of the face only
    doc = nlp("A facial anomaly was not described in the report.")
    assert not any("HP:0000271" in [e._.concept_id, *e._.alt_ids] for e in doc.ents)
