"""Candidate links: patient records of different articles that may be the same individual.

Records are compared only within a block of those sharing a variant (gene and HGVS change, as
curated), so a registry is never compared pair by pair. Each pair is scored from what the registry
keeps about both, curated values winning: the variants, sex, ages at onset and at diagnosis, country
and phenotypes; and from their articles (the parsed documents): shared authors, a shared centre
(an affiliation written alike) and one article citing the other. Each feature agrees (adds points),
disagrees (takes some away), is inconclusive, or cannot be compared (one side does not state it: an article
parsed before documents kept authors, a PubMed record without a reference list); the explanation
says which.

A curator confirms a candidate with a `merge` curation or rejects it with a `split` (`decide`);
individuals_v then counts the merged records as one individual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy import and_, exists, select, text
from sqlalchemy.orm import Session

from caseminer.curation.records import (
    LINK_ACTIONS,
    LINK_FIELD,
    article_reference,
    link_patients,
    patient_facts,
)
from caseminer.db.models import Article, Curation, DocumentRow, PatientRow

# Points of each feature when it agrees / disagrees; the score is the points over MAX_POINTS.
SAME_VARIANTS, SOME_VARIANTS = 4, 3
SEX_AGREES, SEX_DIFFERS = 1, -4
AGE_AGREES, AGE_DIFFERS = 1, -2
COUNTRY_AGREES, COUNTRY_DIFFERS = 1, -3
PHENOTYPES_AGREE = 1
# Reported by the same team, or the later report citing the earlier: evidence beyond the patient.
AUTHORS_SHARED, CENTRE_SHARED, CITES = 2, 1, 2
# A pair agreeing on everything about the patient scores 1; the articles' evidence can make up for
# a fact one record does not state, the score capped at 1.
MAX_POINTS = SAME_VARIANTS + SEX_AGREES + 2 * AGE_AGREES + COUNTRY_AGREES + PHENOTYPES_AGREE
DEFAULT_MIN_SCORE = 0.5
# Two ages of one child read from two articles: equal up to rounding ("3 weeks" vs "21 days"; "4
# months" vs "120 days") within this share of the larger, and at least this many days.
AGE_TOLERANCE_SHARE = 0.2
AGE_TOLERANCE_DAYS = 14
# Phenotypes agree when at least this share of the shorter list is in the other.
PHENOTYPE_OVERLAP = 0.5
_CHUNK = 500


@dataclass(frozen=True)
class ArticleMetadata:
    """What the parsed documents of an article say about its authorship and what it cites."""

    ids: frozenset[str] = frozenset()  # "pmid:…", "pmcid:…", "doi:…", lower-cased
    authors: dict[str, str] = field(default_factory=dict)  # casefolded -> as written
    centres: dict[str, str] = field(default_factory=dict)
    cited: frozenset[str] = frozenset()  # the ids of the works cited, as `ids`
    has_references: bool = False


def _id_keys(ids: dict[str, Any]) -> set[str]:
    return {f"{name}:{value}".lower() for name in ("pmid", "pmcid", "doi") if (value := ids.get(name))}


def _folded(texts: Iterable[str]) -> dict[str, str]:
    return {" ".join(text.split()).casefold(): text for text in texts if text.strip()}


def article_metadata(session: Session, article_ids: Iterable[int]) -> dict[int, ArticleMetadata]:
    """The authors, affiliations and references of each article, from all its parsed documents."""
    ids = sorted(set(article_ids))
    gathered: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for article in session.scalars(select(Article).where(Article.id.in_(chunk))):
            gathered[article.id]["ids"].append(
                {"pmid": article.pmid, "pmcid": article.pmcid, "doi": article.doi}
            )
        # Only these keys of each document's JSON, not its whole text.
        names = ("authors", "affiliations", "references")
        rows = session.execute(
            select(DocumentRow.article_id, *(DocumentRow.content[name] for name in names)).where(
                DocumentRow.article_id.in_(chunk)
            )
        )
        for article_id, *values in rows:
            for name, value in zip(names, values, strict=True):
                gathered[article_id][name].extend(value or [])
    return {
        article_id: ArticleMetadata(
            ids=frozenset(key for found in values["ids"] for key in _id_keys(found)),
            authors=_folded(values["authors"]),
            centres=_folded(values["affiliations"]),
            cited=frozenset(key for found in values["references"] for key in _id_keys(found)),
            has_references=bool(values["references"]),
        )
        for article_id, values in gathered.items()
    }


@dataclass(frozen=True)
class PatientRecord:
    """What the registry states about one patient of one article, curations applied."""

    patient_id: int
    article_id: int
    article: str
    label: str
    sex: str | None = None
    country: str | None = None
    onset_days: int | None = None
    diagnosis_days: int | None = None
    variants: frozenset[str] = frozenset()
    phenotypes: frozenset[str] = frozenset()
    article_meta: ArticleMetadata = field(default_factory=ArticleMetadata)

    @property
    def key(self) -> tuple[int, str]:
        """The record's identity across re-extraction, as a link curation names it."""
        return self.article_id, self.label

    @property
    def name(self) -> str:
        return f"{self.article} {self.label}"


