"""spaCy component `caseminer_patients`: one `Patient` per described individual, with its facts.

It runs last and reads what the other components found: ``doc.ents`` (GENE, DISEASE, CHEMICAL,
PROCEDURE, VARIANT), the span groups ``ages``, ``durations``, ``sex``, ``consanguinity``,
``country``, ``hsct`` and ``outcome``, and the context flags of each span. It writes
``Doc._.patients`` (a list of :class:`caseminer.schemas.extraction.Patient`).

Who is described (the segmentation):

* **Patient tables.** The pipeline copies the parsed ``Document.tables`` onto ``Doc._.tables``
  (:func:`attach_tables`). A table whose header names a patient column ("Patient", "Case", "No.")
  with a label in each row ("P1", "2", "Case 3") has one patient per row; a table whose header cells
  are themselves labels ("Patient 1 | Patient 2") has one patient per column. A fact found in a cell
  belongs to that cell's patient; the column (or row) name gives its meaning ("Sex" cells "M"/"F",
  "Age at onset" ages, "+" under a sign).
* **Case series.** Patients numbered from 1 without gaps ("Patient 1", "Case 2", "P3", "Patients 1
  and 2"; at least 1 and 2) in the case sections. A sentence naming patients makes them current
  until another sentence names others or the section changes; facts in between belong to the
  current patients. Family facts (consanguinity, country) outside every patient's range belong to
  every patient.
* **Affected relatives.** A case-section sentence whose subject is a relative ("His elder brother
  died at 5 months of sepsis") and that states a clinical fact makes that relative a patient of
  its own (SCHEMA.md: only when the report describes the relative's course); such sentences, and
  the following ones of the paragraph that go on with the relative's pronoun, are the relative's.
* Otherwise the document describes one patient, the ``proband``.

Which facts count (general rules, each documented where it is applied):

* Phenotypes: DISEASE mentions in case-describing sections (abstract, case, results, tables,
  figure captions, unstructured text; the title only when the record is nothing but a title) that
  are not negated, uncertain, hypothetical, background or about a relative (except in a
  relative's own record). HP ids first, then MONDO and MeSH; an onset age of the same sentence.
* Treatments: CHEMICAL / PROCEDURE mentions in those sections with the same context rules that the
  patient received: a treatment cue in the sentence ("treated with", "started on", "mg", "oral"),
  not a lab analyte ("serum bilirubin", "insulin levels"), not a diagnostic procedure (biopsy,
  endoscopy, imaging), and a stem cell transplant only when the HSCT component says it was done.
  A patient-table column about treatment counts as the cue.
* Ages go to the field of their role; an age right before a person noun ("a 60-year-old woman")
  is the age at presentation. The age at diagnosis is the latest diagnosis age not after the
  presentation (an early sign is often diagnosed first: "diabetes diagnosed at 3 weeks", the
  syndrome "at 11 months"), else the age at presentation (a case report's diagnosis is made at the
  presentation it describes). Onset: the earliest onset age.
* Sex: a person noun decides; pronouns only by majority when no noun does.
* Outcome: a death stated for the patient makes it "deceased", else the last stated "alive" cue;
  a report that states neither leaves it "unknown" (never a default).

Each fact keeps its provenance (document, section, offsets, sentence, extractor and version).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.ages import days_of
from caseminer.extractors.context import SentenceIndex, refers_to_patient
from caseminer.extractors.sections import passage_at, section_of
from caseminer.parsing.builder import TABLE_CELL_SEPARATOR
from caseminer.schemas.document import Document, SectionKind, Table
from caseminer.schemas.extraction import (
    Age,
    Hsct,
    Outcome,
    Patient,
    PatientPhenotype,
    PatientTreatment,
    PatientVariant,
    Provenance,
)
from caseminer.vocab.normalize import key_tokens

COMPONENT = "caseminer_patients"
PROBAND = "proband"
# Sections that describe the patient(s) rather than the literature; None = text without structure.
CASE_SECTIONS: frozenset[SectionKind | None] = frozenset(
    {"title", "abstract", "case", "results", "table", "figure", "other", None}
)
# Which component wrote each span group / entity label (for provenance).
EXTRACTOR_OF = {
    "ages": "caseminer_ages",
    "durations": "caseminer_ages",
    "sex": "caseminer_demographics",
    "consanguinity": "caseminer_demographics",
    "country": "caseminer_demographics",
    "hsct": "caseminer_clinical",
    "outcome": "caseminer_clinical",
    "VARIANT": "caseminer_variants",
}
# A discussion sentence is about the patient when it names them among the first words of a clause
# ("In our patient", "We suspected our patient", a leading citation number "3 Our case").
_PATIENT_AS_TOPIC_WORDS = 3
_CONTEXT_FLAGS = ("negated", "hypothetical", "background", "uncertain")
PatientFactT = TypeVar("PatientFactT", PatientPhenotype, PatientTreatment)

for _name in ("patients", "tables", "doc_id", "extractor_version"):
    Doc.set_extension(_name, default=None, force=True)

_NUMBER = r"(?:\d{1,2}|[IVX]{1,4}\b)"
_SERIES_MARKER = re.compile(
    rf"\b(?:(?:[Pp]atients?|[Cc]ases?|[Ss]ubjects?|[Pp]robands?)\s+(?:[Nn]o\.?\s*)?"
    rf"(?P<list>{_NUMBER}(?:\s*(?:,|and|&|-|–|to)\s*{_NUMBER})*)"
    rf"|\bP(?:t\.?\s?)?(?P<short>\d{{1,2}})\b)"
)
_SUBJECT_MARKER = re.compile(rf"\W*(?:(?:[Ii]n|[Ff]or)\s+)?(?:[Tt]he\s+)?(?:{_SERIES_MARKER.pattern})")
_LABEL_CELL = re.compile(
    r"^(?:(?:patient|case|subject|proband|pt\.?|p)\s*(?:no\.?\s*)?)?(?P<n>\d{1,2}|[IVX]{1,4})$", re.IGNORECASE
)
_EXPLICIT_LABEL_CELL = re.compile(
    r"^(?:patient|case|subject|pt\.?|p)\s*(?:no\.?\s*)?(\d{1,2}|[IVX]{1,4})$", re.I
)
_PATIENT_COLUMN = re.compile(r"^(?:patients?|cases?|subjects?|pts?\.?|no\.?|#|id|p)$", re.IGNORECASE)
_RELATIVE_SUBJECT = re.compile(
    r"^(?:(?:the|his|her|their|our)\s+(?:patient'?s\s+|proband'?s\s+)?)?"
    r"(?P<rel>(?:(?:older|elder|eldest|younger|youngest|twin|first|second|third|maternal|paternal)\s+)?"
    r"(?P<kind>brother|sister|sibling|cousin|twin))\b",
    re.IGNORECASE,
)
_PRONOUN_OF = {"brother": ("he", "his"), "sister": ("she", "her")}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_SEX_CELL = {"m": "male", "male": "male", "boy": "male", "f": "female", "female": "female", "girl": "female"}
_POSITIVE_CELL = frozenset({"+", "++", "yes", "y", "present", "positive"})
_DECEASED_CELL = re.compile(r"\b(?:died|dead|deceased|death|expired)\b|^d$|†", re.IGNORECASE)
_ALIVE_CELL = re.compile(r"\b(?:alive|living|well|survived|a&w)\b|^a$", re.IGNORECASE)
_NO_CELL = frozenset({"-", "no", "none", "n", "not done", "nd", "—", "–"})
_TREATMENT_CUE = re.compile(
    r"\b(?:treat(?:ed|ment)|therap(?:y|ies)|receiv(?:ed|ing)|given|start(?:ed)?|initiated|administ(?:ered|ration)"
    r"|prescribed|switched|continu(?:ed|es)|discontinued|stopped|dos(?:e|es|ing)"
    r"|\d+\s*(?:mg|g|iu|units?|µg|mcg)\b(?!\s*/\s*(?:d?l|ml|dl)\b)"
    r"|infusions?|intravenous(?:ly)?|oral(?:ly)?|i\.?v\.?|injections?|regimen|placed on|managed"
    r"|on\s+(?:a|an)\b|tapered|weaned|add(?:ed|ition)|replaced|supplement(?:ed|ation)?|course of"
    r"|responded|response to|improve(?:d|ment) (?:with|on|after)|controlled with|failed|trials? of"
    r"|taking|took|use of|requir(?:ed|ing))\b",
    re.IGNORECASE,
)
_LAB_WORDS = r"(?:serum|plasma|urine|urinary|blood|total|direct|indirect|fasting|low|high|elevated)"
_LAB_BEFORE = re.compile(rf"\b{_LAB_WORDS}\s+$", re.I)
_LAB_NAME = re.compile(rf"{_LAB_WORDS}\s", re.I)  # "blood glucose", "serum albumin" as one mention
_LAB_AFTER = re.compile(
    r"\s*(?:\(|,)?\s*(?:levels?|concentrations?|values?|of\s+\d|was\s+(?:elevated|low|high|normal|\d)"
    r"|were\s+(?:elevated|low|high|normal)|\d|<|>|ratio|clearance"
    r"|(?:challenge|stimulation|tolerance|suppression|provocation)\b|tests?\b)",
    re.IGNORECASE,
)
# A process or state of the body that a chemical's name begins.
_PROCESS_AFTER = re.compile(
    r"[ -](?:synthe(?:sis|tic)|metabolism|malabsorption|transport(?:er)?|resistance|intolerance|allergy)\b",
    re.IGNORECASE,
)
_DIAGNOSTIC = re.compile(
    r"biops|scop(?:y|ies)\b|graphy|imaging|tomograph|\bCT\b|\bMRI?\b|ultraso|examination|stain|histolog"
    r"|microscop|test(?:s|ing)?\b|screening|hospitali[sz]ation|decompression",
    re.IGNORECASE,
)
# How a drug was given ("insulin injections", "an infusion"), not a treatment of its own.
_ADMINISTRATION = re.compile(
    r"(?:(?:subcutaneous|intravenous|intramuscular|oral)\s+)?(?:injections?|infusions?|administration)", re.I
)
_TIME_PREFIX = re.compile(r"(?:post|pre|peri)-", re.I)
_TIME_PREFIX_BEFORE = re.compile(r"\b(?:post|pre|peri)[- ]?\Z", re.I)
_TRANSPLANT = re.compile(r"stem cell|bone marrow|cord blood|h(?:a)?ematopoietic|\bHS?CT\b|\bBMT\b", re.I)
_CELL_GROUPS = frozenset({"ages", "durations", "sex", "outcome", "hsct", "consanguinity"})
_SEX_COLUMN = re.compile(r"\b(?:sex|gender)\b", re.I)
_OUTCOME_COLUMN = re.compile(r"outcome|status|alive|surviv|death|died", re.I)
_HSCT_COLUMN = re.compile(r"hsct|\bbmt\b|\bsct\b|transplant", re.I)
_CONSANGUINITY_COLUMN = re.compile(r"consanguin", re.I)
_TREATMENT_COLUMN = re.compile(r"treat|therap|drug|medication|immunosuppress", re.I)
_UNIT_IN_NAME = re.compile(r"\((years?|y|months?|mo|weeks?|wk|days?|d)\)", re.I)
_DONOR_CELL = (
    ("haploidentical", re.compile(r"haplo", re.I)),
    ("matched sibling", re.compile(r"\b(?:msd|sibling)\b", re.I)),
    ("matched unrelated", re.compile(r"\b(?:mud|unrelated)\b", re.I)),
    ("cord blood", re.compile(r"\b(?:cord|ucb)\b", re.I)),
)
_AGE_ROLE_OF_COLUMN = (
    (re.compile(r"onset|first symptom", re.I), "onset"),
    (re.compile(r"diagnos", re.I), "diagnosis"),
    (re.compile(r"hsct|transplant|bmt", re.I), "transplant"),
    (re.compile(r"death|died", re.I), "death"),
    (re.compile(r"last|follow|current", re.I), "last_report"),
    (re.compile(r"present|admission|age", re.I), "presentation"),
)


def patient_label(number: str) -> str:
    """Canonical label of a numbered patient: "Case 2", "P2", "patient II" -> "Patient 2"."""
    return f"Patient {_ROMAN.get(number.upper(), number) if not number.isdigit() else int(number)}"


def attach_tables(doc: Doc, document: Document) -> Doc:
    """Copy the document's tables onto the spaCy Doc so patient tables can be read cell by cell."""
    doc._.tables = list(document.tables)
    return doc


