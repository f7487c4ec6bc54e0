"""spaCy component `caseminer_context`: is a mention about the patient, and is it asserted?

ConText-style rules (Harkema et al. 2009): trigger phrases open a scope inside their sentence,
forwards ("no diarrhoea") or backwards ("infection was ruled out"); a scope ends at a
termination word ("but", "however", "which", ";") or after ``max_scope_words`` words. Every
trigger pattern runs once over ``doc.text``; each target span then only looks at the triggers of
its own sentence, so the cost is linear in the text.

Why not negspacy: its Negex only negates ``doc.ents`` and only knows negation; caseminer also needs
uncertainty, family and hypothetical/background flags on its span groups (ages, outcome, HSCT...),
and one trigger/scope mechanism for all four keeps the rules consistent and the text scanned once.
Measured on the 11 negation cases of tests/extractors/test_context.py: negspacy (``en_clinical``
termset) 10/11 - it negates "nephrotic syndrome" in "did not respond to steroids and developed
nephrotic syndrome" - and these rules 11/11 (written together with those tests, so not an
independent measure). ConText pseudo-triggers ("not only", "did not respond") handle that case.

Scopes (beyond plain ConText): the items of a list stay in one scope however long the list is
("serologies for CMV, EBV, hepatitis B and C, HIV and toxoplasmosis were negative") as long as no
finite verb makes part of it another clause; a negation scope ends at an uncertainty trigger and
vice versa ("absence of goblet cells, findings suggestive of autoimmune enteropathy" only hedges
the enteropathy).

Contract (set on every span of ``doc.ents`` and of the span groups in ``span_groups``):

* ``Span._.negated`` - the mention is negated ("no", "without", "absence of", "negative for",
  "ruled out", "did not develop", "free of").
* ``Span._.uncertain`` - hedged ("possible", "suspected", "may", "probable").
* ``Span._.family`` - about a relative ("family history of", "his mother had", "a brother who died").
* ``Span._.hypothetical`` - conditional or not (yet) done ("if", "in case of", "risk of", "to
  prevent", "should", "recommended", "was planned", "candidate for").
* ``Span._.background`` - not about the described patient: a generic/literature sentence anywhere
  ("is usually", "typically", "patients with", "has been reported", "is known for", "is the
  treatment of choice", "treatment options", "other patients", "clinicians should"), or any
  sentence of an introduction, discussion or conclusion section, unless the sentence refers to the
  patient ("our patient", "the patient", "the proband", "he", "she", "his", "her", "this case") -
  other than to compare ("unlike our patient, most boys ..."); also a condition the patient's is
  compared with ("similar to Lemierre's syndrome", "mimicking").

All five are plain booleans (default False). The component also writes the span group
``normal_findings`` (:mod:`caseminer.extractors.normal_findings`: "normal hearing", "CK was
normal"), flagged like the other targets. Helpers used by the other span extractors:
:class:`SentenceIndex`, :func:`doc_text`, :func:`refers_to_patient` (does a sentence name the
patient as its topic: the patient builder's test for discussion sentences).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.normal_findings import NORMAL_FINDINGS, find_normal_findings
from caseminer.extractors.sections import passage_at

CONTEXT_FLAGS = ("negated", "uncertain", "family", "hypothetical", "background")
for _flag in CONTEXT_FLAGS:
    Span.set_extension(_flag, default=False, force=True)

DEFAULT_SPAN_GROUPS = [
    "ages",
    "durations",
    "sex",
    "consanguinity",
    "country",
    "hsct",
    "outcome",
]
BACKGROUND_SECTIONS = frozenset({"introduction", "discussion", "conclusion"})

Direction = Literal["forward", "backward"]


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lowered(pattern: str) -> re.Pattern[str]:
    """Compile a cue pattern for :func:`lower_text`: its literals lower-cased (group names must be)."""
    return re.compile(pattern.lower().replace("(?p<", "(?P<"))


def _words(*phrases: str) -> str:
    return r"\b(?:" + "|".join(phrases) + r")\b"


_RELATIVES = (
    r"(?:mother|father|brothers?|sisters?|siblings?|cousins?|uncles?|aunts?|"
    r"grand(?:mother|father)s?|parents?|sons?|daughters?|nieces?|nephews?)"
)
# (flag, direction, pattern).
_TRIGGERS: list[tuple[str, Direction, str]] = [
    (
        "negated",
        "forward",
        _words(
            "no",
            "not",
            "without",
            "absence of",
            "absent",
            "negative for",
            "free of",
            "denie[sd]",
            "did not (?:develop|have|show|reveal|exhibit|present with|experience|require)",
            "never",
            "lack of",
            "lacked",
            "neither",
            "nor",
            "rule out",
            # "tests ruled out renal insufficiency": what follows is ruled out (else backward, below)
            "ruled out",
            "excluded",
            "unremarkable for",
        ),
    ),
    (
        "negated",
        "backward",
        _words(
            r"(?:was|were|is|are|been) (?:all |also |both |\w+ly )?"
            r"(?:ruled out|excluded|absent|contraindicated|negative(?! for)|"
            r"not (?:\w+ly )?(?:found|detected|seen|observed|present|identified|confirmed))",
            r"(?:came back|returned|tested|proved|turned out)(?: to be)? negative(?! for)",
            # "infection ruled out by PCR", "... ruled out.": nothing after it that it could rule out
            r"ruled out(?=\s*(?:[.,;:)]|$|(?:by|with|on|in|after|as|because|since)\b))",
        ),
    ),
    (
        "uncertain",
        "forward",
        _words(
            "possible",
            "possibly",
            "probable",
            "probably",
            "suspected",
            "suspicion of",
            "suspicious (?:for|of)",
            "suspect for",
            "suggestive (?:of|for)",
            "might",
            "could",
            "can",
            "likely",
            "questionable",
            "presumed",
            "presumably",
            "differential diagnos[ie]s",
        ),
    ),
    ("uncertain", "backward", _words(r"(?:was|were|is|are) (?:suspected|possible|likely|questionable)")),
    (
        "family",
        "forward",
        _words(
            "famil(?:y|ial) history of",
            r"(?:his|her|their|the patient's|the proband's) "
            rf"(?:older |younger |elder |twin |maternal |paternal )?{_RELATIVES}"
            r" (?:had|has|have|was|were|is|are|died|suffered|presented|developed|showed|also)",
            r"(?:a|an|one|two|three) (?:older |younger |elder |twin |male |female )?"
            r"(?:brothers?|sisters?|siblings?|cousins?) (?:who|with|had|died)",
            r"(?:maternal|paternal) (?:uncles?|aunts?|grand(?:mother|father)s?|cousins?|relatives?)",
            # "born to a mother with diabetes during pregnancy": the parent's condition
            r"(?:a|an|the|his|her|their) (?:\w+ )?(?:mother|father|parents?)"
            r" (?:with|who (?:had|has)|suffering from)",
            # a relative's genotype: "both parents were heterozygous for c.19G>A"
            rf"(?:both |the |his |her |their )?{_RELATIVES} (?:was|were|is|are) (?:both |also )?"
            r"(?:heterozygous|hemizygous|homozygous|(?:healthy |asymptomatic )?carriers?)",
        ),
    ),
    (
        "family",
        "backward",
        _words(
            r"in (?:his|her|their|the|this patient's|the patient's|the proband's)"
            r" (?:older |younger |elder |twin )?"
            r"(?:mother|father|brothers?|sisters?|siblings?|cousins?|uncles?|aunts?|parents|relatives|family"
            r"|sons?|daughters?)",
            "in (?:the )?family members",
            "in relatives",
        ),
    ),
    (
        "hypothetical",
        "forward",
        _words(
            "if",
            "in case of",
            "risk of",
            "to prevent",
            "prevention of",
            "should",
            "would",
            "will",
            "recommend(?:ed|ation)",
            "candidate for",
            "awaiting",
            "planned",
        ),
    ),
    (
        "hypothetical",
        "backward",
        _words(
            r"(?:was|were|is|are) (?:\w+ly )?(?:recommended|planned|proposed|advised|scheduled|considered)"
        ),
    ),
    (
        # a comparison: "similar to conventional Lemierre's syndrome" names a condition the patient's
        # is compared with, not one the patient has
        "background",
        "forward",
        _words(
            "similar to",
            "unlike",
            "in contrast (?:to|with)",
            "resembl(?:es|ed|ing)",
            "mimick?(?:s|ed|ing)",
            "reminiscent of",
            r"as (?:seen|described|reported|observed) in",
        ),
    ),
]
# A generic statement (the literature, the disease in general): with no reference to the patient,
# every target of the sentence is background. Searched only in such sentences, not in the whole text.
_GENERIC_STATEMENT = lowered(
    _words(
        r"(?:is|are) (?:an? )?"
        r"(?:usually|typically|generally|often|commonly|frequently|classically|mostly)",
        "typically",
        "in general",
        r"(?:has|have) (?:\w+ )?been (?:reported|described|documented|associated|observed|identified|"
        r"shown|used|tried|proposed|suggested)",
        r"(?:is|are) (?:characteri[sz]ed by|caused by|associated with|an? rare|rare)",
        r"(?:is|are) known (?:for|to|as)",
        r"(?:is|are) (?:an? |the )?(?:\w+ )?(?:form|type|subtype|variant|cause)s? of",
        r"(?:is|are) (?:susceptible|prone|predisposed) to",
        r"(?:treatment|therapeutic|management) options",
        # recommendations: what is done in general, not what this patient received
        r"(?:is|are) (?:the )?(?:treatment|therapy|drug|option)s? of choice",
        r"(?:is|are) (?:the |a )?(?:first|second|third)[- ]line",
        r"(?:is|are) (?:(?:usually|generally|often) )?(?:recommended|indicated|advised|preferred)",
        r"(?:is|are) the mainstay",
        r"should be (?:considered|suspected|aware|included)",
        r"(?:physicians|clinicians|pediatricians|practitioners) (?:should|must|need)",
        r"presents? (?:with|as)",
        # other patients than the one described
        r"other (?:patients|cases|authors|reports|studies)",
        r"(?:previous|earlier|prior|published) (?:reports|studies|cases|series)",
        "reported (?:cases|patients)",
        # present tense verbs of generic statements (case narratives are in the past tense)
        r"(?:leads?|lead) to",
        r"results? (?:from|in)",
        r"occurs? (?:in|when|during)",
        r"(?:is|are) (?:seen|found|observed|reported) in",
        "most (?:patients|cases)",
        "(?:affected )?patients with",
        "the literature",
        "previously reported",
    ),
)
# Pseudo-triggers (ConText): phrases holding a trigger word that negate or hedge nothing.
_PSEUDO = lowered(
    _words(
        "not only",
        "no longer",
        r"no (?:further |significant |clinical )?(?:change|improvement|response|increase|decrease)",
        r"(?:did|does|was|were|had) not (?:respond|improve|tolerate|resolve|responded|improved|resolved)",
        "not responsive",
        "gram[- ]negative",
        "not be weaned",
        "recommended (?:daily )?(?:dose|dosage|doses)",
    )
)
_TERMINATION = re.compile(
    _words(
        "but",
        "however",
        "although",
        "though",
        "except",
        "apart from",
        "aside from",
        "which",
        "whereas",
        "while",
    )
    + r"|[;:]"
)
# Naming the described patient: only these make a sentence of a discussion about the patient.
_EXPLICIT_PATIENT = (
    "our (?:patient|case|proband)",
    "th(?:is|e) (?:patient|proband)",
    "the present (?:patient|case)",
    "the index (?:patient|case)",
)
_PATIENT_REFERENCE = lowered(
    _words(
        *_EXPLICIT_PATIENT,
        "our case",
        "this case",
        "he",
        "she",
        "his",
        "her",
        "him",
        "the (?:boy|girl|infant|child|baby|neonate)",
    )
)
_EXPLICIT_PATIENT_REFERENCE = lowered(_words(*_EXPLICIT_PATIENT))
# "Unlike our patient, ..." compares other patients with this one: the sentence is about the others.
_COMPARED_WITH_PATIENT = lowered(
    _words(
        r"(?:unlike|like|as in|similar to|in contrast (?:to|with)|compared (?:to|with)|than (?:in )?|"
        r"prior to|besides|other than)"
        r" (?:our|the|this|the present) (?:patient|case|proband)(?!['’])"
    )
)
# Items of a list ("CMV, EBV and HIV serologies were negative") stay in one scope; a finite verb
# between trigger and target starts another clause.
_LIST_SEPARATOR = re.compile(r",|\b(?:and|or|and/or)\b|/")
_CLAUSE_VERB = re.compile(
    r"\b(?:was|were|is|are|had|has|have|did|does|developed|presented|showed|revealed|received|underwent"
    r"|required|started|became|remained)\b"
)
# Negation and uncertainty cues each open their own scope: "absence of goblet cells, findings
# suggestive of autoimmune enteropathy" hedges the enteropathy, it does not negate it.
_SCOPE_BREAKING_FLAGS = {"negated": "uncertain", "uncertain": "negated"}
# "may" hedges, "May" is a month: the one trigger matched case-sensitively, on the original text.
_MAY = re.compile(r"\bmay\b")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Trigger:
    start: int
    end: int
    flag: str
    direction: Direction


_TEXT_KEY = "caseminer.text"
_LOWER_TEXT_KEY = "caseminer.lower_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc: spaCy joins the tokens anew on every access, which costs
    milliseconds on a full-text article. A doc's text never changes, so the cache cannot go stale."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Tell :func:`doc_text` the text `doc` was made from (``nlp.make_doc(text)`` keeps it verbatim),
    so that no component joins the tokens to get it."""
    doc.user_data[_TEXT_KEY] = text


