"""Who a report describes, and which stretch of its text is about whom (the patient segmentation).

:func:`segment` reads the case-describing sentences (abstract, case, results, captions, unstructured
text; the title and a table's rows are read otherwise) and returns the individuals' labels and the
character ranges that are about each of them. The patient builder gives a fact to the individuals
whose range holds it. The forms, in the order they are tried:

* **Patient tables.** A table whose header names a patient column ("Patient", "Case", "No.") with
  a label in each row ("P1", "2", "Case 3") has one patient per row; a table whose header cells are
  themselves labels ("Patient 1 | Patient 2"), or numbers under a first cell that says they are
  patients ("Patient | 1 | 2"), has one patient per column. Each cell belongs to its
  patient; its column (or row) name gives its meaning.
* **Numbered series.** Patients numbered from 1 without gaps ("Patient 1", "Case 2", "P3",
  "Subject 4", "Patients 1 and 2", "P1-P6", "the second patient"; at least 1 and 2). A sentence
  that starts with patients (a heading "Patient 2", "Patient 2 was...", "In patients 1 and 2,")
  makes them current until another sentence names others or the section changes; a sentence
  that starts with the group
  ("Both patients", "All three siblings") makes all of them current. A number past the first gap
  ("P53" in a series of two) is something else, and a marker in a sentence citing other work
  ("case 3 of Smith et al.", "patient 2 [14]") names another article's patient.
* **Pedigree labels.** Individuals named by generation and number ("II-3", "II.1", "III:2",
  "Patient II.3", "The proband (IV-8)") that a sentence starts with and states a clinical fact of
  (a sign that is not negated, a death, a course): each is a patient, current until the next. The
  members a sentence lists as affected ("the four affected siblings (II.1, II.2, II.4, and II.5)")
  are patients too, and that sentence is about each of them.
* **Families.** Headings or sentences that start with a family ("Family 1", "In family B,"), two
  or more of them: each family's stretch is read on its own as the proband with relatives below,
  labelled by the family ("Family 1", "Family 1 sister").
* **Named families.** Families a report names by their code anywhere in its sentences ("identified
  in Family 020021", "an index patient of family DF139"), at least two with a sign or a variant
  while current: each is one individual, current from a sentence that names it until one names
  another. A variant stated where several are current is none of theirs.
* **Proband with relatives.** Otherwise the report describes one patient, the ``proband``, and
  every relative that a case sentence has as its subject ("His elder brother died at 5 months of
  sepsis", "The proband's mother (I-2) had cataracts") together with a clinical fact of the
  relative's own is a patient of its own (SCHEMA.md: only when the report describes the
  relative's course; a genotype alone does not: "the mother was a heterozygous carrier"); such
  sentences, and the following ones of the paragraph that go on with the relative's pronoun, are
  the relative's. A report that has no relative of the proband but counts two patients ("in both
  patients", "the two patients") has two, "Patient 1" and "Patient 2", sharing what it says of no
  one of them; "one patient was a 25-year-old male, and another patient was ..." tells them apart.

Whatever the form, individuals a series counts by sample number ("one Italian patient
(SAL-584-005) harbored ..., two Tunisian siblings (Tun66273 and Tun66275) presented with ...") are
individuals too, each with the clause from its mention to the next; and a discussion sentence
whose subject is the proband's relative ("The proband's mother and sister were ...") is read with
the case.

Family facts (consanguinity, country) stated outside every patient's range belong to every
patient of a series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from spacy.tokens import Doc, Span

from caseminer.extractors.context import SentenceIndex, doc_text, is_flagged
from caseminer.extractors.sections import passage_at
from caseminer.extractors.variants import VARIANT_LABEL
from caseminer.parsing.builder import TABLE_CELL_SEPARATOR
from caseminer.schemas.document import SectionKind, Table

PROBAND = "proband"
# Sections that describe the patient(s) rather than the literature; None = text without structure.
CASE_SECTIONS: frozenset[SectionKind | None] = frozenset(
    {"title", "abstract", "case", "results", "table", "figure", "other", None}
)

_NUMBER = r"(?:\d{1,2}|[IVX]{1,4}\b)"
_SERIES_MARKER = re.compile(
    rf"\b(?:(?:[Pp]atients?|[Cc]ases?|[Ss]ubjects?|[Pp]robands?|[Ii]ndividuals?)\s+(?:[Nn]o\.?\s*)?"
    rf"(?P<list>{_NUMBER}(?:\s*(?:,\s*and|,|and|&|-|–|to)\s*(?:P\s?)?{_NUMBER})*)"
    rf"|\bP(?:t\.?\s?)?(?P<short>\d{{1,2}})(?:\s?[-–]\s?P(?P<short_end>\d{{1,2}}))?\b"
    # "the first patient ..., the second patient ...": a report of two or three counts in words
    r"|\b(?P<ordinal>first|second|third|fourth|fifth|sixth)\s+(?:patient|case|proband)\b)"
)
_ORDINAL_NUMBER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# Patients labelled by a registry or sample number ("patient #11", "cases #27 and #45", "(#38)"): the
# numbers have gaps, so they are a series when at least two are written with a patient word.
_HASH_MARKER = re.compile(
    r"(?:\b(?P<word>[Pp]atients?|[Cc]ases?|[Ss]ubjects?|[Ii]ndividuals?)\s+)?"
    r"(?<![\w#])#(?P<hash>\d{1,3}(?:\s*(?:,\s*and|,|and|&)\s*#\d{1,3})*)\b"
)
_LEAD = r"\W*(?:(?:[Ii]n|[Ff]or|[Ll]ike)\s+)?(?:[Tt]he\s+)?"
_SUBJECT_MARKER = re.compile(rf"{_LEAD}(?:{_SERIES_MARKER.pattern}|{_HASH_MARKER.pattern})")
_GROUP_SUBJECT = re.compile(
    rf"{_LEAD}(?:both|all(?:\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+))?)"
    r"(?:\s+(?:of\s+the\s+|the\s+)?(?:affected\s+)?(?:patients|cases|subjects|siblings|sibs|brothers|sisters"
    r"|children|individuals|probands))?\b",
    re.IGNORECASE,
)
_PEDIGREE = r"(?P<generation>[IVX]{1,4})\s?[-.:]\s?(?P<n>\d{1,2})\b"
_PEDIGREE_LABEL = re.compile(r"^[IVX]{1,4}-\d{1,2}$")  # the canonical form of pedigree_label
_PEDIGREE_SUBJECT = re.compile(
    rf"{_LEAD}(?:(?:[Pp]atient|[Ii]ndividual|[Ss]ubject|[Pp]roband|[Cc]ase|[Ii]ndex\s+(?:[Pp]atient|[Cc]ase))\s+)?"
    rf"(?:\(\s*)?{_PEDIGREE}"
)
_PEDIGREE_IN_BRACKETS = re.compile(
    rf"^[^.;:]{{0,60}}?\(\s*(?:[Pp]atient\s+|[Ii]ndividual\s+)?{_PEDIGREE}\s*[),;]"
)
# Where a sentence listing affected members is this report's own: the methods too ("DNA of the four
# affected siblings (II.1, ...) was genotyped"), not a discussion of others' patients.
_LISTING_SECTIONS: frozenset[SectionKind | None] = CASE_SECTIONS | {"methods"}
# The affected members a sentence lists by pedigree position: "the four affected siblings (II.1, II.2,
# II.4, and II.5)", "affected individuals III-2 and III-4".
_AFFECTED_PEDIGREE_LIST = re.compile(
    r"\b(?:affected|symptomatic)\s+(?:siblings|sibs|brothers|sisters|children|individuals|members"
    r"|family\s+members|patients|relatives)\s*\(?\s*"
    r"(?P<list>[IVX]{1,4}\s?[-.:‐]\s?\d{1,2}(?:\s*(?:,|and|&|,\s*and)\s*[IVX]{1,4}\s?[-.:‐]\s?\d{1,2})+)\b"
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_SIBLING_COUNT = re.compile(
    rf"\b(?P<count>{'|'.join(_COUNTS)})\s+(?:affected\s+)?(?:brothers|sisters|siblings|sibs|sons|daughters)\b",
    re.I,
)
_SIBLING_LABEL = re.compile(r"\b(?:brother|sister|sibling|sib|twin|son|daughter)$")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# Fetuses of successive pregnancies: "In the second pregnancy, ...", "The first fetus ...", "Fetus 2".
_FETUS_SUBJECT = re.compile(
    rf"{_LEAD}(?:(?P<ordinal>{'|'.join(_ORDINALS)})\s+(?:pregnancy|fetus|foetus)|(?:fetus|foetus)\s+(?P<n>\d))\b",
    re.IGNORECASE,
)
_FAMILY_MARKER = re.compile(
    rf"{_LEAD}(?:[Ff]amil(?:y|ies)|[Kk]indred|[Pp]edigree)\s+(?P<family>[A-Z]|\d{{1,2}}|[IVX]{{1,4}})\b"
    r"(?!\s*(?:-|–|and|,)\s*(?:[A-Z]|\d))"
)
# A family named by its code anywhere in a sentence: "Family 020001", "family DF139", "families A and B"
_FAMILY_ID = r"\b(?:[A-Z]{1,4}\d{0,6}|\d{1,6})\b"
_NAMED_FAMILY = re.compile(
    rf"\b[Ff]amil(?:y|ies)\s+(?P<names>{_FAMILY_ID}(?:\s*(?:,\s*and|,|and|&)\s*{_FAMILY_ID})*)"
)
_BOTH_PATIENTS = re.compile(
    r"\b(?:both\s+(?:of\s+)?(?:the\s+|our\s+|these\s+)?patients|(?:the|our|these)\s+two\s+(?:affected\s+)?patients)\b",
    re.I,
)
_SUBJECT_SECTIONS: frozenset[SectionKind | None] = CASE_SECTIONS | {"methods"}
_ONE_AND_ANOTHER = re.compile(
    r"\bone\s+(?:of\s+the\s+)?patients?\b.*?\b(?P<another>(?:another|the\s+other|a\s+second)\s+(?:patient|one)\b)",
    re.I,
)
_CITATION = re.compile(
    r"\bet al\b|\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]"
    r"|\(\s*[A-Z][A-Za-z-]+(?: et al\.?)?,? (?:19|20)\d\d[a-z]?\s*\)"
    r"|\b(?:previously|earlier) (?:reported|described|published)\b|\breported by\b"
    r"|\bof (?:a|the) previous report"
    r"|\b(?:a|one|another|previous|recent|earlier|other)\s+(?:recent\s+)?(?:stud(?:y|ies)|reports?)\b"
    r"|\b(?:has|have|had)\s+been\s+(?:previously\s+)?(?:reported|described|identified|published)\b",
)
_GROUP_ANYWHERE = re.compile(
    r"\b(?:both|all(?:\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+))?|the\s+(?:two|three|four|five))"
    r"\s+(?:of\s+the\s+|of\s+our\s+|the\s+)?(?:affected\s+)?(?:patients|siblings|sibs|brothers|sisters|children"
    r"|cases|subjects|probands|affected(?:\s+(?:individuals|members|siblings))?)\b",
    re.IGNORECASE,
)
# "The patients" as the subject of the report's own description ("Specifically, the patients
# exhibited ..."): all of them, unless it says whose ("the patients with X", "reported by").
_DEFINITE_GROUP = re.compile(
    r"^\W*(?:[A-Za-z]+,\s+)?(?:the|our|these)\s+(?:four\s+|three\s+|two\s+)?(?:affected\s+)?"
    r"(?:patients|siblings|sibs|probands|affected\s+(?:individuals|members))\b"
    r"(?!\s+(?:of|with|in|from|who|that|carrying|harbou?ring|reported|described|previously|published))",
    re.IGNORECASE,
)
# The patients a sentence has not named: "patients 4 and 6 are not able to walk, while the other
# four patients remain ambulant".
_REST_OF_GROUP = re.compile(
    r"\b(?:the\s+)?(?:other|remaining)\s+(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
    r"(?:patients|cases|subjects|siblings|individuals)\b",
    re.IGNORECASE,
)
_RELATION_BEFORE = re.compile(r"\b(?:of|than|like|unlike|to|as|with)\s+(?:the\s+|our\s+)?$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_NAMES_OWN_PATIENT = re.compile(
    r"\b(?:current|this|present|our)\s+(?:study|report|case|patients?|proband|family|work)\b|\bproband\b"
    r"|\b(?:the|our|this)\s+(?:patient|boy|girl|child|infant|man|woman)\b|\bindex\s+(?:case|patient)\b",
    re.IGNORECASE,
)
_OTHERS_CAPTION = re.compile(
    r"\b(?:reported|previous(?:ly)?|literature|review|published|known|described)\b", re.IGNORECASE
)
_REFERENCE_HEADER = re.compile(r"^(?:ref(?:erence)?s?\.?|authors?(?:,? year)?|study|source|citation)\b", re.I)
_YEAR_CELL = re.compile(r"(?:^|\|\s)[A-Z][\w'-]+(?: et al\.?)?,? (?:19|20)\d\d\b")
# Three different variants in one sentence that names no patient of the report is a list of others'.
_VARIANT_LIST = 3
# More variants than that in a table without patients is a variant list, not one patient's genotype.
_VARIANT_TABLE = 4
_RELATIVE_KINDS = {
    "brother": "male",
    "sister": "female",
    "sibling": None,
    "sib": None,
    "cousin": None,
    "twin": None,
    "mother": "female",
    "father": "male",
    "son": "male",
    "daughter": "female",
    "aunt": "female",
    "uncle": "male",
    "niece": "female",
    "nephew": "male",
    "grandmother": "female",
    "grandfather": "male",
    "half-brother": "male",
    "half-sister": "female",
}
_RELATION_WORDS = (
    r"(?P<rel>(?:(?:older|elder|eldest|younger|youngest|twin|first|second|third|maternal|paternal|affected"
    r"|only|half-)\s*){0,2}"
    rf"(?P<kind>{'|'.join(sorted(_RELATIVE_KINDS, key=len, reverse=True))})s?)\b"
)
_RELATIVE_SUBJECT = re.compile(
    r"^(?:(?:one|two|both)\s+of\s+)?(?:(?:the|his|her|their|our|this|a)\s+)?"
    r"(?:(?:patient|proband|index(?:\s+(?:patient|case))?|child|boy|girl)(?:['’]s?)?\s+)?"
    r"(?:\d+[- ]years?[- ]old\s+)?" + _RELATION_WORDS,
    re.IGNORECASE,
)
_IN_BEFORE = re.compile(r"\b(?:in|of|for|from)\s+(?:the\s+)?$", re.I)
# A sample number: letters and digits ("Tun66273", "SAL-584-005"), not a series label ("P3") nor
# a pedigree position ("II-3").
_SAMPLE_NUMBER = re.compile(r"\b(?![IVX]{1,4}[-.:]\d)[A-Za-z]{2,}[-_]?\d{2,}(?:[-_.]\d+)*\b")
_SAMPLE_IN_PARENTHESES = re.compile(r"\(" + _SAMPLE_NUMBER.pattern)
_SAMPLED_INDIVIDUALS = re.compile(
    r"\b(?:one|two|three|four|five|an?|another)\s+(?:[\w-]+\s+){0,6}?"
    r"(?:patients?|probands?|individuals?|subjects?|siblings?|sibs|brothers|sisters|boys?|girls?|children"
    r"|cases?)\b[^()]{0,40}?\((?P<samples>" + _SAMPLE_NUMBER.pattern + r"(?:\s*(?:,|and)\s*"
    + _SAMPLE_NUMBER.pattern + r")*)\)",
    re.I,
)
_PROBANDS_RELATIVE_SUBJECT = re.compile(
    r"^(?:the|our)\s+(?:proband|patient|index\s+(?:patient|case))['’]s?\s+" + _RELATION_WORDS, re.I
)
# What a family shares, stated outside every member's range: each member's
_FAMILY_FACTS = frozenset({"consanguinity", "country"})
_HEADING_LENGTH = 30  # "1.2. Patient 2": a heading names its patient and says nothing more
_THE_PROBAND = re.compile(r"\b(?:the|our)\s+(?:proband|index\s+(?:patient|case))\b", re.I)
_DISCUSSION_SECTIONS: frozenset[SectionKind | None] = frozenset({"discussion", "conclusion"})
# A second relative in the subject: "The proband's mother and sister were both inducible ...".
_AND_RELATIVE = re.compile(r"\s*(?:,|and|&)\s+(?:(?:his|her|their|the)\s+)?" + _RELATION_WORDS, re.I)
# Where a clause of its own starts inside a sentence: "Her parents were cousins, and one of her
# younger sisters had similar complaints".
_CLAUSE_START = re.compile(r"(?:;|,\s*(?:and|but|while|whereas))\s+")
_SHARES_DISEASE = re.compile(r"\b(?:also|similar(?:ly)?|the same|likewise|too)\b", re.I)
_RELATIVE_OBJECT = re.compile(
    r"\b(?:has|had|have|with|and)\s+(?:a|an|one|two|three|\d+)\s+" + _RELATION_WORDS, re.I
)
# A relative the sentence calls affected ("was identified in a symptomatic sister (III:3) and in the
# proband"): an individual of the report, whose course "affected" already states. Not "a photograph
# of the affected father": a picture or a comparison is no course.
_AFFECTED_RELATIVE = re.compile(
    r"\b(?:in|from)\s+(?:a|an|the|his|her|their|one)\s+(?:affected|symptomatic)\s+" + _RELATION_WORDS,
    re.I,
)
_PRONOUNS = {"male": ("he", "his"), "female": ("she", "her")}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_LABEL_CELL = re.compile(
    r"^(?:(?:patient|case|subject|proband|pt\.?|p)\s*(?:no\.?\s*)?)?(?P<n>\d{1,2}|[IVX]{1,4})$", re.IGNORECASE
)
# A column header naming one patient: "Patient 2", "P3", "Patient II.1", "II-3", "#38", "Present in
# patient 1", "Case 2*" (a footnote mark after it).
_EXPLICIT_LABEL_CELL = re.compile(
    r"^(?:present\s+in\s+(?:the\s+)?)?(?:"
    r"(?:patient|case|subject|individual|pt\.?|p)?\s*(?P<generation>[IVX]{1,4})\s?[-.:]\s?(?P<position>\d{1,2})"
    r"|(?:patient|case|subject|individual|pt\.?|p)\s*(?:no\.?\s*)?(?P<n>\d{1,2}|[IVX]{1,4})"
    r"|#(?P<hash>\d{1,3}))\s*[*†‡]?$",
    re.I,
)
# A header cell saying that the numbers beside it are patients ("#" or "No." numbers anything)
_PATIENT_WORD = re.compile(r"^(?:patients?|cases?|subjects?|individuals?)$", re.IGNORECASE)
_PATIENT_COLUMN = re.compile(r"^(?:patients?|cases?|subjects?|pts?\.?|no\.?|#|id|p)$", re.IGNORECASE)


def patient_label(number: str) -> str:
    """Canonical label of a numbered patient: "Case 2", "P2", "patient II" -> "Patient 2"."""
    return f"Patient {_ROMAN.get(number.upper(), number) if not number.isdigit() else int(number)}"


def pedigree_label(generation: str, number: str) -> str:
    """Canonical label of a pedigree position: "II.3", "II:3", "II - 3" -> "II-3"."""
    return f"{generation}-{int(number)}"


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell of one patient; `name` is what the cell says (its column header, or its row's
    first cell when patients are columns) and `name_range` where that name is written."""

    start: int
    end: int
    label: str
    name: str
    name_range: tuple[int, int] | None


