"""spaCy component `caseminer_terminology_ner`: gene, disease, chemical and procedure mentions.

A dictionary matcher over the terminology store's curated NER terms (not a PhraseMatcher: the
store holds hundreds of thousands of terms and must load in seconds). Two tables are consulted:

* normalized keys (lower case, spelling variants folded, see :mod:`caseminer.vocab.normalize`)
  matched on token n-grams of the text, longest first;
* case-sensitive short forms (gene symbols, upper-case abbreviations such as "IPEX") matched on
  whole words.

The longest match wins; ties go to approved gene symbols, then terms, then gene aliases. Matches
are linked to one concept each (primary id by the gold policy, crosswalk ids in ``alt_ids``),
ambiguous gene aliases ("CD25") by their sentence context and a clinical-relevance prior.
When scispaCy's AbbreviationDetector ran before, a short form takes its long form's concept, and a
short form defined as something the vocabulary does not know is not guessed from the dictionary.
Entities already in ``doc.ents`` (e.g. variants) are kept; overlapping matches are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.chemical_policy import names_a_substance
from caseminer.extractors.context import doc_text
from caseminer.vocab.linker import Linker
from caseminer.vocab.normalize import fold, gene_surface_key, key_tokens, normalize_token
from caseminer.vocab.store import ENTITY_LABELS, Normalized, TerminologyStore

ALL_KINDS = ["gene", "disease", "phenotype", "chemical", "procedure"]
# Span group of the chemicals named inside other mentions.
NESTED_CHEMICALS = "nested_chemicals"
_PEDIGREE_POSITION = re.compile(r"[IVX]{1,4}-\d{1,3}")
_KIND_PRIORITY = {"disease": 0, "phenotype": 1, "chemical": 2, "procedure": 3, "gene": 4}
_WORD = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_SURFACE_WORD = re.compile(r"(?<![\w-])[A-Za-z0-9α-ωΑ-Ω](?:[A-Za-z0-9α-ωΑ-Ω\-]*[A-Za-z0-9α-ωΑ-Ω])?(?![\w])")
_KEY_PIECE = re.compile(r"[a-z0-9]+")
_SKIPPED_PUNCT = frozenset("-‐‑‒–/")
_APOSTROPHES = frozenset("'’")
_MAX_TERM_TOKENS = 12
# Designators right after a term, each completing it: "viral hepatitis| A, B, and C", "vitamins| A,
# D and E", "factor| V or VIII". A lone number is a dose or a count ("IVIG 2 g/kg"), not one.
_DESIGNATOR = r"(?:[A-Z][0-9]{0,2}|[IVX]{1,4}|[0-9]{1,2})(?![\w-])"
_MORE_DESIGNATORS = rf"(?:(?:,? (?:and|or) |, ){_DESIGNATOR})"
_DESIGNATORS_AFTER = re.compile(rf" {_DESIGNATOR}{_MORE_DESIGNATORS}*")
_DESIGNATORS_AFTER_ONE = re.compile(rf"{_MORE_DESIGNATORS}+")  # "hepatitis B| and C"
_DESIGNATOR_WORD = re.compile(_DESIGNATOR)
# "<head> of (the) <complement>": "defects of bile acid synthesis", "infection of the urinary tract".
_OF = re.compile(r" of (?:the )?")
_HEAD_BEFORE = re.compile(r"(?<![\w-])[A-Za-z]{3,}\Z")
_COMPLEMENT_WORD = re.compile(r"(?P<word>[A-Za-z0-9][\w'-]*)(?: |(?=[^\w ])|\Z)")
_MAX_COMPLEMENT_WORDS = 5
_MAX_HEAD_MODIFIERS = 2
# A gene's loss named as a disease: "LRBA deficiency", "CTLA4 haploinsufficiency", "deficiency of
# the 3beta-hydroxy-delta5-C27-steroid oxidoreductase (HSD3B7) enzyme" (its product named: "deficiency
# of the gene TBX1" names the gene, a cause).
_GENE_LOSS_AFTER = re.compile(r"[ -](?:deficiency|haploinsufficiency)\b", re.IGNORECASE)
_GENE_LOSS_BEFORE = re.compile(
    r"(?<![\w-])(?:deficiency|haploinsufficiency) of (?:the |an? )?(?:[\w-]+ ){0,4}\(?\Z", re.IGNORECASE
)
_GENE_PRODUCT_AFTER = re.compile(r"\)? (?:enzyme|protein)s?\b")
# A disease named by its organism is the MeSH heading "<Genus> Infections", as PubTator normalizes
# it: "Klebsiella pneumoniae bacteremia", "Fusobacterium septicemia". A capitalized adjective
# ("Bacterial sepsis", "Opportunistic infections" starting a sentence) names no genus.
_INFECTION_HEADS = frozenset(["bacteremia", "septicemia", "fungemia", "viremia", "sepsis", "infection"])
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ary", "ive")
# A prefix that negates the term right after it: "non-|neoplastic".
_NEGATING_PREFIX = re.compile(r"(?<![\w-])non[-‐]?\Z", re.IGNORECASE)
# A word right before a term, in the same phrase: "bile duct |injury".
_MODIFIER_BEFORE = re.compile(r"(?<![\w-])(?P<word>[A-Za-z]{3,})[ ]\Z")
_MAX_MODIFIERS = 3
# Share of an abbreviation's expansion words that its concept's names must hold to confirm it.
_AGREEING_SHARE = 0.5
_MIN_MODIFIER_TERMS = 10
# What a chemical's name begins when it is followed by an enzyme word ("alanine aminotransferase",
# "... steroid oxidoreductase"), a test ("prothrombin time", "glucose tolerance test") or "-binding".
NAMES_ENZYME_OR_TEST = re.compile(
    r"(?:[ -](?!(?:disease|release|increase|decrease|phase|base|case|database)s?\b)[a-z]{3,}ases?\b"
    r"|[ -](?:time|tolerance test)\b|-binding\b)",
    re.IGNORECASE,
)
_TEST = r"(?:antigen|antibod(?:y|ies)|serolog(?:y|ies)|tit(?:er|re)|PCR|polymerase chain reaction|assay)s?"
# What a disease's name begins when it is followed by a test's word.
NAMES_TEST_OF_DISEASE = re.compile(rf"[ -]{_TEST}\b", re.IGNORECASE)
# A test's words before the disease it detects: "polymerase chain reaction for |influenza".
_TEST_FOR_BEFORE = re.compile(rf"{_TEST} (?:tests? |testing )?for \Z", re.IGNORECASE)
# A procedure's words before a sign's name: "fine-needle |aspiration", "bone marrow |aspiration".
_PROCEDURE_BEFORE = re.compile(r"(?:needle|marrow)[ -]\Z", re.IGNORECASE)
_PROTEIN_FAMILY = re.compile(r"\bproteins?\Z", re.IGNORECASE)
_MEMBER_NUMBER = re.compile(r"[ -](?:[A-Z]?[0-9]{1,3}[A-Za-z]?|[A-Z])(?![\w-])")
# A conjunct right before a coordinated term: "iron and |", "liver, |".
_CONJUNCT_BEFORE = re.compile(
    r"(?<![\w-])(?P<word>[A-Za-z][A-Za-z0-9]*)(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|and/or)\s+)\Z"
)
# A prefix written for a word that follows the conjunction: "intra- and |extrahepatic", "squamous-
# and |small-cell".
# (Found from the conjunction: a pattern that begins with the prefix is tried at every word.)
_SUSPENDED_PREFIX = re.compile(r"- (?:and|or) (?P<word>[A-Za-z][A-Za-z-]{3,}[A-Za-z])(?![\w-]) ?")
_PREFIX_BEFORE = re.compile(r"(?<![\w-])[A-Za-z]{2,}\Z")
_MAX_WORDS_AFTER_PREFIXED = 4
# A generic head that the vocabulary names "disease" or "disorder": "X-linked |disorder", "cardiac
# |conditions", "autoimmune |illness". A condition is one only after an adjective: "growth
# conditions" are a culture's.
_GENERIC_HEAD = re.compile(r"(?<![\w-])(?P<head>disorder|condition|illness)(?:s|es)?(?![\w-])", re.IGNORECASE)
_ADJECTIVE_BEFORE = re.compile(r"(?:ic|ac|al|ous|ary|ive|ed|ar) \Z", re.IGNORECASE)
_GENERIC_HEAD_NAMES = ("disease", "disorder")
# A neoplasm of an organ written by its histology, which a site word before it makes the site's
# neoplasm. Not a lymphoma or a sarcoma: a "thymic lymphoma" is a lymphoma, not a thymus neoplasm.
_NEOPLASM_HEAD = re.compile(r"(?:adeno)?carcinomas?|cancers?|tumou?rs?|neoplasms?", re.IGNORECASE)
_SITE_NEOPLASM_NAMES = ("neoplasms", "cancer", "carcinoma", "tumor")
_WORD_BEFORE = re.compile(r"(?<![\w-])[A-Za-z0-9][\w-]*[ ]\Z")
_MAX_GENERIC_HEAD_MODIFIERS = 3
# Words that the vocabulary writes another way where they begin a term: an organ's noun as its
# adjective ("splenic vein thrombosis" is venous thrombosis), an organ system's adjective for its
# tract ("urinary infection" is a urinary tract infection), the abbreviations clinicians leave
# undefined ("GI bleeding") and a colour's "-colored" ("dark-colored urine" is dark urine). Tried
# only where the words as written begin no term.
_ORGAN_WORDING = {
    "abdomen": "abdominal",
    "artery": "arterial",
    "bowel": "intestinal",
    "brain": "cerebral",
    "breast": "mammary",
    "chest": "thoracic",
    "colon": "colonic",
    "esophagus": "esophageal",
    "eye": "ocular",
    "gut": "intestinal",
    "heart": "cardiac",
    "intestine": "intestinal",
    "joint": "articular",
    "kidney": "renal",
    "liver": "hepatic",
    "lung": "pulmonary",
    "mouth": "oral",
    "muscle": "muscular",
    "nose": "nasal",
    "ovary": "ovarian",
    "pancreas": "pancreatic",
    "rectum": "rectal",
    "skin": "cutaneous",
    "spine": "spinal",
    "spleen": "splenic",
    "stomach": "gastric",
    "testis": "testicular",
    "throat": "pharyngeal",
    "tooth": "dental",
    "uterus": "uterine",
    "vein": "venous",
    "vessel": "vascular",
    "biliary": "biliary tract",
    "genital": "genital tract",
    "respiratory": "respiratory tract",
    "urinary": "urinary tract",
}
_UNDEFINED_ABBREVIATIONS = {"GI": "gastrointestinal", "CNS": "central nervous system"}
_COLOURED = "colored"  # the key of "colored" and "coloured"
_MAX_WORDS_AFTER_VARIANT = 4
# A verb before its object where the vocabulary has the noun after it: "abusing alcohol" is alcohol
# abuse (keys of the verb forms -> the noun).
_VERB_NOUNS = {"abusing": "abuse", "abused": "abuse", "misusing": "misuse", "misused": "misuse"}
# HP's grouping terms: "Abnormality of the face", "Abnormal heart morphology", "Abnormal
# respiratory system physiology" gather signs and name none.
_GROUPING_PHENOTYPE = re.compile(r"Abnormal(?:ity)?\b")
_COURSE_MODIFIERS = frozenset(
    [
        "chronic",
        "persistent",
        "intractable",
        "severe",
        "recurrent",
        "acute",
        "mild",
        "progressive",
        "refractory",
        "transient",
        "prolonged",
        "profound",
        "massive",
        "moderate",
        "episodic",
    ]
)

# Words that begin vocabulary terms but are not a sign's modifiers in running text.
_NOT_MODIFIERS = _COURSE_MODIFIERS | frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "with",
        "without",
        "for",
        "from",
        "after",
        "new",
        "other",
        "multiple",
        "rare",
        "common",
        "known",
        "possible",
        "probable",
        "suspected",
        "human",
    ]
)

for _name in ("concept_id", "alt_ids", "concept_label", "vocab_kinds"):
    Span.set_extension(_name, default=None, force=True)


@dataclass(frozen=True, slots=True)
class _Candidate:
    curie: str
    kind: str
    tier: int
    hp_wording: bool = False  # a wording only HP has (:meth:`TerminologyNer._phenotype_wordings`)


@dataclass(slots=True)
class _Match:
    start: int
    end: int
    candidates: tuple[_Candidate, ...]

    @property
    def tier(self) -> int:
        return min(c.tier for c in self.candidates)


# A text's normalized word keys (None: punctuation no term spans), each key's word index, the words.
_Tokens = tuple[list[str | None], list[int], list[re.Match[str]]]


@Language.factory(
    "caseminer_terminology_ner",
    default_config={"store_path": None, "focus": [], "types": ALL_KINDS},
)
def make_terminology_ner(
    nlp: Language, name: str, store_path: str | None, focus: list[str], types: list[str]
) -> TerminologyNer:
    return TerminologyNer(TerminologyStore.open(store_path), focus=focus, types=types)


class TerminologyNer:
    def __init__(
        self, store: TerminologyStore, *, focus: list[str] | None = None, types: list[str] | None = None
    ) -> None:
        self.store = store
        self.linker = Linker(store, focus or ())
        terms: dict[str, list[_Candidate]] = {}
        surface_terms: dict[str, list[_Candidate]] = {}
        # Word sequences that start a longer term: matching extends an n-gram only while it is one.
        self._prefixes: set[str] = set()
        for term in store.iter_ner_terms(types or ALL_KINDS):
            candidate = _Candidate(term.curie, term.kind, term.tier)
            if term.case_sensitive:
                surface_terms.setdefault(term.key, []).append(candidate)
            else:
                terms.setdefault(term.key, []).append(candidate)
                words = term.key.split(" ")[:_MAX_TERM_TOKENS]
                self._prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
        wordings = self._phenotype_wordings(store, terms) if "phenotype" in (types or ALL_KINDS) else {}
        if wordings:
            for key, candidate in wordings.items():
                terms[key] = [candidate]
                words = key.split(" ")[:_MAX_TERM_TOKENS]
                self._prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
        self._terms = {key: tuple(candidates) for key, candidates in terms.items()}
        self._modifiers, self._heads = _modifier_and_head_words(self._terms)
        self._surface_terms = {key: tuple(candidates) for key, candidates in surface_terms.items()}
        self._diseases_naming_gene = _diseases_naming_genes(self._terms, self._surface_terms)
        self._link = lru_cache(maxsize=50_000)(self._link_uncached)
        self._disease_of_gene = lru_cache(maxsize=4096)(self._disease_of_gene_uncached)
        self._infections_of = lru_cache(maxsize=4096)(self._infections_of_uncached)
        self._organ_wording = {
            _word_keys(noun)[0]: tuple(_key_tokens(wording)[0]) for noun, wording in _ORGAN_WORDING.items()
        }
        self._trigger_keys = frozenset(
            [*_INFECTION_HEADS, *_VERB_NOUNS, _COLOURED, *self._organ_wording]
            + [_word_keys(short)[0] for short in _UNDEFINED_ABBREVIATIONS]
        )

    @staticmethod
    def _phenotype_wordings(
        store: TerminologyStore, terms: dict[str, list[_Candidate]]
    ) -> dict[str, _Candidate]:
        """HP's other synonyms of a phenotype ("small chin" for Short chin, "aortic root
        dilatation" for Aortic root aneurysm, "tented upper lip"), which the store keeps for
        linking only, as terms of several words where the wording names that one HP term and no
        term of the dictionary: case reports describe a sign in such words as often as by its
        name. The wordings of a grouping term ("facial anomaly" for Abnormality of the face,
        "respiratory problem") are left out: they name no sign of their own; so are those that
        begin with a course word ("progressive renal failure" for Chronic kidney disease): the
        dictionary's term after it decides (:meth:`_head_with_mesh_id`). Such a mention carries
        the HP term alone (:meth:`_hp_term_only`)."""
        candidates_by_key: dict[str, dict[str, _Candidate]] = {}
        for term in store.iter_linking_terms(("phenotype",)):
            first_word, space, _ = term.key.partition(" ")
            if (
                space
                and not term.case_sensitive
                and term.key not in terms
                and first_word not in _COURSE_MODIFIERS
            ):
                by_curie = candidates_by_key.setdefault(term.key, {})
                by_curie.setdefault(term.curie, _Candidate(term.curie, term.kind, term.tier, hp_wording=True))
        wordings = {}
        for key, by_curie in candidates_by_key.items():
            if len(by_curie) != 1:
                continue
            (candidate,) = by_curie.values()
            concept = store.concept(candidate.curie)
            if concept is not None and not _GROUPING_PHENOTYPE.match(concept.label):
                wordings[key] = candidate
        return wordings

    def _hp_term_only(self, curie: str, normalized: Normalized) -> Normalized:
        """The HP term of a wording that only HP has, without its crosswalk: HP's related, broad
        and narrow synonyms name their term loosely ("chest discomfort" for Chest pain), and
        MeSH, whose names are the dictionary's, does not name the sign so."""
        concept = self.store.concept(curie)
        return Normalized(curie, concept.label if concept else curie, normalized.kinds)

    # -- matching -------------------------------------------------------------------------------

    def _dictionary_matches(
        self, text: str, *, every: bool = False, tokens: _Tokens | None = None
    ) -> Iterator[_Match]:
        """The longest term starting at each word (`every`: all terms starting there); `tokens`:
        those of `text`, when already known."""
        keys, owners, words = tokens or _key_tokens(text)
        terms, prefixes = self._terms, self._prefixes
        count = len(keys)
        for i, key in enumerate(keys):
            if key is None:
                continue
            found = terms.get(key)
            found_end = i
            if found and every:
                yield _Match(words[owners[i]].start(), words[owners[i]].end(), found)
            j = i + 1
            limit = min(count, i + _MAX_TERM_TOKENS)
            while j < limit and key in prefixes and (next_key := keys[j]) is not None:
                key = f"{key} {next_key}"
                if candidates := terms.get(key):
                    found, found_end = candidates, j
                    if every:
                        yield _Match(words[owners[i]].start(), words[owners[j]].end(), found)
                j += 1
            if found and not every:
                yield _Match(words[owners[i]].start(), words[owners[found_end]].end(), found)

    def _inverted_matches(self, text: str) -> Iterator[_Match]:
        """Terms written with their head first: "congenital defects of bile acid synthesis" is
        the term "congenital bile acid synthesis defect", "infection of the urinary tract" a urinary
        tract infection. Only heads that end many disease terms are tried, with up to
        `_MAX_COMPLEMENT_WORDS` words after "of" and `_MAX_HEAD_MODIFIERS` before the head; the
        longest phrase that is a disease or phenotype term wins."""
        for of in _OF.finditer(text):
            found = _HEAD_BEFORE.search(text, max(0, of.start() - 30), of.start())
            if found is None or _word_keys(head := found.group())[-1:] not in self._heads:
                continue
            complement = _words_after(text, of.end(), _MAX_COMPLEMENT_WORDS)
            if not complement:
                continue
            modifiers = text[max(0, found.start() - 40) : found.start()].split()[-_MAX_HEAD_MODIFIERS:]
            # how many modifiers a phrase may take: its first word must begin a term
            takes = [
                taken
                for taken in range(len(modifiers), -1, -1)
                if (first := _word_keys(modifiers[-taken] if taken else complement[0].group("word")))
                and first[0] in self._prefixes
            ]
            for size in range(len(complement), 0, -1):
                inverted = self._inverted_term(modifiers, takes, complement[:size], head)
                if inverted is not None:
                    start = found.start() - len(" ".join(modifiers[len(modifiers) - inverted[0] :]))
                    start -= 1 if inverted[0] else 0
                    yield _Match(start, complement[size - 1].end("word"), inverted[1])
                    break

    def _gene_loss_matches(self, text: str, surface_matches: list[_Match]) -> Iterator[_Match]:
        """ "HSD3B7 deficiency" or "deficiency of the HSD3B7 enzyme" where the vocabulary has no
        such term: the one disease whose names name the gene ("congenital bile acid synthesis defect
        caused by mutation in HSD3B7"), when all of them are one concept."""
        for match in surface_matches:
            if not any(c.kind == "gene" and c.tier == 0 for c in match.candidates):
                continue
            if loss := _GENE_LOSS_AFTER.match(text, match.end):
                start, end = match.start, loss.end()
            elif (product := _GENE_PRODUCT_AFTER.match(text, match.end)) and (
                loss := _GENE_LOSS_BEFORE.search(text, max(0, match.start - 80), match.start)
            ):
                start, end = loss.start(), product.end()
            else:
                continue
            if diseases := self._disease_of_gene(text[match.start : match.end].lower()):
                yield _Match(start, end, diseases)

    def _reworded_matches(self, tokens: _Tokens, defined: dict[str, str]) -> Iterator[_Match]:
        """Phrases the vocabulary words otherwise than the text, found from their trigger words:
        a disease named by its organism, a word the vocabulary writes another way (see
        `_ORGAN_WORDING`; a short form is expanded as the text defines it, `defined`: short form ->
        long form, else as clinicians use it undefined) and a verb before its object."""
        keys, owners, words = tokens
        expansions = {
            short: tuple(expanded)
            for short, long_form in (_UNDEFINED_ABBREVIATIONS | defined).items()
            if None not in (expanded := _key_tokens(long_form)[0])
        }
        triggers = self._trigger_keys.union(*(_word_keys(short)[:1] for short in defined))
        for i in [i for i, key in enumerate(keys) if key in triggers]:
            key, surface = keys[i], words[owners[i]].group()
            if key in _INFECTION_HEADS:
                yield from self._organism_infection_at(tokens, i)
            elif key in _VERB_NOUNS:
                yield from self._verb_object_at(tokens, i, _VERB_NOUNS[key])
            elif key == _COLOURED and i and keys[i - 1] is not None:  # "dark-colored urine": dark urine
                yield from self._variant_at(tokens, i - 1, i, (keys[i - 1],))
            elif key in self._organ_wording:
                yield from self._variant_at(tokens, i, i, self._organ_wording[key])
            elif surface in expansions:
                yield from self._variant_at(tokens, i, i, expansions[surface])  # type: ignore[arg-type]

    def _organism_infection_at(self, tokens: _Tokens, head: int) -> Iterator[_Match]:
        """ "Klebsiella pneumoniae bacteremia" at its head: the MeSH heading "<Genus> Infections"."""
        keys, owners, words = tokens
        for genus_index in (head - 1, head - 2):
            if genus_index < 0 or keys[genus_index] is None:
                return
            if genus_index == head - 2 and not words[owners[head - 1]].group().islower():
                return  # the word between genus and head is no species name
            genus = words[owners[genus_index]].group()
            if (
                len(genus) >= 4
                and genus[0].isupper()
                and genus[1:].islower()
                and not genus.endswith(_ADJECTIVE_ENDINGS)
            ):
                if candidates := self._infections_of(genus):
                    yield _Match(words[owners[genus_index]].start(), words[owners[head]].end(), candidates)
                return

    def _infections_of_uncached(self, genus: str) -> tuple[_Candidate, ...]:
        name = f"{genus} infections"
        candidates = self._disease_term(name) or ()
        named = any(
            (concept := self.store.concept(c.curie)) is not None and concept.label.lower() == name.lower()
            for c in candidates
            if c.curie.startswith("MESH:")
        )
        return candidates if named else ()

    def _verb_object_at(self, tokens: _Tokens, verb: int, noun: str) -> Iterator[_Match]:
        """ "abusing alcohol": the term "alcohol abuse", the object before the verb's noun."""
        keys, owners, words = tokens
        if verb + 1 < len(keys) and keys[verb + 1] is not None:
            candidates = self._terms.get(f"{keys[verb + 1]} {noun}")
            if _names_disease(candidates):
                yield _Match(words[owners[verb]].start(), words[owners[verb + 1]].end(), candidates)

    def _variant_at(
        self, tokens: _Tokens, start: int, replaced: int, replacement: tuple[str, ...]
    ) -> Iterator[_Match]:
        """The words `start`..`replaced` written as `replacement`, with as many of the next words as
        make a disease or phenotype term, where the words as written make none."""
        keys, owners, words = tokens
        for size in range(_MAX_WORDS_AFTER_VARIANT, 0, -1):
            following = keys[replaced + 1 : replaced + 1 + size]
            if len(following) < size or None in following:
                continue
            if " ".join(keys[start : replaced + 1 + size]) in self._terms:  # type: ignore[arg-type]
                return
            candidates = self._terms.get(" ".join([*replacement, *following]))  # type: ignore[list-item]
            if _names_disease(candidates):
                yield _Match(words[owners[start]].start(), words[owners[replaced + size]].end(), candidates)
                return

    def _disease_of_gene_uncached(self, symbol: str) -> tuple[_Candidate, ...]:
        curies = self._diseases_naming_gene.get(symbol, frozenset())
        concepts = {
            normalized.concept_id
            for curie in curies
            if (normalized := self.store.normalize([curie], "disease")) is not None
        }
        if len(concepts) != 1:
            return ()
        return tuple(_Candidate(curie, "disease", 1) for curie in sorted(curies))

    def _inverted_term(
        self, modifiers: list[str], takes: list[int], complement: list[re.Match[str]], head: str
    ) -> tuple[int, tuple[_Candidate, ...]] | None:
        """The disease term of modifiers + complement + head, with as many modifiers as it can take
        (`takes`: the numbers of modifiers worth trying, most first)."""
        words = [w.group("word") for w in complement]
        for taken in takes:
            candidates = self._disease_term(" ".join([*modifiers[len(modifiers) - taken :], *words, head]))
            if candidates:
                return taken, candidates
        return None

    def _exact_term(self, phrase: str) -> tuple[_Candidate, ...] | None:
        """The candidates of the dictionary term that is exactly `phrase`."""
        keys, _, _ = _key_tokens(phrase)
        if not keys or keys[0] is None:
            return None
        term = keys[0]
        for key in keys[1:]:  # as the dictionary matching walks: every beginning must begin a term
            if key is None or term not in self._prefixes:
                return None
            term = f"{term} {key}"
        return self._terms.get(term)

    def _disease_term(self, phrase: str) -> tuple[_Candidate, ...] | None:
        """The candidates of the disease or phenotype term that is exactly `phrase`."""
        candidates = self._exact_term(phrase)
        return candidates if _names_disease(candidates) else None

    def _generic_head_matches(self, text: str) -> Iterator[_Match]:
        """A phrase whose generic head the vocabulary words otherwise: "X-linked disorder" is the
        term "X-linked disease", "cardiac conditions" heart disease. The most words before the head
        (up to `_MAX_GENERIC_HEAD_MODIFIERS`) that make a term win; a phrase beginning with a word
        that is no modifier ("rare", "other") is none."""
        for found in _GENERIC_HEAD.finditer(text):
            head, position = found.group("head").lower(), found.start()
            if head == "condition" and not _ADJECTIVE_BEFORE.search(text, max(0, position - 6), position):
                continue
            starts = []
            while len(starts) < _MAX_GENERIC_HEAD_MODIFIERS and (
                word := _WORD_BEFORE.search(text, max(0, position - 40), position)
            ):
                position = word.start()
                starts.append(position)
            for start in reversed(starts):
                modifiers = text[start : found.start()].rstrip()
                if modifiers.split(" ", 1)[0].lower() in _NOT_MODIFIERS:
                    continue  # "rare disorders", "other conditions": a class, not a disease
                named = (
                    self._disease_term(f"{modifiers} {name}") for name in _GENERIC_HEAD_NAMES if name != head
                )
                if candidates := next(filter(None, named), None):
                    yield _Match(start, found.end(), candidates)
                    break

    def _suspended_prefix_matches(self, text: str) -> Iterator[_Match]:
        """ "intra- and extrahepatic bile duct dilatation" names intrahepatic bile duct dilatation,
        whether or not the vocabulary has the extrahepatic one: the prefix replaces the beginning of
        the word after the conjunction ("intra" + "hepatic"), followed by as many of the next words
        as make a disease or phenotype term. The match is the prefix."""
        for found in _SUSPENDED_PREFIX.finditer(text):
            written = _PREFIX_BEFORE.search(text, max(0, found.start() - 20), found.start())
            if written is None:
                continue
            prefix, word = written.group(), found.group("word")
            following = [w.group("word") for w in _words_after(text, found.end(), _MAX_WORDS_AFTER_PREFIXED)]
            for size in range(len(following), -1, -1):
                completed = (
                    self._disease_term(" ".join([prefix + word[i:], *following[:size]]))
                    for i in range(1, len(word) - 3)
                )
                if candidates := next(filter(None, completed), None):
                    yield _Match(written.start(), written.end(), candidates)
                    break

    def _surface_matches(self, text: str) -> Iterator[_Match]:
        for match in _SURFACE_WORD.finditer(text):
            word = match.group()
            if _PEDIGREE_POSITION.fullmatch(word):
                continue  # "V-73" is the 73rd of generation V, not the gene alias "V7-3"
            # gene_surface_key, for the only separator a surface word can hold
            candidates = self._surface_terms.get(word.replace("-", "") if "-" in word else word)
            if candidates:
                yield _Match(match.start(), match.end(), candidates)
                continue
            if "-" not in word:
                continue
            offset = match.start()
            for part in word.split("-"):  # "FOXP3-deficient", "CD4-positive"
                if part and (candidates := self._surface_terms.get(part)):
                    yield _Match(offset, offset + len(part), candidates)
                offset += len(part) + 1

    # -- linking --------------------------------------------------------------------------------

    def _link_uncached(
        self, candidates: tuple[_Candidate, ...], surface: str, context: str
    ) -> tuple[str, Normalized] | None:
        best_kind = min(
            (c.kind for c in candidates),
            key=lambda k: (min(c.tier for c in candidates if c.kind == k), _KIND_PRIORITY[k]),
        )
        group = [
            c for c in candidates if c.kind == best_kind or {c.kind, best_kind} == {"disease", "phenotype"}
        ]
        if best_kind == "gene" and len(group) > 1:
            allowed = {c.curie for c in group}
            ranked = [r for r in self.linker.link(surface, "gene", context) if r.concept_id in allowed]
            if not ranked:
                return None
            group = [next(c for c in group if c.curie == ranked[0].concept_id)]
        group = self._spelled_as_written(group, surface)
        kind = "disease" if best_kind == "phenotype" else best_kind
        normalized = self.store.normalize([c.curie for c in group], kind)
        return (ENTITY_LABELS[best_kind], normalized) if normalized else None

    def _spelled_as_written(self, group: list[_Candidate], surface: str) -> list[_Candidate]:
        """Of several MeSH headings that one key reaches, the one named exactly as written:
        "cyclosporine" is the drug (D016572), not the class "Cyclosporins" that the plural folding
        also reaches; the other vocabularies' candidates stay."""
        mesh = [c for c in group if c.curie.startswith("MESH:")]
        if len(mesh) < 2:
            return group
        written = fold(surface)
        exact = {
            c.curie
            for c in mesh
            if (concept := self.store.concept(c.curie)) is not None
            and any(fold(name) == written for name in (concept.label, *concept.synonyms))
        }
        if not exact or len(exact) == len(mesh):
            return group
        return [c for c in group if c.curie in exact or not c.curie.startswith("MESH:")]

    # -- component ------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        abbreviations = self._abbreviation_concepts(doc)
        defined = {
            short.text: short._.long_form.text
            for short in (doc._.abbreviations if abbreviations else ())
            if short._.long_form is not None
        }
        surface_matches = list(self._surface_matches(text))
        tokens = _key_tokens(text)
        matches = sorted(
            [
                *self._dictionary_matches(text, tokens=tokens),
                *surface_matches,
                *self._inverted_matches(text),
                *self._gene_loss_matches(text, surface_matches),
                *self._suspended_prefix_matches(text),
                *self._generic_head_matches(text),
                *self._reworded_matches(tokens, defined),
            ],
            key=lambda m: (-(m.end - m.start), m.tier, m.start),
        )
        existing = doc.ents
        taken = bytearray(len(text))  # 1 where a character belongs to an entity
        for entity in existing:
            taken[entity.start_char : entity.end_char] = b"\x01" * (entity.end_char - entity.start_char)
        new_spans: list[Span] = []
        sentences = _SentenceContext(doc, text)

        def add(start: int, end: int, resolved: tuple[str, Normalized] | None) -> bool:
            if resolved is None or taken.find(1, start, end) >= 0:
                return False
            span = doc.char_span(start, end, label=resolved[0], alignment_mode="expand")
            if span is None or taken.find(1, span.start_char, span.end_char) >= 0:
                return False
            if _NEGATING_PREFIX.search(text, max(0, start - 4), start):
                return False  # "non-neoplastic diseases" names what the concept is not
            _set_concept(span, resolved[1])
            taken[span.start_char : span.end_char] = b"\x01" * (span.end_char - span.start_char)
            new_spans.append(span)
            return True

        long_forms: dict[str, tuple[str, Normalized]] = {}
        for short in doc._.abbreviations if abbreviations else ():
            concept = abbreviations.get(short.text)
            add(short.start_char, short.end_char, concept)
            long_form = short._.long_form
            if concept is not None and long_form is not None and " " in long_form.text.strip():
                long_forms[long_form.text] = concept
        for long_form_text, concept in long_forms.items():
            # A long form names the concept as a whole wherever it is written, not sign by sign
            # ("Immunodysregulation Polyendocrinopathy Enteropathy X-linked (IPEX)").
            for found in re.finditer(re.escape(long_form_text), text, re.IGNORECASE):
                add(found.start(), found.end(), concept)
        for match in matches:
            surface = text[match.start : match.end]
            if surface in abbreviations:
                continue  # defined in this text: its long form decided above
            context = sentences.text_at(match.start) if _needs_context(match) else ""
            resolved = self._link(match.candidates, surface, context)
            if resolved is not None and match.candidates[0].hp_wording:
                resolved = (resolved[0], self._hp_term_only(match.candidates[0].curie, resolved[1]))
            start = match.start
            if (
                resolved is not None
                and resolved[0] == "DISEASE"
                and not resolved[1].concept_id.startswith("MESH:")
            ):
                start, resolved = self._head_with_mesh_id(text, match, resolved)
            if resolved is not None and resolved[0] == "DISEASE" and " " not in surface:
                start = self._modifiers_start(text, start)
                if start < match.start and _NEOPLASM_HEAD.fullmatch(surface):
                    resolved = self._site_neoplasm(text[start : match.start].strip()) or resolved
            if (
                resolved is not None
                and resolved[0] == "DISEASE"
                and (
                    NAMES_TEST_OF_DISEASE.match(text, match.end)
                    or _TEST_FOR_BEFORE.search(text, max(0, match.start - 40), match.start)
                    or _PROCEDURE_BEFORE.search(text, max(0, match.start - 10), match.start)
                )
            ):
                # "Streptococcal pneumonia antigen", "PCR for influenza": a lab test; "needle
                # aspiration": a procedure
                continue
            if (
                resolved is not None
                and resolved[0] == "CHEMICAL"
                and (
                    NAMES_ENZYME_OR_TEST.match(text, match.end)
                    or (_PROTEIN_FAMILY.search(surface) and _MEMBER_NUMBER.match(text, match.end))
                    or not names_a_substance(surface, resolved[1].label)
                )
            ):
                # "alanine aminotransferase", "prothrombin time": a protein or a lab test;
                # "forkhead box protein 3": one member of a protein family, a gene's product;
                # "analgesic", "dopamine receptor", "mRNA": no substance (chemical_policy)
                continue
            if add(start, match.end, resolved) and resolved is not None:
                for conjunct_start, end, conjunct in chain(
                    self._elliptical_conjuncts(text, start, match.end, resolved[0]),
                    self._designated_terms(text, start, match.end, resolved[0]),
                ):
                    if not add(conjunct_start, end, conjunct):
                        break
        doc.ents = sorted([*existing, *new_spans], key=lambda s: s.start)
        doc.spans[NESTED_CHEMICALS] = list(self._nested_chemicals(doc, new_spans))
        return doc

    def _nested_chemicals(self, doc: Doc, spans: list[Span]) -> Iterator[Span]:
        """Chemicals named inside a disease or procedure mention ("vitamin D deficiency",
        "gluten-free diet"), the longest where they overlap: the document names them, as PubTator
        counts them, though they are not mentions of their own in ``doc.ents``."""
        for span in spans:
            if span.label_ not in ("DISEASE", "PROCEDURE") or len(span) < 2:
                continue  # one token names one thing
            chemicals = []
            for match in self._dictionary_matches(span.text, every=True):
                if match.end - match.start == len(span.text):
                    continue  # the same offsets: spaCy keeps one set of attributes per offsets
                if NAMES_ENZYME_OR_TEST.match(span.text, match.end):
                    continue  # "deficiency of the ... steroid oxidoreductase": the enzyme's name
                resolved = self._link(match.candidates, span.text[match.start : match.end], "")
                if resolved is not None and resolved[0] == "CHEMICAL":
                    chemicals.append((match.start, match.end, resolved[1]))
            end = 0
            for start, stop, normalized in sorted(chemicals, key=lambda c: (c[0], -c[1])):
                if start < end:
                    continue  # inside a longer chemical name
                end = stop
                nested = doc.char_span(  # "gluten-free" is one token: the chemical is named in it
                    span.start_char + start, span.start_char + stop, label="CHEMICAL", alignment_mode="expand"
                )
                if nested is not None and len(nested) < len(span):
                    _set_concept(nested, normalized)
                    yield nested

    def _head_with_mesh_id(
        self, text: str, match: _Match, resolved: tuple[str, Normalized]
    ) -> tuple[int, tuple[str, Normalized]]:
        """ "persistent fever" without a MeSH id -> "fever" with one: the gold policy wants MeSH
        for diseases, and a leading course/severity word does not change the concept. A course
        word that is part of a disease entity of its own ("acute pancreatitis": MONDO and HP
        cross-reference it as one concept) stays: the longest concept the vocabulary has wins."""
        first, _, rest = text[match.start : match.end].partition(" ")
        if first.lower() not in _COURSE_MODIFIERS or not rest or self._is_disease_entity(resolved[1]):
            return match.start, resolved
        linked = self._whole_term(rest)
        if linked is not None and linked[1].concept_id.startswith("MESH:"):
            return match.end - len(rest), linked
        return match.start, resolved

    def _elliptical_conjuncts(
        self, text: str, start: int, end: int, label: str
    ) -> Iterator[tuple[int, int, tuple[str, Normalized]]]:
        """Conjuncts that share the term's head: "iron and vitamin D deficiency" names iron
        deficiency, "liver and lung abscesses" a liver abscess. Each conjunct word (walking back
        through a list "A, B and C deficiency") becomes a mention of the term it completes, when
        that term is a concept of the same type; the first word that completes none ends the list.
        ("intra- and extrahepatic": see :meth:`_suspended_prefix_matches`.)"""
        words = text[start:end].split()
        if len(words) < 2:
            return
        while conjunct := _CONJUNCT_BEFORE.search(text, max(0, start - 60), start):
            word = conjunct.group("word")
            candidates = [" ".join([word, *words[k:]]) for k in range(1, len(words))]
            resolved = next(filter(None, (self._whole_term(c) for c in candidates)), None)
            if resolved is None or resolved[0] != label:
                return
            start = conjunct.start("word")
            yield start, conjunct.end("word"), resolved

    def _designated_terms(
        self, text: str, start: int, end: int, label: str
    ) -> Iterator[tuple[int, int, tuple[str, Normalized]]]:
        """Designators after a term that name its subtypes: "viral hepatitis A, B, and C" names
        hepatitis A, B and C, each a mention at its letter. A designator completes the term or its
        last words ("hepatitis A") into a concept of the same type; the first one that completes
        none ends the list. A lone designator must be a letter or numeral: "IVIG 2 g/kg" is a dose.
        A term that ends in a designator continues its list: "hepatitis B and C"."""
        words = text[start:end].split()
        if len(words) > 1 and _DESIGNATOR_WORD.fullmatch(words[-1]):
            words.pop()
            found = _DESIGNATORS_AFTER_ONE.match(text, end)
        else:
            found = _DESIGNATORS_AFTER.match(text, end)
        if found is None:
            return
        designators = list(_DESIGNATOR_WORD.finditer(text, found.start(), found.end()))
        if len(designators) == 1 and designators[0].group().isdigit():
            return
        for designator in designators:
            phrases = (" ".join([*words[k:], designator.group()]) for k in range(len(words)))
            resolved = next(filter(None, map(self._whole_term, phrases)), None)
            if resolved is None or resolved[0] != label:
                return
            yield designator.start(), designator.end(), resolved

    def _modifiers_start(self, text: str, start: int) -> int:
        """Where a one-word sign's noun phrase starts when the vocabulary has no term for the whole
        phrase: "bile duct injury" and "liver injury" are not "injury" anywhere. Words that begin
        many sign terms of the vocabulary ("bile", "liver", "renal") are taken as its modifiers;
        verbs, articles and course words ("had", "the", "acute") are not."""
        new_start = start
        for _ in range(_MAX_MODIFIERS):
            word = _MODIFIER_BEFORE.search(text, max(0, new_start - 40), new_start)
            if word is None:
                break
            key = _word_keys(word.group("word"))
            if len(key) != 1 or key[0] not in self._modifiers:
                break
            new_start = word.start("word")
        return new_start

    def _site_neoplasm(self, site: str) -> tuple[str, Normalized] | None:
        """The neoplasm of the site that modifies a neoplasm word ("endometrial |carcinomas",
        "prostate |adenocarcinoma"), where the vocabulary names it by one of the site's neoplasm
        headings (MeSH "Endometrial Neoplasms"), rather than the bare histology ("Carcinoma"): the
        most specific concept the text names."""
        for head in _SITE_NEOPLASM_NAMES:
            linked = self._whole_term(f"{site} {head}")
            if linked is not None and linked[0] == "DISEASE" and linked[1].concept_id.startswith("MESH:"):
                return linked
        return None

    def _whole_term(self, phrase: str) -> tuple[str, Normalized] | None:
        """The concept of `phrase` when one dictionary term spans all of it."""
        candidates = self._exact_term(phrase)
        return self._link(candidates, phrase, "") if candidates else None

    def _is_disease_entity(self, normalized: Normalized) -> bool:
        """MONDO and HP cross-reference each other for this concept."""
        ids = (normalized.concept_id, *normalized.alt_ids)
        phenotypes = {i for i in ids if i.startswith("HP:")}
        return any(phenotypes.intersection(self.store.xrefs(i)) for i in ids if i.startswith("MONDO:"))

    def _abbreviation_concepts(self, doc: Doc) -> dict[str, tuple[str, Normalized] | None]:
        """Short forms defined in the text -> their long form's concept (None: long form unknown)."""
        if not Doc.has_extension("abbreviations"):
            return {}
        concepts: dict[str, tuple[str, Normalized] | None] = {}
        for short in doc._.abbreviations:
            long_form = short._.long_form
            if long_form is None or short.text in concepts:
                continue
            gene_symbol = any(c.tier == 0 for c in self._surface_terms.get(gene_surface_key(short.text), []))
            # a gene symbol's expansion must be one term of its own: "forkhead box protein 3 (FOXP3)"
            # is the gene, though "forkhead box protein" (a protein family) covers most of it
            least = len(long_form.text.rstrip()) if gene_symbol else 0.6 * len(long_form.text)
            long_matches = [m for m in self._dictionary_matches(long_form.text) if m.end - m.start >= least]
            # "fibroblast growth factor receptor 3 (FGFR3)": a symbol whose expansion is its gene's
            # name is the gene, though MeSH names the protein among the chemicals
            named_gene = self._concept_named_by(short.text, long_form.text) if gene_symbol else None
            if named_gene is not None:
                concepts[short.text] = named_gene
            elif long_matches:
                best = max(long_matches, key=lambda m: m.end - m.start)
                concepts[short.text] = self._link(best.candidates, long_form.text, "")
            elif (own := self._concept_named_by(short.text, long_form.text)) is not None:
                concepts[short.text] = own
            elif not gene_symbol:
                concepts[short.text] = None  # an approved gene symbol stays a gene whatever its expansion
        return concepts

    def _concept_named_by(self, short: str, long_form: str) -> tuple[str, Normalized] | None:
        """The dictionary concept of a short form whose expansion, though no term of its own,
        agrees with that concept's names: most words of the expansion occur in them ("IPEX" defined
        as "Immunodysregulation Polyendocrinopathy Enteropathy X-linked")."""
        candidates = self._surface_terms.get(gene_surface_key(short))
        resolved = self._link(candidates, short, "") if candidates else None
        if resolved is None:
            return None
        names = set().union(*map(self.linker.name_words, (resolved[1].concept_id, *resolved[1].alt_ids)))
        words = set(key_tokens(long_form))
        return resolved if words and len(words & names) >= _AGREEING_SHARE * len(words) else None