@dataclass(frozen=True)
class Feature:
    """One feature of a pair: its points (positive agrees, negative disagrees); `stated` is False when
    one record does not state it (0 points, nothing compared)."""

    name: str
    points: int
    detail: str
    stated: bool = True


@dataclass(frozen=True)
class CandidateLink:
    """Two records of different articles that may be one individual; `decision` is the curation in force."""

    first: PatientRecord
    second: PatientRecord
    features: tuple[Feature, ...]
    decision: str | None = None
    curator: str | None = None
    note: str | None = None

    @property
    def score(self) -> float:
        return round(min(1.0, max(0, sum(f.points for f in self.features)) / MAX_POINTS), 2)

    @property
    def explanation(self) -> str:
        groups = {
            "agree": [f.detail for f in self.features if f.points > 0],
            "disagree": [f.detail for f in self.features if f.points < 0],
            "inconclusive": [f.detail for f in self.features if f.stated and f.points == 0],
        }
        parts = [f"{group}: {'; '.join(details)}" for group, details in groups.items() if details]
        unstated = [f.name for f in self.features if not f.stated]
        if unstated:
            parts.append(f"not stated by both: {', '.join(unstated)}")
        return " | ".join(parts)


def _variants(first: PatientRecord, second: PatientRecord) -> Feature:
    shared = sorted(first.variants & second.variants)
    if first.variants == second.variants:
        return Feature("variants", SAME_VARIANTS, f"same variant {', '.join(shared)}")
    differing = sorted(first.variants ^ second.variants)
    return Feature("variants", SOME_VARIANTS, f"share {', '.join(shared)} (not {', '.join(differing)})")


def _same(name: str, first: str | None, second: str | None, agrees: int, differs: int) -> Feature:
    if first is None or second is None:
        return Feature(name, 0, name, stated=False)
    if first.lower() == second.lower():
        return Feature(name, agrees, f"{name} {first}")
    return Feature(name, differs, f"{name} {first} vs {second}")


def ages_compatible(first: int, second: int) -> bool:
    """Whether two ages in days may be one age stated twice (rounded differently)."""
    return abs(first - second) <= max(AGE_TOLERANCE_DAYS, AGE_TOLERANCE_SHARE * max(first, second))


def _age(name: str, first: int | None, second: int | None) -> Feature:
    if first is None or second is None:
        return Feature(name, 0, name, stated=False)
    if ages_compatible(first, second):
        return Feature(name, AGE_AGREES, f"{name} {first} vs {second} days")
    return Feature(name, AGE_DIFFERS, f"{name} {first} vs {second} days")


def _phenotypes(first: PatientRecord, second: PatientRecord) -> Feature:
    if not first.phenotypes or not second.phenotypes:
        return Feature("phenotypes", 0, "phenotypes", stated=False)
    shared = len(first.phenotypes & second.phenotypes)
    fewer = min(len(first.phenotypes), len(second.phenotypes))
    detail = f"{shared} of {fewer} phenotypes shared"
    return Feature("phenotypes", PHENOTYPES_AGREE if shared >= PHENOTYPE_OVERLAP * fewer else 0, detail)