@dataclass
class Owner:
    """Who a character range belongs to: the patients, plus the table column naming the cell."""

    labels: tuple[str, ...]
    column: str | None = None


@dataclass
class Segmentation:
    labels: list[str]
    # (start, end, owner) ranges, sorted; a position outside every range belongs to no one.
    ranges: list[tuple[int, int, Owner]] = field(default_factory=list)
    relative_sex: dict[str, tuple[str, Span]] = field(default_factory=dict)
    family_wide: set[str] = field(default_factory=set)  # span groups applying to every patient
    cells: list[Cell] = field(default_factory=list)
    relatives: set[str] = field(default_factory=set)  # labels of relatives of a proband
    # rows of tables that set other publications' patients apart from this report's (by a caption,
    # a reference column, citing rows or a row marked "this study"): their variants are others'
    cited_rows: list[tuple[int, int]] = field(default_factory=list)
    # individuals of unrelated families: a variant stated where several are current is no one's
    unrelated: bool = False

    def owner(self, start: int) -> Owner | None:
        found: Owner | None = None
        for range_start, range_end, owner in self.ranges:
            if range_start <= start < range_end:
                found = owner  # later (narrower) ranges refine earlier ones
        return found


class _Sentence(NamedTuple):
    start_char: int
    end_char: int
    text: str
    section: SectionKind | None
    passage_start: int


