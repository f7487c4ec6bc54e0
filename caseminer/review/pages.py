"""What the review page shows, read from the registry: articles, a patient's facts with their marked
evidence, and an article's text with every mention marked. Plain functions over a session."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from caseminer.curation import Fact, article_reference, patient_facts
from caseminer.curation.evidence import DocumentTexts, MarkedSentence, mark_mention
from caseminer.db.models import Article, Concept, DocumentRow, MentionRow, PatientRow
from caseminer.db.repository import load_document
from caseminer.db.views import FIELDS

# Passage kinds shown as headings rather than paragraphs.
HEADING_KINDS = ("title", "heading")


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    reference: str
    title: str | None
    year: int | None
    patients: int
    facts: int
    curated: int


@dataclass(frozen=True)
class FactView:
    """One fact as the page lists it: its current value, what was extracted, and its evidence."""

    key: str
    fact: Fact
    label: str | None
    evidence: MarkedSentence

    @property
    def status(self) -> str:
        shown = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "add": "added"}
        return shown.get(self.fact.curated or "", "not reviewed")


@dataclass(frozen=True)
class Span:
    """A stretch of document text to mark: a mention (its type) or one of the patient's facts."""

    start: int
    end: int
    css_class: str
    title: str
    anchor: str | None = None


@dataclass(frozen=True)
class Segment:
    text: str
    classes: tuple[str, ...] = ()
    title: str = ""
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassageView:
    heading: bool
    section: str
    segments: list[Segment]


@dataclass
class ArticleText:
    """The article's stored documents as passages of marked segments; `complete` is False when no
    parsed document is stored, and the page then shows the evidence sentences alone."""

    documents: list[tuple[str, str, list[PassageView]]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.documents)


def fact_key(fact: Fact) -> str:
    """A fact's name on the page (the patients table holds several fields per row)."""
    return f"{fact.fact_table}-{fact.fact_id}-{fact.field}"


def article_summaries(session: Session) -> list[ArticleSummary]:
    """Every article with patients, with how many facts it has and how many are curated."""
    counts = {
        article_id: (facts, curated)
        for article_id, facts, curated in session.execute(
            text("SELECT article_id, count(*), count(curated) FROM patient_facts_v GROUP BY article_id")
        ).all()
    }
    patients = dict(
        session.execute(select(PatientRow.article_id, func.count()).group_by(PatientRow.article_id)).all()
    )
    articles = session.scalars(select(Article).where(Article.id.in_(patients)).order_by(Article.id))
    return [
        ArticleSummary(
            article.id,
            article_reference(article),
            article.title,
            article.year,
            patients[article.id],
            *counts.get(article.id, (0, 0)),
        )
        for article in articles
    ]


def concept_labels(session: Session, facts: Iterable[Fact]) -> dict[str, str]:
    """Labels of the concept ids among the facts' values (HPO terms, treatments)."""
    curies = {(f.value or f.identity_value).removeprefix("not ") for f in facts}
    rows = session.execute(select(Concept.curie, Concept.label).where(Concept.curie.in_(curies)))
    return {curie: label for curie, label in rows.all() if label}


def fact_views(session: Session, patient_id: int) -> list[FactView]:
    """The patient's facts in the registry's order of fields (demographics first), with evidence."""
    facts = sorted(patient_facts(session, patient_ids=[patient_id]), key=lambda f: FIELDS.index(f.field))
    labels = concept_labels(session, facts)
    texts = DocumentTexts(session)
    mentions: dict[tuple[str, int, int], str] | None = None
    views = []
    for fact in facts:
        marked = mark_mention(fact.sentence, texts.get(fact.doc_id), fact.char_start, fact.char_end)
        if not marked.mention and fact.doc_id and texts.get(fact.doc_id) is None:
            if mentions is None:
                mentions = stored_mentions(session, fact.article_id)
            mention = mentions.get((fact.doc_id, fact.char_start or 0, fact.char_end or 0))
            if mention:  # without the document, the mention's own text stands for it (its first occurrence)
                marked = mark_mention(fact.sentence, mention, 0, len(mention))
        label = labels.get((fact.value or fact.identity_value).removeprefix("not "))
        views.append(FactView(fact_key(fact), fact, label, marked))
    return views