class _SentenceContext:
    """The sentence around a character offset, with the sentence starts read once per document
    (``Span.sent`` and ``Doc.has_annotation`` each walk the document)."""

    def __init__(self, doc: Doc, text: str) -> None:
        self._doc = doc
        self._text = text
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def text_at(self, offset: int) -> str:
        """The text of the sentence holding `offset`; empty when the document has no sentences."""
        if self._starts is None:
            sentences = list(self._doc.sents) if self._doc.has_annotation("SENT_START") else []
            self._starts = [s.start_char for s in sentences]
            self._ends = [s.end_char for s in sentences]
        index = bisect_right(self._starts, offset) - 1
        if index < 0:
            return ""
        return self._text[self._starts[index] : self._ends[index]]


def _key_tokens(text: str) -> _Tokens:
    """Normalized tokens of `text` (None marks punctuation that no term spans), the index of
    each token's word and the words. Bulk operations only: this runs on every word."""
    words = list(_WORD.finditer(text))
    texts = list(map(re.Match.group, words))
    pieces = list(map(_word_keys, texts))
    for index in [i for i, word in enumerate(texts) if word == "s" and i]:
        if texts[index - 1] in _APOSTROPHES:
            pieces[index] = ()  # possessive "'s"
    keys = list(chain.from_iterable(pieces))
    owners = list(chain.from_iterable(map(repeat, range(len(pieces)), map(len, pieces))))
    return keys, owners, words


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[str | None, ...]:
    """The normalized key pieces of one text word: none for separators and apostrophes that terms
    skip, (None,) for other punctuation (no term spans it)."""
    if word in _SKIPPED_PUNCT or word in _APOSTROPHES:
        return ()
    folded = fold(word)
    if not folded[:1].isalnum():
        return (None,)
    return tuple(normalize_token(piece) for piece in _KEY_PIECE.findall(folded))


