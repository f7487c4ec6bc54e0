"""spaCy component `caseminer_variants`: sequence-variant mentions, HGVS-normalised.

Regular expressions over ``doc.text`` find candidates; the `hgvs` package's parser (offline, built
once per process) validates and normalises them. Recognised forms:

* HGVS with a level prefix: ``c.1150G>A``, ``c.816+2T>A``, ``c.-23G>A``, ``c.1248_1253delinsCT``,
  ``c.210_211insA``, ``c.45_46delAG`` (-> ``c.45_46del``), dup/inv; ``p.Ala384Thr``, ``p.(Pro75Leu)``,
  ``p.A384T``, ``p.L76Qfs*53``, ``p.Y151X``; ``g.`` likewise; optionally behind a transcript
  (``NM_014009.3(FOXP3):c.1150G>A``).
* Legacy forms: ``1150G>A`` (read as coding DNA), ``IVS9+1G>A``, ``Ala384Thr``, ``L76QfsX53``,
  ``exon 7 skipping`` / ``deletion of exon 3``, and one-letter substitutions such as ``A384T`` - the
  last only when the sentence has a variant cue ("mutation", "variant", "missense", "c." ...),
  because "T1D"-like tokens are common. A one-letter change whose letters are also nucleotides
  (``C677T``) is read as protein, as case reports mostly write protein changes that way.

Contract (keep it; the patient builder relies on it):

* Each mention is a ``doc.ents`` span labelled ``VARIANT``. Entities already set are kept and
  overlapping candidates dropped; among overlapping candidates the longest wins.
* ``Span._.hgvs_c`` / ``_.hgvs_p`` / ``_.hgvs_g``: HGVS strings (``c.1150G>A``, ``p.Ala384Thr``; the
  "predicted" parentheses of ``p.(Pro75Leu)`` are dropped; one-letter amino acids and legacy ``X``
  stops become three-letter / ``Ter``). A ``c.``/``g.`` form the parser rejects is kept as written
  (spaces and arrows removed). Forms without HGVS meaning (``IVS9+1G>A``, exon skipping) leave all
  three None; ``span.text`` is the mention as written.
* ``Span._.variant_group`` (int): a coding change written with its protein change - ``c.1150G>A
  (p.Ala384Thr)``, ``c.1150G>A, p.Ala384Thr``, ``c.1150G>A resulting in p.Ala384Thr`` - gives two
  spans with the same group and both carry both ``hgvs_c`` and ``hgvs_p``; so do a coding change and the
  protein change after it in the same or the next sentence when the protein position is the codon
  the coding change touches. One group = one variant.
* ``Span._.gene_symbol``: the gene-like symbol written right before the variant (``FOXP3
  c.1150G>A``, ``FOXP3:c.1150G>A``, ``NM_014009.3(FOXP3):``), else None; not checked against the
  vocabulary (the patient builder confirms it with the GENE entities).
* ``Span._.transcript``: the reference sequence of a ``c.`` change — the accession written right
  before it (``NM_014009.3:c.1150G>A``), else the article's one ``NM_`` accession when it names only
  one ("numbered after NM_014009.3"); else None.
* ``Span._.zygosity``: "compound heterozygous" / "hemizygous" / "homozygous" / "heterozygous", the
  mention closest to the variant that is not about a relative ("his mother was heterozygous"),
  read in the variant's sentence, else the previous or next sentence when those name no other
  variant; else None.
* ``Span._.origin``: "de novo" / "maternal" / "paternal" / "inherited" ("inherited from his
  mother", "carrier mother", "absent in both parents" -> de novo), read in the variant's sentence,
  else the next or previous sentence when those name no other variant; else None.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count, pairwise

from hgvs.exceptions import HGVSError
from hgvs.parser import Parser
from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.context import Sentence, SentenceIndex, doc_text, lower_text, lowered

VARIANT_LABEL = "VARIANT"
VARIANT_EXTENSIONS = (
    "hgvs_c",
    "hgvs_p",
    "hgvs_g",
    "variant_group",
    "gene_symbol",
    "transcript",
    "zygosity",
    "origin",
)
for _name in VARIANT_EXTENSIONS:
    Span.set_extension(_name, default=None, force=True)

_AA3 = r"(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter)"
_AA1 = r"[ACDEFGHIKLMNPQRSTVWY]"
_AA = rf"(?:{_AA3}|{_AA1})"
_STOP = r"(?:\*|X|Ter)"
_ARROW = r"\s?(?:>|→|->|&gt;)\s?"
# Intronic offsets are written with spaces too ("c.543 + 5G > A").
_NT_POS = r"[-*]?\d+(?:\s?[-+]\s?\d+)?"
_NT_EDIT = (
    rf"(?:[ACGT]{_ARROW}[ACGT]|delins[ACGT]+|del[ACGT]*ins[ACGT]+|del[ACGT]*|dup[ACGT]*|ins[ACGT]+|inv|=)"
)
_NT_CHANGE = rf"{_NT_POS}(?:_{_NT_POS})?\s?{_NT_EDIT}"
_P_CHANGE = (
    rf"{_AA}\d+(?:_{_AA}\d+)?"
    rf"(?:{_AA}?fs{_STOP}?\d*|delins{_AA}+|del|dup|ins{_AA}+|{_AA}|{_STOP}|=)"
)
_END = r"(?![A-Za-z0-9>])"
_TRANSCRIPT_BEFORE = re.compile(r"(?P<accession>N[MCGRP]_\d+(?:\.\d+)?)(?:\((?P<gene>[A-Za-z0-9-]+)\))?:$")
_CODING_TRANSCRIPT = re.compile(r"\bNM_\d+\.\d+\b")

# Each pattern starts with a literal or a character class (look-behinds come after the first
# character) so that the regex engine can skip ahead fast; "exon" runs on the lower-cased text.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("c", re.compile(rf"[cC]\.\s?(?P<body>{_NT_CHANGE}){_END}")),  # "C.227del" in some journals' style
    # the reference base before the position, as some papers write it: "c.G545A"
    ("c_ref_first", re.compile(rf"[cC]\.(?P<body>[ACGT]{_NT_POS}[ACGT]){_END}")),
    ("g", re.compile(rf"g\.\s?(?P<body>{_NT_CHANGE}){_END}")),
    ("p", re.compile(rf"p\.\s?(?P<body>\({_P_CHANGE}\)|{_P_CHANGE}){_END}")),
    ("legacy_c", re.compile(rf"(?P<body>\d(?<![\w.:/+*-]\d)\d*(?:[-+]\d+)?\s?[ACGT]{_ARROW}[ACGT]){_END}")),
    ("ivs", re.compile(rf"IVS(?<![\w.]IVS)\s?\d+\s?[-+]\s?\d+\s?{_NT_EDIT}{_END}")),
    (
        "legacy_p",
        re.compile(
            rf"(?=[A-Z])(?<![\w.*])(?P<body>{_AA}\d+{_AA}?fs{_STOP}?\d*|{_AA3}\d+(?:{_AA3}|{_STOP})){_END}"
        ),
    ),
    ("one_letter_p", re.compile(rf"(?={_AA1})(?<![\w.*])(?P<body>{_AA1}\d{{2,4}}(?:{_AA1}|\*|X))(?![\w*])")),
    (
        "exon",
        lowered(
            r"\b(?:(?:skipping|deletion|duplication) of exons? \d+(?:\s?(?:-|–|to|and)\s?\d+)?"
            r"|exons? \d+(?:\s?(?:-|–|to|and)\s?\d+)? (?:skipping|deletion|duplication))\b"
        ),
    ),
]
_LOWER_TEXT_FORMS = frozenset({"exon"})
_VARIANT_CUE = re.compile(
    r"mutat|variant|substitution|missense|nonsense|amino acid|residue|polymorphism|zygo|allele|\b[cp]\.",
    re.IGNORECASE,
)
# A patient label with its variant in brackets ("P2 (R347H)") is a cue too.
_LABEL_BEFORE = re.compile(r"\b(?:P|Pt\.?|[Pp]atient|[Cc]ase)\s?\d{1,2}\s?\($")
_GENE_PREFIX = re.compile(r"\b(?P<gene>[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]+)?)\s?(?::|\s)\s?(?:gene\s)?$")
_PAIR_GAP = re.compile(
    r"^[\s(\[,;/:|]*(?:(?:resulting in|results in|leading to|predicted to (?:result in|cause)|causing"
    r"|which (?:results|resulted) in|that (?:results|resulted) in|or)\s*)?[\s(\[]*$",
    re.IGNORECASE,
)
_ZYGOSITY = re.compile(r"compound heterozyg\w*|hemizyg\w*|homozyg\w*|heterozyg\w*", re.IGNORECASE)
_RELATIVE = r"(?:mother|father|parents?|sisters?|brothers?|siblings?|cousins?|aunts?|uncles?|grand\w+)"
_ABOUT_RELATIVE_BEFORE = re.compile(rf"\b{_RELATIVE}\b[^.;]{{0,25}}$", re.IGNORECASE)
_ABOUT_RELATIVE_AFTER = re.compile(
    rf"^\s?(?:\w+\s)?(?:in|for) (?:his|her|the|their|both) {_RELATIVE}\b", re.IGNORECASE
)
_NOT = r"(?!not\b|negative\b)"
_ORIGINS: list[tuple[str, re.Pattern[str]]] = [
    (
        "de novo",
        re.compile(
            r"\bde novo\b"
            r"|\b(?:absent|not (?:found|detected|present|identified)) in (?:both|either|the) parents\b"
            r"|\bneither (?:parent|of the parents)\b|\bparents were (?:not carriers|negative|wild[- ]type)\b",
            re.IGNORECASE,
        ),
    ),
    *(
        (
            origin,
            re.compile(
                rf"\b{adjective}ly (?:inherited|derived|transmitted)\b|\bof {adjective} origin\b"
                rf"|\b{adjective} (?:allele|inheritance|transmission)\b"
                rf"|\binherited from (?:his|her|the|their) {parent}\b|\bcarrier {parent}\b"
                rf"|\b{parent} (?:was|is) {_NOT}(?:also )?(?:an? )?"
                rf"(?:{_NOT}\w+ ){{0,4}}(?:carrier|heterozygous)\b"
                rf"|\b{parent} carried\b",
                re.IGNORECASE,
            ),
        )
        for origin, adjective, parent in (
            ("maternal", "maternal", "mother"),
            ("paternal", "paternal", "father"),
        )
    ),
    (
        "inherited",
        re.compile(r"\binherited\b|\bsegregat\w+|\bfamilial (?:variant|mutation)\b", re.IGNORECASE),
    ),
]


@dataclass(slots=True)
class _Candidate:
    form: str
    start: int
    end: int
    body: str
    transcript_gene: str | None
    transcript: str | None = None
    hgvs: dict[str, str | None] = field(default_factory=dict)

    @property
    def level(self) -> str | None:
        if self.hgvs.get("hgvs_p"):
            return "p"
        if self.hgvs.get("hgvs_c") or self.hgvs.get("hgvs_g"):
            return "nt"
        return None


@lru_cache(maxsize=1)
def hgvs_parser() -> Parser:
    """The hgvs grammar parser, built once per process."""
    return Parser()


def _compact_nucleotide(body: str) -> str:
    return re.sub(_ARROW, ">", body).replace(" ", "")


@lru_cache(maxsize=4096)
def normalize_nucleotide(body: str, level: str) -> str:
    """'1150 G→A' at level 'c' -> 'c.1150G>A'; HGVS-normalised where the parser accepts it."""
    compact = _compact_nucleotide(body)
    parse = hgvs_parser().parse_c_posedit if level == "c" else hgvs_parser().parse_g_posedit
    try:
        return f"{level}.{parse(compact)}"
    except HGVSError:
        return f"{level}.{compact}"


@lru_cache(maxsize=4096)
def normalize_protein(body: str) -> str | None:
    """'A384T' / 'Y151X' / '(Pro75Leu)' / 'L76QfsX53' -> three-letter HGVS ('p.Ala384Thr'), or None."""
    bare = body.strip("()")
    bare = re.sub(r"^(.*\d+)X$", r"\1*", bare)  # legacy stop "Y151X"; hgvs reads X as "any"
    try:
        return f"p.{hgvs_parser().parse_p_posedit(bare)}".replace("(", "").replace(")", "")
    except HGVSError:
        return None


class VariantRecognizer:
    """Finds variant mentions; see the module docstring for the contract."""

    def __init__(self, one_letter_needs_cue: bool) -> None:
        self.one_letter_needs_cue = one_letter_needs_cue
        hgvs_parser()

    def __call__(self, doc: Doc) -> Doc:
        candidates = sorted(
            self._candidates(doc_text(doc), lower_text(doc)), key=lambda c: (-(c.end - c.start), c.start)
        )
        _split_tokens_at(doc, [(c.start, c.end) for c in candidates])
        sentences = SentenceIndex(doc)
        taken = [(e.start, e.end) for e in doc.ents]
        accepted: list[tuple[Span, _Candidate]] = []
        for candidate in candidates:
            span = doc.char_span(candidate.start, candidate.end, label=VARIANT_LABEL)
            if span is None or any(span.start < end and start < span.end for start, end in taken):
                continue
            if (
                candidate.form == "one_letter_p"
                and self.one_letter_needs_cue
                and not _VARIANT_CUE.search(sentences.sentence_text(span))
                and not _LABEL_BEFORE.search(sentences.text, max(0, span.start_char - 16), span.start_char)
            ):
                continue
            taken.append((span.start, span.end))
            accepted.append((span, candidate))
        accepted.sort(key=lambda pair: pair[0].start)
        self._annotate(sentences, accepted)
        doc.ents = sorted([*doc.ents, *(span for span, _ in accepted)], key=lambda s: s.start)
        return doc

    def _candidates(self, text: str, lower: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        for form, pattern in _PATTERNS:
            for match in pattern.finditer(lower if form in _LOWER_TEXT_FORMS else text):
                body = match.groupdict().get("body") or text[match.start() : match.end()]
                start, gene, accession = match.start(), None, None
                if form in (
                    "c",
                    "c_ref_first",
                    "g",
                    "p",
                ):  # behind a transcript: "NM_014009.3(FOXP3):c.1150G>A"
                    transcript = _TRANSCRIPT_BEFORE.search(text, max(0, start - 40), start)
                    if transcript:
                        start, gene = transcript.start(), transcript.group("gene")
                        accession = transcript.group("accession")
                candidate = _Candidate(form, start, match.end(), body, gene, accession)
                candidate.hgvs = _normalize(form, body)
                if form in ("legacy_p", "one_letter_p") and candidate.hgvs["hgvs_p"] is None:
                    continue
                found.append(candidate)
        return _nucleotides_read_as_amino_acids(found)

    def _annotate(self, sentences: SentenceIndex, accepted: list[tuple[Span, _Candidate]]) -> None:
        text = sentences.text
        groups = count()
        group = next(groups)
        previous: tuple[Span, _Candidate] | None = None
        coding_transcripts = set(_CODING_TRANSCRIPT.findall(text)) if accepted else set()
        only_transcript = next(iter(coding_transcripts)) if len(coding_transcripts) == 1 else None
        for span, candidate in accepted:
            paired = previous is not None and self._pairs(sentences, previous, (span, candidate))
            if paired and previous is not None:
                merged = {k: previous[1].hgvs.get(k) or candidate.hgvs.get(k) for k in candidate.hgvs}
                for _, member in (previous, (span, candidate)):
                    member.hgvs = merged
                _set_hgvs(previous[0], merged)
            else:
                group = next(groups)
            _set_hgvs(span, candidate.hgvs)
            span._.variant_group = group
            span._.gene_symbol = candidate.transcript_gene or _gene_prefix(text, candidate.start)
            if span._.hgvs_c:
                span._.transcript = candidate.transcript or only_transcript
            # zygosity is mostly written before the variant, its origin after it
            span._.zygosity = _zygosity(text, _statement_sentences(sentences, span, accepted, (-1, 1)), span)
            span._.origin = _origin(text, _statement_sentences(sentences, span, accepted, (1, -1)))
            previous = None if paired else (span, candidate)
        self._pair_parallel_lists(sentences, accepted)
        _pair_by_codon(sentences, accepted)

    @staticmethod
    def _pair_parallel_lists(sentences: SentenceIndex, accepted: list[tuple[Span, _Candidate]]) -> None:
        """ "c.7782_7783del and c.9742_9745del ..., p.Lys2595Serfs*6 and p.Lys3248Serfs*13": in a
        sentence where as many coding changes as protein changes stand alone, the coding ones all
        before the protein ones, the i-th coding change and the i-th protein change are one variant."""
        groups = Counter(span._.variant_group for span, _ in accepted)
        by_sentence: dict[int, list[tuple[Span, _Candidate]]] = {}
        for span, candidate in accepted:
            if groups[span._.variant_group] == 1 and candidate.level is not None:
                by_sentence.setdefault(sentences.index_at(span.start_char), []).append((span, candidate))
        for members in by_sentence.values():
            coding = [m for m in members if m[1].level == "nt"]
            protein = [m for m in members if m[1].level == "p"]
            if len(coding) < 2 or len(coding) != len(protein) or coding[-1][0].start > protein[0][0].start:
                continue
            for coding_change, protein_change in zip(coding, protein, strict=True):
                _join(coding_change, protein_change)

    @staticmethod
    def _pairs(
        sentences: SentenceIndex, first: tuple[Span, _Candidate], second: tuple[Span, _Candidate]
    ) -> bool:
        levels = {first[1].level, second[1].level}
        if levels != {"p", "nt"} or sentences.index_at(first[1].start) != sentences.index_at(second[1].start):
            return False
        return bool(_PAIR_GAP.match(sentences.text[first[1].end : second[1].start]))


_CODING_POSITIONS = re.compile(r"^c\.(?P<start>\d+)(?:_(?P<end>\d+))?(?=[A-Za-z])")
_PROTEIN_POSITION = re.compile(r"^p\.\(?[A-Z][a-z]{2}(?P<codon>\d+)")
# A frameshift's first changed residue can lie a few codons after the edit (repeated bases).
_FRAMESHIFT_REACH = 3


def _codons_of(hgvs_c: str | None) -> range | None:
    """The codons an exonic coding change touches ("c.699T>G" -> 233; "c.70_71del" -> 24); None for
    an intronic or UTR change, whose protein effect its position does not tell."""
    match = _CODING_POSITIONS.match(hgvs_c or "")
    if match is None:
        return None
    start = int(match["start"])
    end = int(match["end"] or start)
    reach = 0 if ">" in (hgvs_c or "") else _FRAMESHIFT_REACH
    return range((start + 2) // 3, (end + 2) // 3 + reach + 1)


def _join(coding: tuple[Span, _Candidate], protein: tuple[Span, _Candidate]) -> None:
    """One variant of a coding change and its protein change: both spans carry both forms and the
    coding change's group."""
    merged = {k: coding[1].hgvs.get(k) or protein[1].hgvs.get(k) for k in coding[1].hgvs}
    for span, _ in (coding, protein):
        _set_hgvs(span, merged)
    protein[0]._.variant_group = coding[0]._.variant_group