def lower_text(doc: Doc) -> str:
    """The doc's text in lower case with every offset unchanged, computed once per doc.

    Case-insensitive regular expressions are several times slower in Python's ``re`` than plain
    ones; the cue patterns of these components are written in lower case (see :func:`lowered`)
    and run on this text instead.
    """
    lowered_text = doc.user_data.get(_LOWER_TEXT_KEY)
    if lowered_text is None:
        text = doc_text(doc)
        lowered_text = text.lower()
        if len(lowered_text) != len(text):  # a few characters lower to two ("İ"): ASCII only then
            lowered_text = text.translate(_ASCII_LOWER)
        doc.user_data[_LOWER_TEXT_KEY] = lowered_text
    return lowered_text


class Sentence(NamedTuple):
    start_char: int
    end_char: int


class SentenceIndex:
    """A doc's text, lower-cased text and sentence bounds, looked up by character offset.

    ``Doc.text`` and ``Span.sent`` each walk the tokens, so components that look at the sentence of
    many spans build this once per call instead (sentence bounds are not cached across components:
    a later component may move them). Without sentence boundaries the doc is one sentence.
    """

    def __init__(self, doc: Doc) -> None:
        self.text = doc_text(doc)
        self.lower = lower_text(doc)
        if doc.has_annotation("SENT_START"):
            self.sentences = [Sentence(sentence.start_char, sentence.end_char) for sentence in doc.sents]
        else:
            self.sentences = [Sentence(0, len(self.text))]
        self._starts = [sentence.start_char for sentence in self.sentences]

    def index_at(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)

    def sentence_at(self, offset: int) -> Sentence:
        return self.sentences[self.index_at(offset)]

    def sentence_text(self, span: Span, *, lower: bool = False) -> str:
        sentence = self.sentence_at(span.start_char)
        return (self.lower if lower else self.text)[sentence.start_char : sentence.end_char]


