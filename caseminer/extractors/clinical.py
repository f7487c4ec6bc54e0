"""spaCy component `caseminer_clinical`: haematopoietic stem cell transplantation and outcome cues.

Regular expressions over ``doc.text``, read in the sentence of each mention. Drugs and other
procedures are CHEMICAL / PROCEDURE entities of the terminology NER; whether the patient received
them is the context component's and the patient builder's business.

Contract:

* ``doc.spans["hsct"]``: mentions of HSCT / BMT / HCT / allogeneic SCT, haematopoietic stem cell,
  bone marrow or cord blood transplantation, with
  - ``Span._.hsct_performed``: True when the sentence says the patient received it ("underwent",
    "received", "was transplanted", "after HSCT", "post-HSCT"), False when it says it was not done
    ("was not transplanted", "awaiting", "candidate for", "no donor", "declined"), None otherwise
    (general statements, "referred for HSCT").
  - ``Span._.donor_type``: "haploidentical", "matched unrelated", "mismatched unrelated",
    "matched sibling" or "cord blood" from the sentence, else None.
  - ``Span._.conditioning``: conditioning agents (names as spelled in the ``conditioning_agents``
    config, e.g. "busulfan", "ATG"; text order, each once) named in the mention's sentence or in
    a neighbouring sentence, when that sentence speaks of conditioning ("conditioning",
    "myeloablative", "reduced-intensity", "regimen"): "rituximab was given before HSCT" is no
    conditioning.
* ``doc.spans["outcome"]``: outcome cues with ``Span._.outcome_status`` "deceased" ("died",
  "passed away", "succumbed", "was deceased") or "alive" ("is alive", "doing well", "remains in
  remission", "was discharged", "fully recovered", "symptom-free", and the state a report leaves
  the patient in: "improved", "resolved", "responded to", "at her last visit", "at 6-month
  follow-up", "is now 8 years old") and, in the sections that describe the patient, a present-tense
  state of the patient ("at 62 years he has features of ...", "she is completely wheelchair
  dependent", "he is attending school": the last-known state an article reports). Nothing else says
  a patient is alive: a report that stops without such a statement (a case told in the past tense
  up to an examination) leaves the outcome unknown. Relatives' deaths ("his brother
  died") are told apart by the context component's ``_.family``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from caseminer.extractors.context import SentenceIndex, lowered
from caseminer.extractors.sections import section_of

for _name in ("hsct_performed", "donor_type", "conditioning", "outcome_status"):
    Span.set_extension(_name, default=None, force=True)

DEFAULT_CONDITIONING_AGENTS = [
    "busulfan",
    "treosulfan",
    "fludarabine",
    "cyclophosphamide",
    "thiotepa",
    "melphalan",
    "alemtuzumab",
    "anti-thymocyte globulin",
    "antithymocyte globulin",
    "ATG",
    "etoposide",
    "carmustine",
    "cytarabine",
    "total body irradiation",
    "TBI",
    "rituximab",
]

_HSCT = lowered(
    r"\b(?:allo-?)?(?:HSCT|BMT|HCT|HSCTs)\b"
    r"|\b(?:allogeneic|autologous) (?:HSCT|SCT|HCT|BMT)\b"
    r"|\b(?:(?:allogeneic |autologous )?(?:ha?ematopoietic|ha?emopoietic) (?:stem )?cells?|bone marrow|"
    r"(?:umbilical )?cord blood|stem cells?|marrow) transplant(?:ation|ed)?\b"
)
_NOT_PERFORMED = lowered(
    r"\b(?:not|never) (?:been )?(?:transplanted|undergo|underwent|received|performed|possible|feasible)\b"
    r"|\bawait\w*|\bwaiting\b|\bcandidate\b|\bno (?:suitable |matched |compatible )?donor\b"
    r"|\b(?:declined|refused)\b|\bsearch(?:ing)? for a (?:suitable )?donor\b|\bplanned\b|\bscheduled\b"
    r"|\bwill (?:undergo|receive)\b|\bbeing considered\b|\bwas offered\b"
)
_PERFORMED = lowered(
    r"\b(?:underwent|undergone|received|was transplanted|were transplanted|"
    r"successful(?:ly)?|engraft\w*|chimerism|(?:after|following|post)[- ](?:the )?(?:\w+ )?(?:HSCT|BMT|HCT|"
    r"transplant\w*)|post-?(?:HSCT|BMT|HCT|transplant\w*)|day \+\d+)\b"
)
# "performed" only counts with the mention as its object: "testing was performed before HSCT" does not.
_PERFORMED_AFTER_MENTION = lowered(r"\s(?:was|were) (?:\w+ )?(?:performed|done|carried out)\b")
_PERFORMED_BEFORE_MENTION = lowered(r"\bwe (?:\w+ )?performed (?:\S+ ){0,4}$")
_DONORS: list[tuple[str, re.Pattern[str]]] = [
    (donor, lowered(pattern))
    for donor, pattern in [
        ("mismatched unrelated", r"\b(?:mismatched unrelated|MMUD)\b"),
        ("matched unrelated", r"\b(?:(?:HLA[- ])?matched unrelated|MUD|unrelated donor)\b"),
        ("haploidentical", r"\bhaplo-?identical|\bhaplo\b"),
        (
            "matched sibling",
            r"\b(?:(?:HLA[- ])?(?:matched|identical) (?:sibling|sib|related|brother|sister)|"
            r"MSD|MRD|sibling donor)\b",
        ),
        ("cord blood", r"\b(?:cord blood|UCB|UCBT|CBT)\b"),
    ]
]
_CONDITIONING_CUE = lowered(
    r"\bconditioning\b|\bmyeloablative\b|\breduced[- ]intensity\b|\b(?:RIC|MAC)\b|\bregimen?\b|\bregime\b"
)
_OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    (
        "deceased",
        lowered(
            r"\b(?:died|passed away|succumbed|(?:was|is|now) deceased|expired|death occurred"
            r"|(?:found|is|was|now) dead|(?:did|could) not survive|(?:led|leading) to (?:his |her )?death"
            r"|resulted in (?:his |her )?death"
            r"|(?:fatal|lethal) (?:outcome|course)|(?:his|her|the patient's) death|demise"
            r"|stillborn|stillbirth"
            r"|(?:intrauterine|fetal|neonatal|perinatal) death|death (?:at|from|due to|in)"
            r"|(?:autopsy|necropsy|post-?mortem))\b",
        ),
    ),
    (
        "alive",
        lowered(
            r"\b(?:(?:is|was|remains|remained) (?:still )?alive|alive and well|(?:is|was) doing well|"
            # "was well until 2 months of age" is the time before the onset, not the outcome
            r"(?:remains?|remained|is|are|was|were) (?:currently |now |still )?(?:clinically )?"
            r"(?:well|stable|asymptomatic|ambula(?:nt|tory)|symptom[- ]free|seizure[- ]free"
            r"|in (?:complete )?remission|disease[- ]free|"
            r"free of (?:symptoms|disease))(?! (?:until|till|up to|before|prior))"
            # healthy, in good health: of the patient ("her parents are healthy" tells of relatives)
            r"|(?:he|she|the (?:patient|proband|child|boy|girl|infant)) (?:is|remains|remained|was|has been)"
            r" (?:now |currently |still )?(?:healthy|in good (?:general |clinical )?(?:health|condition))"
            r"(?! (?:until|till|up to|before|prior))"
            r"|(?:has|have) (?:since )?been (?:asymptomatic|symptom[- ]free|well|stable)"
            r"|(?:good|favou?rable|excellent) (?:clinical )?outcome"
            r"|outcome was (?:good|favou?rable|excellent)"
            r"|uneventful recovery|(?:was|were) discharged|is thriving|"
            r"continues? (?:to do well|on)|survived|survives|were (?:now )?well"
            r"|(?:he|she|they|the patient|the child|the infant) (?:has |had )?(?:fully |completely )?"
            r"recovered"
            r"|(?:is|are|remains?) (?:still )?(?:under|in) (?:regular |close |clinical )?follow[- ]?up"
            r"|(?:is|are) (?:being )?followed|(?:present|current) age|last (?:seen|examined|contact)"
            r"|no (?:further )?(?:recurrence|relapse)"
            # the state the report leaves the patient in: seen at follow-up, described as now
            r"|(?:at|on|during|after|in) (?:the |a |her |his |their )?(?:(?:last|latest|most recent|final"
            r"|outpatient|later|subsequent) )?(?:visit|follow[- ]?up|review|evaluation)"
            r"|\d+[- ](?:days?|weeks?|months?|years?)[- ]follow[- ]?up"
            r"|(?:is|are) (?:now|currently|presently|at present) (?:an? )?(?:\w+ )?\d+"
            r"(?:[- ](?:years?|months?)(?: old)?)?"
            r"|(?:he|she|they) (?:is|are) (?:now|currently|presently|at present|still)\b"
            r"(?! (?:well|stable|asymptomatic|alive|doing|symptom|seizure|in remission|free|clinically|dead"
            r"|\d|an? \d))"
            r"|(?:he|she|they|the patient|the proband) (?:now |currently |still )?"
            r"(?:attends|works|lives|walks|goes to|is able to|can now)"
            r"|(?:effective|effectual|successful) (?:treatment|therapy|response)"
            r"|(?:treated|managed) successfully|successfully (?:treated|managed)"
            r"|responded (?:well |favou?rably )?to|good (?:clinical )?response"
            r"|(?:is|are) an? \d+[- ](?:years?|months?)(?:,? (?:and )?\d+[- ](?:months?|weeks?|days?))?"
            r"[- ]old)\b",
        ),
    ),
]
# The patient in the present tense, in a section that describes the patient: the state the article
# leaves the patient in. A discussion's present tense compares ("patient 1 is compatible with ...").
_PRESENT_STATE = lowered(
    r"(?:^|(?<=[,;:]\s)|(?<=\bbut\s)|(?<=\band\s))"
    r"(?:he|she|the (?:patient|proband|boy|girl|child)|patient \w+(?:[.-]\d+)?)\s+(?:now |currently |still )?"
    r"(?:is|has|remains|attends|works|lives|walks|talks|speaks|enjoys|needs|requires|uses|can)\b"
    r"(?!\s+(?:been\s+)?(?:reported|described|shown|presented|depicted|illustrated|summari[sz]ed|not\s+been"
    # a pedigree's drawing ("the proband is indicated by an arrow") and the family a patient has
    r"|indicated|marked|denoted|circled|highlighted|labell?ed"
    r"|(?:an?|one|two|three|\d+)\s+(?:\w+\s+)?(?:sisters?|brothers?|siblings?|sibs?|sons?|daughters?|children|twins?)\b"
    # a genome's finding holds for life: "the patient has a normal karyotype" says nothing of now
    r"|(?:an?\s+)?(?:\w+\s+){0,2}(?:karyotype|genotype|mutations?|variants?|deletion|duplication|allele)\b))"
)
_STATE_SECTIONS = frozenset({"abstract", "case", "results", None})
# A course that ends better says the patient lives, when it is a sign that gets better: "her
# diarrhea resolved", not "lysates were resolved on SDS-PAGE" or "the latency of mice improved".
_BETTER_COURSE = lowered(
    r"\b(?:gradually |markedly |significantly |rapidly |completely )?(?:improved|resolved)\b"
)
# An experiment's course is not a patient's: "in DKO mice the latency to fall improved".
_EXPERIMENT_WORDS = lowered(
    r"\b(?:mice|mouse|rats?|zebrafish|drosophila|flies|larvae|animals|cells|fibroblasts|cultures?|in vitro"
    r"|knock-?out|KO)\b"
)
_SIGN_WORDS = lowered(r"\b(?:symptoms?|signs?|condition|status|state|complaints?|lesions?|function|health)\b")


class ClinicalRecognizer:
    """Finds HSCT and outcome mentions; see the module docstring for the contract."""

    def __init__(self, conditioning_agents: list[str]) -> None:
        self.agents = re.compile(
            r"\b(?:"
            + "|".join(re.escape(a.lower()) for a in sorted(conditioning_agents, key=len, reverse=True))
            + r")\b"
        )
        self.agent_names = {a.lower(): a for a in conditioning_agents}

    def __call__(self, doc: Doc) -> Doc:
        sentences = SentenceIndex(doc)
        doc.spans["hsct"] = list(self._hsct(doc, sentences))
        doc.spans["outcome"] = sorted(self._outcomes(doc, sentences), key=lambda s: s.start_char)
        return doc

    def _hsct(self, doc: Doc, sentences: SentenceIndex) -> Iterator[Span]:
        for match in _HSCT.finditer(sentences.lower):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            sentence = sentences.sentence_text(span, lower=True)
            text = sentences.lower
            if _NOT_PERFORMED.search(sentence):
                span._.hsct_performed = False
            elif (
                _PERFORMED.search(sentence)
                or _PERFORMED_AFTER_MENTION.match(text, match.end())
                or _PERFORMED_BEFORE_MENTION.search(text, max(0, match.start() - 60), match.start())
            ):
                span._.hsct_performed = True
            span._.donor_type = next((donor for donor, pattern in _DONORS if pattern.search(sentence)), None)
            span._.conditioning = self._conditioning(sentences, span)
            yield span

    def _conditioning(self, sentences: SentenceIndex, span: Span) -> list[str]:
        index = sentences.index_at(span.start_char)
        texts = []
        for neighbour in (index, index - 1, index + 1):
            if 0 <= neighbour < len(sentences.sentences):
                sentence = sentences.sentences[neighbour]
                text = sentences.lower[sentence.start_char : sentence.end_char]
                if _CONDITIONING_CUE.search(text):
                    texts.append(text)
        agents: list[str] = []
        for text in texts:
            for match in self.agents.finditer(text):
                name = self.agent_names[match.group().lower()]
                if name not in agents:
                    agents.append(name)
        return agents

    @staticmethod
    def _outcomes(doc: Doc, sentences: SentenceIndex) -> Iterator[Span]:
        text = sentences.lower
        stated: set[int] = set()  # the sentences with a cue of their own
        for status, pattern in _OUTCOMES:
            for match in pattern.finditer(text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is not None:
                    span._.outcome_status = status
                    stated.add(sentences.index_at(match.start()))
                    yield span
        for index, sentence in enumerate(sentences.sentences):
            if index in stated:
                continue
            words = text[sentence.start_char : sentence.end_char].lstrip()
            lead = sentence.end_char - len(words)
            for match in _PRESENT_STATE.finditer(words):
                span = doc.char_span(lead + match.start(), lead + match.end(), alignment_mode="expand")
                if span is not None and section_of(span) in _STATE_SECTIONS:
                    span._.outcome_status = "alive"
                    yield span
        signs = [e.start_char for e in doc.ents if e.label_ == "DISEASE"]
        for match in _BETTER_COURSE.finditer(text):
            sentence = sentences.sentence_at(match.start())
            before = range(sentence.start_char, match.start())
            if (
                not any(start in before for start in signs)
                and not _SIGN_WORDS.search(text, sentence.start_char, match.start())
            ) or _EXPERIMENT_WORDS.search(text, sentence.start_char, sentence.end_char):
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                span._.outcome_status = "alive"
                yield span


@Language.factory("caseminer_clinical", default_config={"conditioning_agents": DEFAULT_CONDITIONING_AGENTS})
def make_clinical(nlp: Language, name: str, conditioning_agents: list[str]) -> ClinicalRecognizer:
    return ClinicalRecognizer(conditioning_agents)


__all__ = ["DEFAULT_CONDITIONING_AGENTS", "ClinicalRecognizer", "make_clinical"]