def _pair_by_codon(sentences: SentenceIndex, accepted: list[tuple[Span, _Candidate]]) -> None:
    """"c.699T>G transversion ... The polymorphism produces ... (p.D233E)": a coding change and the
    protein change right after it (no variant between, the same or the next sentence) are one variant
    when the protein position is the codon the coding change touches - however the words between
    them run."""
    groups = Counter(span._.variant_group for span, _ in accepted)
    for (c_span, c_candidate), (p_span, p_candidate) in pairwise(accepted):
        if groups[c_span._.variant_group] != 1 or groups[p_span._.variant_group] != 1:
            continue
        if c_candidate.level != "nt" or p_candidate.level != "p":
            continue
        sentence_gap = sentences.index_at(p_span.start_char) - sentences.index_at(c_span.start_char)
        codons = _codons_of(c_candidate.hgvs.get("hgvs_c"))
        protein = _PROTEIN_POSITION.match(p_candidate.hgvs.get("hgvs_p") or "")
        if sentence_gap > 1 or codons is None or protein is None or int(protein["codon"]) not in codons:
            continue
        _join((c_span, c_candidate), (p_span, p_candidate))
        groups[c_span._.variant_group] += 1  # both spans now hold the coding change's group


def _split_tokens_at(doc: Doc, boundaries: list[tuple[int, int]]) -> None:
    """Split tokens that a mention boundary cuts: tokenizers glue "c.1150G>A." into "A." (an initial).

    Span objects held by earlier components go stale when tokens move; scispaCy's abbreviation
    spans are rebuilt from their character offsets (their extension values are keyed by offsets).
    """
    cuts: dict[int, set[int]] = {}
    for start, end in boundaries:
        covering = doc.char_span(start, end, alignment_mode="expand")
        if covering is None:
            continue
        if covering.start_char < start:
            cuts.setdefault(covering.start, set()).add(start - covering.start_char)
        last = covering[-1]
        if covering.end_char > end:
            cuts.setdefault(last.i, set()).add(end - last.idx)
    if not cuts:
        return
    abbreviations = _abbreviation_offsets(doc)
    has_sentences = doc.has_annotation("SENT_START")
    with doc.retokenize() as retokenizer:
        for index, inner in cuts.items():
            token = doc[index]
            bounds = [0, *sorted(inner), len(token.text)]
            pieces = [token.text[a:b] for a, b in pairwise(bounds)]
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
    if has_sentences:  # a split copies the token's sentence start to every piece
        shift = 0
        for index in sorted(cuts):
            last = index + shift + len(cuts[index])
            for piece in range(index + shift + 1, last + 1):
                doc[piece].is_sent_start = False
            if doc[last].text == "." and last + 1 < len(doc) and doc[last + 1].is_title:
                doc[last + 1].is_sent_start = True  # "c.530A>G. His": the full stop was hidden in "G."
            shift += len(cuts[index])
    if abbreviations is not None:
        _restore_abbreviations(doc, abbreviations)