class _Intervals:
    """Disjoint, sorted character intervals (regex matches of one pattern) with an overlap test."""

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        self._intervals = list(intervals)
        self._starts = [start for start, _ in self._intervals]

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self._starts, end) - 1
        return index >= 0 and self._intervals[index][1] > start


# All triggers in one pattern: one scan of the text instead of one per trigger list, alternatives
# tried at word starts only. At one position the first alternative wins, so backward triggers
# ("was not found") are listed before forward ones ("not").
_TRIGGERS.sort(key=lambda trigger: trigger[1] != "backward")
_TRIGGER_PATTERN = lowered(
    r"(?<!\w)(?=\w)(?:"
    + "|".join(f"(?P<t{i}>{pattern})" for i, (_, _, pattern) in enumerate(_TRIGGERS))
    + ")"
)


class ContextAnnotator:
    """Sets the five context flags; see the module docstring for the contract."""

    def __init__(self, span_groups: Iterable[str], max_scope_words: int) -> None:
        self.span_groups = list(span_groups)
        self.max_scope_words = max_scope_words

    def __call__(self, doc: Doc) -> Doc:
        sentences = SentenceIndex(doc)
        text = sentences.lower
        # normal results ("normal hearing") are excluded findings, flagged like every mention
        doc.spans[NORMAL_FINDINGS] = find_normal_findings(doc, text)
        pseudo = _Intervals((m.start(), m.end()) for m in _PSEUDO.finditer(text))
        triggers = [
            _Trigger(m.start(), m.end(), *_TRIGGERS[int(m.lastgroup[1:])][:2])
            for m in _TRIGGER_PATTERN.finditer(text)
            if m.lastgroup is not None and not pseudo.overlaps(m.start(), m.end())
        ]
        triggers += [
            _Trigger(m.start(), m.end(), "uncertain", "forward") for m in _MAY.finditer(sentences.text)
        ]
        triggers.sort(key=lambda t: t.start)
        trigger_starts = [t.start for t in triggers]
        terminations = [m.start() for m in _TERMINATION.finditer(text)]
        background_by_sentence: dict[int, bool] = {}
        for span in self._targets(doc):
            sentence = sentences.sentence_at(span.start_char)
            low = bisect_left(trigger_starts, sentence.start_char)
            high = bisect_left(trigger_starts, sentence.end_char)
            sentence_triggers = [
                t for t in triggers[low:high] if not (t.start < span.end_char and span.start_char < t.end)
            ]
            flags = {
                t.flag
                for t in sentence_triggers
                if self._in_scope(t, span, text, terminations, sentence_triggers, sentence)
            }
            if sentence.start_char not in background_by_sentence:
                background_by_sentence[sentence.start_char] = self._is_background(
                    doc, sentence, text[sentence.start_char : sentence.end_char]
                )
            if background_by_sentence[sentence.start_char]:
                flags.add("background")
            for flag in flags:  # the flags default to False: set only the raised ones
                setattr(span._, flag, True)
        return doc

    def _targets(self, doc: Doc) -> Iterable[Span]:
        yield from doc.ents
        yield from doc.spans[NORMAL_FINDINGS]
        for name in self.span_groups:
            if name in doc.spans:
                yield from doc.spans[name]

    def _in_scope(
        self,
        trigger: _Trigger,
        span: Span,
        text: str,
        terminations: list[int],
        triggers: list[_Trigger],
        sentence: Sentence,
    ) -> bool:
        """Whether `span` lies in the trigger's scope: on the trigger's side, with no termination
        word or opposing trigger between them, and at most ``max_scope_words`` words away - or
        further, when the words between are the items of a list (each item within the limit) and
        no finite verb makes the list part of another clause ("He had diarrhea for weeks, and
        cultures were negative")."""
        if trigger.direction == "forward":
            gap_start, gap_end = trigger.end, span.start_char
        else:
            gap_start, gap_end = span.end_char, trigger.start
        if gap_end < gap_start:
            return False
        index = bisect_left(terminations, gap_start)
        if index < len(terminations) and terminations[index] < gap_end:
            return False
        breaking = _SCOPE_BREAKING_FLAGS.get(trigger.flag)
        if breaking and any(t.flag == breaking and gap_start <= t.start < gap_end for t in triggers):
            return False
        if len(_WORD.findall(text, gap_start, gap_end)) <= self.max_scope_words:
            return True
        clause_start, clause_end = (
            (trigger.end, span.end_char)
            if trigger.direction == "forward"
            else (sentence.start_char, trigger.start)
        )
        gap = text[gap_start:gap_end]
        return not _CLAUSE_VERB.search(text, clause_start, clause_end) and all(
            len(_WORD.findall(item)) <= self.max_scope_words for item in _LIST_SEPARATOR.split(gap)
        )

    @staticmethod
    def _is_background(doc: Doc, sentence: Sentence, sentence_text: str) -> bool:
        if refers_to_patient(sentence_text, _PATIENT_REFERENCE):
            return False
        passage = passage_at(doc, sentence.start_char)
        if passage is not None and passage.section in BACKGROUND_SECTIONS:
            return True
        return _GENERIC_STATEMENT.search(sentence_text) is not None