def is_flagged(span: Span, flags: Iterable[str] = _CONTEXT_FLAGS) -> bool:
    """True when the context component set any of `flags` on the span."""
    return any(Span.has_extension(flag) and span._.get(flag) for flag in flags)


def is_family(span: Span) -> bool:
    return Span.has_extension("family") and bool(span._.family)


def gene_of_variant(
    variant: Span, genes: list[Span], topic_gene: Span | None, sentences: SentenceIndex
) -> Span | None:
    """The GENE mention a variant belongs to: the symbol written right before it ("FOXP3
    c.1150G>A") when it is a known gene, else the nearest gene in its sentence (preceding first),
    else the nearest preceding one in its paragraph, else the document's most mentioned gene."""
    written = variant._.gene_symbol if Span.has_extension("gene_symbol") else None
    if written:
        named = [g for g in genes if written in (g.text, g._.concept_label)]
        if named:
            return min(named, key=lambda g: abs(g.start_char - variant.start_char))
    sentence = sentences.sentence_at(variant.start_char)
    in_sentence = [g for g in genes if sentence.start_char <= g.start_char < sentence.end_char]
    if in_sentence:
        return min(
            in_sentence,
            key=lambda g: (g.start_char > variant.start_char, abs(g.start_char - variant.start_char)),
        )
    passage = passage_at(variant.doc, variant.start_char)
    if passage is not None:
        before = [g for g in genes if passage.start <= g.start_char < variant.start_char]
        if before:
            return before[-1]
    return topic_gene


