"""The review spreadsheet: every fact as a row to decide on, and its import as curations.

A row names its fact by article, patient, field and value (the value as extracted); `evidence` is
the sentence with the mention between [[ ]]; `curated` says what is in force. A curator fills in
`status` (accept, reject, correct, add; merge or split on an `individual` row) and, for correct and
add, `correction`. A new row with status `add` adds a fact the extractor missed (value left empty).
After the facts come the `individual` rows: each candidate link (caseminer.curation.individuals) and
each link decided before, `value` naming the other record ("PMID:99100007 proband") and `evidence`
the score and why; status `merge` confirms that the two are one individual, `split` that they are not.
Import checks every row first: one bad row is reported with its line number and nothing is applied.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseminer.curation.evidence import DocumentTexts, mark_mention
from caseminer.curation.individuals import candidate_links, decided_links, link_decisions
from caseminer.curation.records import (
    FACT_ACTIONS,
    LINK_ACTIONS,
    LINK_FIELD,
    CurationError,
    Fact,
    article_reference,
    find_article_by_reference,
    link_patients,
    normalize_value,
    patient_facts,
    record_curation,
)
from caseminer.db.models import Article, PatientRow
from caseminer.db.views import FIELDS

COLUMNS = ("article", "patient", "field", "value", "evidence", "status", "correction", "note", "curated")
SUFFIXES = (".xlsx", ".csv")


class SheetError(ValueError):
    """A review sheet that cannot be imported; `problems` are (line, message), nothing was applied."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {message}" for line, message in problems))


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise SheetError([(0, f"{path.name}: a review sheet is .xlsx or .csv")])


def _in_force(fact: Fact) -> str:
    if not fact.curated:
        return ""
    shown = {"accept": "accepted", "reject": "rejected", "correct": f"corrected to {fact.value}",
             "add": f"added {fact.value}"}  # fmt: skip
    return f"{shown.get(fact.curated, fact.curated)} by {fact.curator}"


def review_rows(session: Session, article_id: int | None = None) -> Iterator[dict[str, str]]:
    """One row per fact, rejected ones included (so a decision can be revised)."""
    references = {a.id: article_reference(a) for a in session.scalars(select(Article))}
    texts = DocumentTexts(session)
    for fact in patient_facts(session, article_id=article_id):
        marked = mark_mention(fact.sentence, texts.get(fact.doc_id), fact.char_start, fact.char_end)
        yield {
            "article": references[fact.article_id],
            "patient": fact.patient_label,
            "field": fact.field,
            "value": fact.identity_value,
            "evidence": marked.as_text(),
            "status": "",
            "correction": "",
            "note": fact.note or "",
            "curated": _in_force(fact),
        }


_LINKS_SHOWN = {"merge": "merged", "split": "split"}


def _link_row(
    article: str, patient: str, other: str, evidence: str, decision: str | None, curator: str | None,
    note: str | None,
) -> dict[str, str]:  # fmt: skip
    curated = f"{_LINKS_SHOWN[decision]} by {curator}" if decision else ""
    return {"article": article, "patient": patient, "field": LINK_FIELD, "value": other, "evidence": evidence,
            "status": "", "correction": "", "note": note or "", "curated": curated}  # fmt: skip


def link_rows(session: Session, article_id: int | None = None) -> Iterator[dict[str, str]]:
    """One row per candidate link (best first), then one per link decided that is no candidate now."""
    article_ids = None if article_id is None else [article_id]
    links = candidate_links(session, article_ids=article_ids)
    for link in links:
        evidence = f"candidate, score {link.score:.2f}: {link.explanation}"
        yield _link_row(link.first.article, link.first.label, link.second.name, evidence, link.decision,
                        link.curator, link.note)  # fmt: skip
    references = {a.id: article_reference(a) for a in session.scalars(select(Article))}
    for curation in decided_links(session, links, article_ids):
        yield _link_row(references[curation.article_id], curation.patient_label, curation.value,
                        "decided before; not a candidate now", curation.action, curation.curator,
                        curation.note)  # fmt: skip


def export_sheet(session: Session, path: Path, article_id: int | None = None) -> int:
    """Write the review sheet (.xlsx or .csv); returns how many rows."""
    path = Path(path)
    _check_suffix(path)
    rows = [*review_rows(session, article_id), *link_rows(session, article_id)]
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "review"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    to_fill = PatternFill("solid", start_color="FFF2CC")
    for column in ("status", "correction", "note"):
        letter = sheet.cell(row=1, column=COLUMNS.index(column) + 1).column_letter
        for (cell,) in sheet[f"{letter}2:{letter}{len(rows) + 1}"] if rows else ():
            cell.fill = to_fill
        sheet.column_dimensions[letter].width = 14
    sheet.column_dimensions["E"].width = 90
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return len(rows)


def _read(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of the sheet's data rows; the header is line 1."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip().lower() for name in next(reader, [])]
            _check_header(header)
            for row in reader:
                yield reader.line_num, dict(zip(header, (value.strip() for value in row), strict=False))
        return
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(name or "").strip().lower() for name in next(rows, ())]
        _check_header(header)
        for line, row in enumerate(rows, start=2):
            values = ("" if value is None else str(value).strip() for value in row)
            yield line, dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def _check_header(header: list[str]) -> None:
    missing = [column for column in ("article", "patient", "field", "value", "status", "correction")
               if column not in header]  # fmt: skip
    if missing:
        raise SheetError([(1, f"missing column(s): {', '.join(missing)}")])