def _shared(name: str, first: dict[str, str], second: dict[str, str], points: int) -> Feature:
    """Authors or centres the two articles have in common (as their first article writes them)."""
    if not first or not second:
        return Feature(name, 0, name, stated=False)
    shared = [written for folded, written in first.items() if folded in second]
    if not shared:
        return Feature(name, 0, f"no shared {name}")
    return Feature(name, points, f"shared {name} {', '.join(shared)}")


def _citation(first: PatientRecord, second: PatientRecord) -> Feature:
    for citing, cited in ((first, second), (second, first)):
        if citing.article_meta.cited & cited.article_meta.ids:
            return Feature("citation", CITES, f"{citing.article} cites {cited.article}")
    if not (first.article_meta.has_references or second.article_meta.has_references):
        return Feature("citation", 0, "citation", stated=False)
    return Feature("citation", 0, "neither article cites the other")


def compare(first: PatientRecord, second: PatientRecord) -> tuple[Feature, ...]:
    """Every feature of the two records compared (the pair shares at least one variant)."""
    return (
        _variants(first, second),
        _same("sex", first.sex, second.sex, SEX_AGREES, SEX_DIFFERS),
        _age("onset", first.onset_days, second.onset_days),
        _age("diagnosis", first.diagnosis_days, second.diagnosis_days),
        _same("country", first.country, second.country, COUNTRY_AGREES, COUNTRY_DIFFERS),
        _phenotypes(first, second),
        _shared("authors", first.article_meta.authors, second.article_meta.authors, AUTHORS_SHARED),
        _shared("centre", first.article_meta.centres, second.article_meta.centres, CENTRE_SHARED),
        _citation(first, second),
    )


def _variant_blocks(session: Session) -> list[list[tuple[int, str, int]]]:
    """The (article id, label, patient id) of the records carrying each variant (curated values, e.g.
    "FOXP3 c.1087A>G"; rejected ones left out), of variants more than one record carries. HGVS is
    case-sensitive, so the values are compared as written."""
    rows = session.execute(
        text(
            "SELECT article_id, patient_label, patient_id, value FROM patient_facts_v"
            " WHERE field = 'variant' AND value IS NOT NULL"
        )
    )
    blocks: dict[str, set[tuple[int, str, int]]] = defaultdict(set)
    for article_id, label, patient_id, value in rows:
        blocks[value].add((article_id, label, patient_id))
    return [sorted(block) for block in blocks.values() if len(block) > 1]


@dataclass
class _Facts:
    sex: str | None = None
    country: str | None = None
    ages: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    variants: set[str] = field(default_factory=set)
    phenotypes: set[str] = field(default_factory=set)


def _records(session: Session, patient_ids: Iterable[int]) -> dict[int, PatientRecord]:
    """The records of these patients, each fact as curated (the values patient_facts_v gives)."""
    ids = sorted(set(patient_ids))
    facts: dict[int, _Facts] = defaultdict(_Facts)
    for start in range(0, len(ids), _CHUNK):
        for fact in patient_facts(session, patient_ids=ids[start : start + _CHUNK]):
            if fact.value is None:
                continue
            known = facts[fact.patient_id]
            if fact.field in ("sex", "country"):
                setattr(known, fact.field, fact.value)
            elif fact.field.startswith("age_at_") and fact.value.isdigit():
                known.ages[fact.field.removeprefix("age_at_")].append(int(fact.value))
            elif fact.field == "variant":
                known.variants.add(fact.value)
            elif fact.field == "phenotype" and not fact.value.startswith("not "):
                known.phenotypes.add(fact.value.upper())
    records = {}
    rows = [
        row
        for start in range(0, len(ids), _CHUNK)
        for row in session.execute(
            select(PatientRow.id, PatientRow.label, Article)
            .join(Article)
            .where(PatientRow.id.in_(ids[start : start + _CHUNK]))
        )
    ]
    metadata = article_metadata(session, {article.id for _, _, article in rows})
    for patient_id, label, article in rows:
        known = facts[patient_id]
        records[patient_id] = PatientRecord(
            patient_id=patient_id,
            article_id=article.id,
            article=article_reference(article),
            label=label,
            sex=known.sex,
            country=known.country,
            onset_days=min(known.ages["onset"], default=None),
            diagnosis_days=min(known.ages["diagnosis"], default=None),
            variants=frozenset(known.variants),
            phenotypes=frozenset(known.phenotypes),
            article_meta=metadata.get(article.id, ArticleMetadata()),
        )
    return records