def topic_gene_of(genes: list[Span]) -> Span | None:
    """The most mentioned gene concept (first mention), the gene a report's variants default to."""
    counts = Counter(g._.concept_id or g.text for g in genes)
    if not counts:
        return None
    best = counts.most_common(1)[0][0]
    return next(g for g in genes if (g._.concept_id or g.text) == best)


def gene_symbol(gene: Span) -> str:
    label = gene._.concept_label
    return label if isinstance(label, str) and " " not in label else gene.text


@dataclass(frozen=True, slots=True)
class _Cell:
    """A table cell of one patient; `name` is what the cell says (its column header, or its row's
    first cell when patients are columns) and `name_range` where that name is written."""

    start: int
    end: int
    label: str
    name: str
    name_range: tuple[int, int] | None


@dataclass
class _Owner:
    """Who a character range belongs to: the patients, plus the table column naming the cell."""

    labels: tuple[str, ...]
    column: str | None = None


@dataclass
class _Segmentation:
    labels: list[str]
    # (start, end, owner) ranges, sorted; a position outside every range belongs to no one.
    ranges: list[tuple[int, int, _Owner]] = field(default_factory=list)
    relative_sex: dict[str, tuple[str, Span]] = field(default_factory=dict)
    family_wide: set[str] = field(default_factory=set)  # span groups applying to every patient
    cells: list[_Cell] = field(default_factory=list)

    def owner(self, start: int) -> _Owner | None:
        found: _Owner | None = None
        for range_start, range_end, owner in self.ranges:
            if range_start <= start < range_end:
                found = owner  # later (narrower) ranges refine earlier ones
        return found


@Language.factory(COMPONENT, default_config={"topic_concepts": []})
def make_patients(nlp: Language, name: str, topic_concepts: list[str]) -> PatientAssembler:
    return PatientAssembler(topic_concepts)


