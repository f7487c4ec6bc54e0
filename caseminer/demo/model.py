"""A synthetic case report: its text, where the services hold it, and the facts it states.

The facts (`SyntheticPatient`) are what an end-to-end test expects the pipeline to find in the full
text. The abstract states at least each patient's sex, onset age and variant. The full text adds
negated findings (`absent_phenotypes`), relatives and background sentences that must NOT become facts
of the patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

from caseminer.demo.concepts import ALL_CONCEPTS, Concept
from caseminer.schemas.document import SectionKind

AMINO_ACIDS = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val",
}  # fmt: skip

Sex = Literal["male", "female"]
Outcome = Literal["alive", "deceased", "unknown"]
Donor = Literal["matched unrelated", "matched sibling", "haploidentical", "cord blood"]
# Where the open-access full text is served: Europe PMC (`fullTextXML`, PMC efetch too) or only
# PMC's efetch (Europe PMC answers 404). None: no open full text, the PubMed abstract is the record.
FullTextSource = Literal["europepmc", "pmc"]


@dataclass(frozen=True)
class SyntheticAge:
    text: str
    days: int


@dataclass(frozen=True)
class SyntheticVariant:
    hgvs_c: str
    hgvs_p: str | None = None
    legacy: str | None = None  # one-letter protein form older reports use ("R347H")
    zygosity: str = "hemizygous"

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(form for form in (self.hgvs_c, self.hgvs_p, self.legacy) if form)


@dataclass(frozen=True)
class SyntheticPatient:
    label: str
    sex: Sex | None
    age_at_onset: SyntheticAge | None
    variants: tuple[SyntheticVariant, ...]
    phenotypes: tuple[str, ...]
    treatments: tuple[str, ...]
    hsct_donor: Donor | None = None
    conditioning: tuple[str, ...] = ()
    outcome: Outcome = "unknown"
    absent_phenotypes: tuple[str, ...] = ()

    @property
    def hsct_performed(self) -> bool:
        return self.hsct_donor is not None


@dataclass(frozen=True)
class SyntheticSection:
    title: str
    kind: SectionKind
    paragraphs: tuple[str, ...] = ()
    sec_type: str | None = None
    subsections: tuple[SyntheticSection, ...] = ()


@dataclass(frozen=True)
class SyntheticTable:
    label: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Journal:
    title: str
    abbreviation: str
    issn: str


@dataclass(frozen=True)
class SyntheticReference:
    """A work a report cites, as its reference list gives it."""

    pmid: str
    doi: str
    citation: str


@dataclass(frozen=True)
class Mention:
    """A concept or variant occurrence in the PubTator text (title, newline-free join, abstract)."""

    start: int
    end: int
    text: str
    concept: Concept | None
    variant: SyntheticVariant | None = None


@dataclass(frozen=True)
class SyntheticReport:
    pmid: str
    pmcid: str | None
    doi: str
    title: str
    journal: Journal
    authors: tuple[tuple[str, str], ...]  # (surname, given names)
    published: date
    indexed: date  # Europe PMC FIRST_IDATE and PubMed Entrez date
    abstract: str
    sections: tuple[SyntheticSection, ...]
    patients: tuple[SyntheticPatient, ...]
    tables: tuple[SyntheticTable, ...] = ()
    keywords: tuple[str, ...] = ()
    affiliation: str | None = None  # every author's
    references: tuple[SyntheticReference, ...] = ()
    full_text: FullTextSource | None = "europepmc"
    in_europepmc: bool = True  # listed by Europe PMC search (else only PubMed finds it)
    in_pubtator: bool = True  # PubTator3 holds annotations for it

    @property
    def is_open_access(self) -> bool:
        return self.pmcid is not None and self.full_text is not None

    @property
    def text_scope(self) -> Literal["full", "abstract"]:
        return "full" if self.is_open_access else "abstract"

    @property
    def pmc_number(self) -> str | None:
        return self.pmcid.removeprefix("PMC") if self.pmcid else None

    @cached_property
    def pubtator_mentions(self) -> tuple[Mention, ...]:
        """Mentions in PubTator's text: title at offset 0, abstract after one separator."""
        mentions = [
            *_find(self.title, 0, self.variants),
            *_find(self.abstract, len(self.title) + 1, self.variants),
        ]
        return tuple(mentions)

    @property
    def variants(self) -> tuple[SyntheticVariant, ...]:
        return tuple(dict.fromkeys(variant for patient in self.patients for variant in patient.variants))


def _pattern(forms: list[str]) -> re.Pattern[str]:
    """Any of `forms` as a whole token, the longest form first where several start at one place."""
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w>])", re.IGNORECASE)


_CONCEPT_FORMS = {form.lower(): concept for concept in ALL_CONCEPTS for form in concept.forms}
_CONCEPT_PATTERN = _pattern(list(_CONCEPT_FORMS))


def _find(text: str, offset: int, variants: tuple[SyntheticVariant, ...]) -> list[Mention]:
    """Every occurrence of a known concept form or variant form, longest match first, no overlaps."""
    found = [
        Mention(
            offset + match.start(), offset + match.end(), match.group(), _CONCEPT_FORMS[match.group().lower()]
        )
        for match in _CONCEPT_PATTERN.finditer(text)
    ]
    variant_forms = {form.lower(): variant for variant in variants for form in variant.forms}
    if variant_forms:
        for match in _pattern(list(variant_forms)).finditer(text):
            start, end = offset + match.start(), offset + match.end()
            if not any(start < mention.end and mention.start < end for mention in found):
                found.append(Mention(start, end, match.group(), None, variant_forms[match.group().lower()]))
    return sorted(found, key=lambda mention: mention.start)