def _modifier_and_head_words(
    terms: dict[str, tuple[_Candidate, ...]],
) -> tuple[frozenset[str], frozenset[tuple[str | None, ...]]]:
    """The words that begin and (as key pieces) those that end at least `_MIN_MODIFIER_TERMS`
    multi-word disease or phenotype terms: modifiers are organ and site words ("liver", "renal",
    "splenic"), except course words and articles; heads ("defect", "deficiency", "infection") are
    those a term can be written before ("defects of ...")."""
    first_counts: Counter[str] = Counter()
    last_counts: Counter[str] = Counter()
    for key, candidates in terms.items():
        first, space, rest = key.partition(" ")
        if space and _names_disease(candidates):
            first_counts[first] += 1
            last_counts[rest.rpartition(" ")[2]] += 1
    modifiers = frozenset(
        w for w, n in first_counts.items() if n >= _MIN_MODIFIER_TERMS and w not in _NOT_MODIFIERS
    )
    return modifiers, frozenset((w,) for w, n in last_counts.items() if n >= _MIN_MODIFIER_TERMS)


def _names_disease(candidates: tuple[_Candidate, ...] | None) -> bool:
    """Some candidate of a term is a disease or phenotype concept."""
    return bool(candidates) and any(c.kind in ("disease", "phenotype") for c in candidates or ())


