"""spaCy component `caseminer_ages`: ages of the patient and follow-up durations, in days.

Every "number + time unit" of ``doc.text`` ("11 months", "15-day-old", "2 y 3 mo", "two years and
3 months") is found by one regular expression and then classified by its neighbours:

* an age when it reads as one: "<N>-<unit>-old", "<N> <unit> of age / of life", "at (the age of)
  <N> <unit>", "aged <N> <unit>", "by / since / until <N> <unit>"; "age(d) 39" with no unit is years;
  "at <N> <unit>" is an age unless a reference point follows ("at 3 months after HSCT").
  "day 10 of life" is 10 days. Ages without a number: "neonatal period", "neonatally", "at / since
  / from / after birth", "born with", "first days / weeks / month of life" are 0 days, and so are
  prenatal ones ("prenatally", "in utero", "on fetal ultrasound", "at 32 weeks of gestation": a
  registry counts a prenatal onset as 0); "(early) infancy", "childhood", "first months of life"
  are ages with unknown days.
* otherwise a duration ("for 3 weeks", "2 months later", "320 days post-transplant",
  "at 2 years of follow-up"). Doses ("2 mg/kg/day") have no number before the unit and never match;
  the gestational age at birth ("born at 36 weeks") is skipped.

Days (shared/gold/SCHEMA.md): week 7, month 30.4, year 365, hour 1/24, rounded half up per
expression; compound expressions add up ("2 y 3 mo" = 821).

Contract:

* ``doc.spans["ages"]``: ``Span._.age_days`` (int or None) and ``Span._.age_role`` (one of
  ``AgeRole``: onset, diagnosis, presentation, transplant, death, last_report, unknown), the role
  of the sentence cue nearest to the age, a cue in the same clause first ("onset", "began" ->
  onset; "diagnosed", "suspected" -> diagnosis; "presented", "admitted", "referred" ->
  presentation; "HSCT", "transplant" -> transplant; "died" -> death; "currently", "now", "last
  follow-up" -> last_report). An onset cue right before the age binds it whatever the sentence's
  other cues: "since (the age of)", "beginning at", "first symptoms at", "onset at", and a sign
  held "during infancy" ("had motor delay during infancy"). No onset: an upper bound ("by age 13
  she had developed"), one end of a range ("onset at age 4 to 10 years"; "from age 7 to 9" began at
  7), a treatment's start ("started insulin therapy at 15").
* :func:`latest_days_of`: the latest day a vague age can mean ("infancy" 365, "childhood" 12
  years), which orders a vague onset among exact ones.
* ``doc.spans["durations"]``: ``Span._.duration_days`` (int) and ``Span._.duration_role``
  ("follow_up" when the duration measures follow-up: "follow-up", "post-transplant", "after
  HSCT"; else None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import get_args

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.context import SentenceIndex, lowered
from caseminer.schemas.extraction import AgeRole

AGE_ROLES: tuple[str, ...] = get_args(AgeRole)
for _name in ("age_days", "age_role", "duration_days", "duration_role"):
    Span.set_extension(_name, default=None, force=True)

DAYS_PER_UNIT = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4, "year": 365.0}
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
            *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"),
            *("nineteen", "twenty"),
        ]
    )
}
# "2½ years", and "21/2 years" as text extraction flattens the ½ of "2½": a whole number and a half
_MIXED_HALF = re.compile(r"^(?P<whole>\d)(?:1/2|½)$")
_NUMBER = (
    r"(?:(?:\d(?:1/2|½)|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?: and (?:a )?half)?)"  # "one and a half years", "1 and half years"
)
_UNITS = {
    "hour": r"hours?|hrs?",
    "day": r"days?",
    "week": r"weeks?|wks?",
    "month": r"months?|mos?",
    "year": r"years?|yrs?|y",
}
_UNIT = "|".join(f"(?:{pattern})" for pattern in _UNITS.values())
_QUANTITY = lowered(
    rf"(?<![\w/.-]){_NUMBER}\s?[- ]?\s?(?:{_UNIT})"
    rf"(?:\s?(?:,|and)?\s?{_NUMBER}\s?[- ]?\s?(?:{_UNIT}|m))*(?!\w|/(?!o\b))"
)
_PART = re.compile(rf"(?P<number>{_NUMBER})\s?[- ]?\s?(?P<unit>{_UNIT}|m)\b", re.IGNORECASE)
_UNIT_OF = [(unit, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for unit, pattern in _UNITS.items()]

_AGE_AFTER = lowered(r"^(?:[- ]?old\b|/o\b|\s(?:of )?age\b|\s(?:of|after) (?:life|birth)\b)")
_OLD_SUFFIX = lowered(r"^(?:[- ]?old|/o)\b")  # part of the age's text: "6-year-old", "6 y/o"
_AGE_BEFORE = lowered(
    r"\b(?:(?:at|by|since|from|until|till|before|after|to) (?:the )?ages? (?:of )?|aged |age:? |"
    r"(?:at|by|since|until|till) (?:about |around |approximately |nearly |almost )?)$"
)
_REFERENCE_POINT = lowered(
    r"^\s?(?:after|post|later|before|prior|following|from|into|of (?:follow|treatment|therapy|the)|"
    r"(?:of )?follow[- ]?up|in\b)"
)
# Gestational ages: "27 weeks' gestation" is a prenatal age, "born at 36 weeks" when the child was born.
_GESTATION_AFTER = lowered(r"^['’]?\s?(?:of )?(?:gestation|GA\b|pregnancy)")
_GESTATION_BEFORE = lowered(r"\b(?:born at |delivered at |gestational age (?:of )?|GA:? )$")
_WEAK_AGE_BEFORE = lowered(
    r"\b(?:at|by|since|until|till)\s(?:about |around |approximately |nearly |almost )?$"
)
_UNITLESS_AGE = lowered(
    r"\b(?:at (?:the )?age (?:of )?|aged |age:? )(?P<number>\d{1,3})\b(?!\.\d|/\d|½|\s?[- ]?(?:"
    + _UNIT
    + r"|months?|%|mg|kg|cm)\b)"
)
_NEWBORN_AGE = lowered(
    r"\b(?:(?:in|during) the (?:neonatal|newborn|perinatal) period|neonatally|(?:at|since|from) birth"
    r"|(?:soon |shortly |immediately |right )?after birth"
    r"|(?:in|during|within) the first (?:few )?(?:days?|weeks?|hours?|month) (?:of|after) (?:life|birth)"
    r"|neonatal[- ]onset|(?<=onset was )neonatal|born with)\b"
)
# Before birth: a registry counts a prenatal onset as 0 days (shared/gold/SCHEMA.md), and so an age
# in weeks of gestation ("at 32 weeks of gestation") is one too, unless it is when the child was born.
_PRENATAL_AGE = lowered(
    r"\b(?:(?:prenatal|antenatal)(?! (?:diagnos|test|screen|counsel|care|visit))|prenatally|antenatally"
    r"|in utero|during (?:the |her )?pregnancy"
    r"|on (?:prenatal |antenatal |fetal )(?:ultrasound|ultrasonography|sonography|scans?|mri))\b"
)
_VAGUE_AGE = lowered(
    r"\b(?:(?:in|since|during|from) (?:early |late )?(?:infancy|childhood|adolescence)"
    r"|(?:in|during|within) the first (?:few )?months of life)\b"  # "the first month": _NEWBORN_AGE
)
# Ages by decade, counted from the decade's first year as the curators do ("onset in the third
# decade" = 20 years, "in her thirties" = 30 years); the first decade says no more than childhood.
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_DECADE_ORDINALS = {word: index for index, word in enumerate(_ORDINALS)} | {
    f"{index + 1}{'st' if index == 0 else 'nd' if index == 1 else 'rd' if index == 2 else 'th'}": index
    for index in range(len(_ORDINALS))
}
_DECADE_TENS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7}
_DECADE_AGE = lowered(
    r"\b(?:in|during|by|from|within) (?:"
    r"(?:the |his |her |their )?(?:early |late |mid[- ]?)?(?P<ordinal>"
    + "|".join(_DECADE_ORDINALS)
    + r") decade(?: of (?:life|age))?"
    r"|(?:his |her |their )(?:early |late |mid[- ]?)?(?P<tens>"
    + "|".join(_DECADE_TENS)
    + r"|[2-9]0['’]?s))\b"
)
_DAY_OF_LIFE = lowered(r"\b(?:on )?(?:day|dol) (?P<number>\d{1,3}) of life\b")
_FOLLOW_UP = lowered(
    r"follow[- ]?up|followed[- ]up|post[- ]?(?:transplant\w*|HSCT|BMT|HCT|SCT|engraftment)|"
    r"(?:after|following) (?:the )?(?:\w+ )?"
    r"(?:transplant\w*|HSCT|BMT|HCT|SCT|stem cell|bone marrow|cord blood)"
)
# A cue binding the age that follows it to the onset, whatever else the sentence says: "presented
# with diarrhoea since the age of 3 weeks", "beginning at 2 months", "first symptoms at 6 weeks".
# A child "normal up to one and half years of age" or with "no abnormalities until the age of 2
# years" fell ill at that age; "progressing since he was 54 yr old" began then.
_ONSET_BEFORE = lowered(
    r"(?:\bsince(?: (?:he|she|they) (?:was|were))?|\b(?:beginning|starting|commencing) (?:at|from|in)|"
    r"\bfirst (?:symptoms?|signs?|manifestations?)(?: \w+){0,2} (?:at|in)|\bonset (?:at|in|of)|"
    r"\b(?:normal|unremarkable|healthy|asymptomatic|well|no (?:abnormalit\w+|symptoms?|complaints?))"
    r"(?: \w+){0,3} (?:up to|until|till)"
    # "had seizures from 4 months of age": a sign the patient had from then
    r"|\b(?:had|has|have|suffered|suffering|experienced|presented with)\b[^.;:,()]{1,50}\bfrom"
    r") (?:the )?(?:ages? (?:of )?)?"
    r"(?:about |around |approximately |nearly |almost )?$"
)
# A sign the patient had "during infancy" began then: the vague age carries its own preposition.
_SIGN_HELD_BEFORE = lowered(
    r"\b(?:had|has|have|suffered|suffering|experienced|presented with)\b"
    r"(?! (?:an? )?(?:normal|uneventful|unremarkable))[^.;:,()]{1,50}$"
)
# "By age 13, she had developed a kyphoscoliosis": it began before then, at an age the text leaves
# open; nor does one end of a range ("onset at age 4 to 10 years") say when an individual fell ill.
_UPPER_BOUND_BEFORE = lowered(r"\bby (?:the )?(?:ages? (?:of )?)?$")
_PERIOD_START_BEFORE = lowered(r"\bfrom (?:the )?(?:ages? (?:of )?)?$")  # "from age 7 to 9 years": began at 7
_RANGE_START_AFTER = lowered(r"^\s?(?:-|–|to|and)\s?(?:the age of )?\d")
_RANGE_END_BEFORE = lowered(r"\d+(?:\.\d+)?\s?(?:\w+ )?(?:-|–|to|and)\s?$")
# The latest age a vague expression can mean, in days: "infancy" ends at one year, "childhood" at
# twelve. An onset "in infancy" is earlier than one "at 18 years", and no earlier than "at 6 months".
_VAGUE_LATEST_DAYS = [
    (lowered(r"infancy|first (?:few )?months of life"), 365),
    (lowered(r"early childhood"), 5 * 365),
    (lowered(r"childhood"), 12 * 365),
    (lowered(r"early adolescence"), 15 * 365),
    (lowered(r"adolescence"), 18 * 365),
]
_CLAUSE_BREAK = lowered(r"[,;:()]|\b(?:although|though|and|but|when|while|whereas|after|before)\b")
_ROLE_CUES: list[tuple[str, re.Pattern[str]]] = [
    (role, lowered(pattern))
    for role, pattern in [
        ("death", r"\b(?:died|death|passed away|succumbed|deceased|demise)\b"),
        ("transplant", r"\b(?:transplant\w*|HSCT|BMT|HCT|engraft\w*)\b"),
        ("diagnosis", r"\b(?:diagnos\w+|confirmed|suspected)\b"),
        (
            "onset",
            # "began to walk", "started sitting": a milestone reached, not a sign's onset
            r"\b(?:onset|(?:began|begun|beginning|started|starting)(?!\s(?:to\s)?(?:walk|sit|crawl|talk|speak"
            r"|stand|smil|babbl|say|read|roll|run|feed|eat|attend|go to)"
            # "started insulin therapy at 15 years": a treatment's start, not the illness's
            r"|\s(?:\w+\s)?(?:therapy|treatment|medication|injections?|dialysis|supplementation)\b)|"
            # "her first pubertal signs": a milestone again
            r"first (?!pubertal|puberty)(?:\w+ ){0,2}(?:symptoms?|signs?|manifestations?|episode)|"
            r"developed|appeared|manifest(?:ed|ing|s)?|noticed)\b",  # "his manifestations": no verb
        ),
        (
            "presentation",
            r"\b(?:present(?:ed|ing|ation)|admitted|admission|referred|brought|hospitali[sz]ed|came to|"
            r"seen|evaluated)\b",
        ),
        (
            "last_report",
            r"\b(?:currently|now|last (?:follow[- ]?up|visit|evaluation|examination)|at present|presently|"
            r"today|"
            r"to date|most recent|is alive|remains)\b",
        ),
    ]
]


def days_of(expression: str) -> int | None:
    """'2 y 3 mo' -> 821, '15-day-old' -> 15, 'eleven months' -> 334; None when nothing reads as time."""
    total = 0.0
    found = False
    previous_unit = ""
    for part in _PART.finditer(expression):
        unit = _unit_name(part.group("unit"), previous_unit)
        if unit is None:
            continue
        number, _, half = part.group("number").lower().partition(" and ")
        if mixed := _MIXED_HALF.match(number):
            number, half = mixed.group("whole"), "half"
        value = (_NUMBER_WORDS[number] if number in _NUMBER_WORDS else float(number)) + (0.5 if half else 0)
        total += value * DAYS_PER_UNIT[unit]
        found, previous_unit = True, unit
    return int(total + 0.5) if found else None


def latest_days_of(expression: str) -> int | None:
    """The latest age, in days, that a vague age can mean ('in early infancy' -> 365); None when
    the expression is no vague age."""
    return next((days for pattern, days in _VAGUE_LATEST_DAYS if pattern.search(expression)), None)


def _decade_days(match: re.Match[str]) -> int | None:
    if match.group("ordinal"):
        decade = _DECADE_ORDINALS[match.group("ordinal")]
    else:
        tens = match.group("tens")
        decade = _DECADE_TENS.get(tens) or int(tens[0])
    return decade * 3650 if decade else None


def _unit_name(written: str, previous_unit: str) -> str | None:
    if written.lower() == "m":  # "2 y 3 m": months only right after years
        return "month" if previous_unit == "year" else None
    return next((unit for unit, pattern in _UNIT_OF if pattern.match(written)), None)


class AgeRecognizer:
    """Finds ages and durations; see the module docstring for the contract."""

    def __init__(self, role_window_chars: int) -> None:
        self.role_window_chars = role_window_chars

    def __call__(self, doc: Doc) -> Doc:
        ages: list[Span] = []
        durations: list[Span] = []
        sentences = SentenceIndex(doc)
        for start, end, days, is_age in self._expressions(sentences.lower):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            if is_age:
                span._.age_days = days
                span._.age_role = self._role(sentences, span)
                ages.append(span)
            else:
                span._.duration_days = days
                span._.duration_role = "follow_up" if self._is_follow_up(sentences, span) else None
                durations.append(span)
        doc.spans["ages"] = sorted(ages, key=lambda s: s.start_char)
        doc.spans["durations"] = sorted(durations, key=lambda s: s.start_char)
        return doc

    def _expressions(self, text: str) -> Iterator[tuple[int, int, int | None, bool]]:
        """(start, end, days, is_age) of every time expression, in text order."""
        taken: list[tuple[int, int]] = []
        for pattern, days in ((_NEWBORN_AGE, 0), (_PRENATAL_AGE, 0), (_VAGUE_AGE, None)):
            for match in pattern.finditer(text):
                taken.append((match.start(), match.end()))
                yield match.start(), match.end(), days, True
        for match in _DECADE_AGE.finditer(text):
            taken.append((match.start(), match.end()))
            yield match.start(), match.end(), _decade_days(match), True
        for pattern, days_per_unit in ((_UNITLESS_AGE, 365), (_DAY_OF_LIFE, 1)):
            for match in pattern.finditer(text):
                start = match.start("number") if pattern is _UNITLESS_AGE else match.start()
                taken.append((start, match.end()))
                yield start, match.end(), int(match.group("number")) * days_per_unit, True
        for match in _QUANTITY.finditer(text):
            start, end = match.start(), match.end()
            if any(start < e and s < end for s, e in taken):
                continue
            days = days_of(match.group())
            before, after = text[max(0, start - 30) : start], text[end : end + 40]
            if days is None or _GESTATION_BEFORE.search(before):
                continue
            gestation = _GESTATION_AFTER.match(after)
            if gestation:
                yield start, end + gestation.end(), 0, True  # before birth
                continue
            old = _OLD_SUFFIX.match(after)
            if old:
                end += old.end()
            yield start, end, days, self._reads_as_age(before, after)

    @staticmethod
    def _reads_as_age(before: str, after: str) -> bool:
        if _AGE_AFTER.match(after):
            return True
        if not _AGE_BEFORE.search(before):
            return False
        return not (_WEAK_AGE_BEFORE.search(before) and _REFERENCE_POINT.match(after))

    def _role(self, sentences: SentenceIndex, span: Span) -> str:
        sentence = sentences.sentence_at(span.start_char)
        text, offset = sentences.lower[sentence.start_char : sentence.end_char], sentence.start_char
        age_start, age_end = span.start_char - offset, span.end_char - offset
        role = self._cued_role(text, age_start, age_end, vague=span._.age_days is None)
        if role != "onset":
            return role
        before = text[max(0, age_start - 40) : age_start]
        if _UPPER_BOUND_BEFORE.search(before):
            return "unknown"
        after = text[age_end : age_end + 30]
        if (_RANGE_START_AFTER.match(after) and not _PERIOD_START_BEFORE.search(before)) or (
            _RANGE_END_BEFORE.search(before)
        ):
            return "unknown"
        return role

    def _cued_role(self, text: str, age_start: int, age_end: int, *, vague: bool) -> str:
        if (
            _ONSET_BEFORE.search(text, max(0, age_start - 60), age_start)
            or text.startswith("since ", age_start)
            or (vague and _SIGN_HELD_BEFORE.search(text, max(0, age_start - 60), age_start))
        ):
            return "onset"
        best: tuple[int, int, str] | None = None
        for priority, (role, pattern) in enumerate(_ROLE_CUES):
            for match in pattern.finditer(text):
                gap = (match.end(), age_start) if match.end() <= age_start else (age_end, match.start())
                distance = max(gap[1] - gap[0], 0)
                if distance > self.role_window_chars:
                    continue
                if _CLAUSE_BREAK.search(text, *gap):  # "diagnosed at 11 months, although he developed"
                    distance += self.role_window_chars
                if best is None or (distance, priority) < best[:2]:
                    best = (distance, priority, role)
        return best[2] if best else "unknown"

    @staticmethod
    def _is_follow_up(sentences: SentenceIndex, span: Span) -> bool:
        sentence = sentences.sentence_at(span.start_char)
        text = sentences.lower
        window_start = max(sentence.start_char, span.start_char - 40)
        return bool(_FOLLOW_UP.search(text, window_start, min(sentence.end_char, span.end_char + 40)))


@Language.factory("caseminer_ages", default_config={"role_window_chars": 120})
def make_ages(nlp: Language, name: str, role_window_chars: int) -> AgeRecognizer:
    return AgeRecognizer(role_window_chars)


__all__ = ["AGE_ROLES", "DAYS_PER_UNIT", "AgeRecognizer", "days_of", "latest_days_of", "make_ages"]