class PatientAssembler:
    """`topic_concepts`: ids of the disease the registry is about (the topic's focus concepts).
    Every patient of the registry has it, so it is the patients' diagnosis, not one of their
    phenotypes."""

    def __init__(self, topic_concepts: Iterable[str] = ()) -> None:
        self.topic_concepts = frozenset(topic_concepts)

    def __call__(self, doc: Doc) -> Doc:
        sentences = SentenceIndex(doc)  # Span.sent and Doc.text walk every token on each call
        ents = list(doc.ents)  # and Doc.ents builds new spans on each access
        segmentation = _segment(doc, sentences, ents)
        builders = {
            label: _PatientBuilder(doc, label, sentences, ents, self.topic_concepts)
            for label in segmentation.labels
        }
        for label, (sex, span) in segmentation.relative_sex.items():
            builders[label].set_sex(sex, span, COMPONENT)
        self._assign_facts(doc, ents, segmentation, builders)
        for cell in segmentation.cells:
            builders[cell.label].read_cell(cell)
        doc._.patients = [builders[label].build() for label in segmentation.labels]
        return doc

    def _assign_facts(
        self, doc: Doc, ents: list[Span], segmentation: _Segmentation, builders: dict[str, _PatientBuilder]
    ) -> None:
        genes = [e for e in ents if e.label_ == "GENE"]
        topic_gene = topic_gene_of(genes)
        for group, span in _facts(doc, ents):
            owner = segmentation.owner(span.start_char)
            if owner is None:
                if group in segmentation.family_wide and section_of(span) in CASE_SECTIONS:
                    targets = segmentation.labels
                else:
                    continue
            else:
                targets = list(owner.labels)
            for label in targets:
                builder = builders[label]
                relative = label not in (PROBAND,) and not label.startswith("Patient ")
                if is_family(span) and not relative and group not in ("consanguinity", "country"):
                    continue
                builder.add(group, span, owner.column if owner else None, genes, topic_gene)


def _facts(doc: Doc, ents: list[Span]) -> Iterator[tuple[str, Span]]:
    for ent in ents:
        yield ent.label_, ent
    for group in ("ages", "durations", "sex", "consanguinity", "country", "hsct", "outcome"):
        if group in doc.spans:
            for span in doc.spans[group]:
                yield group, span


# -- segmentation --------------------------------------------------------------------------------


def _segment(doc: Doc, sentences: SentenceIndex, ents: list[Span]) -> _Segmentation:
    cells = _table_cells(doc, sentences.text)
    table_ranges = _table_owners(cells)
    table_labels = list(dict.fromkeys(cell.label for cell in cells))
    series = _series_ranges(doc, sentences)
    if series is not None and len(series.labels) >= 2:
        series.labels = sorted({*series.labels, *table_labels}, key=_label_order)
        series.ranges.extend(table_ranges)
        series.cells = cells
        return series
    if len(table_labels) >= 2:
        return _Segmentation(labels=table_labels, ranges=table_ranges, cells=cells)
    return _proband_with_relatives(doc, sentences, ents)


def _label_order(label: str) -> tuple[int, str]:
    number = label.rsplit(" ", 1)[-1]
    return (int(number), label) if number.isdigit() else (10_000, label)


class _Sentence(NamedTuple):
    start_char: int
    end_char: int
    text: str
    section: SectionKind | None


def _case_sentences(doc: Doc, sentences: SentenceIndex) -> Iterator[_Sentence]:
    for bounds in sentences.sentences:
        passage = passage_at(doc, bounds.start_char)
        section = passage.section if passage else None
        if section in CASE_SECTIONS and section != "table":
            text = sentences.text[bounds.start_char : bounds.end_char]
            yield _Sentence(bounds.start_char, bounds.end_char, text, section)


def _marker_labels(text: str) -> list[str]:
    labels: list[str] = []
    for match in _SERIES_MARKER.finditer(text):
        if match.group("short"):
            labels.append(patient_label(match.group("short")))
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
    return list(dict.fromkeys(labels))


def _series_ranges(doc: Doc, sentences: SentenceIndex) -> _Segmentation | None:
    """Ranges of the current numbered patients; None unless at least patients 1 and 2 are named.
    A series numbers its patients 1, 2, 3...: numbers past the first gap ("P53" in a series of
    two) are something else, as is a lone "case 3" cited from another report. Only a sentence
    that starts with patients (a heading "Patient 2", "Patient 2 was...", "In patients 1 and 2,")
    makes them current; "The younger brother of Patient 1 ..." goes on about the current one."""
    markers = [(s, labels) for s in _case_sentences(doc, sentences) if (labels := _marker_labels(s.text))]
    named = {label for _, labels in markers for label in labels}
    series: list[str] = []
    while patient_label(str(len(series) + 1)) in named:
        series.append(patient_label(str(len(series) + 1)))
    if len(series) < 2:
        return None
    segmentation = _Segmentation(labels=series, family_wide={"consanguinity", "country"})
    markers = [
        (sentence, kept)
        for index, (sentence, labels) in enumerate(markers)
        if (kept := [label for label in labels if label in series])
        and (index == 0 or _SUBJECT_MARKER.match(sentence.text))
    ]
    text_end = len(sentences.text)
    for index, (sentence, labels) in enumerate(markers):
        end = markers[index + 1][0].start_char if index + 1 < len(markers) else text_end
        passage_end = _section_end(doc, sentence.start_char, sentence.section, text_end)
        segmentation.ranges.append((sentence.start_char, min(end, passage_end), _Owner(tuple(labels))))
    return segmentation


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