def segment(doc: Doc, sentences: SentenceIndex, ents: list[Span]) -> Segmentation:
    """The individuals `doc` describes and the ranges about each (the forms: module docstring)."""
    case = list(_case_sentences(doc, sentences))
    segmentation = _individuals(doc, sentences, case, ents)
    _refine(doc, segmentation, case, ents)
    _add_sampled_individuals(segmentation, case)
    return segmentation


def _add_sampled_individuals(segmentation: Segmentation, case: list[_Sentence]) -> None:
    """Individuals a series counts by their sample numbers ("one Italian patient (SAL-584-005)
    harbored ..., two Tunisian siblings (Tun66273 and Tun66275) presented with ..."): each is an
    individual, and the clause from its mention to the next is about them. Two such numbers at
    least, so that "the proband (ID 1234)" stays the proband."""
    found: list[tuple[_Sentence, int, list[str]]] = []
    for sentence in case:
        # the full pattern only where a sample number is written in parentheses
        if not _SAMPLE_IN_PARENTHESES.search(sentence.text) or _CITATION.search(sentence.text):
            continue
        for match in _SAMPLED_INDIVIDUALS.finditer(sentence.text):
            samples = _SAMPLE_NUMBER.findall(match.group("samples"))
            found.append((sentence, match.start(), samples))
    if sum(len(samples) for _, _, samples in found) < 2:
        return
    for index, (sentence, offset, samples) in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        end = following[1] if following is not None and following[0] == sentence else len(sentence.text)
        segmentation.labels.extend(label for label in samples if label not in segmentation.labels)
        owner = Owner(tuple(samples))
        segmentation.ranges.append((sentence.start_char + offset, sentence.start_char + end, owner))