def link_decisions(session: Session) -> dict[tuple[tuple[int, str], tuple[int, str]], Curation]:
    """The merge or split in force for each pair of patient records (the latest about the pair)."""
    newer = Curation.__table__.alias("newer")
    latest = select(Curation).where(
        Curation.field == LINK_FIELD,
        Curation.action.in_(LINK_ACTIONS),
        ~exists().where(
            and_(
                newer.c.field == LINK_FIELD,
                newer.c.action.in_(LINK_ACTIONS),
                newer.c.article_id == Curation.article_id,
                newer.c.patient_label == Curation.patient_label,
                newer.c.other_article_id == Curation.other_article_id,
                newer.c.other_patient_label == Curation.other_patient_label,
                newer.c.id > Curation.id,
            )
        ),
    )
    return {
        ((c.article_id, c.patient_label), (c.other_article_id or 0, c.other_patient_label or "")): c
        for c in session.scalars(latest)
    }


def candidate_links(
    session: Session, *, min_score: float = DEFAULT_MIN_SCORE, article_ids: Iterable[int] | None = None
) -> list[CandidateLink]:
    """Pairs of records of different articles sharing a variant and scoring at least `min_score`,
    best first; with `article_ids`, only pairs with a record of one of those articles."""
    wanted = set(article_ids) if article_ids is not None else None
    pairs: set[tuple[int, int]] = set()
    for block in _variant_blocks(session):
        for (first_article, _, first_id), (second_article, _, second_id) in combinations(block, 2):
            if first_article == second_article:
                continue
            if wanted is not None and not {first_article, second_article} & wanted:
                continue
            pairs.add((first_id, second_id))  # in (article id, label) order, as link curations store them
    records = _records(session, {patient_id for pair in pairs for patient_id in pair})
    decisions = link_decisions(session)
    links = []
    for first_id, second_id in pairs:
        if first_id not in records or second_id not in records:
            # a run storing the same article at once replaced its records between the two reads;
            # that run links the records it wrote
            continue
        first, second = records[first_id], records[second_id]
        decided = decisions.get((first.key, second.key))
        link = CandidateLink(
            first,
            second,
            compare(first, second),
            decision=decided.action if decided else None,
            curator=decided.curator if decided else None,
            note=decided.note if decided else None,
        )
        if link.score >= min_score:
            links.append(link)
    return sorted(links, key=lambda link: (-link.score, link.first.key, link.second.key))


def decide(
    session: Session, link: CandidateLink, action: str, *, curator: str, note: str | None = None
) -> Curation:
    """Confirm a candidate (`merge`: one individual) or reject it (`split`: two)."""
    return link_patients(session, link.first.key, link.second.key, action, curator=curator, note=note)


def decided_links(
    session: Session, links: Sequence[CandidateLink], article_ids: Iterable[int] | None = None
) -> list[Curation]:
    """The link curations in force that are not among `links` (a merge of records that are no
    candidates, say), so a sheet can still show and revise them; with `article_ids`, of those only."""
    shown = {(link.first.key, link.second.key) for link in links}
    wanted = set(article_ids) if article_ids is not None else None
    return [
        curation
        for pair, curation in link_decisions(session).items()
        if pair not in shown and (wanted is None or {pair[0][0], pair[1][0]} & wanted)
    ]