def _proband_with_relatives(doc: Doc, sentences: SentenceIndex, ents: list[Span]) -> _Segmentation:
    segmentation = _Segmentation(labels=[PROBAND])
    segmentation.ranges.append((0, len(sentences.text), _Owner((PROBAND,))))
    clinical = _clinical_offsets(doc, ents)
    current: tuple[str, str, int] | None = None  # (label, kind, passage start)
    for sentence in _case_sentences(doc, sentences):
        passage = passage_at(doc, sentence.start_char)
        passage_start = passage.start if passage else -1
        match = _RELATIVE_SUBJECT.match(sentence.text.lstrip())
        if match and any(sentence.start_char <= o < sentence.end_char for o in clinical):
            kind = match.group("kind").lower()
            label = re.sub(r"\s+", " ", match.group("rel").lower())
            current = (label, kind, passage_start)
            if label not in segmentation.labels:
                segmentation.labels.append(label)
                if kind in _PRONOUN_OF:
                    offset = sentence.start_char + sentence.text.index(match.group("rel"))
                    span = doc.char_span(offset, offset + len(match.group("rel")), alignment_mode="expand")
                    if span is not None:
                        segmentation.relative_sex[label] = ("male" if kind == "brother" else "female", span)
        elif current is None or current[2] != passage_start or not _continues_with(sentence, current[1]):
            current = None
            continue
        segmentation.ranges.append((sentence.start_char, sentence.end_char, _Owner((current[0],))))
    return segmentation


def _continues_with(sentence: _Sentence, kind: str) -> bool:
    first = sentence.text.lstrip().split(" ", 1)[0].lower()
    return first in _PRONOUN_OF.get(kind, ())


def _clinical_offsets(doc: Doc, ents: list[Span]) -> list[int]:
    offsets = [
        e.start_char for e in ents if e.label_ in ("DISEASE", "VARIANT") and not is_flagged(e, ("negated",))
    ]
    for group in ("outcome", "hsct"):
        if group in doc.spans:
            offsets.extend(s.start_char for s in doc.spans[group])
    return offsets


# -- tables --------------------------------------------------------------------------------------


def _table_cells(doc: Doc, text: str) -> list[_Cell]:
    cells: list[_Cell] = []
    for table in doc._.tables or []:
        offsets = _row_offsets(text, table)
        if offsets is None:
            continue
        header_cells, body = offsets
        column_labels = [_explicit_label(cell) for cell in table.header]
        if sum(label is not None for label in column_labels) >= 2:  # one patient per column
            for row, row_cells in zip(table.rows, body, strict=True):
                name = row[0] if row else ""
                for column, (start, end) in enumerate(row_cells):
                    label = column_labels[column] if column < len(column_labels) else None
                    if label is not None:
                        cells.append(_Cell(start, end, label, name, row_cells[0]))
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
                    cells.append(_Cell(start, end, row_label, table.header[column], header_cells[column]))
    return cells


def _table_owners(cells: list[_Cell]) -> list[tuple[int, int, _Owner]]:
    """Each cell belongs to its patient; the names (headers) to no one: a sign named in a header is
    read through the "+" cells below it."""
    ranges = [(cell.start, cell.end, _Owner((cell.label,), cell.name)) for cell in cells]
    names = {cell.name_range for cell in cells if cell.name_range is not None}
    ranges.extend((start, end, _Owner(())) for start, end in sorted(names))
    return ranges


def _explicit_label(cell: str) -> str | None:
    match = _EXPLICIT_LABEL_CELL.match(cell.strip())
    return patient_label(match.group(1)) if match else None


def _row_label(row: list[str], column: int) -> str | None:
    match = _LABEL_CELL.match(row[column].strip()) if column < len(row) else None
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


# -- one patient's record ------------------------------------------------------------------------