def _abbreviation_offsets(doc: Doc) -> list[tuple[int, int, int | None, int | None]] | None:
    if not Doc.has_extension("abbreviations") or not doc._.abbreviations:
        return None
    offsets = []
    for short in doc._.abbreviations:
        long_form = short._.long_form
        offsets.append(
            (
                short.start_char,
                short.end_char,
                *((long_form.start_char, long_form.end_char) if long_form else (None, None)),
            )
        )
    return offsets


def _restore_abbreviations(doc: Doc, offsets: list[tuple[int, int, int | None, int | None]]) -> None:
    restored = []
    for start, end, long_start, long_end in offsets:
        short = doc.char_span(start, end)
        if short is None:
            continue
        if long_start is not None and long_end is not None:
            short._.long_form = doc.char_span(long_start, long_end)
        restored.append(short)
    doc._.abbreviations = restored


def _nucleotides_read_as_amino_acids(candidates: list[_Candidate]) -> list[_Candidate]:
    """ "C1052T" beside "c.1052C>T" is that base change in legacy writing, not p.Cys1052Thr: a
    one-letter protein form of bases only (A, C, G, T) whose position and bases a coding change of
    the document repeats is read as that change."""
    coding = {c.hgvs["hgvs_c"] for c in candidates if c.hgvs.get("hgvs_c")}
    for candidate in candidates:
        bases = re.fullmatch(r"[ACGT]\d+[ACGT]", candidate.body)
        if candidate.form != "one_letter_p" or bases is None:
            continue
        as_coding = _normalize("c_ref_first", candidate.body)
        if as_coding["hgvs_c"] in coding:
            candidate.form, candidate.hgvs = "c_ref_first", as_coding
    return candidates