def stored_mentions(session: Session, article_id: int) -> dict[tuple[str, int, int], str]:
    """The text of each stored mention of the article, by (document, start, end)."""
    rows = session.execute(
        select(MentionRow.doc_id, MentionRow.start, MentionRow.end, MentionRow.text).where(
            MentionRow.article_id == article_id
        )
    )
    return {(doc_id, start, end): text for doc_id, start, end, text in rows.all()}


def segments(text: str, start: int, end: int, spans: Sequence[Span]) -> list[Segment]:
    """text[start:end] cut at every span boundary; each piece carries the spans covering it
    (overlapping and nested mentions are all kept, as classes of one piece)."""
    inside = [s for s in spans if s.start < end and s.end > start and s.end > s.start]
    cuts = sorted({start, end, *(max(start, s.start) for s in inside), *(min(end, s.end) for s in inside)})
    pieces = []
    for left, right in pairwise(cuts):
        covering = [s for s in inside if s.start <= left and right <= s.end]
        pieces.append(
            Segment(
                text[left:right],
                tuple(dict.fromkeys(s.css_class for s in covering)),
                "; ".join(dict.fromkeys(s.title for s in covering)),
                tuple(s.anchor for s in covering if s.anchor and s.start == left),
            )
        )
    return pieces


def mention_spans(session: Session, article_id: int) -> dict[str, list[Span]]:
    """Every stored mention of the article, by document."""
    spans: dict[str, list[Span]] = {}
    for mention in session.scalars(select(MentionRow).where(MentionRow.article_id == article_id)):
        concept = f" {mention.concept_id}" if mention.concept_id else ""
        title = f"{mention.type}{concept} ({mention.source})"
        css_class = f"mention mention-{mention.type.lower()}"
        spans.setdefault(mention.doc_id, []).append(Span(mention.start, mention.end, css_class, title))
    return spans


def fact_spans(views: Sequence[FactView]) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {}
    for view in views:
        fact = view.fact
        if fact.doc_id and fact.char_start is not None and fact.char_end is not None:
            title = f"{fact.field} {fact.identity_value}"
            span = Span(fact.char_start, fact.char_end, "fact", title, f"text-{view.key}")
            spans.setdefault(fact.doc_id, []).append(span)
    return spans


def article_text(session: Session, article_id: int, views: Sequence[FactView] = ()) -> ArticleText:
    """The article's documents with every mention marked, and the facts of `views` marked as facts."""
    mentions = mention_spans(session, article_id)
    facts = fact_spans(views)
    text = ArticleText()
    documents = select(DocumentRow).where(DocumentRow.article_id == article_id).order_by(DocumentRow.id)
    for row in session.scalars(documents):
        document = load_document(row)
        spans = [*mentions.get(document.doc_id, []), *facts.get(document.doc_id, [])]
        passages = [
            PassageView(
                passage.kind in HEADING_KINDS,
                passage.section,
                segments(document.text, passage.start, passage.end, spans),
            )
            for passage in document.passages
        ]
        text.documents.append((document.doc_id, row.text_scope, passages))
    return text


def patients_of(session: Session, article_id: int) -> list[tuple[PatientRow, int]]:
    """The article's patients with how many facts each has."""
    facts: dict[int, int] = {}
    for fact in patient_facts(session, article_id=article_id):
        facts[fact.patient_id] = facts.get(fact.patient_id, 0) + 1
    patients = select(PatientRow).where(PatientRow.article_id == article_id).order_by(PatientRow.id)
    return [(patient, facts.get(patient.id, 0)) for patient in session.scalars(patients)]