class _PatientBuilder:
    def __init__(
        self,
        doc: Doc,
        label: str,
        sentences: SentenceIndex,
        ents: list[Span],
        topic_concepts: frozenset[str] = frozenset(),
    ) -> None:
        self.doc = doc
        self.topic_concepts = topic_concepts
        self.sentences = sentences
        self.ents = ents
        # A title names the case in general terms the text then details ("nephropathy"); its signs
        # are the patient's own only when the record has nothing but a title.
        self.title_only = all(p.section == "title" for p in doc._.passages or [])
        self.patient = Patient(label=label)
        self.ages: dict[str, list[Age]] = {}
        self.phenotypes_by_key: dict[str, PatientPhenotype] = {}
        self.treatment_keys: set[str] = set()
        self.variants: list[tuple[Span, PatientVariant]] = []
        self.outcomes: list[tuple[Span, str, str]] = []  # (span, status, extractor)
        self.hsct_facts: list[tuple[Span, bool, str | None, list[str], str]] = []
        self.follow_up: list[Age] = []
        self.sex_spans: list[Span] = []

    def provenance(self, span: Span, extractor: str) -> Provenance:
        sentence = self.sentences.sentence_text(span).strip()
        return Provenance(
            doc_id=self.doc._.doc_id or "",
            start=span.start_char,
            end=span.end_char,
            section=section_of(span),
            sentence=sentence,
            extractor=extractor,
            extractor_version=self.doc._.extractor_version or "",
        )

    def set_sex(self, sex: str, span: Span, extractor: str) -> None:
        if self.patient.sex is None and sex in ("male", "female"):
            self.patient.sex = sex  # type: ignore[assignment]
            self.patient.sex_provenance = self.provenance(span, extractor)

    def add(
        self, group: str, span: Span, column: str | None, genes: list[Span], topic_gene: Span | None
    ) -> None:
        if section_of(span) not in CASE_SECTIONS and (
            is_flagged(span, ("background",))
            or (
                group in ("DISEASE", "CHEMICAL", "PROCEDURE")
                and not refers_to_patient(
                    self.sentences.sentence_text(span, lower=True), within_words=_PATIENT_AS_TOPIC_WORDS
                )
            )
        ):
            # The literature, not this patient. Ages, sex, outcome or HSCT of the patient in a
            # discussion count; signs and drugs only in a sentence naming the patient ("our
            # patient"): the others restate the literature or compare other patients with this one.
            return
        if column is not None and group in _CELL_GROUPS:
            return  # a table cell means what its column says: read_cell reads it
        if group == "sex" and not is_flagged(span, ("negated", "hypothetical")):
            self.sex_spans.append(span)
        elif group == "ages" and not is_flagged(span, ("hypothetical", "background")):
            self._add_age(span, span._.age_role)
        elif group == "durations" and span._.duration_role == "follow_up" and not is_flagged(span):
            self.follow_up.append(self._age(span, span._.duration_days, "last_report"))
        elif (
            group == "consanguinity"
            and self.patient.consanguinity is None
            and not is_flagged(span, ("hypothetical",))
        ):
            self.patient.consanguinity = bool(span._.consanguineous)
        elif group == "country" and self.patient.country is None and span._.country:
            self.patient.country = span._.country
        elif group == "hsct" and not is_flagged(span, ("hypothetical", "background")):
            if span._.hsct_performed is not None:
                conditioning = list(span._.conditioning or [])
                self.hsct_facts.append(
                    (span, span._.hsct_performed, span._.donor_type, conditioning, EXTRACTOR_OF[group])
                )
        elif (
            group == "outcome"
            and span._.outcome_status
            and not is_flagged(span, ("hypothetical", "background"))
        ):
            self.outcomes.append((span, span._.outcome_status, EXTRACTOR_OF[group]))
        elif group == "VARIANT" and not is_flagged(span, ("negated", "hypothetical", "background")):
            self._add_variant(span, genes, topic_gene)
        elif group == "DISEASE" and not is_flagged(span) and (section_of(span) != "title" or self.title_only):
            self._add_phenotype(span)
        elif (
            group in ("CHEMICAL", "PROCEDURE")
            and not is_flagged(span)
            and ((column is not None and _TREATMENT_COLUMN.search(column)) or received(span, self.sentences))
        ):
            self._add_treatment(span, "drug" if group == "CHEMICAL" else "procedure")

    def read_cell(self, cell: _Cell) -> None:
        """What a patient-table cell says, by its column: sex, an age, outcome, HSCT,
        consanguinity, or "+" under a sign named in the header."""
        span = self.doc.char_span(cell.start, cell.end, alignment_mode="expand")
        if span is None:
            return
        value = self.sentences.text[cell.start : cell.end].strip()
        lowered = value.lower()
        if _SEX_COLUMN.search(cell.name):
            if lowered in _SEX_CELL:
                self.set_sex(_SEX_CELL[lowered], span, COMPONENT)
        elif (role := _age_role_of_column(cell.name)) is not None:
            unit = _UNIT_IN_NAME.search(cell.name)
            days = days_of(value)
            if days is None and unit is not None:
                days = days_of(f"{value} {unit.group(1)}")
            if days is not None:
                provenance = self.provenance(span, COMPONENT)
                self.ages.setdefault(role, []).append(
                    Age(text=value, days=days, role=role, provenance=provenance)
                )  # type: ignore[arg-type]
        elif _OUTCOME_COLUMN.search(cell.name):
            status = (
                "deceased" if _DECEASED_CELL.search(value) else "alive" if _ALIVE_CELL.search(value) else None
            )
            if status:
                self.outcomes.append((span, status, COMPONENT))
        elif _HSCT_COLUMN.search(cell.name):
            donor = next((d for d, pattern in _DONOR_CELL if pattern.search(value)), None)
            if lowered in _POSITIVE_CELL or donor is not None:
                self.hsct_facts.append((span, True, donor, [], COMPONENT))
            elif lowered in _NO_CELL:
                self.hsct_facts.append((span, False, None, [], COMPONENT))
        elif _CONSANGUINITY_COLUMN.search(cell.name):
            if lowered in _POSITIVE_CELL or lowered in _NO_CELL:
                self.patient.consanguinity = lowered in _POSITIVE_CELL
        elif lowered in _POSITIVE_CELL and cell.name_range is not None:
            start, end = cell.name_range
            for ent in self.ents:
                if ent.label_ == "DISEASE" and start <= ent.start_char < end:
                    self._add_phenotype(ent)

    def _age(self, span: Span, days: int | None, role: str) -> Age:
        return Age(
            text=span.text, days=days, role=role, provenance=self.provenance(span, EXTRACTOR_OF["ages"])
        )  # type: ignore[arg-type]

    def _add_age(self, span: Span, role: str | None) -> None:
        role = role or "unknown"
        if role != "death" and _describes_person(span):
            # "A 60-year-old woman ..." introduces the patient as presented, whatever cue is near.
            role = "presentation"
        self.ages.setdefault(role, []).append(self._age(span, span._.age_days, role))

    def _add_variant(self, span: Span, genes: list[Span], topic_gene: Span | None) -> None:
        gene = gene_of_variant(span, genes, topic_gene, self.sentences)
        variant = PatientVariant(
            gene=gene_symbol(gene) if gene is not None else None,
            gene_id=gene._.concept_id if gene is not None else None,
            hgvs_c=span._.hgvs_c,
            hgvs_p=span._.hgvs_p,
            hgvs_g=span._.hgvs_g,
            text=span.text,
            zygosity=span._.zygosity,
            origin=span._.origin,
            provenance=self.provenance(span, EXTRACTOR_OF["VARIANT"]),
        )
        for previous_span, previous in self.variants:
            if _same_variant(previous_span, previous, span, variant):
                _merge_variant(previous, variant)
                return
        self.variants.append((span, variant))

    def _add_phenotype(self, span: Span) -> None:
        key = span._.concept_id or span.text.lower()
        ids = _phenotype_ids(span)
        if self.topic_concepts.intersection(ids):
            return
        known = self.phenotypes_by_key.get(key)
        if known is not None:
            if _more_specific_wording(span.text, known.text):
                # "axillary abscesses" after "abscesses": the site tells this finding from others
                known.text, known.provenance = span.text, self.provenance(span, "caseminer_terminology_ner")
            return
        phenotype = PatientPhenotype(
            text=span.text,
            ids=ids,
            label=span._.concept_label,
            onset=self._onset_in_sentence(span),
            provenance=self.provenance(span, "caseminer_terminology_ner"),
        )
        self.phenotypes_by_key[key] = phenotype
        self.patient.phenotypes.append(phenotype)

    def _onset_in_sentence(self, span: Span) -> Age | None:
        """An onset age stated in the sign's sentence ("diarrhea since the age of 1 month")."""
        sentence = self.sentences.sentence_at(span.start_char)
        for age in self.doc.spans.get("ages", ()):
            if age._.age_role == "onset" and sentence.start_char <= age.start_char < sentence.end_char:
                return self._age(age, age._.age_days, "onset")
        return None

    def _add_treatment(self, span: Span, kind: Literal["drug", "procedure"]) -> None:
        key = span._.concept_id or span.text.lower()
        if key in self.treatment_keys:
            return
        self.treatment_keys.add(key)
        ids = [i for i in [span._.concept_id, *(span._.alt_ids or [])] if i]
        self.patient.treatments.append(
            PatientTreatment(
                text=span.text,
                ids=ids,
                label=span._.concept_label,
                kind=kind,
                provenance=self.provenance(span, "caseminer_terminology_ner"),
            )
        )

    def _decide_sex(self) -> None:
        """A person noun ("a 3-month-old boy") decides; pronouns only by majority when no noun does."""
        nouns = [s for s in self.sex_spans if s._.sex_evidence != "pronoun"]
        if nouns:
            self.set_sex(nouns[0]._.sex, nouns[0], EXTRACTOR_OF["sex"])
            return
        votes = Counter(s._.sex for s in self.sex_spans)
        if votes and (len(votes) == 1 or votes.most_common(2)[0][1] > votes.most_common(2)[1][1]):
            sex = votes.most_common(1)[0][0]
            self.set_sex(sex, next(s for s in self.sex_spans if s._.sex == sex), EXTRACTOR_OF["sex"])

    def build(self) -> Patient:
        self._decide_sex()
        patient = self.patient
        ages = self.ages
        if ages.get("onset"):
            patient.age_at_onset = min(ages["onset"], key=lambda a: a.days if a.days is not None else 1 << 30)
        patient.age_at_presentation = _first(ages.get("presentation"))
        patient.age_at_diagnosis = _diagnosis_age(ages.get("diagnosis", []), patient.age_at_presentation)
        if ages.get("last_report"):
            patient.age_at_last_report = max(ages["last_report"], key=lambda a: a.days or 0)
        patient.phenotypes = most_specific(patient.phenotypes)
        patient.treatments = most_specific(patient.treatments)
        patient.variants = [variant for _, variant in self.variants]
        patient.hsct = self._hsct(_first(ages.get("transplant")))
        patient.outcome = self._outcome(_first(ages.get("death")))
        return patient

    def _hsct(self, age: Age | None) -> Hsct:
        hsct = Hsct(age=age)
        for span, performed, donor, conditioning, extractor in self.hsct_facts:
            if hsct.performed is None or (performed and not hsct.performed):
                hsct.performed = performed
                hsct.provenance = self.provenance(span, extractor)
            if performed:
                hsct.donor = hsct.donor or donor  # type: ignore[assignment]
                hsct.conditioning.extend(c for c in conditioning if c not in hsct.conditioning)
        if age is not None and hsct.performed is None:
            hsct.performed = True  # an age at transplant says the transplant was done
        return hsct

    def _outcome(self, age_at_death: Age | None) -> Outcome:
        outcome = Outcome(age_at_death=age_at_death, follow_up=_first(self.follow_up))
        deceased = [fact for fact in self.outcomes if fact[1] == "deceased"]
        chosen = deceased[0] if deceased else (self.outcomes[-1] if self.outcomes else None)
        if chosen is not None:
            span, status, extractor = chosen
            outcome.status = status  # type: ignore[assignment]
            outcome.text = self.sentences.sentence_text(span).strip()
            outcome.provenance = self.provenance(span, extractor)
        elif age_at_death is not None:
            outcome.status = "deceased"
            outcome.provenance = age_at_death.provenance
        return outcome