def _normalize(form: str, body: str) -> dict[str, str | None]:
    hgvs: dict[str, str | None] = {"hgvs_c": None, "hgvs_p": None, "hgvs_g": None}
    if form in ("c", "legacy_c"):
        hgvs["hgvs_c"] = normalize_nucleotide(body, "c")
    elif form == "c_ref_first":
        hgvs["hgvs_c"] = normalize_nucleotide(f"{body[1:-1]}{body[0]}>{body[-1]}", "c")
    elif form == "g":
        hgvs["hgvs_g"] = normalize_nucleotide(body, "g")
    elif form in ("p", "legacy_p", "one_letter_p"):
        hgvs["hgvs_p"] = normalize_protein(body)
    return hgvs


def _set_hgvs(span: Span, hgvs: dict[str, str | None]) -> None:
    for name, value in hgvs.items():
        setattr(span._, name, value)


def _gene_prefix(text: str, start: int) -> str | None:
    match = _GENE_PREFIX.search(text, max(0, start - 20), start)
    return match.group("gene") if match else None


def _zygosity(doc_text: str, sentences: list[Sentence], span: Span) -> str | None:
    """The zygosity word nearest to the variant in the first of `sentences` that has one."""
    for sentence in sentences:
        text, offset = doc_text[sentence.start_char : sentence.end_char], sentence.start_char
        best: tuple[int, str] | None = None
        for match in _ZYGOSITY.finditer(text):
            if _ABOUT_RELATIVE_BEFORE.search(text, 0, match.start()) or _ABOUT_RELATIVE_AFTER.match(
                text[match.end() :]
            ):
                continue
            start, end = match.start() + offset, match.end() + offset
            distance = max(start - span.end_char, span.start_char - end, 0)
            if best is None or distance < best[0]:
                word = match.group().lower()
                best = (distance, next(z for z in _ZYGOSITY_NAMES if word.startswith(z[:6])))
        if best:
            return best[1]
    return None


