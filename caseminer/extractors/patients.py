"""spaCy component `caseminer_patients`: one `Patient` per described individual, with its facts.

It runs last and reads what the other components found: ``doc.ents`` (GENE, DISEASE, CHEMICAL,
PROCEDURE, VARIANT), the span groups ``ages``, ``durations``, ``sex``, ``consanguinity``,
``country``, ``hsct`` and ``outcome``, and the context flags of each span. It writes
``Doc._.patients`` (a list of :class:`caseminer.schemas.extraction.Patient`).

Who is described, and which stretch of the text is about whom, is the segmentation
(:mod:`caseminer.extractors.segmentation`: patient tables, numbered series, pedigree labels,
families, a proband with relatives). A fact belongs to the individuals whose range holds it; a
fact in a patient-table cell belongs to that cell's patient, and the column (or row) name gives
its meaning ("Sex" cells "M"/"F", "Age at onset" ages, "+" under a sign).

Which facts count (general rules, each documented where it is applied):

* Phenotypes: DISEASE mentions in case-describing sections (abstract, case, results, tables,
  figure captions, unstructured text; the title only when the record is nothing but a title) that
  are not negated, uncertain, hypothetical, background or about a relative (except in a
  relative's own record). HP ids first, then MONDO and MeSH; an onset age of the same sentence.
  Excluded features: a sign negated in a case section ("no seizures"), a normal result
  ("normal hearing": caseminer.extractors.normal_findings), a "−" / "N" / "no" cell under a sign
  (a cell saying it was not assessed, "nd", "n.a.", "unknown", says nothing).
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
from typing import Literal, TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.ages import days_of, latest_days_of
from caseminer.extractors.context import (
    BACKGROUND_SECTIONS,
    NOT_THE_PATIENTS,
    SentenceIndex,
    doc_text,
    is_flagged,
    refers_to_patient,
)
from caseminer.extractors.normal_findings import NORMAL_FINDINGS
from caseminer.extractors.sections import passage_at, section_of
from caseminer.extractors.segmentation import (
    CASE_SECTIONS,
    Cell,
    Segmentation,
    segment,
)
from caseminer.extractors.variants import VARIANT_LABEL
from caseminer.schemas.document import Document
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
    NORMAL_FINDINGS: "caseminer_context",
}
# A discussion sentence is about the patient when it names them among the first words of a clause
# ("In our patient", "We suspected our patient", a leading citation number "3 Our case").
_PATIENT_AS_TOPIC_WORDS = 3
PatientFactT = TypeVar("PatientFactT", PatientPhenotype, PatientTreatment)

for _name in ("patients", "tables", "doc_id", "extractor_version"):
    Doc.set_extension(_name, default=None, force=True)

_SEX_CELL = {"m": "male", "male": "male", "boy": "male", "f": "female", "female": "female", "girl": "female"}
_DECEASED_CELL = re.compile(r"\b(?:died|dead|deceased|death|expired)\b|^d$|†", re.IGNORECASE)
_ALIVE_CELL = re.compile(r"\b(?:alive|living|well|survived|a&w)\b|^a$", re.IGNORECASE)
# What a patient-table cell says of a sign (or of consanguinity): present, absent, or nothing.
# "nd", "not done", "n.a.", "unknown" say the sign was not assessed: neither present nor absent.
_PRESENT_CELL = frozenset({"yes", "y", "present", "positive"})
_ABSENT_CELL = frozenset({"no", "none", "n", "absent", "negative"})
# Cells of symbols: "+" to "+++", a hyphen or dash ("−" is the minus sign, U+2212); a footnote
# mark may follow ("−b", "+a").
_PRESENT_SYMBOLS = re.compile(r"\++[a-z*†‡§]?")
_ABSENT_SYMBOLS = re.compile(r"[-−–—]+[a-z*†‡§]?")
# Under a transplant column "not done" says the transplant was not performed.
_NOT_DONE_CELL = frozenset({"not done", "nd"})
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
# A report that says its variant is the family's, shared by every affected individual.
_SEGREGATES = re.compile(
    r"\b(?:co-?)?segregat\w*|\b(?:all|both|the other|every)\s+affected\b"
    r"|\baffected\s+(?:family\s+)?(?:members|individuals|siblings|sibs)\b|\b(?:carried|shared)\s+(?:by\s+(?:all|both)|the\s+same)\b"
    r"|\bsame\s+(?:homozygous\s+|heterozygous\s+|hemizygous\s+)?(?:mutation|variant)\b",
    re.IGNORECASE,
)
# A variant is someone's when its sentence says so: a person, a finding ("revealed", "carried") or a
# genotype ("homozygous"). Sentences of a functional study name variants as objects ("c.741G>T
# generated a splicing silencer", "a minigene with c.2581G>A") and give them to no patient.
_CARRIER_CUE = re.compile(
    r"\b(?:patients?|proband|probands|index|case|subjects?|individuals?|child|children|infant|boy|girl|"
    r"man|woman|brothers?|sisters?|sib(?:ling)?s?|son|daughter|mother|father|parents?|family|families|"
    r"he|she|his|her|him|they|their|affected|carriers?|carri\w+|harbou?r\w*|identif\w+|reveal\w*|"
    r"detect\w*|found|showed|sequenc\w+|genotyp\w+|confirm\w*|segregat\w+|"
    r"homozygo\w+|heterozygo\w+|hemizygo\w+|compound|de novo|inherited|maternal\w*|paternal\w*|"
    r"P\d+|II+[-:.]\d+)\b",
    re.IGNORECASE,
)
# "Subject 3 is a 21-year-old male", "she is now an 8-year-old girl": the present tense of the report
_PRESENT_COPULA_BEFORE = re.compile(
    r"\b(?:is|are)\s+(?:now\s+|currently\s+|presently\s+|still\s+)?an?\s*$", re.I
)
# Where a family's variant is named for the family rather than for one member; and one genotype is
# a change, or the two changes of a compound heterozygote.
_FAMILY_VARIANT_SECTIONS = frozenset({"abstract", "case", "results", "figure", None})
_ONE_GENOTYPE = 2
_RELATIVE_AFTER_AGE = re.compile(
    r"[- ]?(?:old)?\s+(?:(?:older|elder|eldest|younger|youngest|twin|maternal|paternal|affected|healthy)\s+)?"
    r"(?P<kind>mother|father|sister|brother|son|daughter|cousin|aunt|uncle|grandmother|grandfather|sibling)\b",
    re.I,
)
# A sentence that calls its variants no cause of the disease: "mutations in SLC45A2 may not be
# associated with OCA in this family", "a known benign polymorphism" (not "excluding a polymorphism").
_NOT_CAUSATIVE = re.compile(
    r"\b(?:(?:may |might |is |are |was |were )?not (?:be )?(?:associated with|responsible for|the cause of"
    r"|causative|pathogenic|disease[- ]causing)|(?:likely |probably )?benign\b|(?<!excluding )(?<!not a )"
    r"(?<!rather than a )polymorphisms?\b|non-?pathogenic|did not (?:co-?)?segregate"
    r"|unlikely to be (?:causative|pathogenic|disease[- ]causing))",
    re.I,
)
_PERSON_AGE = re.compile(r"(?:old|/o)$", re.I)  # "4-month-old", "6 y/o": the age of a person introduced
# "he presented at 22 months with fever": to the doctors, with the signs ("dystonia became apparent,
# presenting with a head tilt" is the sign's form; "presented to our clinic at 27 with pain" a
# visit); the only "." within a sentence is a decimal point ("at 1.5 years")
_PRESENTED_WITH = re.compile(r"\bpresented\b(?!\s+to\b)[^;:()]{0,60}?\bwith\b", re.I)
_CONGENITAL = re.compile(r"\bcongenital(?:ly)?\b(?![^.;]*\b(?:absent|excluded|ruled out)\b)", re.I)
_SENTENCE_BREAK = re.compile(r"[.;:!?]")
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


def attach_tables(doc: Doc, document: Document) -> Doc:
    """Copy the document's tables onto the spaCy Doc so patient tables can be read cell by cell."""
    doc._.tables = list(document.tables)
    return doc


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
        segmentation = segment(doc, sentences, ents)
        builders = {
            label: _PatientBuilder(doc, label, sentences, ents, self.topic_concepts)
            for label in segmentation.labels
        }
        for label, (sex, span) in segmentation.relative_sex.items():
            builders[label].set_sex(sex, span, COMPONENT)
        unowned = self._assign_facts(doc, ents, segmentation, builders)
        for cell in segmentation.cells:
            builders[cell.label].read_cell(cell)
        forms = written_together(ents)
        patients = [builders[label].build(forms) for label in segmentation.labels]
        if _SEGREGATES.search(sentences.text) and not segmentation.unrelated:  # one family's variant
            share_family_variant(patients)
            if len(patients) > 1 and not any(_genotyped(p) for p in patients):
                self._give_family_variant(doc, sentences, ents, unowned, forms, patients)
        doc._.patients = patients
        return doc

    def _give_family_variant(
        self,
        doc: Doc,
        sentences: SentenceIndex,
        ents: list[Span],
        unowned: list[Span],
        forms: dict[str, str],
        patients: list[Patient],
    ) -> None:
        """A family whose variant segregates, named only where no one of them is ("a novel homozygous
        splice site mutation was identified that segregated in the family"): each affected member
        carries it, when the report names one genotype (one change, or the two of a compound)."""
        genes = [e for e in ents if e.label_ == "GENE"]
        topic_gene = topic_gene_of(genes)
        family = _PatientBuilder(doc, "family", sentences, ents, self.topic_concepts)
        for span in unowned:
            family.add("VARIANT", span, None, genes, topic_gene)
        variants = family.build(forms).variants
        if 1 <= len(variants) <= _ONE_GENOTYPE:
            for patient in patients:
                patient.variants = [v.model_copy() for v in variants] + patient.variants

    def _assign_facts(
        self, doc: Doc, ents: list[Span], segmentation: Segmentation, builders: dict[str, _PatientBuilder]
    ) -> list[Span]:
        """Gives each fact to the patients whose range holds it; returns the variants of case
        sentences that are no one's."""
        genes = [e for e in ents if e.label_ == "GENE"]
        topic_gene = topic_gene_of(genes)
        others = _others_table_variants(ents, segmentation)
        unowned: list[Span] = []
        for group, span in _facts(doc, ents):
            if group == "VARIANT" and _changes(span) & others and section_of(span) != "table":
                continue  # a sentence naming a variant of a table's other patients or of a variant list
            owner = segmentation.owner(span.start_char)
            if owner is None:
                if group in segmentation.family_wide and section_of(span) in CASE_SECTIONS:
                    targets = segmentation.labels
                else:
                    if group == "VARIANT" and section_of(span) in _FAMILY_VARIANT_SECTIONS:
                        unowned.append(span)
                    continue
            else:
                targets = list(owner.labels)
                if group == "VARIANT" and segmentation.unrelated and len(targets) > 1:
                    continue  # "Mutations identified in Family 1 and Family 2": whose is whose?
            for label in targets:
                builder = builders[label]
                # A relative's own record holds what the text says about the relative; everyone
                # else leaves out what is said of their family.
                relative = label in segmentation.relatives
                if is_family(span) and not relative and group not in ("consanguinity", "country"):
                    continue
                column = owner.column if owner else None
                builder.add(group, span, column, genes, topic_gene, shared=len(targets) > 1)
        return unowned