def _diagnosis_age(diagnoses: list[Age], presentation: Age | None) -> Age | None:
    """The diagnosis the report is about is made last (an early sign is often diagnosed on its own
    first: "diabetes diagnosed at 3 weeks", the syndrome "at 11 months"), and not after the
    presentation the report describes; without a stated diagnosis age, the age of presentation."""
    limit = presentation.days if presentation is not None and presentation.days is not None else None
    known = [a for a in diagnoses if a.days is not None and (limit is None or a.days <= limit)]
    if known:
        return max(known, key=lambda a: a.days or 0)
    return diagnoses[0] if diagnoses and presentation is None else presentation


def most_specific(facts: list[PatientFactT]) -> list[PatientFactT]:
    """Leave out a fact that a more specific one of the same patient names by its head ("pain"
    beside "abdominal pain", "infection" beside "rotavirus infection"): a registry records the most
    specific term, as HPO annotation does. A vocabulary that lacks the specific concept codes it
    by the broader one: the specific fact takes the left-out fact's ids of such vocabularies."""
    keys = [" ".join(key_tokens(fact.text)) for fact in facts]
    kept: list[PatientFactT] = []
    for fact, key in zip(facts, keys, strict=True):
        if key and any(other.endswith(f" {key}") for other in keys):
            continue
        broader = [
            other for other, other_key in zip(facts, keys, strict=True) if key.endswith(f" {other_key}")
        ]
        own = {_vocabulary(i) for i in fact.ids}
        borrowed = [i for other in broader for i in other.ids if _vocabulary(i) not in own]
        kept.append(
            fact.model_copy(update={"ids": _ordered_ids([*fact.ids, *borrowed])}) if borrowed else fact
        )
    return kept