@dataclass(frozen=True)
class _Decision:
    line: int
    article: Article
    patient: str
    field: str
    value: str
    action: str
    correction: str | None
    note: str | None
    other: tuple[int, str] | None = None


@dataclass
class ImportResult:
    rows: int
    applied: int
    unchanged: int


def _decide(
    session: Session, line: int, row: dict[str, str], facts: dict[tuple[Any, ...], Fact]
) -> _Decision:
    status = row.get("status", "").lower()
    field = row.get("field", "")
    article = find_article_by_reference(session, row.get("article", ""))
    if article is None:
        raise CurationError(f"no article {row.get('article', '')!r} in the registry")
    patient = row.get("patient", "")
    known = session.scalars(
        select(PatientRow.id).where(PatientRow.article_id == article.id, PatientRow.label == patient)
    ).first()
    if known is None:
        raise CurationError(f"no patient {patient!r} in {article_reference(article)}")
    value, correction, note = row.get("value", ""), row.get("correction", "") or None, row.get("note") or None
    if field == LINK_FIELD:
        if status not in LINK_ACTIONS:
            raise CurationError(f"status {status!r} of an individual row is not one of merge, split")
        reference, _, other_label = value.partition(" ")
        other = find_article_by_reference(session, reference)
        if other is None:
            raise CurationError(f"no article {reference!r} in the registry")
        other_known = session.scalars(
            select(PatientRow.id).where(PatientRow.article_id == other.id, PatientRow.label == other_label)
        ).first()
        if other_known is None:
            raise CurationError(f"no patient {other_label!r} in {article_reference(other)}")
        return _Decision(line, article, patient, field, value, status, None, note, (other.id, other_label))
    if field not in FIELDS:
        raise CurationError(f"unknown field {field!r} (one of {', '.join(FIELDS)})")
    if status not in FACT_ACTIONS:
        raise CurationError(f"status {status!r} is not one of {', '.join(FACT_ACTIONS)}")
    if status in ("correct", "add"):
        if not correction:
            raise CurationError(f"status {status} needs a correction (the right value)")
        correction = normalize_value(field, correction)
    elif correction:
        raise CurationError(f"a correction with status {status}: write status correct to change the value")
    if status != "add" and (article.id, patient, field, value.lower()) not in facts:
        raise CurationError(f"{patient!r} of {article_reference(article)} has no {field} {value!r}")
    return _Decision(line, article, patient, field, value, status, correction, note)


def import_sheet(session: Session, path: Path, *, curator: str) -> ImportResult:
    """Check every filled-in row, then record them all, in the caller's transaction.

    Raises SheetError (every bad row, with its line) before recording anything. A row whose decision
    is already the one in force records nothing, so importing a sheet twice changes nothing.
    """
    path = Path(path)
    _check_suffix(path)
    if not path.exists():
        raise SheetError([(0, f"{path}: no such file")])
    facts = {
        (f.article_id, f.patient_label, f.field, f.identity_value.lower()): f for f in patient_facts(session)
    }
    links = {pair: curation.action for pair, curation in link_decisions(session).items()}
    decisions, problems, rows = [], [], 0
    for line, row in _read(path):
        if not any(row.values()):
            continue
        rows += 1
        if not row.get("status"):
            continue
        try:
            decisions.append(_decide(session, line, row, facts))
        except CurationError as error:
            problems.append((line, str(error)))
    if problems:
        raise SheetError(problems)
    applied = 0
    for decision in decisions:
        if _already_in_force(decision, facts, links):
            continue
        try:
            _record(session, decision, curator)
        except CurationError as error:
            raise SheetError([(decision.line, str(error))]) from None
        applied += 1
    return ImportResult(rows=rows, applied=applied, unchanged=len(decisions) - applied)


def _already_in_force(
    decision: _Decision, facts: dict[tuple[Any, ...], Fact], links: dict[tuple[Any, ...], str]
) -> bool:
    if decision.other is not None:
        pair = tuple(sorted([(decision.article.id, decision.patient), decision.other]))
        return links.get(pair) == decision.action
    fact = facts.get((decision.article.id, decision.patient, decision.field, decision.value.lower()))
    if decision.action == "add":
        key = (decision.article.id, decision.patient, decision.field, (decision.correction or "").lower())
        fact = facts.get(key)
        return fact is not None and fact.curated == "add"
    if fact is None or fact.curated != decision.action:
        return False
    return decision.action != "correct" or fact.value == decision.correction


def _record(session: Session, decision: _Decision, curator: str) -> None:
    if decision.other is not None:
        link_patients(session, (decision.article.id, decision.patient), decision.other, decision.action,
                      curator=curator, note=decision.note)  # fmt: skip
        return
    record_curation(
        session,
        article_id=decision.article.id,
        patient_label=decision.patient,
        field=decision.field,
        value=decision.value or decision.correction,
        action=decision.action,
        curator=curator,
        correction=decision.correction,
        note=decision.note,
    )