def _individuals(doc: Doc, sentences: SentenceIndex, case: list[_Sentence], ents: list[Span]) -> Segmentation:
    cells = _table_cells(doc, sentences.text)
    clinical = _clinical_offsets(doc, ents)
    series = _series_ranges(doc, case, clinical, len(sentences.text))
    if series is not None and len(series.labels) < 2:
        series = None
    if series is not None:
        cells = _without_footnote_marks(cells, set(series.labels))
    table_ranges = _table_owners(cells)
    table_labels = list(dict.fromkeys(cell.label for cell in cells))
    if series is not None:
        series.labels = sorted({*series.labels, *table_labels}, key=_label_order)
        series.ranges.extend(table_ranges)
        series.cells = cells
        return series
    table_only = Segmentation(labels=table_labels, ranges=table_ranges, cells=cells)
    by_pedigree = all(_PEDIGREE_LABEL.match(label) for label in table_labels)
    if len(table_labels) >= 2 and not by_pedigree:
        return table_only
    listed = _listed_affected(_case_sentences(doc, sentences, _LISTING_SECTIONS))
    pedigree = _pedigree_ranges(doc, case, listed, clinical, len(sentences.text))
    if pedigree is not None:
        # a table of some of the same individuals ("Patient II.1" columns) says more of each
        pedigree.cells = [cell for cell in cells if cell.label in pedigree.labels]
        pedigree.ranges.extend(_table_owners(pedigree.cells))
        return pedigree
    if len(table_labels) >= 2:
        return table_only
    families = _family_units(case)
    if len(families) >= 2:
        return _families(doc, families, clinical)
    named_families = _named_families(doc, case, clinical, ents, len(sentences.text))
    if named_families is not None:
        return named_families
    # "The proband's mother and sister were both inducible ..." or "was identified in a symptomatic
    # sister and in the proband" in a discussion is still this report's family: the proband, whom
    # only this report has, ties the relative to it
    tied = list(_case_sentences(doc, sentences, _DISCUSSION_SECTIONS, keep=_ties_relative_to_proband))
    family_sentences = sorted([*case, *tied], key=lambda sentence: sentence.start_char)
    unit = _proband_with_relatives(doc, family_sentences, clinical, (0, len(sentences.text)), prefix="")
    if unit.labels == [PROBAND]:
        subjects = list(_case_sentences(doc, sentences, _SUBJECT_SECTIONS, keep=_ONE_AND_ANOTHER.search))
        return _unnumbered_pair(case, subjects, len(sentences.text)) or unit
    return unit


def _unnumbered_pair(case: list[_Sentence], subjects: list[_Sentence], text_end: int) -> Segmentation | None:
    """Two patients a report never numbers but counts ("were identified in both patients", "the two
    patients"): what it says of no one of them it says of both, and "one patient was a 25-year-old
    male, and another patient was a 37-year-old female" (`subjects`, in the case or in the methods
    that describe the subjects) tells each apart."""
    if not any(_BOTH_PATIENTS.search(s.text) and not _CITATION.search(s.text) for s in case):
        return None
    pair = ("Patient 1", "Patient 2")
    segmentation = Segmentation(labels=list(pair), ranges=[(0, text_end, Owner(pair))])
    for sentence in subjects:
        if (one := _ONE_AND_ANOTHER.search(sentence.text)) is not None:
            first, second = sentence.start_char + one.start(), sentence.start_char + one.start("another")
            segmentation.ranges.append((first, second, Owner(pair[:1])))
            segmentation.ranges.append((second, sentence.end_char, Owner(pair[1:])))
    return segmentation


def _refine(doc: Doc, segmentation: Segmentation, case: list[_Sentence], ents: list[Span]) -> None:
    """Narrower ranges over the individuals' stretches, in order (a later range wins):

    * a sentence that names the group anywhere ("was identified in both siblings") is about all
      of them, one that names some of them by label ("the E650K mutation found in patient 1") is
      about those — not where the label is a relation or a comparison ("the brother of patient 1",
      "unlike patient 2");
    * in a sentence pairing labels with facts "respectively", each variant goes to its label;
    * a sentence listing three or more variants that names none of the article's patients (a
      review paragraph: other patients' variants) is nobody's, as is a table of other
      publications' patients or of variants, but for rows about this report's own patient."""
    labels = segmentation.labels
    numbered = [label for label in labels if label != PROBAND]
    variants = [e for e in ents if e.label_ == "VARIANT"]
    for sentence in case:
        if len(labels) >= 2 and (
            _GROUP_ANYWHERE.search(sentence.text)
            or (_DEFINITE_GROUP.match(sentence.text) and not _CITATION.search(sentence.text))
        ):
            segmentation.ranges.append((sentence.start_char, sentence.end_char, Owner(tuple(labels))))
            continue
        mentions = [
            (offset, end, kept)
            for offset, end, labels in _named_labels(sentence.text)
            if (kept := [x for x in labels if x in numbered])
        ]
        named = list(dict.fromkeys(label for _, _, labels in mentions for label in labels))
        named += _relatives_beside(sentence.text, named, labels)
        if named and not _CITATION.search(sentence.text):
            segmentation.ranges.append((sentence.start_char, sentence.end_char, Owner(tuple(named))))
            if len(named) >= 2 and _RESPECTIVELY.search(sentence.text):
                _pair_respectively(segmentation, sentence, named, variants)
            elif len(mentions) >= 2:
                _split_between_mentions(segmentation, sentence, mentions, variants)
            rest = _REST_OF_GROUP.search(sentence.text)
            if rest and rest.start() > mentions[0][0]:
                others = tuple(label for label in numbered if label not in named)
                part = (sentence.start_char + rest.start(), sentence.end_char, Owner(others))
                segmentation.ranges.append(part)
            continue
        in_sentence = {v._.hgvs_c or v._.hgvs_p or v.text for v in variants if _within(v, sentence)}
        if len(in_sentence) >= _VARIANT_LIST and not _NAMES_OWN_PATIENT.search(sentence.text):
            segmentation.ranges.append((sentence.start_char, sentence.end_char, Owner(())))
    for start, end, cited in _others_tables(doc, variants):
        segmentation.ranges.append((start, end, Owner(())))
        if cited:
            segmentation.cited_rows.append((start, end))


def _split_between_mentions(
    segmentation: Segmentation,
    sentence: _Sentence,
    mentions: list[tuple[int, int, list[str]]],
    variants: list[Span],
) -> None:
    """Each part of a sentence naming several patients to its patient: after its mention ("in
    patient 1 revealed A and B, whereas patient 2 showed C"), or before it when the sentence names
    each fact first ("R369Q (c.1106G>A) in patient 3 and E368K (c.1102G>A) in patient 4")."""
    first = mentions[0][0]
    facts_first = all(_IN_BEFORE.search(sentence.text, 0, start) for start, _, _ in mentions) and any(
        sentence.start_char <= v.start_char < sentence.start_char + first for v in variants
    )
    for index, (start, end, labels) in enumerate(mentions):
        if facts_first:
            part = (mentions[index - 1][1] if index else 0, end)
        else:
            part = (start, mentions[index + 1][0] if index + 1 < len(mentions) else len(sentence.text))
        owner = Owner(tuple(labels))
        segmentation.ranges.append((sentence.start_char + part[0], sentence.start_char + part[1], owner))