def _statement_sentences(
    sentences: SentenceIndex, span: Span, accepted: list[tuple[Span, _Candidate]], order: tuple[int, ...]
) -> list[Sentence]:
    """The variant's sentence, then the neighbours in `order` (-1 previous, 1 next) that name no
    variant of their own: "... identified c.1150G>A. This variant was not detected in the mother"."""
    index = sentences.index_at(span.start_char)
    found = [sentences.sentences[index]]
    for step in order:
        if 0 <= index + step < len(sentences.sentences):
            neighbour = sentences.sentences[index + step]
            if not any(neighbour.start_char <= c.start < neighbour.end_char for _, c in accepted):
                found.append(neighbour)
    return found


_ZYGOSITY_NAMES = ("compound heterozygous", "hemizygous", "homozygous", "heterozygous")


def _origin(text: str, sentences: list[Sentence]) -> str | None:
    for sentence in sentences:
        statement = text[sentence.start_char : sentence.end_char]
        origin = next((origin for origin, pattern in _ORIGINS if pattern.search(statement)), None)
        if origin:
            return origin
    return None


@Language.factory("caseminer_variants", default_config={"one_letter_needs_cue": True})
def make_variants(nlp: Language, name: str, one_letter_needs_cue: bool) -> VariantRecognizer:
    return VariantRecognizer(one_letter_needs_cue)


__all__ = [
    "VARIANT_EXTENSIONS",
    "VARIANT_LABEL",
    "VariantRecognizer",
    "hgvs_parser",
    "make_variants",
    "normalize_nucleotide",
    "normalize_protein",
]