# The flags that say a span is not a fact of the patient (family is judged per patient).
NOT_THE_PATIENTS = ("negated", "hypothetical", "background", "uncertain")


def is_flagged(span: Span, flags: Iterable[str] = NOT_THE_PATIENTS) -> bool:
    """True when the context component set any of `flags` on the span."""
    return any(Span.has_extension(flag) and span._.get(flag) for flag in flags)


def refers_to_patient(
    sentence: str, references: re.Pattern[str] = _EXPLICIT_PATIENT_REFERENCE, within_words: int | None = None
) -> bool:
    """Whether a lower-cased sentence speaks of the described patient: by default by naming them
    ("our patient", "the proband"; a pronoun is not enough in a discussion), not in a comparison
    with others ("unlike our patient, most boys ..."). With `within_words`, the patient must be
    named among the first words of its clause - its topic ("In our patient, ...", "Since 1 month,
    our patient ...", "We suspected our patient to have ..."), not a side remark ("..., including
    alopecia which was found in our patient")."""
    if references.search(sentence) is None:  # the common case, decided by one scan
        return False
    compared = _Intervals((m.start(), m.end()) for m in _COMPARED_WITH_PATIENT.finditer(sentence))
    return any(
        not compared.overlaps(m.start(), m.end())
        and (within_words is None or len(_WORD.findall(_clause_before(sentence, m.start()))) <= within_words)
        for m in references.finditer(sentence)
    )


def _clause_before(sentence: str, offset: int) -> str:
    """The words of the clause of `offset` before it (the clause starts after the last , ; or :)."""
    head = sentence[:offset]
    return head[max(head.rfind(","), head.rfind(";"), head.rfind(":")) + 1 :]


@Language.factory(
    "caseminer_context",
    default_config={"span_groups": DEFAULT_SPAN_GROUPS, "max_scope_words": 8},
)
def make_context(nlp: Language, name: str, span_groups: list[str], max_scope_words: int) -> ContextAnnotator:
    return ContextAnnotator(span_groups, max_scope_words)


__all__ = [
    "CONTEXT_FLAGS",
    "NOT_THE_PATIENTS",
    "ContextAnnotator",
    "Sentence",
    "SentenceIndex",
    "doc_text",
    "is_flagged",
    "lower_text",
    "lowered",
    "make_context",
    "refers_to_patient",
    "remember_text",
]
