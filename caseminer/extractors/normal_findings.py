"""Normal findings: "normal intelligence", "CK levels were normal", "conduction velocities were normal".

Curators record a result the text calls normal as the abnormality it rules out, an excluded HPO
feature ("normal intelligence" -> Intellectual disability excluded). The recognizers find the
abnormalities the text names; a normal result names the examined function or measurement instead,
which no phenotype mention covers. Each examined subject below names the abnormality whose absence
its normal result states (the HPO term curators use for it).

A subject is normal when its clause says so within a few words: "normal" right before it ("normal
intelligence", "normal motor and sensory conduction velocities"), or after it ("vision and hearing
were normal", "CK was 134 U/l (normal)", "within normal ranges"). Not when a word of abnormality
comes between ("CK was normal at first, then elevated"), nor a mixed result ("normal or mildly
elevated", "normal to low"), nor "not normal". Who the finding is about, and whether the text
states it of a patient at all (a discussion's "patients usually have normal intelligence"), is
decided as for any other mention: these spans get the context flags (caseminer.extractors.context)
and are assigned to patients by the patient builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

NORMAL_FINDINGS = "normal_findings"  # the span group
NORMAL_FINDING_LABEL = "NORMAL_FINDING"
# The concept extensions of the recognizers' mentions (caseminer.extractors.terminology), which
# these spans carry too; registered here as well for the module to work on its own.
for _name in ("concept_id", "alt_ids", "concept_label"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


_IMAGING = "mri|magnetic resonance imaging|ct|computed tomography"


@dataclass(frozen=True)
class _Subject:
    pattern: str
    hpo_id: str
    hpo_label: str


_SUBJECTS = (
    _Subject(
        r"intelligence|cognition|cognitive (?:function|development)", "HP:0001249", "Intellectual disability"
    ),
    _Subject(r"hearing", "HP:0000365", "Hearing impairment"),
    _Subject(r"vision|visual acuity", "HP:0000505", "Visual impairment"),
    _Subject(
        r"creatine (?:phospho)?kinase|ck|cpk",
        "HP:0003236",
        "Elevated circulating creatine kinase concentration",
    ),
    _Subject(
        r"lactate dehydrogenase|ldh",
        "HP:0025435",
        "Increased circulating lactate dehydrogenase concentration",
    ),
    _Subject(r"alkaline phosphatase", "HP:0004379", "Abnormality of alkaline phosphatase level"),
    _Subject(
        r"thyroid (?:hormones?|function(?: tests?)?)",
        "HP:0031508",
        "Abnormal circulating thyroid hormone concentration",
    ),
    _Subject(r"testosterone", "HP:0030087", "Abnormal circulating testosterone concentration"),
    _Subject(r"immunoglobulins?", "HP:0010701", "Abnormal circulating immunoglobulin concentration"),
    _Subject(
        r"(?:nerve )?conduction (?:velocit(?:y|ies)|studies|status)|nerve conduction",
        "HP:0040129",
        "Abnormal nerve conduction velocity",
    ),
    _Subject(r"electroencephalogra(?:m|phy)|eeg", "HP:0002353", "EEG abnormality"),
    _Subject(
        rf"(?:brain|cranial|head) (?:\w+ ){{0,4}}?(?:{_IMAGING}|imaging)"
        rf"|(?:{_IMAGING}) (?:scans? )?of the (?:brain|head)",
        "HP:0012443",
        "Abnormal brain morphology",
    ),
    _Subject(r"renal function", "HP:0000083", "Renal insufficiency"),
)
_SUBJECT_PATTERN = re.compile(
    r"\b(?:" + "|".join(f"(?P<s{i}>{subject.pattern})" for i, subject in enumerate(_SUBJECTS)) + r")\b"
)
# "normal" right before the subject, at most three words apart, not itself negated
_NORMAL_BEFORE = re.compile(r"(?<!\bnot )(?<!\bno )\bnormal\s+(?:[\w-]+\s+){0,3}$")
# "normal" said of the subject later in its clause: by a verb ("were normal", "was 134 U/l
# (normal)") or as a range ("within normal limits"); not a list's next item ("hearing loss, normal vision")
_NORMAL_AFTER = re.compile(
    r"\b(?:was|were|is|are|remained|appeared|been|being)\b.*?\bnormal\b"
    r"|\(\s*normal\b|\bwithin (?:the )?normal\b"
)
_MAX_WORDS_AFTER = 14
_CLAUSE_END = re.compile(r"[;:.]|\b(?:but|however|whereas|while|although|except|which)\b")
_ABNORMAL = re.compile(
    r"\b(?:abnormal\w*|elevated|increased|decreased|reduced|raised|low|high|impaired|delayed|not|no)\b"
)
_MIXED_AFTER = re.compile(r"\s*(?:or|to|and/or)\b")
_WORD = re.compile(r"\w+")


def find_normal_findings(doc: Doc, lower_text: str) -> list[Span]:
    """The examined subjects the doc calls normal, each a span (label NORMAL_FINDING) with the
    abnormality its normal result rules out as its concept (``concept_id``, ``concept_label``)."""
    spans: list[Span] = []
    for match in _SUBJECT_PATTERN.finditer(lower_text):
        if match.lastgroup is None or not _called_normal(lower_text, match.start(), match.end()):
            continue
        span = doc.char_span(match.start(), match.end(), label=NORMAL_FINDING_LABEL, alignment_mode="expand")
        if span is None:
            continue
        subject = _SUBJECTS[int(match.lastgroup[1:])]
        span._.concept_id = subject.hpo_id
        span._.concept_label = subject.hpo_label
        spans.append(span)
    return spans


def _called_normal(text: str, start: int, end: int) -> bool:
    """Whether the clause of the subject at start..end calls it normal."""
    head = text[max(0, start - 60) : start]
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    if _NORMAL_BEFORE.search(head, clause_start) is not None:
        return True
    tail = text[end : end + 160]
    clause_end = _CLAUSE_END.search(tail)
    clause = tail[: clause_end.start()] if clause_end else tail
    after = _NORMAL_AFTER.search(clause)
    if after is None:
        return False
    between = clause[: after.end()].removesuffix("normal")
    if len(_WORD.findall(between)) > _MAX_WORDS_AFTER or _ABNORMAL.search(between):
        return False
    return _MIXED_AFTER.match(clause, after.end()) is None  # not "normal or mildly elevated", "normal to low"


__all__ = ["NORMAL_FINDINGS", "NORMAL_FINDING_LABEL", "find_normal_findings"]