def _changes(variant: Span) -> set[str]:
    return {change for change in (variant._.hgvs_c, variant._.hgvs_p) if change}


def _others_table_variants(ents: list[Span], segmentation: Segmentation) -> set[str]:
    """The changes of the rows of a table of other publications' patients: named again in the
    text, they are still not this report's."""
    rows = segmentation.cited_rows
    in_rows = [e for e in ents if e.label_ == "VARIANT" and any(s <= e.start_char < end for s, end in rows)]
    return {change for ent in in_rows for change in _changes(ent)}


def _facts(doc: Doc, ents: list[Span]) -> Iterator[tuple[str, Span]]:
    for ent in ents:
        yield ent.label_, ent
    for group in ("ages", "durations", "sex", "consanguinity", "country", "hsct", "outcome", NORMAL_FINDINGS):
        if group in doc.spans:
            for span in doc.spans[group]:
                yield group, span


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
        # the variants some sentence names without calling them benign or unrelated to the disease
        self.causal_variants: set[int] = set()
        self.outcomes: list[tuple[Span, str, str]] = []  # (span, status, extractor)
        self.hsct_facts: list[tuple[Span, bool, str | None, list[str], str]] = []
        self.follow_up: list[Age] = []
        self.sex_spans: list[Span] = []
        self.shared_sex_spans: list[Span] = []  # of a stretch about several individuals

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
        self,
        group: str,
        span: Span,
        column: str | None,
        genes: list[Span],
        topic_gene: Span | None,
        *,
        shared: bool = False,
    ) -> None:
        if section_of(span) not in CASE_SECTIONS and (
            is_flagged(span, ("background",))
            or (
                group in ("DISEASE", NORMAL_FINDINGS, "CHEMICAL", "PROCEDURE")
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
            (self.shared_sex_spans if shared else self.sex_spans).append(span)
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
        elif (
            group == "VARIANT"
            and not is_flagged(span, ("negated", "hypothetical", "background"))
            and (column is not None or _CARRIER_CUE.search(self.sentences.sentence_text(span)))
        ):
            self._add_variant(span, genes, topic_gene)
        elif group == "DISEASE" and (section_of(span) != "title" or self.title_only):
            if not is_flagged(span):
                self._add_phenotype(span)
            elif _negated_only(span) and section_of(span) in CASE_SECTIONS:
                # "no seizures", "seizures were absent": a feature curators record as excluded
                self._add_phenotype(span, excluded=True)
        elif group == NORMAL_FINDINGS and not is_flagged(span) and section_of(span) in CASE_SECTIONS:
            # "normal hearing": the abnormality it rules out (hearing impairment) is excluded
            self._add_phenotype(span, excluded=True, extractor=EXTRACTOR_OF[group])
        elif (
            group in ("CHEMICAL", "PROCEDURE")
            and not is_flagged(span)
            and ((column is not None and _TREATMENT_COLUMN.search(column)) or received(span, self.sentences))
        ):
            self._add_treatment(span, "drug" if group == "CHEMICAL" else "procedure")

    def read_cell(self, cell: Cell) -> None:
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
            reading = cell_reading(value)
            if reading is True or donor is not None:
                self.hsct_facts.append((span, True, donor, [], COMPONENT))
            elif reading is False or lowered in _NOT_DONE_CELL:
                self.hsct_facts.append((span, False, None, [], COMPONENT))
        elif _CONSANGUINITY_COLUMN.search(cell.name):
            if (reading := cell_reading(value)) is not None:
                self.patient.consanguinity = reading
        elif (reading := cell_reading(value)) is not None and cell.name_range is not None:
            # "+" under a sign named in the header is the patient's; "−" says it was looked for and absent
            start, end = cell.name_range
            for ent in self.ents:
                if ent.label_ == "DISEASE" and start <= ent.start_char < end:
                    self._add_phenotype(ent, excluded=not reading)

    def _text_before(self, span: Span) -> str:
        sentence = self.sentences.sentence_at(span.start_char)
        return self.sentences.text[max(sentence.start_char, span.start_char - 40) : span.start_char]

    def _age(self, span: Span, days: int | None, role: str) -> Age:
        return Age(
            text=span.text, days=days, role=role, provenance=self.provenance(span, EXTRACTOR_OF["ages"])
        )  # type: ignore[arg-type]

    def _add_age(self, span: Span, role: str | None) -> None:
        role = role or "unknown"
        relative = _RELATIVE_AFTER_AGE.match(self.sentences.text, span.end_char)
        if relative is not None and role != "death":
            # "the proband's 58-year-old mother": the mother's age as presented, nobody else's
            if not self.patient.label.lower().endswith(relative.group("kind").lower()):
                return
            role = "presentation"
        elif role != "death" and _describes_person(span):
            # "A 60-year-old woman ..." introduces the patient as presented, whatever cue is near, and
            # "a 5-year-old male developed petechiae" fell ill at that age too; "subject 3 is a
            # 21-year-old man who carries ..." tells the age the report leaves him at, unless the
            # sentence tells a presentation in the present tense ("is a 7-month-old boy presenting").
            if role == "onset":
                self._add_onset(span, span._.age_days)
            current = role in ("unknown", "last_report") and _PRESENT_COPULA_BEFORE.search(
                self._text_before(span)
            )
            role = "last_report" if current else "presentation"
        elif (
            role == "presentation"
            and not _PERSON_AGE.search(span.text)
            and _PRESENTED_WITH.search(self.sentences.sentence_text(span))
            and self._sign_in_sentence(span)
        ):
            # "At 22 months of age, he presented with recurrent fever": the history begins with the
            # signs it was presented with (a person's age, "a 31-year-old woman presented with",
            # "a 4-month-old infant who presented with", tells when the report meets the patient)
            self._add_onset(span, span._.age_days)
        self.ages.setdefault(role, []).append(self._age(span, span._.age_days, role))
        if (
            span._.age_days == 0
            and role not in ("onset", "death", "transplant")
            and self._sign_in_sentence(span)
        ):
            # "born with an imperforate anus", "hydrocephalus was seen prenatally": present from
            # birth (or before), which is the onset, whatever else the sentence's cue says
            self._add_onset(span, 0)

    def _add_onset(self, span: Span, days: int | None) -> Age:
        onset = self._age(span, days, "onset")
        self.ages.setdefault("onset", []).append(onset)
        return onset

    def _sign_in_sentence(self, span: Span) -> bool:
        sentence = self.sentences.sentence_at(span.start_char)
        return any(
            e.label_ == "DISEASE"
            and sentence.start_char <= e.start_char < sentence.end_char
            and not is_flagged(e)
            for e in self.ents
        )

    def _add_variant(self, span: Span, genes: list[Span], topic_gene: Span | None) -> None:
        gene = gene_of_variant(span, genes, topic_gene, self.sentences)
        variant = PatientVariant(
            gene=gene_symbol(gene) if gene is not None else None,
            gene_id=gene._.concept_id if gene is not None else None,
            hgvs_c=span._.hgvs_c,
            hgvs_p=span._.hgvs_p,
            hgvs_g=span._.hgvs_g,
            transcript=span._.transcript,
            text=span.text,
            zygosity=span._.zygosity,
            origin=span._.origin,
            provenance=self.provenance(span, EXTRACTOR_OF["VARIANT"]),
        )
        causal = not _NOT_CAUSATIVE.search(self.sentences.sentence_text(span))
        for previous_span, previous in self.variants:
            if _same_variant(previous_span, previous, span, variant):
                _merge_variant(previous, variant)
                if causal:
                    self.causal_variants.add(id(previous))
                return
        self.variants.append((span, variant))
        if causal:
            self.causal_variants.add(id(variant))

    def _add_phenotype(
        self, span: Span, *, excluded: bool = False, extractor: str = "caseminer_terminology_ner"
    ) -> None:
        key = span._.concept_id or span.text.lower()
        ids = _phenotype_ids(span)
        if self.topic_concepts.intersection(ids):
            return
        known = self.phenotypes_by_key.get(key)
        if known is not None and known.excluded and not excluded:
            # stated present elsewhere ("no seizures until 2 years, then seizures"): present wins
            known.excluded = False
        if known is not None:
            if _more_specific_wording(span.text, known.text):
                # "axillary abscesses" after "abscesses": the site tells this finding from others
                known.text, known.provenance = span.text, self.provenance(span, extractor)
            if known.onset is None and not known.excluded:
                known.onset = self._congenital_onset(span, ids)
            return
        onset = None if excluded else self._onset_in_sentence(span) or self._congenital_onset(span, ids)
        phenotype = PatientPhenotype(
            text=span.text,
            ids=ids,
            label=span._.concept_label,
            excluded=excluded,
            onset=onset,
            provenance=self.provenance(span, extractor),
        )
        self.phenotypes_by_key[key] = phenotype
        self.patient.phenotypes.append(phenotype)

    def _congenital_onset(self, span: Span, ids: list[str]) -> Age | None:
        """'congenital cataract', 'a congenital heart defect': a sign present from birth, the onset
        ('congenital amegakaryocytic thrombocytopenia', a disease with no HP id, may be a diagnosis
        the report weighs)."""
        if not any(i.startswith("HP:") for i in ids) or not _CONGENITAL.search(
            self._text_before(span)[-20:] + span.text
        ):
            return None
        return self._add_onset(span, 0)

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
        # the individual's own stretches first: "one patient was a male, and another a female" says
        # more of each than "the male patient and his sister" beside both
        spans = self.sex_spans or self.shared_sex_spans
        nouns = [s for s in spans if s._.sex_evidence != "pronoun"]
        if nouns:
            self.set_sex(nouns[0]._.sex, nouns[0], EXTRACTOR_OF["sex"])
            return
        votes = Counter(s._.sex for s in spans)
        if votes and (len(votes) == 1 or votes.most_common(2)[0][1] > votes.most_common(2)[1][1]):
            sex = votes.most_common(1)[0][0]
            self.set_sex(sex, next(s for s in spans if s._.sex == sex), EXTRACTOR_OF["sex"])

    def build(self, forms: dict[str, str] | None = None) -> Patient:
        """`forms`: the other HGVS form of each change the article writes with it once
        (:func:`written_together`), to complete a patient's change named alone."""
        self._decide_sex()
        patient = self.patient
        ages = self.ages
        if ages.get("onset"):
            patient.age_at_onset = min(ages["onset"], key=_earliest_first)
        patient.age_at_presentation = _first(ages.get("presentation"))
        patient.age_at_diagnosis = _diagnosis_age(ages.get("diagnosis", []), patient.age_at_presentation)
        if ages.get("last_report"):
            patient.age_at_last_report = max(ages["last_report"], key=lambda a: a.days or 0)
        # present and excluded apart: "no febrile seizures" leaves "seizures" the patient has
        patient.phenotypes = most_specific([p for p in patient.phenotypes if not p.excluded]) + most_specific(
            [p for p in patient.phenotypes if p.excluded]
        )
        patient.treatments = most_specific(patient.treatments)
        for _, variant in self.variants:
            if variant.hgvs_c and not variant.hgvs_p:
                variant.hgvs_p = (forms or {}).get(variant.hgvs_c)
            elif variant.hgvs_p and not variant.hgvs_c:
                variant.hgvs_c = (forms or {}).get(variant.hgvs_p)
        named = [variant for _, variant in self.variants if id(variant) in self.causal_variants]
        patient.variants = consolidated(_own_variants(named))
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


def _own_variants(variants: list[PatientVariant]) -> list[PatientVariant]:
    """A discussion restates the patient's variants; one it is first to name, beside variants the
    case or results state, is the literature's ("a recent study identified c.2343del in three
    families")."""
    stated = [v for v in variants if v.provenance is None or v.provenance.section not in BACKGROUND_SECTIONS]
    return stated or variants


def _genotyped(patient: Patient) -> bool:
    """A change in HGVS, not only its effect ("skipping of exon 14")."""
    return any(v.hgvs_c or v.hgvs_p or v.hgvs_g for v in patient.variants)


def share_family_variant(patients: list[Patient]) -> None:
    """A report that says its variant segregates with the disease ("co-segregated", "all affected
    members carried the same mutation") gives it to each affected individual whose own sentences
    name no variant, family by family: a relative ("Family 2 younger sister") is of the family of
    the patient whose label begins hers; without such labels the report's patients are one family.
    Within a family the patients with a genotype all carry the same variants, and the others get a
    copy (the provenance stays the sentence that names it)."""
    families: dict[str, list[Patient]] = {}
    for patient in patients:
        heads = [p.label for p in patients if patient.label.startswith(f"{p.label} ")]
        families.setdefault(min(heads, key=len) if heads else patient.label, []).append(patient)
    if all(len(members) == 1 for members in families.values()):
        families = {"": patients}
    for members in families.values():
        genotyped = [p for p in members if p.variants]
        changes = {tuple(sorted(v.hgvs_c or v.hgvs_p or v.text or "" for v in p.variants)) for p in genotyped}
        if len(changes) != 1:
            continue
        for patient in members:
            if not patient.variants:
                patient.variants = [v.model_copy() for v in genotyped[0].variants]


def _diagnosis_age(diagnoses: list[Age], presentation: Age | None) -> Age | None:
    """The diagnosis the report is about is made last (an early sign is often diagnosed on its own
    first: "diabetes diagnosed at 3 weeks", the syndrome "at 11 months"), and not after the
    presentation the report describes; without a stated diagnosis age, the age of presentation."""
    limit = presentation.days if presentation is not None and presentation.days is not None else None
    known = [a for a in diagnoses if a.days is not None and (limit is None or a.days <= limit)]
    if any(a.days for a in known):
        # "prenatally", "at birth" beside a stated age: the age is when the diagnosis was made
        known = [a for a in known if a.days]
    if known and (limit is None or any(a.days for a in known)):
        return max(known, key=lambda a: a.days or 0)
    # only "prenatally" / "at birth" before a later presentation: what was seen then was a sign
    # ("antenatally diagnosed to have short limbs") or a tentative diagnosis; the report's is made
    # at the presentation it describes
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


def cell_reading(value: str) -> bool | None:
    """True for a table cell saying present ("+", "Y", "yes"), False for absent ("−", "N", "no"),
    None for anything else: a value, "±", or not assessed ("nd", "not done", "n.a.", "unknown")."""
    lowered = value.strip().lower()
    if lowered in _PRESENT_CELL or _PRESENT_SYMBOLS.fullmatch(lowered):
        return True
    if lowered in _ABSENT_CELL or _ABSENT_SYMBOLS.fullmatch(lowered):
        return False
    return None


def _negated_only(span: Span) -> bool:
    """Negated, and not also uncertain, hypothetical, background or about a relative."""
    return is_flagged(span, ("negated",)) and not is_flagged(
        span, tuple(flag for flag in NOT_THE_PATIENTS if flag != "negated")
    )


def _more_specific_wording(text: str, than: str) -> bool:
    """`text` names the same sign with words before it ("axillary abscesses" than "abscesses")."""
    return text.lower().endswith(f" {than.lower()}")


def _vocabulary(curie: str) -> str:
    return curie.split(":", 1)[0]


def _describes_person(age: Span) -> bool:
    """An age right before a person noun ("a 60-year-old woman", "15-day-old male infant"), in its
    own sentence: "... at 28 weeks of gestation. The girl was born" is no "28-week-old girl"."""
    after = age.end_char
    text = doc_text(age.doc)
    return any(
        s._.sex_evidence == "noun"
        and 0 <= s.start_char - after <= 20
        and not _SENTENCE_BREAK.search(text, after, s.start_char)
        for s in age.doc.spans.get("sex", [])
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


def _earliest_first(age: Age) -> tuple[int, int]:
    """An exact age by its days; a vague one by the latest day it can mean, after an exact age of
    that day ("in infancy" before "at 18 years", "at 6 months" before "in infancy")."""
    if age.days is not None:
        return age.days, 0
    latest = latest_days_of(age.text)
    return (latest, 1) if latest is not None else (1 << 30, 1)


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


def written_together(ents: list[Span]) -> dict[str, str]:
    """Each coding change the article writes with its protein change ("c.699T>G (p.Asp233Glu)") and
    back, where the pairing is unambiguous: a later "the p.Asp233Glu variant" is the same change."""
    groups: dict[int, list[Span]] = {}
    for ent in ents:
        if ent.label_ == VARIANT_LABEL and ent._.variant_group is not None:
            groups.setdefault(ent._.variant_group, []).append(ent)
    partners: dict[str, set[str]] = {}
    for spans in groups.values():
        coding = {s._.hgvs_c for s in spans if s._.hgvs_c}
        protein = {s._.hgvs_p for s in spans if s._.hgvs_p}
        if len(coding) == 1 and len(protein) == 1:
            (c,), (p,) = coding, protein
            partners.setdefault(c, set()).add(p)
            partners.setdefault(p, set()).add(c)
    return {form: next(iter(others)) for form, others in partners.items() if len(others) == 1}


def consolidated(variants: list[PatientVariant]) -> list[PatientVariant]:
    """One record per variant: a change seen alone first ("p.Cys408Tyr") and later with its other
    form ("c.1223G>A (p.Cys408Tyr)") is one variant, whatever the order the text names them in."""
    kept: list[PatientVariant] = []
    for variant in variants:
        same = next((k for k in kept if _shares_change(k, variant)), None)
        if same is None:
            kept.append(variant)
            continue
        _merge_variant(same, variant)
        # the merged record may now join two that were apart ("c.1223G>A" and "p.Cys408Tyr")
        for other in [k for k in kept if k is not same and _shares_change(k, same)]:
            _merge_variant(same, other)
            kept.remove(other)
    return kept


def _shares_change(a: PatientVariant, b: PatientVariant) -> bool:
    return any(
        getattr(a, name) is not None and getattr(a, name) == getattr(b, name)
        for name in ("hgvs_c", "hgvs_p", "hgvs_g")
    )


def _merge_variant(into: PatientVariant, other: PatientVariant) -> None:
    for field_name in ("hgvs_c", "hgvs_p", "hgvs_g", "transcript", "zygosity", "origin", "gene", "gene_id"):
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
    "topic_gene_of",
]