def _relatives_beside(text: str, named: list[str], labels: list[str]) -> list[str]:
    """The relatives of the article's individuals that a sentence names beside their patient:
    "Patient 2 and his elder sib had a homozygous ..." is about both."""
    found = []
    for patient in named:
        for match in re.finditer(re.escape(patient) + _AND_RELATIVE.pattern, text, re.IGNORECASE):
            relative, _ = _relative(patient, match.group("rel"), match.group("kind"))
            if relative in labels and relative not in found:
                found.append(relative)
    return found


def _within(span: Span, sentence: _Sentence) -> bool:
    return sentence.start_char <= span.start_char < sentence.end_char


def _named_labels(text: str) -> list[tuple[int, int, list[str]]]:
    """Where a sentence names numbered patients as themselves (not "the brother of patient 1"),
    and which: (start, end, labels) of each such mention."""
    found: list[tuple[int, int, list[str]]] = []
    for match in sorted(_label_markers(text), key=lambda m: m.start()):
        before = text[max(0, match.start() - 12) : match.start()]
        if _RELATION_BEFORE.search(before) or text.startswith("'s", match.end()):
            continue
        found.append((match.start(), match.end(), _marker_labels(match.group())))
    return found


def _label_markers(text: str) -> Iterator[re.Match[str]]:
    yield from _SERIES_MARKER.finditer(text)
    yield from _HASH_MARKER.finditer(text)


def _pair_respectively(
    segmentation: Segmentation, sentence: _Sentence, labels: list[str], variants: list[Span]
) -> None:
    """ "Patients 1, 2 and 3 were homozygous for c.545G>A, c.227G>A and c.668G>A, respectively":
    the i-th variant (a change written with its other form is one) goes to the i-th patient."""
    groups: list[list[Span]] = []
    for variant in (v for v in variants if _within(v, sentence)):
        group = variant._.variant_group
        if groups and group is not None and groups[-1][0]._.variant_group == group:
            groups[-1].append(variant)
        else:
            groups.append([variant])
    if len(groups) != len(labels):
        return
    for label, group in zip(labels, groups, strict=True):
        for variant in group:
            segmentation.ranges.append((variant.start_char, variant.end_char, Owner((label,))))


