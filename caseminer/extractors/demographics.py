"""spaCy component `caseminer_demographics`: sex, parental consanguinity and country of the patient.

Regular expressions over ``doc.text``; the patient builder decides which patient a span belongs to.

Contract:

* ``doc.spans["sex"]``: ``Span._.sex`` ("male" / "female") and ``Span._.sex_evidence``:
  - "noun": a singular person noun - boy, girl, man, woman, gentleman, lady, male, female ("a
    3-month-old female", "male infant"). Not counted: plurals ("males are affected"), generic uses
    ("female carrier", "male-to-female ratio"), and nouns describing a relative ("his mother, a
    healthy woman").
  - "letter": M or F written right after a patient's label ("P1 (M, 4 y)", "Patient 2 (F/3 y)",
    "#27: M"), as case series abbreviate it.
  - "pronoun": he/him/his/himself, she/her/hers/herself. Weak evidence: "She" may be the mother
    the previous sentence spoke of; the patient builder should use pronouns only when no noun
    decides, by majority. "his mother" counts as male: the possessive is the patient's.
* ``doc.spans["consanguinity"]``: ``Span._.consanguineous`` (bool) - True for "consanguineous
  parents", "consanguinity", "parents were first cousins"; False for "non-consanguineous",
  "unrelated parents", "no consanguinity". The value already accounts for the negation; ignore the
  context component's ``_.negated`` on these spans. Cousin words count only in a sentence about
  the parents or a marriage ("his first cousin died" is family history, not consanguinity).
* ``doc.spans["country"]``: ``Span._.country`` (``pycountry``'s common name, else its ISO 3166
  short name: "Jordan", "Syria", "Türkiye") and ``Span._.country_code`` (alpha-2). Only stated
  origins count: "from Jordan", "born in", "native of", "of Turkish origin/descent",
  "Turkish-born", or a demonym before a person noun ("a Turkish boy", "Moroccan parents"). Bare
  country names (hospital or author addresses) are not flagged, nor institutions ("from Jordan
  University Hospital"), nor passages of section "other". :func:`country_code` resolves names,
  aliases and demonyms for comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pycountry
from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.context import SentenceIndex, doc_text, lowered
from caseminer.extractors.sections import section_of

for _name in ("sex", "sex_evidence", "consanguineous", "country", "country_code"):
    Span.set_extension(_name, default=None, force=True)

_RELATIVE = (
    r"(?:mother|father|sisters?|brothers?|siblings?|aunts?|uncles?|cousins?|grand\w+|parents?|wife|husband|"
    r"daughters?|sons?|twin)"
)
_SEX_NOUN = lowered(r"\b(?P<word>boy|girl|man|woman|gentleman|lady|male|female)\b")
_SEX_OF_NOUN = {
    "boy": "male",
    "man": "male",
    "gentleman": "male",
    "male": "male",
    "girl": "female",
    "woman": "female",
    "lady": "female",
    "female": "female",
}
_GENERIC_AFTER = lowered(  # used with match(text, pos): anchored at pos
    r"(?:[- ]to[- ]|[- ](?:carriers?|relatives?|patients|predominance|ratio|gender|sex|hormones?|pattern|"
    r"infertility|members?|subjects|individuals|controls|offspring|" + _RELATIVE + r")\b)"
)
_RELATIVE_BEFORE = lowered(rf"\b{_RELATIVE}\b[^.;()]{{0,30}}$")
# Found from the letter, which is rare, then checked for the label before it (a scan for the
# labels would try every "P" of the text).
_SEX_LETTER = re.compile(r"[(,:]\s*(?P<letter>[MF])(?=\s*(?:[,;/)]|\d))")
_LABEL_BEFORE_LETTER = re.compile(
    r"(?:\b(?:P|Pt\.?|[Pp]atient|[Cc]ase|[Ss]ubject|[Ii]ndividual)\s?(?:\d{1,2}|[IVX]{1,4}[-.:]\d{1,2})"
    r"|#\d{1,3})\s*$"
)
_PRONOUN = lowered(r"\b(?:(?P<male>he|him|his|himself)|(?P<female>she|her|hers|herself))\b")

_CONSANGUINITY = lowered(
    r"\b(?:non[- ]?)?consanguin\w*"
    r"|\b(?:first|second|third|1st|2nd|3rd)[- ](?:degree )?cousins?\b"
    r"|\b(?:un)?related parents\b"
    r"|\bparents (?:were|are) (?:not )?(?:un)?related\b"
)
_NEGATED_CONSANGUINITY = lowered(r"^non|\bunrelated\b|\bnot\b")
_NEGATION_BEFORE = lowered(
    r"\b(?:no|not|without|denied|denies|absence of|negative for|neither|nor)\b[^.;]{0,20}$"
)
_NEGATION_AFTER = lowered(  # used with match(text, pos): anchored at pos
    r" (?:was|were|is) (?:denied|absent|excluded|not (?:reported|present|known|noted))\b"
)
_PARENTS_CUE = lowered(r"\b(?:parents?|marriage|married|union|couple|mother|father)\b")

# Names used in case reports that ISO 3166 spells differently.
_COUNTRY_ALIASES = {
    "Turkey": "TR",
    "Russia": "RU",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "U.S.A.": "US",
    "USA": "US",
    "Korea": "KR",
    "Holland": "NL",
    "Macedonia": "MK",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Persia": "IR",
}
# Demonyms whose form no rule derives from the country name (the rule: "-a"/"-ia" + "n").
_IRREGULAR_DEMONYMS = {
    "Turkish": "TR",
    "Iranian": "IR",
    "Persian": "IR",
    "Iraqi": "IQ",
    "Israeli": "IL",
    "Lebanese": "LB",
    "Egyptian": "EG",
    "Moroccan": "MA",
    "Libyan": "LY",
    "Sudanese": "SD",
    "Jordanian": "JO",
    "Syrian": "SY",
    "Palestinian": "PS",
    "Saudi": "SA",
    "Emirati": "AE",
    "Kuwaiti": "KW",
    "Qatari": "QA",
    "Omani": "OM",
    "Yemeni": "YE",
    "Bahraini": "BH",
    "Pakistani": "PK",
    "Afghan": "AF",
    "Bangladeshi": "BD",
    "Nepalese": "NP",
    "Nepali": "NP",
    "Thai": "TH",
    "Vietnamese": "VN",
    "Filipino": "PH",
    "Korean": "KR",
    "Taiwanese": "TW",
    "Japanese": "JP",
    "Chinese": "CN",
    "French": "FR",
    "Dutch": "NL",
    "German": "DE",
    "British": "GB",
    "English": "GB",
    "Scottish": "GB",
    "Welsh": "GB",
    "Irish": "IE",
    "Spanish": "ES",
    "Portuguese": "PT",
    "Italian": "IT",
    "Greek": "GR",
    "Polish": "PL",
    "Swedish": "SE",
    "Danish": "DK",
    "Finnish": "FI",
    "Norwegian": "NO",
    "Icelandic": "IS",
    "Swiss": "CH",
    "Belgian": "BE",
    "Czech": "CZ",
    "Slovak": "SK",
    "Hungarian": "HU",
    "Ukrainian": "UA",
    "Belarusian": "BY",
    "Russian": "RU",
    "Kazakh": "KZ",
    "Uzbek": "UZ",
    "Azerbaijani": "AZ",
    "Mexican": "MX",
    "Brazilian": "BR",
    "Argentinian": "AR",
    "Argentine": "AR",
    "Chilean": "CL",
    "Peruvian": "PE",
    "Ecuadorian": "EC",
    "Uruguayan": "UY",
    "Paraguayan": "PY",
    "Venezuelan": "VE",
    "Canadian": "CA",
    "American": "US",
    "New Zealander": "NZ",
    "Ethiopian": "ET",
    "Somali": "SO",
    "South African": "ZA",
    "Ghanaian": "GH",
    "Cameroonian": "CM",
    "Senegalese": "SN",
    "Malian": "ML",
    "Congolese": "CD",
    "Sri Lankan": "LK",
    "Singaporean": "SG",
    "Kyrgyz": "KG",
    "Tajik": "TJ",
    "Turkmen": "TM",
}
_PERSON_AFTER = (
    r"(?:boy|girl|man|woman|male|female|infant|child|baby|neonate|newborn|toddler|adolescent|patient|family|"
    r"parents?|couple|kindred|pedigree|origin|descent|ancestry|ethnicity|national|citizen|proband)"
)
_CAPITALISED = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
_INSTITUTION_AFTER = re.compile(  # used with match(text, pos): anchored at pos
    r"\s(?:University|Hospital|Medical|Institute|Journal|Society|Academy|Center|Centre|College|Ministry|National)\b"
)


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], dict[str, str]]:
    """(country name or alias -> alpha-2, demonym -> alpha-2), from pycountry plus the lists above."""
    names: dict[str, str] = dict(_COUNTRY_ALIASES)
    demonyms: dict[str, str] = dict(_IRREGULAR_DEMONYMS)
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name and "," not in name:
                names.setdefault(name, country.alpha_2)
                if name.endswith("a") and " " not in name:
                    demonyms.setdefault(name + "n", country.alpha_2)
    return names, demonyms


def country_code(text: str) -> str | None:
    """'Jordan' / 'Turkey' / 'Turkish' / 'TR' -> ISO alpha-2 code, or None."""
    names, demonyms = _country_table()
    text = text.strip()
    if text in names or text in demonyms:
        return names.get(text) or demonyms[text]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _country_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    names, _ = _country_table()
    stated = re.compile(
        r"\b(?:from|born in|native of|citizen of|resident of|living in|lived in|originating from|"
        r"emigrated from|"
        rf"immigrated from)\s(?:the\s)?(?P<country>{_alternation(list(names))})\b"
    )
    # Capitalised words before a person noun; whether they are a demonym is a dictionary lookup
    # (a regex alternation of all demonyms is several times slower).
    demonym = re.compile(
        rf"\b(?P<country>{_CAPITALISED})(?:-born\b|\s(?:[\w-]+\s){{0,2}}{_PERSON_AFTER}\b)"
        rf"|\bof (?P<country2>{_CAPITALISED}) (?:origin|descent|ancestry|ethnicity)\b"
    )
    return stated, demonym


class DemographicsRecognizer:
    """Finds sex, consanguinity and country mentions; see the module docstring for the contract."""

    def __init__(self, pronouns: bool) -> None:
        self.pronouns = pronouns
        _country_patterns()

    def __call__(self, doc: Doc) -> Doc:
        sentences = SentenceIndex(doc)
        doc.spans["sex"] = sorted(self._sex(doc, sentences.lower), key=lambda s: s.start_char)
        doc.spans["consanguinity"] = list(self._consanguinity(doc, sentences))
        doc.spans["country"] = sorted(self._countries(doc, sentences.text), key=lambda s: s.start_char)
        return doc

    def _sex(self, doc: Doc, text: str) -> Iterator[Span]:
        for match in _SEX_NOUN.finditer(text):
            if _GENERIC_AFTER.match(text, match.end()) or _RELATIVE_BEFORE.search(
                text, max(0, match.start() - 40), match.start()
            ):
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                span._.sex, span._.sex_evidence = _SEX_OF_NOUN[match.group("word").lower()], "noun"
                yield span
        written = doc_text(doc)
        for match in _SEX_LETTER.finditer(written):
            if not _LABEL_BEFORE_LETTER.search(written, max(0, match.start() - 20), match.start()):
                continue
            span = doc.char_span(match.start("letter"), match.end("letter"), alignment_mode="expand")
            if span is not None:
                span._.sex = "male" if match.group("letter") == "M" else "female"
                span._.sex_evidence = "letter"
                yield span
        if not self.pronouns:
            return
        for match in _PRONOUN.finditer(text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                span._.sex = "male" if match.group("male") else "female"
                span._.sex_evidence = "pronoun"
                yield span

    @staticmethod
    def _consanguinity(doc: Doc, sentences: SentenceIndex) -> Iterator[Span]:
        text = sentences.lower
        for match in _CONSANGUINITY.finditer(text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            if "cousin" in match.group().lower() and not _PARENTS_CUE.search(
                sentences.sentence_text(span, lower=True)
            ):
                continue
            negated = bool(
                _NEGATED_CONSANGUINITY.search(match.group())
                or _NEGATION_BEFORE.search(text, max(0, match.start() - 40), match.start())
                or _NEGATION_AFTER.match(text, match.end())
            )
            span._.consanguineous = not negated
            yield span

    @staticmethod
    def _countries(doc: Doc, text: str) -> Iterator[Span]:
        names, demonyms = _country_table()
        stated, demonym = _country_patterns()
        for pattern, table in ((stated, names), (demonym, demonyms)):
            for match in pattern.finditer(text):
                group = "country" if match.group("country") else "country2"
                found = _known_words(match.group(group), match.start(group), table)
                if found is None or _INSTITUTION_AFTER.match(text, found[1]):
                    continue
                span = doc.char_span(found[0], found[1], alignment_mode="expand")
                if span is None or section_of(span) == "other":
                    continue
                code = table[text[found[0] : found[1]]]
                span._.country_code, span._.country = code, country_name(code)
                yield span


def _known_words(words: str, offset: int, table: dict[str, str]) -> tuple[int, int] | None:
    """Offsets of `words`, or of its last or first word ("In Turkish children", "Moroccan Jewish
    family"), whichever `table` knows."""
    first, _, last = words.partition(" ")
    for candidate, start in ((words, offset), (last, offset + len(first) + 1), (first, offset)):
        if candidate and candidate in table:
            return start, start + len(candidate)
    return None


@Language.factory("caseminer_demographics", default_config={"pronouns": True})
def make_demographics(nlp: Language, name: str, pronouns: bool) -> DemographicsRecognizer:
    return DemographicsRecognizer(pronouns)


__all__ = ["DemographicsRecognizer", "country_code", "country_name", "make_demographics"]
