"""The chemical policy of docs/entities.md, for both recognizers: a drug class named by its action or
target ("anticonvulsants", "ACE inhibitors", "beta blockers", "alkylating agents"), a receptor and the
ordinary words of biochemistry ("water", "DNA", "mRNA") are not chemicals, though MeSH has headings
for them and BC5CDR annotates some. A registry's treatments and exposures are substances.

:func:`is_chemical_by_policy` judges a recognized span by its words; :func:`names_a_substance` judges
any chemical mention, the dictionary's too, by its words and the concept it is linked to."""

from __future__ import annotations

import re

_NOT_A_CHEMICAL = re.compile(
    r"(?:^|[\s-])(?:anti[a-z]+s?|[a-z]*(?:inhibitor|blocker|agonist|antagonist|receptor|agent|drug)s?"
    r"|water|[mt]?rna|dna)$",
    re.IGNORECASE,
)


# The singular adjective of a class ("neuroleptic", "analgesic", "antiparkinsonian", "anti-inflammatory",
# "adrenergic", "antioxidant", "antiviral") and a participle after it ("neuroleptic-induced").
_ADJECTIVE = re.compile(r"[a-z]{2,}(?:ic|al|ant|ory|ian|ive)$", re.IGNORECASE)
_PARTICIPLE_AFTER = re.compile(r"-[a-z]+(?:ed|ing)$", re.IGNORECASE)
# MeSH headings of a drug's target: "Receptors, Dopamine", "Sodium Channels", "... Transport Proteins".
_TARGET_HEADING = re.compile(r"\b(?:receptors?|channels?|transport proteins|transporters?)\b", re.IGNORECASE)
_NUCLEIC_ACID_HEADING = re.compile(r"(?:DNA|RNA(?:, (?:Messenger|Transfer|Ribosomal))?)", re.IGNORECASE)
# Headings of a kind of molecule or of a dosage form, named in passing ("ligands", "an ester", "the
# isoenzymes", "an oral suspension", "culture media"): no one substance a patient receives.
_GENERIC_HEADING = re.compile(
    r"Ligands|Esters|Isoenzymes|Polymers|Buffers|Suspensions|Aerosols|Solutions|Tablets|Capsules|Powders"
    r"|Gels|Emulsions|Ointments|Culture Media(?:, .+)?"
)


# MeSH headings of a class named by what its members do ("Anticonvulsants", "Analgesics, Opioid",
# "Anesthetics, Local", "Calcium Channel Blockers", "Vasodilator Agents", "Carcinogens"), not by
# what they are ("Steroids", "Benzodiazepines", "Estrogens" stay substances).
_CLASS_BY_ACTION_HEADING = re.compile(
    r"\b(?:Agents|Inhibitors|Antagonists|Agonists|Blockers|Drugs|Depressants|Stimulants)\b"
    r"|^(?:Anti[a-z-]*s|[A-Z][a-z]+(?:ics|ants|ives)|Carcinogens|Mitogens|Teratogens|Mutagens)(?:,|$)"
)


def names_a_class_by_action(concept_label: str) -> bool:
    """True for a concept heading that names a drug class by its action or use (see above)."""
    return _CLASS_BY_ACTION_HEADING.search(concept_label) is not None


def names_a_substance(mention: str, concept_label: str) -> bool:
    """False for a chemical mention that names no substance: a class heading (plural, "Analgesics",
    "Antipsychotic Agents") named by a singular adjective ("analgesic effect", "neuroleptic-induced";
    the plural, "antibiotics", "immunosuppressive agents", can be what a patient receives), a drug
    target (a receptor, an ion channel, a transporter: a protein), a nucleic acid, or a kind of
    molecule or dosage form ("ligands", "esters", "suspension")."""
    words = _PARTICIPLE_AFTER.sub("", mention.strip())
    if concept_label.endswith("s") and not words.lower().endswith("s") and _ADJECTIVE.search(words):
        return False
    return not (
        _TARGET_HEADING.search(concept_label)
        or _NUCLEIC_ACID_HEADING.fullmatch(concept_label)
        or _GENERIC_HEADING.fullmatch(concept_label)
    )


def is_chemical_by_policy(mention: str) -> bool:
    """False for a mention text that names a class, a receptor or an ordinary word (see above)."""
    return _NOT_A_CHEMICAL.search(mention.strip()) is None


__all__ = ["is_chemical_by_policy", "names_a_class_by_action", "names_a_substance"]