def _others_tables(doc: Doc, variants: list[Span]) -> Iterator[tuple[int, int, bool]]:
    """Rows of tables about other publications' patients (a caption or header naming reports or
    references, or rows citing them: `cited`) or listing many variants, but no row about this
    report's own patient ("current study", "our patient")."""
    text = doc_text(doc)
    for table in doc._.tables or []:
        rows = [TABLE_CELL_SEPARATOR.join(row) for row in table.rows]
        citing = sum(bool(_CITATION.search(row) or _YEAR_CELL.search(row)) for row in rows)
        distinct = {
            v._.hgvs_c or v._.hgvs_p or v.text for v in variants if table.start <= v.start_char < table.end
        }
        cited = bool(
            _OTHERS_CAPTION.search(table.caption or "")
            or any(_REFERENCE_HEADER.match(cell.strip()) for cell in table.header)
            or (rows and citing >= max(2, len(rows) // 3))
        )
        if not (cited or len(distinct) > _VARIANT_TABLE):
            continue
        search_from = table.start
        for row in rows:
            at = text.find(row, search_from, table.end + 1) if row else -1
            if at < 0:
                continue
            search_from = at + len(row)
            if not _NAMES_OWN_PATIENT.search(row):
                yield at, at + len(row), cited


def _label_order(label: str) -> tuple[int, str]:
    number = label.rsplit(" ", 1)[-1].removeprefix("#")
    return (int(number), label) if number.isdigit() else (10_000, label)


def _case_sentences(
    doc: Doc,
    sentences: SentenceIndex,
    sections: frozenset[SectionKind | None] = CASE_SECTIONS,
    keep: Callable[[str], bool] | None = None,
) -> Iterator[_Sentence]:
    """The sentences of `sections` (with `keep`, only those whose text it keeps: a test of the text
    is cheaper than finding a sentence's passage)."""
    for bounds in sentences.sentences:
        text = sentences.text[bounds.start_char : bounds.end_char]
        if keep is not None and not keep(text):
            continue
        passage = passage_at(doc, bounds.start_char)
        section = passage.section if passage else None
        if section in sections and section != "table":
            start = passage.start if passage else -1
            yield _Sentence(bounds.start_char, bounds.end_char, text, section, start)


def _ties_relative_to_proband(text: str) -> bool:
    return bool(
        _PROBANDS_RELATIVE_SUBJECT.match(text.lstrip())
        or (_AFFECTED_RELATIVE.search(text) and _THE_PROBAND.search(text))
    )


def _marker_labels(text: str) -> list[str]:
    labels: list[str] = []
    for match in _SERIES_MARKER.finditer(text):
        if match.group("ordinal"):
            labels.append(patient_label(str(_ORDINAL_NUMBER[match.group("ordinal")])))
            continue
        if match.group("short"):
            first = int(match.group("short"))
            last = int(match.group("short_end") or first)
            labels.extend(
                patient_label(str(n)) for n in range(first, last + 1 if 0 <= last - first < 20 else first + 1)
            )
            continue
        numbers = re.findall(_NUMBER, match.group("list"))
        if (
            re.search(r"[-–]|to", match.group("list"))
            and len(numbers) == 2
            and all(n.isdigit() for n in numbers)
        ):
            first, last = int(numbers[0]), int(numbers[1])
            numbers = [str(n) for n in range(first, last + 1)] if 0 < last - first < 20 else numbers
        labels.extend(patient_label(n) for n in numbers)
    for match in _HASH_MARKER.finditer(text):
        labels.extend(_hash_labels(match))
    return list(dict.fromkeys(labels))


def _series_ranges(
    doc: Doc, case: list[_Sentence], clinical: list[int], text_end: int
) -> Segmentation | None:
    """Ranges of the current numbered patients; None unless at least patients 1 and 2 are named.
    A series numbers its patients 1, 2, 3...: numbers past the first gap ("P53" in a series of
    two) are something else, as is a lone "case 3" cited from another report. Only a sentence
    that starts with patients (a heading "Patient 2", "Patient 2 was...", "In patients 1 and 2,")
    makes them current; "The younger brother of Patient 1 ..." goes on about the current one."""
    markers = [
        (s, labels) for s in case if (labels := _marker_labels(s.text)) and not _CITATION.search(s.text)
    ]
    named = {label for _, labels in markers for label in labels}
    series: list[str] = []
    while patient_label(str(len(series) + 1)) in named:
        series.append(patient_label(str(len(series) + 1)))
    if len(series) < 2:
        series = _hash_series(case, named)
    if len(series) < 2:
        return None
    segmentation = Segmentation(labels=series, family_wide=set(_FAMILY_FACTS))
    starts: list[tuple[_Sentence, list[str]]] = []
    for index, (sentence, labels) in enumerate(markers):
        kept = [label for label in labels if label in series]
        if kept and (index == 0 or _SUBJECT_MARKER.match(sentence.text)):
            starts.append((sentence, kept))
    first_start = starts[0][0].start_char if starts else text_end
    starts += _group_starts(case, series, first_start, clinical)
    starts.sort(key=lambda pair: pair[0].start_char)
    _add_current_ranges(doc, segmentation, starts, text_end)
    _add_relatives_of_current(doc, segmentation, case, clinical)
    return segmentation


def _hash_labels(match: re.Match[str]) -> list[str]:
    """The labels of a `_HASH_MARKER` match: "cases #27 and #45" -> "#27", "#45"."""
    return [f"#{int(n)}" for n in re.findall(r"\d+", match.group("hash"))]


def _hash_series(case: list[_Sentence], named: set[str]) -> list[str]:
    """The "#N" labels named, when at least two are written with a patient word ("patient #11")."""
    with_word = {
        label
        for sentence in case
        for match in _HASH_MARKER.finditer(sentence.text)
        if match.group("word")
        for label in _hash_labels(match)
    }
    if len(with_word) < 2:
        return []
    return sorted((label for label in named if label.startswith("#")), key=_label_order)


def _add_relatives_of_current(
    doc: Doc, segmentation: Segmentation, case: list[_Sentence], clinical: list[int]
) -> None:
    """A numbered patient's relative who shares the patient's disease ("The mother of the proband
    also had mild facial dysmorphism" in patient 2's paragraph) is an individual too, labelled by
    the patient ("Patient 2 mother"). In a series, a relative with a condition of their own ("his
    father has bipolar disorder") is family history, and one the text numbers ("The father (Case
    2)") is that numbered patient. Under the heading "Patient 2", a first sentence "The proband's
    sister was also born at term" introduces patient 2 herself as the proband's sister."""
    for start, end, owner in list(segmentation.ranges):
        if len(owner.labels) != 1:
            continue
        (patient,) = owner.labels
        within = [s for s in case if start <= s.start_char < end]
        unit = _proband_with_relatives(
            doc, within, clinical, (start, end), prefix=patient, counted_siblings=False
        )
        opening = next(
            (s for s in within if not _marker_labels(s.text) or len(s.text) > _HEADING_LENGTH), None
        )
        for label in unit.relatives:
            stretches = [(s, e) for s, e, o in unit.ranges if o.labels == (label,)]
            said = " ".join(doc_text(doc)[s:e] for s, e in stretches)
            if label in segmentation.labels or not _SHARES_DISEASE.search(said) or _marker_labels(said):
                continue
            if (
                opening is not None
                and stretches[0][0] <= opening.start_char < stretches[0][1]
                and _PROBANDS_RELATIVE_SUBJECT.match(opening.text.lstrip())
            ):
                continue  # the heading's patient, introduced as the proband's relative
            segmentation.labels.append(label)
            segmentation.relatives.add(label)
            if label in unit.relative_sex:
                segmentation.relative_sex[label] = unit.relative_sex[label]
            segmentation.ranges.extend((s, e, Owner((label,))) for s, e in stretches)


def _group_starts(
    case: list[_Sentence], labels: list[str], after: int, clinical: list[int]
) -> list[tuple[_Sentence, list[str]]]:
    """Sentences after `after` that start with the group ("Both patients", "All three siblings")
    and state a clinical fact: every one of `labels` is current there ("All subjects gave consent"
    states none)."""
    return [
        (s, labels)
        for s in case
        if s.start_char > after and _GROUP_SUBJECT.match(s.text) and _states_clinical_fact(s, clinical)
    ]


def _add_current_ranges(
    doc: Doc, segmentation: Segmentation, starts: list[tuple[_Sentence, list[str]]], text_end: int
) -> None:
    """Each start makes its labels current until the next start or the end of its section."""
    for index, (sentence, labels) in enumerate(starts):
        end = starts[index + 1][0].start_char if index + 1 < len(starts) else text_end
        passage_end = _section_end(doc, sentence.start_char, sentence.section, text_end)
        segmentation.ranges.append((sentence.start_char, min(end, passage_end), Owner(tuple(labels))))


def _section_end(doc: Doc, offset: int, section: SectionKind | None, text_end: int) -> int:
    """Where the run of passages of `section` that holds `offset` ends."""
    passages = doc._.passages or []
    end = text_end
    started = False
    for passage in passages:
        if passage.start <= offset < passage.end:
            started = True
        if started:
            if passage.section != section:
                return passage.start
            end = passage.end
    return end if started else text_end


def _states_clinical_fact(sentence: _Sentence, clinical: list[int]) -> bool:
    return any(sentence.start_char <= offset < sentence.end_char for offset in clinical)


def _pedigree_ranges(
    doc: Doc,
    case: list[_Sentence],
    listed: list[tuple[_Sentence, list[str]]],
    clinical: list[int],
    text_end: int,
) -> Segmentation | None:
    """Individuals named by pedigree position ("II-3") or as successive fetuses ("In the second
    pregnancy") that sentences start with, each current until the next; one is a patient when a
    clinical fact is stated while they are current."""
    starts: list[tuple[_Sentence, list[str]]] = []
    for sentence in case:
        if _CITATION.search(sentence.text):
            continue
        match = _PEDIGREE_SUBJECT.match(sentence.text) or _PEDIGREE_IN_BRACKETS.match(sentence.text)
        if match is not None:
            starts.append((sentence, [pedigree_label(match.group("generation"), match.group("n"))]))
        elif fetus := _FETUS_SUBJECT.match(sentence.text):
            number = fetus.group("n") or str(_ORDINALS[fetus.group("ordinal").lower()])
            starts.append((sentence, [f"Fetus {number}"]))
    if not starts and not listed:
        return None
    described = Segmentation(labels=[])
    _add_current_ranges(doc, described, starts, text_end)
    labels = list(
        dict.fromkeys(
            label
            for start, end, owner in described.ranges
            for label in owner.labels
            if any(start <= offset < end for offset in clinical)
        )
    )
    labels = list(dict.fromkeys([*labels, *(label for _, names in listed for label in names)]))
    if not labels:
        return None
    segmentation = Segmentation(labels=labels, family_wide=set(_FAMILY_FACTS))
    kept = [(sentence, names) for sentence, names in starts if names[0] in labels]
    first = min(sentence.start_char for sentence, _ in [*kept, *listed])
    kept += _group_starts(case, labels, first, clinical)
    kept.sort(key=lambda pair: pair[0].start_char)
    _add_current_ranges(doc, segmentation, kept, text_end)
    # a listing sentence is about every member it lists, whoever is current around it
    segmentation.ranges.extend((s.start_char, s.end_char, Owner(tuple(names))) for s, names in listed)
    if len(labels) == 1:
        # one labelled individual: the proband, whose facts are stated throughout the report
        segmentation.ranges.insert(0, (0, text_end, Owner((labels[0],))))
    return segmentation


def _listed_affected(sentences: Iterator[_Sentence]) -> list[tuple[_Sentence, list[str]]]:
    """Sentences listing affected members by pedigree position, with the labels they list."""
    found = []
    for sentence in sentences:
        if _CITATION.search(sentence.text):
            continue
        for match in _AFFECTED_PEDIGREE_LIST.finditer(sentence.text):
            positions = re.finditer(r"([IVX]{1,4})\s?[-.:‐]\s?(\d{1,2})", match.group("list"))
            found.append((sentence, [pedigree_label(m.group(1), m.group(2)) for m in positions]))
    return found


def _family_units(case: list[_Sentence]) -> list[tuple[str, int]]:
    """(family id, start) of each family a heading or a sentence start introduces."""
    units: list[tuple[str, int]] = []
    for sentence in case:
        match = _FAMILY_MARKER.match(sentence.text)
        if match and not _CITATION.search(sentence.text):
            family = match.group("family")
            if all(family != known for known, _ in units):
                units.append((family, sentence.start_char))
    return units


def _named_families(
    doc: Doc, case: list[_Sentence], clinical: list[int], ents: list[Span], text_end: int
) -> Segmentation | None:
    """Families a report tells apart by name anywhere in its sentences ("a novel variant was
    identified in Family 020021", "In an index patient of family DF139, ..."), at least two of them
    with a clinical fact or a variant while current: each sentence that names families makes them
    current until a sentence names another, and each such family is one individual ("Family
    020021"), its index patient. A family named with nothing of its own (a linkage cohort) is none."""
    starts: list[tuple[_Sentence, list[str]]] = []
    for sentence in case:
        if _CITATION.search(sentence.text):
            continue
        names = [
            f"Family {name}"
            for match in _NAMED_FAMILY.finditer(sentence.text)
            for name in re.findall(_FAMILY_ID, match.group("names"))
        ]
        if names:
            starts.append((sentence, list(dict.fromkeys(names))))
    if len({label for _, labels in starts for label in labels}) < 2:
        return None
    current = Segmentation(labels=[])
    _add_current_ranges(doc, current, starts, text_end)
    facts = [*clinical, *(e.start_char for e in ents if e.label_ == VARIANT_LABEL)]
    described = [
        label
        for start, end, owner in current.ranges
        for label in owner.labels
        if any(start <= offset < end for offset in facts)
    ]
    labels = list(dict.fromkeys(described))
    if len(labels) < 2:
        return None
    segmentation = Segmentation(labels=labels, family_wide=set(_FAMILY_FACTS), unrelated=True)
    segmentation.ranges = [
        (start, end, Owner(kept))
        for start, end, owner in current.ranges
        if (kept := tuple(label for label in owner.labels if label in labels))
    ]
    return segmentation


def _families(doc: Doc, units: list[tuple[str, int]], clinical: list[int]) -> Segmentation:
    """Each family's stretch (from its introduction to the next family's, or the end of its
    section) read as a proband with relatives, labelled by the family."""
    text_end = len(doc_text(doc))
    case_by_start: list[_Sentence] = []
    segmentation = Segmentation(labels=[])
    for index, (family, start) in enumerate(units):
        next_start = units[index + 1][1] if index + 1 < len(units) else text_end
        passage = passage_at(doc, start)
        end = min(next_start, _section_end(doc, start, passage.section if passage else None, text_end))
        case_by_start = [s for s in _case_sentences_of(doc, start, end)]
        unit = _proband_with_relatives(doc, case_by_start, clinical, (start, end), prefix=f"Family {family}")
        segmentation.labels.extend(unit.labels)
        segmentation.ranges.extend(unit.ranges)
        segmentation.relative_sex.update(unit.relative_sex)
        segmentation.relatives.update(unit.relatives)
    return segmentation


def _case_sentences_of(doc: Doc, start: int, end: int) -> Iterator[_Sentence]:
    sentences = SentenceIndex(doc)
    for sentence in _case_sentences(doc, sentences):
        if start <= sentence.start_char < end:
            yield sentence


def _proband_with_relatives(
    doc: Doc,
    case: list[_Sentence],
    clinical: list[int],
    bounds: tuple[int, int],
    *,
    prefix: str,
    counted_siblings: bool = True,
) -> Segmentation:
    """The proband of `bounds` (all of it), and each relative the text describes with a clinical
    fact of the relative's own: a relative a sentence starts with ("His elder brother died...",
    "The proband's 58-year-old mother had ..."), with the following sentences of the paragraph that
    go on with the relative's pronoun; or one the proband "has" ("He has a brother with ADHD and a
    cousin who was born with an imperforate anus": each from its mention to the next)."""
    proband = prefix or PROBAND
    segmentation = Segmentation(labels=[proband])
    segmentation.ranges.append((bounds[0], bounds[1], Owner((proband,))))
    stretches: list[tuple[str, str | None, int, list[tuple[int, int]]]] = []  # label, sex, mention, ranges
    current: tuple[str, str | None, int, list[tuple[int, int]]] | None = None
    affected: set[str] = set()
    for sentence in case:
        if not bounds[0] <= sentence.start_char < bounds[1] or _CITATION.search(sentence.text):
            current = None
            continue
        text = sentence.text.lstrip()
        lead = len(sentence.text) - len(text)
        match = _RELATIVE_SUBJECT.match(text)
        if match:
            label, sex = _relative(prefix, match.group("rel"), match.group("kind"))
            current = (label, sex, sentence.start_char + lead + match.start("rel"), [])
            current[3].append((sentence.start_char, sentence.end_char))
            stretches.append(current)
            if also := _AND_RELATIVE.match(text, match.end()):
                label, sex = _relative(prefix, also.group("rel"), also.group("kind"))
                offset = sentence.start_char + lead + also.start("rel")
                stretches.append((label, sex, offset, [(sentence.start_char, sentence.end_char)]))
        elif (
            current is not None
            and _same_passage(case, current[2], sentence)
            and _continues_with(text, current[1])
        ):
            current[3].append((sentence.start_char, sentence.end_char))
            continue
        else:
            current = None
            stretches.extend(_relatives_in_clauses(prefix, sentence))
        for mention in _AFFECTED_RELATIVE.finditer(sentence.text):
            label, sex = _relative(prefix, mention.group("rel"), mention.group("kind"))
            affected.add(label)
            stretches.append((label, sex, sentence.start_char + mention.start("rel"), [sentence[:2]]))
        mentions = list(_RELATIVE_OBJECT.finditer(sentence.text))
        if match and mentions:
            # "the mother also had 2 daughters and one son with the same condition who all died":
            # what follows the relatives she had is theirs, not hers
            cut = (sentence.start_char, sentence.start_char + mentions[0].start())
            for stretch in stretches:
                if stretch[3] and stretch[3][-1] == (sentence.start_char, sentence.end_char):
                    stretch[3][-1] = cut
        for index, mention in enumerate(mentions):
            end = mentions[index + 1].start() if index + 1 < len(mentions) else len(sentence.text)
            label, sex = _relative(prefix, mention.group("rel"), mention.group("kind"))
            part = (sentence.start_char + mention.start(), sentence.start_char + end)
            stretches.append((label, sex, part[0], [part]))
    owners: dict[tuple[int, int], list[str]] = {}  # a range about two relatives is about both
    # a relative named without a course of their own ("both parents were healthy") is no
    # individual; one with a course anywhere owns every sentence about them
    with_course = affected | {
        label
        for label, _, _, ranges in stretches
        if any(start <= offset < end for start, end in ranges for offset in clinical)
    }
    for label, sex, mention_start, ranges in stretches:
        if label not in with_course:
            continue
        if label not in segmentation.labels:
            segmentation.labels.append(label)
            segmentation.relatives.add(label)
            if sex is not None:
                span = doc.char_span(mention_start, mention_start + 1, alignment_mode="expand")
                if span is not None:
                    segmentation.relative_sex[label] = (sex, span)
        for stretch in ranges:
            owners.setdefault(stretch, []).append(label)
    segmentation.ranges.extend((start, end, Owner(tuple(labels))) for (start, end), labels in owners.items())
    if counted_siblings:  # a numbered patient stays one whatever siblings the text counts
        _no_proband_among_counted_siblings(segmentation, case, proband)
    return segmentation


def _relatives_in_clauses(
    prefix: str, sentence: _Sentence
) -> Iterator[tuple[str, str | None, int, list[tuple[int, int]]]]:
    """A relative a clause inside the sentence starts with, from that clause to the next."""
    starts = [m.end() for m in _CLAUSE_START.finditer(sentence.text)]
    for index, start in enumerate(starts):
        match = _RELATIVE_SUBJECT.match(sentence.text[start:])  # its "^" is the clause's start
        if match is None:
            continue
        end = starts[index + 1] if index + 1 < len(starts) else len(sentence.text)
        label, sex = _relative(prefix, match.group("rel"), match.group("kind"))
        part = (sentence.start_char + start, sentence.start_char + end)
        yield label, sex, sentence.start_char + start + match.start("rel"), [part]


def _no_proband_among_counted_siblings(
    segmentation: Segmentation, case: list[_Sentence], proband: str
) -> None:
    """ "Two brothers were referred. The elder brother ... The younger brother ...": the siblings the
    report counts are all its patients, and what it says of no one of them it says of both."""
    siblings = [label for label in segmentation.relatives if _SIBLING_LABEL.search(label)]
    counted = {_COUNTS[m.group("count").lower()] for s in case for m in _SIBLING_COUNT.finditer(s.text)}
    if len(siblings) < 2 or len(siblings) not in counted:
        return
    segmentation.labels.remove(proband)
    segmentation.ranges = [
        (start, end, Owner(tuple(siblings)) if owner.labels == (proband,) else owner)
        for start, end, owner in segmentation.ranges
    ]


def _relative(prefix: str, written: str, kind: str) -> tuple[str, str | None]:
    """The label and sex of a relative as written ("elder brother", "Family 2 sister")."""
    relation = re.sub(r"\s+", " ", written.lower()).removesuffix("s").removeprefix("affected ")
    relation = re.sub(r"\bsib$", "sibling", relation)
    relation = re.sub(r"^\d+[- ]years?[- ]old ", "", relation)
    return f"{prefix} {relation}".strip(), _RELATIVE_KINDS[kind.lower()]


def _same_passage(case: list[_Sentence], offset: int, sentence: _Sentence) -> bool:
    return (
        next((s.passage_start for s in case if s.start_char <= offset < s.end_char), None)
        == sentence.passage_start
    )


def _continues_with(text: str, sex: str | None) -> bool:
    first = text.split(" ", 1)[0].lower()
    return sex is not None and first in _PRONOUNS[sex]


def _clinical_offsets(doc: Doc, ents: list[Span]) -> list[int]:
    """Where a clinical fact of someone is stated: a sign that is not negated, a death or a
    transplant. A genotype alone is not one ("the mother was a heterozygous carrier")."""
    offsets = [e.start_char for e in ents if e.label_ == "DISEASE" and not is_flagged(e, ("negated",))]
    offsets.extend(s.start_char for s in doc.spans.get("hsct", []))
    offsets.extend(s.start_char for s in doc.spans.get("outcome", []) if s._.outcome_status == "deceased")
    return sorted(offsets)


# -- tables --------------------------------------------------------------------------------------


def _table_cells(doc: Doc, text: str) -> list[Cell]:
    cells: list[Cell] = []
    for table in doc._.tables or []:
        offsets = _row_offsets(text, table)
        if offsets is None:
            continue
        header_cells, body = offsets
        column_labels = _column_labels(table.header)
        if sum(label is not None for label in column_labels) >= 2:  # one patient per column
            for row, row_cells in zip(table.rows, body, strict=True):
                name = row[0] if row else ""
                for column, (start, end) in enumerate(row_cells):
                    label = column_labels[column] if column < len(column_labels) else None
                    if label is not None:
                        cells.append(Cell(start, end, label, name, row_cells[0]))
            continue
        label_column = next(
            (i for i, cell in enumerate(table.header) if _PATIENT_COLUMN.match(cell.strip())), None
        )
        if label_column is None:
            continue
        row_labels = [_row_label(row, label_column) for row in table.rows]
        if sum(label is not None for label in row_labels) < 2:
            continue
        for row_label, row_cells in zip(row_labels, body, strict=True):
            for column, (start, end) in enumerate(row_cells):
                if row_label is not None and column != label_column and column < len(table.header):
                    cells.append(Cell(start, end, row_label, table.header[column], header_cells[column]))
    return cells


def _without_footnote_marks(cells: list[Cell], named: set[str]) -> list[Cell]:
    """A column "#111" of a series whose text names "#11" (and never "#111") is #11 with a footnote
    mark that the text's flattening wrote as a digit ("#11¹")."""
    relabelled: dict[str, str] = {}
    for label in {cell.label for cell in cells} - named:
        shorter = label[:-1] if label[-1].isdigit() and label[-2:-1].isdigit() else None
        if shorter is not None and shorter in named:
            relabelled[label] = shorter
    return [replace(cell, label=relabelled.get(cell.label, cell.label)) for cell in cells]


def _table_owners(cells: list[Cell]) -> list[tuple[int, int, Owner]]:
    """Each cell belongs to its patient; the names (headers) to no one: a sign named in a header is
    read through the "+" cells below it."""
    ranges = [(cell.start, cell.end, Owner((cell.label,), cell.name)) for cell in cells]
    names = {cell.name_range for cell in cells if cell.name_range is not None}
    ranges.extend((start, end, Owner(())) for start, end in sorted(names))
    return ranges


def _column_labels(header: list[str]) -> list[str | None]:
    """The patient each column names: "Patient 2" or "II-3" in its header, or a bare number under a
    first header cell that says what the numbers are ("Patient | 1 | 2 | 3")."""
    labels = [_explicit_label(cell) for cell in header]
    if sum(label is not None for label in labels) < 2 and header and _PATIENT_WORD.match(header[0].strip()):
        numbered = [None, *(_numbered_label(cell) for cell in header[1:])]
        if sum(label is not None for label in numbered) >= 2:
            return numbered
    return labels


def _explicit_label(cell: str) -> str | None:
    match = _EXPLICIT_LABEL_CELL.match(cell.strip())
    if match is None:
        return None
    if match.group("generation"):
        return pedigree_label(match.group("generation").upper(), match.group("position"))
    if match.group("hash"):
        return f"#{int(match.group('hash'))}"
    return patient_label(match.group("n"))


def _row_label(row: list[str], column: int) -> str | None:
    return _numbered_label(row[column]) if column < len(row) else None


def _numbered_label(cell: str) -> str | None:
    """ "P2", "Case 3", "2" -> "Patient 2"; None for a cell that names no numbered patient."""
    match = _LABEL_CELL.match(cell.strip())
    return patient_label(match.group("n")) if match else None


def _row_offsets(text: str, table: Table) -> tuple[list[tuple[int, int]], list[list[tuple[int, int]]]] | None:
    """Character ranges of the header cells and of each body row's cells, found by the row lines the
    parser rendered into the text (None when the text does not hold them as expected)."""
    lines = [table.header] if table.header else []
    lines += table.rows
    search_from = table.start
    found: list[list[tuple[int, int]]] = []
    for cells in lines:
        line = TABLE_CELL_SEPARATOR.join(cells)
        at = text.find(line, search_from, table.end + 1) if line else -1
        if at < 0:
            return None
        offsets = []
        position = at
        for cell in cells:
            offsets.append((position, position + len(cell)))
            position += len(cell) + len(TABLE_CELL_SEPARATOR)
        found.append(offsets)
        search_from = at + len(line)
    return (found[0], found[1:]) if table.header else ([], found)


__all__ = [
    "CASE_SECTIONS",
    "PROBAND",
    "Cell",
    "Owner",
    "Segmentation",
    "patient_label",
    "pedigree_label",
    "segment",
]
