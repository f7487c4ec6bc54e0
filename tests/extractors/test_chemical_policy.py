"""The chemical policy of docs/entities.md on the dictionary NER's chemicals: a class's singular
adjective, a drug target and a nucleic acid name no substance; substances and the plural classes a
patient receives stay."""

from __future__ import annotations

import pytest

from caseminer.extractors.chemical_policy import names_a_class_by_action, names_a_substance
from caseminer.pipeline.extract import build_nlp
from caseminer.vocab import TerminologyStore


@pytest.mark.parametrize(
    ("mention", "concept_label", "substance"),
    [
        ("neuroleptic", "Antipsychotic Agents", False),
        ("Neuroleptic-induced", "Antipsychotic Agents", False),
        ("anti-inflammatory", "Anti-Inflammatory Agents", False),
        ("antiparkinsonian", "Antiparkinson Agents", False),
        ("adrenergic", "Adrenergic Agents", False),
        ("dopamine receptor", "Receptors, Dopamine", False),
        ("sodium channels", "Sodium Channels", False),
        ("NET", "Norepinephrine Plasma Membrane Transport Proteins", False),
        ("mRNA", "RNA, Messenger", False),
        ("ligands", "Ligands", False),  # a kind of molecule
        ("ester", "Esters", False),
        ("suspension", "Suspensions", False),  # a dosage form
        ("serum-free media", "Culture Media, Serum-Free", False),
        ("oral rehydration solution", "Rehydration Solutions", True),  # a mixture a patient drinks
        ("antibiotics", "Anti-Bacterial Agents", True),  # the plural: what a patient can receive
        ("immunosuppressive agents", "Immunosuppressive Agents", True),
        ("alcohol", "Alcohols", True),  # singular, but no class adjective
        ("bicarbonate", "Bicarbonates", True),
        ("albumin", "Albumins", True),
        ("morphine", "Morphine", True),
        ("retinal", "Retinaldehyde", True),  # an adjective's ending, but no class heading
    ],
)
def test_a_chemical_names_a_substance_unless_a_class_adjective_a_target_a_nucleic_acid_or_a_kind(
    mention: str, concept_label: str, substance: bool
) -> None:
    assert names_a_substance(mention, concept_label) is substance


@pytest.mark.shared
def test_the_dictionary_keeps_no_class_adjective_target_or_nucleic_acid(
    vocab_store: TerminologyStore,
) -> None:
    text = (
        "Neuroleptic-induced catalepsy and the analgesic effect of morphine were blocked at dopamine "
        "receptors and sodium channels, with less mRNA. Immunosuppressive agents were given."
    )
    doc = build_nlp(vocab_store, trained_recognizer=False)(text)
    chemicals = {e.text: e._.concept_label for e in doc.ents if e.label_ == "CHEMICAL"}
    assert chemicals == {"morphine": "Morphine", "Immunosuppressive agents": "Immunosuppressive Agents"}


@pytest.mark.parametrize(
    ("concept_label", "by_action"),
    [
        ("Anticonvulsants", True),
        ("Analgesics, Opioid", True),
        ("Anesthetics, Local", True),
        ("Diuretics", True),
        ("Calcium Channel Blockers", True),
        ("Vasodilator Agents", True),
        ("Central Nervous System Depressants", True),
        ("Carcinogens", True),
        ("Steroids", False),  # classes by what their members are
        ("Benzodiazepines", False),
        ("Estrogens", False),
        ("Barbiturates", False),
        ("Antimony", False),  # an element, though its name begins like a class
        ("Morphine", False),
    ],
)
def test_a_class_heading_by_action_is_told_from_a_class_by_structure_and_a_substance(
    concept_label: str, by_action: bool
) -> None:
    assert names_a_class_by_action(concept_label) is by_action


@pytest.mark.shared
def test_a_class_by_action_is_a_chemical_where_a_patient_receives_it_or_the_corpora_annotate_it(
    vocab_store: TerminologyStore,
) -> None:
    """Named in passing, a class by action is no chemical; where the sentence says a patient received
    it, it is, and so is a class the training corpora's annotators count ("oral contraceptives")."""
    text = (
        "Diuretics can lower potassium. Oral contraceptives raise the risk of thrombosis. "
        "She was treated with diuretics and morphine."
    )
    doc = build_nlp(vocab_store)(text)
    chemicals = [(e.text, e.start_char) for e in doc.ents if e.label_ == "CHEMICAL"]
    assert ("Diuretics", 0) not in chemicals
    assert ("diuretics", text.index("diuretics")) in chemicals
    assert ("Oral contraceptives", text.index("Oral")) in chemicals
    assert ("morphine", text.index("morphine")) in chemicals