def _more_specific_wording(text: str, than: str) -> bool:
    """`text` names the same sign with words before it ("axillary abscesses" than "abscesses")."""
    return text.lower().endswith(f" {than.lower()}")


def _vocabulary(curie: str) -> str:
    return curie.split(":", 1)[0]


def _describes_person(age: Span) -> bool:
    """An age right before a person noun ("a 60-year-old woman", "15-day-old male infant")."""
    after = age.end_char
    return any(
        s._.sex_evidence == "noun" and 0 <= s.start_char - after <= 20 for s in age.doc.spans.get("sex", [])
    )


def received(span: Span, sentences: SentenceIndex) -> bool:
    """A drug or procedure the patient received, not a lab analyte ("serum bilirubin", "insulin
    levels"), a diagnostic procedure, a route of administration, a time ("post-transplantation"),
    or a transplant the sentence does not say was done."""
    sentence = sentences.sentence_at(span.start_char)
    text = sentences.text
    if span.label_ == "PROCEDURE":
        if _DIAGNOSTIC.search(span.text) or _ADMINISTRATION.fullmatch(span.text):
            return False
        if _TIME_PREFIX.match(span.text) or _TIME_PREFIX_BEFORE.search(
            text, max(0, span.start_char - 5), span.start_char
        ):
            return False  # "post-transplantation", "pre-operative": when, not what was done
        if _TRANSPLANT.search(span.text):
            hsct = [
                h
                for h in span.doc.spans.get("hsct", [])
                if h.start_char < span.end_char and span.start_char < h.end_char
            ]
            return any(h._.hsct_performed for h in hsct)
        return True
    before = text[max(sentence.start_char, span.start_char - 25) : span.start_char]
    after = text[span.end_char : min(sentence.end_char, span.end_char + 30)]
    if _LAB_BEFORE.search(before) or _LAB_NAME.match(span.text) or _LAB_AFTER.match(after):
        return False
    if _PROCESS_AFTER.match(after):
        return False  # "a bile acid synthetic defect", "insulin resistance": the body's, not a drug given
    return bool(_TREATMENT_CUE.search(text, sentence.start_char, sentence.end_char))


def _age_role_of_column(name: str) -> str | None:
    if not re.search(r"\bage\b|onset", name, re.I):
        return None
    return next((role for pattern, role in _AGE_ROLE_OF_COLUMN if pattern.search(name)), None)


def _first(ages: list[Age] | None) -> Age | None:
    return ages[0] if ages else None


def _phenotype_ids(span: Span) -> list[str]:
    return _ordered_ids([span._.concept_id, *(span._.alt_ids or [])])


def _ordered_ids(ids: Iterable[str | None]) -> list[str]:
    """HP first, then MONDO, then MeSH and the rest (SCHEMA.md's order for patient phenotypes)."""
    order = {"HP": 0, "MONDO": 1, "MESH": 2}
    return sorted((i for i in dict.fromkeys(ids) if i), key=lambda i: order.get(_vocabulary(i), 3))


def _same_variant(span_a: Span, a: PatientVariant, span_b: Span, b: PatientVariant) -> bool:
    """One variant: the same change written twice, or its c. and p. forms written together
    (the variant component gives those one ``variant_group``)."""
    group_a, group_b = span_a._.get("variant_group"), span_b._.get("variant_group")
    if group_a is not None and group_a == group_b:
        return True
    for field_name in ("hgvs_c", "hgvs_p", "hgvs_g"):
        value_a, value_b = getattr(a, field_name), getattr(b, field_name)
        if value_a and value_b:
            return value_a == value_b
    return a.text == b.text


def _merge_variant(into: PatientVariant, other: PatientVariant) -> None:
    for field_name in ("hgvs_c", "hgvs_p", "hgvs_g", "zygosity", "origin", "gene", "gene_id"):
        if getattr(into, field_name) is None:
            setattr(into, field_name, getattr(other, field_name))


__all__ = [
    "CASE_SECTIONS",
    "PatientAssembler",
    "attach_tables",
    "gene_of_variant",
    "gene_symbol",
    "is_flagged",
    "make_patients",
    "most_specific",
    "patient_label",
    "topic_gene_of",
]