def _words_after(text: str, position: int, limit: int) -> list[re.Match[str]]:
    """Up to `limit` words from `position` on, up to the first punctuation."""
    words: list[re.Match[str]] = []
    word = _COMPLEMENT_WORD.match(text, position)
    while word is not None and len(words) < limit:
        words.append(word)
        word = _COMPLEMENT_WORD.match(text, word.end())
    return words


def _diseases_naming_genes(
    terms: dict[str, tuple[_Candidate, ...]], surface_terms: dict[str, tuple[_Candidate, ...]]
) -> dict[str, frozenset[str]]:
    """Approved gene symbol (lower case) -> the disease concepts with a term that names it."""
    symbols = {
        key.lower() for key, candidates in surface_terms.items() if any(c.tier == 0 for c in candidates)
    }
    naming: dict[str, set[str]] = {}
    for key, candidates in terms.items():
        diseases = [c.curie for c in candidates if c.kind == "disease"]
        if diseases and " " in key:
            for word in symbols.intersection(key.split(" ")):
                naming.setdefault(word, set()).update(diseases)
    return {symbol: frozenset(curies) for symbol, curies in naming.items()}


def _needs_context(match: _Match) -> bool:
    return len({c.curie for c in match.candidates if c.kind == "gene"}) > 1


def first_hp_term_only(ids: Iterable[str]) -> list[str]:
    """The ids in their order without any HP id after the first: a mention names one phenotype.
    The crosswalk reaches several HP terms where a MeSH or MONDO concept is cross-referenced by
    more than one (Retinitis Pigmentosa: Rod-cone dystrophy and Pigmentary retinopathy; Weakness:
    Asthenia and Muscle weakness); the first is the one the text names or the closest bridge, the
    others are other phenotypes the patient is not said to have."""
    kept: list[str] = []
    for identifier in ids:
        if not (identifier.startswith("HP:") and any(k.startswith("HP:") for k in kept)):
            kept.append(identifier)
    return kept


def _set_concept(span: Span, normalized: Normalized) -> None:
    span._.concept_id = normalized.concept_id
    span._.alt_ids = first_hp_term_only((normalized.concept_id, *normalized.alt_ids))[1:]
    span._.concept_label = normalized.label
    span._.vocab_kinds = list(normalized.kinds)


__all__ = ["NESTED_CHEMICALS", "TerminologyNer", "first_hp_term_only", "make_terminology_ner"]
