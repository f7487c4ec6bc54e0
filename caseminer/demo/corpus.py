"""The demo corpus: the hand-written reports, and a generator of many varied ones for benchmarks.

`generate_reports(n, seed)` composes full-text case reports from sentence templates: sex, onset
ages in several written forms, a FOXP3 variant in HGVS (sometimes also legacy) form, phenotypes,
treatments, transplant with a donor type, outcome; one in five is a two-patient series. Discussions
carry negated findings, an affected relative and background sentences. The same (n, seed) always
gives the same reports.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from caseminer.demo.concepts import CONDITIONING, PHENOTYPES, TREATMENTS
from caseminer.demo.handwritten import handwritten_reports
from caseminer.demo.model import (
    AMINO_ACIDS,
    Donor,
    Journal,
    Outcome,
    Sex,
    SyntheticAge,
    SyntheticPatient,
    SyntheticReport,
    SyntheticSection,
    SyntheticTable,
    SyntheticVariant,
)

__all__ = ["FIRST_INDEX_DATE", "GENERATED_PMID_BASE", "generate_reports", "handwritten_reports"]

# Generated articles get PMIDs and PMCIDs from here on: a range no real record uses.
GENERATED_PMID_BASE = 99_200_000
FIRST_INDEX_DATE = date(2015, 1, 5)
_FOXP3_CODONS = 431

_BASES = "ACGT"
_JOURNALS = (
    Journal("Journal of Synthetic Paediatric Case Reports", "J Synth Paediatr Case Rep", "9999-0001"),
    Journal("Synthetic Clinical Immunology Reports", "Synth Clin Immunol Rep", "9999-0002"),
    Journal("Synthetic Endocrinology Case Reports", "Synth Endocrinol Case Rep", "9999-0003"),
)
_SURNAMES = (
    "Adeyemi", "Berg", "Castro", "Dubois", "Eriksen", "Farouk", "Garcia", "Horvath", "Ivanova", "Jensen",
    "Kim", "Lopez", "Moreau", "Nakamura", "Olsen", "Patel", "Quinn", "Rahman", "Silva", "Tran",
)  # fmt: skip
_GIVEN = ("Ana", "Ben", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jana", "Kai", "Lea")

_CORE_PHENOTYPES = ("diarrhea", "enteropathy", "type 1 diabetes", "eczema")
_OTHER_PHENOTYPES = tuple(key for key in PHENOTYPES if key not in _CORE_PHENOTYPES)
_DRUGS = (
    "tacrolimus",
    "sirolimus",
    "cyclosporine",
    "methylprednisolone",
    "prednisolone",
    "steroids",
    "rituximab",
)
_OVERLAPPING = (
    frozenset({"diarrhea", "enteropathy"}),
    frozenset({"eczema", "atopic dermatitis", "food allergy"}),
    frozenset({"thyroiditis", "hypothyroidism"}),
)
_OUTCOMES: tuple[Outcome, ...] = ("alive", "deceased")
_SEXES: tuple[Sex, ...] = ("male", "female")
_DONOR_PHRASES: dict[Donor, str] = {
    "matched unrelated": "an HLA-matched unrelated donor",
    "matched sibling": "an HLA-matched sibling donor",
    "haploidentical": "a haploidentical donor",
    "cord blood": "an unrelated cord blood donor",
}
_DONORS_OR_NONE: tuple[Donor | None, ...] = (*_DONOR_PHRASES, None)


@dataclass(frozen=True)
class _Pronouns:
    subject: str
    possessive: str
    child: str


_PRONOUNS = {"male": _Pronouns("he", "his", "boy"), "female": _Pronouns("she", "her", "girl")}


def generate_reports(
    n: int,
    seed: int = 0,
    *,
    start: int = 0,
    indexed_from: date = FIRST_INDEX_DATE,
    days_apart: int = 3,
) -> list[SyntheticReport]:
    """`n` distinct full-text reports (open access in Europe PMC), deterministic in their arguments.

    Report `i` gets PMID `GENERATED_PMID_BASE + start + i` and is indexed `days_apart * i` days after
    `indexed_from`: a later batch with another `start` and a recent `indexed_from` is what a
    nightly increment finds.
    """
    rng = random.Random(seed)
    return [
        _report(start + offset, indexed_from + timedelta(days=days_apart * offset), rng)
        for offset in range(n)
    ]


# --- facts ----------------------------------------------------------------------------------------


def _age(rng: random.Random, *, infant: bool) -> tuple[SyntheticAge, str]:
    """An onset age and the phrase that states it (the phrase is completed by the sentence template)."""
    if infant:
        kind = rng.choice(("days", "weeks", "months", "months_of_age", "neonatal"))
    else:
        kind = rng.choice(("months", "years"))
    if kind == "days":
        days = rng.randint(2, 27)
        return SyntheticAge(f"{days}-day-old", days), f"{days}-day-old"
    if kind == "weeks":
        weeks = rng.randint(1, 8)
        return SyntheticAge(f"{weeks} weeks", weeks * 7), f"at {weeks} week{'s' * (weeks > 1)} of age"
    if kind in ("months", "months_of_age"):
        months = rng.randint(2, 11) if infant else rng.randint(13, 23)
        phrase = f"at the age of {months} months" if kind == "months" else f"at {months} months of age"
        return SyntheticAge(f"{months} months", round(months * 30.4)), phrase
    if kind == "years":
        years = rng.randint(2, 9)
        return SyntheticAge(f"{years} years", years * 365), f"at {years} years of age"
    return SyntheticAge("neonatal", 0), "in the neonatal period"


def _variant(rng: random.Random) -> SyntheticVariant:
    kind = rng.choices(("missense", "nonsense", "splice"), weights=(6, 2, 1))[0]
    if kind == "splice":
        exon_end = rng.randrange(60, 1200)
        return SyntheticVariant(f"c.{exon_end}+{rng.randint(1, 5)}{rng.choice('GA')}>{rng.choice('TC')}")
    codon = rng.randint(2, _FOXP3_CODONS)
    position = (codon - 1) * 3 + rng.randint(1, 3)
    ref = rng.choice(_BASES)
    alt = rng.choice([base for base in _BASES if base != ref])
    ref_aa = rng.choice(sorted(AMINO_ACIDS))
    if kind == "nonsense":
        return SyntheticVariant(
            f"c.{position}{ref}>{alt}", f"p.{AMINO_ACIDS[ref_aa]}{codon}Ter", legacy=f"{ref_aa}{codon}X"
        )
    alt_aa = rng.choice([aa for aa in sorted(AMINO_ACIDS) if aa != ref_aa])
    legacy = f"{ref_aa}{codon}{alt_aa}" if rng.random() < 0.4 else None
    return SyntheticVariant(
        f"c.{position}{ref}>{alt}", f"p.{AMINO_ACIDS[ref_aa]}{codon}{AMINO_ACIDS[alt_aa]}", legacy=legacy
    )


def _related(phenotypes: Iterable[str]) -> set[str]:
    """The phenotypes and those that overlap them (a negated "eczema" beside atopic dermatitis would lie)."""
    related = set(phenotypes)
    for group in _OVERLAPPING:
        if related & group:
            related |= group
    return related


def _patient(
    rng: random.Random, label: str, variant: SyntheticVariant, sex: Sex
) -> tuple[SyntheticPatient, str]:
    """A patient and the phrase its report uses for the onset age."""
    infant = rng.random() < 0.85
    age, phrase = _age(rng, infant=infant)
    if sex == "female":
        variant = replace(variant, zygosity="heterozygous")
    core = rng.sample(_CORE_PHENOTYPES, rng.randint(1, 3) if infant else rng.randint(0, 1))
    others = rng.sample(_OTHER_PHENOTYPES, rng.randint(1 if not core else 0, 2))
    phenotypes = tuple(core + others)
    absent_pool = [key for key in PHENOTYPES if key not in _related(phenotypes)]
    absent = tuple(rng.sample(absent_pool, rng.randint(0, 2)))
    treatments = rng.sample(_DRUGS, rng.randint(1, 3))
    if "type 1 diabetes" in phenotypes:
        treatments.append("insulin")
    if "enteropathy" in phenotypes or "diarrhea" in phenotypes:
        treatments += ["parenteral nutrition"] if rng.random() < 0.6 else []
    donor = rng.choice(_DONORS_OR_NONE)
    patient = SyntheticPatient(
        label=label,
        sex=sex,
        age_at_onset=age,
        variants=(variant,),
        phenotypes=phenotypes,
        treatments=tuple(treatments),
        hsct_donor=donor,
        conditioning=tuple(rng.sample(sorted(CONDITIONING), 2)) if donor else (),
        outcome=rng.choices(_OUTCOMES, weights=(4, 1))[0],
        absent_phenotypes=absent,
    )
    return patient, phrase


# --- text -----------------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _forms(keys: tuple[str, ...] | list[str], table: dict) -> list[str]:
    return [table[key].text for key in keys]


def _variant_phrase(variant: SyntheticVariant) -> str:
    if variant.hgvs_p is None:
        return f"a {variant.zygosity} splice-site variant, {variant.hgvs_c}, in FOXP3"
    legacy = f", formerly written {variant.legacy}" if variant.legacy else ""
    kind = "nonsense" if variant.hgvs_p.endswith("Ter") else "missense"
    return f"a {variant.zygosity} {kind} variant in FOXP3, {variant.hgvs_c} ({variant.hgvs_p}{legacy})"


def _onset_sentence(patient: SyntheticPatient, phrase: str, rng: random.Random) -> str:
    words = _PRONOUNS[patient.sex or "male"]
    features = _join(_forms(patient.phenotypes, PHENOTYPES))
    if phrase.endswith("-day-old"):
        return f"A {phrase} {words.child} was admitted with {features}."
    template = rng.choice(
        (
            "A {child} presented {phrase} with {features}.",
            "The patient, a {child}, developed {features} {phrase}.",
            "Symptoms began {phrase} in this {child}, with {features}.",
        )
    )
    return template.format(child=words.child, phrase=phrase, features=features)


def _treatment_sentences(patient: SyntheticPatient) -> list[str]:
    words = _PRONOUNS[patient.sex or "male"]
    sentences = [
        f"{words.subject.capitalize()} was treated with {_join(_forms(patient.treatments, TREATMENTS))}."
    ]
    if patient.hsct_donor:
        conditioning = _join(_forms(patient.conditioning, CONDITIONING))
        sentences.append(
            f"{words.subject.capitalize()} underwent hematopoietic stem cell transplantation from "
            f"{_DONOR_PHRASES[patient.hsct_donor]} after conditioning with {conditioning}."
        )
    if patient.outcome == "deceased":
        sentences.append(f"{words.subject.capitalize()} died of sepsis during follow-up.")
    else:
        sentences.append(f"At the last follow-up {words.subject} is alive and well.")
    return sentences


def _case_paragraphs(patient: SyntheticPatient, phrase: str, rng: random.Random) -> tuple[str, ...]:
    words = _PRONOUNS[patient.sex or "male"]
    first = _onset_sentence(patient, phrase, rng)
    genetics = rng.choice(
        (
            f"Sanger sequencing revealed {_variant_phrase(patient.variants[0])}.",
            f"Whole-exome sequencing identified {_variant_phrase(patient.variants[0])}.",
        )
    )
    labs = f"Flow cytometry showed reduced FOXP3 expression in {words.possessive} regulatory T cells."
    return (f"{first} {labs}", " ".join([genetics, *_treatment_sentences(patient)]))


def _discussion(patients: tuple[SyntheticPatient, ...], rng: random.Random) -> tuple[str, ...]:
    sentences = [
        "IPEX syndrome is classically defined by the triad of autoimmune enteropathy, type 1 diabetes "
        "mellitus and eczema, although many patients present with only part of it."
    ]
    for patient in patients:
        subject = "our patient" if len(patients) == 1 else patient.label
        for key in patient.absent_phenotypes:
            sentences.append(
                rng.choice(
                    ("Notably, {s} never developed {f}.", "There was no evidence of {f} in {s}.")
                ).format(s=subject, f=PHENOTYPES[key].text)
            )
    every_phenotype = {key for patient in patients for key in patient.phenotypes}
    relative_pool = sorted(set(PHENOTYPES) - _related(every_phenotype))
    if relative_pool and rng.random() < 0.6:
        sentences.append(
            f"A maternal uncle had died in infancy with {PHENOTYPES[rng.choice(relative_pool)].text}, "
            "but was never tested."
        )
    return (" ".join(sentences),)


def _abstract(patients: tuple[SyntheticPatient, ...], phrases: list[str]) -> str:
    parts = []
    for patient, phrase in zip(patients, phrases, strict=True):
        words = _PRONOUNS[patient.sex or "male"]
        who = f"{patient.label}, a {words.child}," if len(patients) > 1 else f"A {words.child}"
        when = f"as a {phrase} infant" if phrase.endswith("-day-old") else phrase
        parts.append(
            f"{who} presented {when} with {_join(_forms(patient.phenotypes, PHENOTYPES))}; genetic testing "
            f"found {_variant_phrase(patient.variants[0])}."
        )
        parts.extend(_treatment_sentences(patient))
    return " ".join(parts)


def _table(patients: tuple[SyntheticPatient, ...]) -> SyntheticTable:
    rows = tuple(
        (
            patient.label.removeprefix("Patient "),
            patient.sex or "",
            patient.age_at_onset.text if patient.age_at_onset else "",
            patient.variants[0].hgvs_c,
            _join(_forms(patient.phenotypes, PHENOTYPES)),
            patient.hsct_donor or "No",
            patient.outcome.capitalize(),
        )
        for patient in patients
    )
    header = ("Patient", "Sex", "Age at onset", "FOXP3 variant", "Features", "HSCT", "Outcome")
    return SyntheticTable("Table 1", "Clinical and genetic features of the patients", header, rows)


def _report(index: int, indexed: date, rng: random.Random) -> SyntheticReport:
    series = rng.random() < 0.2
    variant = _variant(rng)
    sexes: list[Sex] = ["male", "male"] if series else [rng.choices(_SEXES, weights=(9, 1))[0]]
    labels = ["Patient 1", "Patient 2"] if series else ["proband"]
    drawn = [_patient(rng, label, variant, sex) for label, sex in zip(labels, sexes, strict=True)]
    facts = tuple(patient for patient, _phrase in drawn)
    phrases = [phrase for _patient_drawn, phrase in drawn]
    pmid = str(GENERATED_PMID_BASE + index)
    main = PHENOTYPES[facts[0].phenotypes[0]].text
    title = rng.choice(
        (
            f"IPEX syndrome presenting with {main}: a case report",
            f"A novel FOXP3 variant, {variant.hgvs_c}, in IPEX syndrome",
            f"{'Two brothers' if series else 'An infant'} with {main} and a FOXP3 variant",
        )
    )
    if series:
        case = SyntheticSection(
            "Case reports",
            "case",
            subsections=tuple(
                SyntheticSection(patient.label, "case", _case_paragraphs(patient, phrase, rng))
                for patient, phrase in zip(facts, phrases, strict=True)
            ),
            sec_type="cases",
        )
    else:
        case_title = rng.choice(("Case presentation", "Case report", "Case description"))
        case = SyntheticSection(case_title, "case", _case_paragraphs(facts[0], phrases[0], rng))
    authors = tuple((rng.choice(_SURNAMES), rng.choice(_GIVEN)) for _ in range(rng.randint(1, 4)))
    return SyntheticReport(
        pmid=pmid,
        pmcid=f"PMC{pmid}",
        doi=f"10.99999/synth.gen.{index:06d}",
        title=title,
        journal=rng.choice(_JOURNALS),
        authors=authors,
        published=indexed - timedelta(days=2),
        indexed=indexed,
        abstract=_abstract(facts, phrases),
        sections=(
            SyntheticSection(
                rng.choice(("Introduction", "Background")),
                "introduction",
                (
                    "FOXP3 encodes the master transcription factor of regulatory T cells; its loss causes "
                    "IPEX syndrome, a rare X-linked disorder of immune dysregulation.",
                ),
                "intro",
            ),
            case,
            SyntheticSection(
                "Discussion", "discussion", _discussion(facts, rng), rng.choice(("discussion", None))
            ),
        ),
        tables=(_table(facts),) if series else (),
        patients=facts,
    )
