"""Recording curations and reading facts with the curation that applies to each.

A fact is what patient_facts_v lists: (article, patient label, field, value). A curation names the
fact by that identity (its value lower-cased by the database itself, as the views compare it), so it
applies again to the same fact after a re-extraction has replaced every fact row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pycountry
from sqlalchemy import and_, bindparam, exists, func, select, text
from sqlalchemy.orm import Session

from caseminer.db.models import CURATION_ACTIONS, Article, Curation, PatientRow
from caseminer.db.views import FIELDS, LINK_FIELD

FACT_ACTIONS = ("accept", "reject", "correct", "add")
LINK_ACTIONS = ("merge", "split")
_PHENOTYPE = re.compile(r"^(not )?(HP:\d{7})$", re.IGNORECASE)
_VARIANT = re.compile(r"^(\S+)\s+([cpg]\.\S+)$")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):(\S+)$")
_DAYS = re.compile(r"^(\d+)(\s*days?)?$", re.IGNORECASE)
_CHOICES = {
    "sex": ("male", "female"),
    "consanguinity": ("yes", "no"),
    "hsct": ("performed", "not performed"),
    "outcome": ("alive", "deceased"),
}


class CurationError(ValueError):
    """A curation that cannot be recorded as given (unknown field or action, a malformed value)."""


@dataclass(frozen=True)
class Fact:
    """One row of patient_facts_v: a fact as extracted (or added), with the curation that applies."""

    patient_id: int
    article_id: int
    patient_label: str
    field: str
    extracted_value: str | None
    value: str | None
    value_key: str
    fact_table: str
    fact_id: int
    doc_id: str | None
    char_start: int | None
    char_end: int | None
    sentence: str | None
    extractor_version: str | None
    curation_id: int | None
    curated: str | None
    curator: str | None
    curated_at: Any
    note: str | None

    @property
    def identity_value(self) -> str:
        """The value a curation of this fact names: the extracted one (an added fact's own)."""
        return self.extracted_value if self.extracted_value is not None else self.value or ""


def normalize_value(field: str, value: str) -> str:
    """A corrected or added value in the registry's form; CurationError says what is expected."""
    value = " ".join(str(value).split())
    if not value:
        raise CurationError(f"{field}: an empty value")
    if field in _CHOICES:
        choices = _CHOICES[field]
        if value.lower() not in choices:
            raise CurationError(f"{field}: {value!r} is not one of {', '.join(choices)}")
        return value.lower()
    if field == "country":
        try:
            return pycountry.countries.lookup(value).name
        except LookupError:
            raise CurationError(f"country: {value!r} is not a country name or ISO code") from None
    if field.startswith("age_at_"):
        match = _DAYS.match(value)
        if not match:
            raise CurationError(f"{field}: {value!r} is not a number of days")
        return str(int(match.group(1)))
    if field == "phenotype":
        match = _PHENOTYPE.match(value)
        if not match:
            raise CurationError(f"phenotype: {value!r} is not an HPO id (HP:0000000, or 'not HP:0000000')")
        return ("not " if match.group(1) else "") + match.group(2).upper()
    if field == "variant":
        match = _VARIANT.match(value)
        if not match:
            raise CurationError(f"variant: {value!r} is not '<gene> <c.|p.|g. HGVS>'")
        return f"{match.group(1).upper()} {match.group(2)}"
    if field == "treatment":
        match = _CURIE.match(value)
        if not match:
            raise CurationError(f"treatment: {value!r} is not a concept id such as MESH:D016559")
        return f"{match.group(1).upper()}:{match.group(2)}"
    raise CurationError(f"unknown field {field!r} (one of {', '.join(FIELDS)})")


def _now() -> datetime:
    return datetime.now(UTC)


def _key(session: Session, value: str) -> str:
    """The value's identity as the views compute it: lower-cased by the database's own lower()."""
    return session.scalar(select(func.lower(value))) or ""


def record_curation(
    session: Session,
    *,
    article_id: int,
    patient_label: str,
    field: str,
    value: str | None,
    action: str,
    curator: str,
    correction: str | None = None,
    note: str | None = None,
    doc_id: str | None = None,
    char_start: int | None = None,
    char_end: int | None = None,
    sentence: str | None = None,
) -> Curation:
    """Record a decision about the fact (article, patient, field, value); a later one supersedes it.

    accept / reject need the fact's value; correct also a correction; add needs only the value added
    (`correction` or `value`). Corrections and additions are checked and normalized (normalize_value).
    """
    if action not in FACT_ACTIONS:
        raise CurationError(f"unknown action {action!r} for a fact (one of {', '.join(FACT_ACTIONS)})")
    if field not in FIELDS:
        raise CurationError(f"unknown field {field!r} (one of {', '.join(FIELDS)})")
    if not curator.strip():
        raise CurationError("a curation needs a curator")
    if action == "add":
        correction = normalize_value(field, correction or value or "")
        value = correction
    elif action == "correct":
        if not correction:
            raise CurationError(f"{field}: a correction needs the corrected value")
        correction = normalize_value(field, correction)
    else:
        correction = None
    if not value:
        raise CurationError(f"{field}: which value is curated? (the fact's value is empty)")
    curation = Curation(
        article_id=article_id,
        patient_label=patient_label,
        field=field,
        value=value,
        value_key=_key(session, value),
        action=action,
        correction=correction,
        note=note or None,
        curator=curator.strip(),
        created_at=_now(),
        doc_id=doc_id,
        char_start=char_start,
        char_end=char_end,
        sentence=sentence,
    )
    session.add(curation)
    session.flush()
    return curation


def curate_fact(
    session: Session,
    fact: Fact,
    action: str,
    *,
    curator: str,
    correction: str | None = None,
    note: str | None = None,
) -> Curation:
    """Record a decision about a fact read from patient_facts_v (its evidence kept as the hint)."""
    return record_curation(
        session,
        article_id=fact.article_id,
        patient_label=fact.patient_label,
        field=fact.field,
        value=fact.identity_value,
        action=action,
        curator=curator,
        correction=correction,
        note=note,
        doc_id=fact.doc_id,
        char_start=fact.char_start,
        char_end=fact.char_end,
        sentence=fact.sentence,
    )


def article_reference(article: Article) -> str:
    """How a curator names an article: PMID, else PMCID, else DOI."""
    if article.pmid:
        return f"PMID:{article.pmid}"
    return article.pmcid or f"DOI:{article.doi}"


def find_article_by_reference(session: Session, reference: str) -> Article | None:
    """The article a curator names as PMID:n, a bare PMID, PMCn or DOI:..."""
    reference = reference.strip()
    upper = reference.upper()
    if upper.startswith("PMID:") or reference.isdigit():
        condition = Article.pmid == reference.split(":", 1)[-1].strip()
    elif upper.startswith("PMC"):
        condition = Article.pmcid == upper
    else:
        condition = Article.doi == reference.removeprefix("DOI:").removeprefix("doi:").strip()
    return session.scalars(select(Article).where(condition)).first()


def link_patients(
    session: Session,
    first: tuple[int, str],
    second: tuple[int, str],
    action: str,
    *,
    curator: str,
    note: str | None = None,
) -> Curation:
    """Record that two patient records, each (article id, label), are one individual (merge) or two
    distinct ones (split); the pair is stored in one order, so the latest decision about it wins."""
    if action not in LINK_ACTIONS:
        raise CurationError(f"unknown action {action!r} for two patients (one of {', '.join(LINK_ACTIONS)})")
    if first == second:
        raise CurationError("a patient record cannot be linked to itself")
    (article_id, label), (other_article_id, other_label) = sorted([first, second])
    other = session.get(Article, other_article_id)
    if other is None or session.get(Article, article_id) is None:
        raise CurationError("no such article")
    value = f"{article_reference(other)} {other_label}"
    curation = Curation(
        article_id=article_id,
        patient_label=label,
        field=LINK_FIELD,
        value=value,
        value_key=_key(session, value),
        action=action,
        other_article_id=other_article_id,
        other_patient_label=other_label,
        note=note or None,
        curator=curator.strip(),
        created_at=_now(),
    )
    session.add(curation)
    session.flush()
    return curation


def patient_facts(
    session: Session, *, patient_ids: Sequence[int] | None = None, article_id: int | None = None
) -> list[Fact]:
    """The facts of some patients (or all), rejected ones included (their `value` is None)."""
    conditions, parameters, bind = [], {}, []
    if patient_ids is not None:
        if not patient_ids:
            return []
        conditions.append("patient_id IN :patient_ids")
        parameters["patient_ids"] = list(patient_ids)
        bind.append(bindparam("patient_ids", expanding=True))
    if article_id is not None:
        conditions.append("article_id = :article_id")
        parameters["article_id"] = article_id
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    statement = text(
        f"SELECT * FROM patient_facts_v{where}"
        " ORDER BY article_id, patient_label, patient_id, field, fact_table, fact_id"
    ).bindparams(*bind)
    rows = session.execute(statement, parameters).mappings()
    return [Fact(**row) for row in rows]


def _identity(curation: Curation) -> tuple[int, str, str, str]:
    return curation.article_id, curation.patient_label, curation.field, curation.value_key


@dataclass(frozen=True)
class Unmatched:
    """A curation whose fact (or patient) the current extraction no longer has: it needs a look."""

    curation: Curation
    article: str
    reason: str


def curation_status(session: Session) -> tuple[int, list[Unmatched]]:
    """(how many curations are in force, those among them that apply to nothing now).

    In force: the latest curation of each fact identity (or patient pair). A fact curation whose
    fact is not extracted any more, an added fact whose patient is gone, a link one of whose
    patients is gone: each is listed, never dropped, and applies again when its fact comes back.
    """
    newer = Curation.__table__.alias("newer")
    latest = select(Curation).where(
        ~exists().where(
            and_(
                newer.c.article_id == Curation.article_id,
                newer.c.patient_label == Curation.patient_label,
                newer.c.field == Curation.field,
                newer.c.value_key == Curation.value_key,
                newer.c.id > Curation.id,
            )
        )
    )
    in_force = list(session.scalars(latest.order_by(Curation.id)))
    facts = {
        (row.article_id, row.patient_label, row.field, row.value_key)
        for row in session.execute(
            text("SELECT article_id, patient_label, field, value_key FROM extracted_facts_v")
        )
    }
    patients = set(session.execute(select(PatientRow.article_id, PatientRow.label)).tuples())
    references = {article.id: article_reference(article) for article in session.scalars(select(Article))}
    unmatched = []
    for curation in in_force:
        if (curation.article_id, curation.patient_label) not in patients:
            reason = f"patient {curation.patient_label!r} is no longer extracted"
        elif curation.field == LINK_FIELD:
            if (curation.other_article_id, curation.other_patient_label) in patients:
                continue
            reason = f"linked patient {curation.value!r} is no longer extracted"
        elif curation.action == "add" or _identity(curation) in facts:
            continue
        else:
            reason = f"{curation.field} {curation.value!r} is no longer extracted"
        unmatched.append(Unmatched(curation, references.get(curation.article_id, "?"), reason))
    return len(in_force), unmatched


__all__ = [
    "CURATION_ACTIONS",
    "FACT_ACTIONS",
    "LINK_ACTIONS",
    "LINK_FIELD",
    "CurationError",
    "Fact",
    "Unmatched",
    "article_reference",
    "curate_fact",
    "curation_status",
    "find_article_by_reference",
    "link_patients",
    "normalize_value",
    "patient_facts",
    "record_curation",
]
