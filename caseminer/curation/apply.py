"""Curated copies of stored patients, for exports built from the ORM rows (the Phenopackets).

The views apply curations in SQL; this gives the same result as objects: a rejected fact is left
out, a corrected one carries the correction, an added one is there, and each curated fact's
provenance names its curator (`extractor` = "curator:<name>", `extractor_version` = the action),
which `curation_of` reads back. The copies are never added to a session: the store is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from caseminer.curation.records import Fact, patient_facts
from caseminer.db.models import (
    PatientAge,
    PatientHsct,
    PatientOutcome,
    PatientPhenotypeRow,
    PatientRow,
    PatientTreatmentRow,
    PatientVariantRow,
)

CURATOR_PREFIX = "curator:"
Row = TypeVar("Row")


def curation_of(row: Any) -> tuple[str, str] | None:
    """(action, curator) of a curated copy's fact; None for a fact as extracted."""
    extractor = getattr(row, "extractor", None) or ""
    if not extractor.startswith(CURATOR_PREFIX):
        return None
    return row.extractor_version or "", extractor.removeprefix(CURATOR_PREFIX)


def _copy(row: Row, **changes: Any) -> Row:
    columns = {attribute.key: getattr(row, attribute.key) for attribute in inspect(type(row)).column_attrs}
    return type(row)(**(columns | changes))


def _marked(fact: Fact) -> dict[str, Any]:
    return {"extractor": f"{CURATOR_PREFIX}{fact.curator}", "extractor_version": fact.curated}


def _provenance(fact: Fact) -> dict[str, Any]:
    return {
        "doc_id": fact.doc_id,
        "char_start": fact.char_start,
        "char_end": fact.char_end,
        "sentence": fact.sentence,
    } | _marked(fact)


def _phenotype(fact: Fact) -> dict[str, Any]:
    value = fact.value or ""
    excluded = value.startswith("not ")
    hpo_id = value.removeprefix("not ")
    return {"hpo_id": hpo_id, "excluded": excluded, "ids": [hpo_id], "label": None, "mondo_id": None,
            "mesh_id": None}  # fmt: skip


def _variant(fact: Fact, gene_id: str | None, gene: str | None) -> dict[str, Any]:
    symbol, _, hgvs = (fact.value or "").partition(" ")
    same_gene = (gene or "").upper() == symbol.upper()
    return {
        "gene": symbol,
        "gene_id": gene_id if same_gene else None,
        "hgvs_c": hgvs if hgvs.startswith("c.") else None,
        "hgvs_p": hgvs if hgvs.startswith("p.") else None,
        "hgvs_g": hgvs if hgvs.startswith("g.") else None,
        "text": fact.value,
    }


def _treatment(fact: Fact) -> dict[str, Any]:
    return {"concept_id": fact.value, "ids": [fact.value], "label": None}


def _curated_list(
    rows: Sequence[Row],
    table: str,
    facts: dict[tuple[str, int], Fact],
    added: list[Fact],
    changed: Any,
    new: Any,
) -> list[Row]:
    """The rows left after rejections, corrected where curated, then the facts curators added."""
    kept = []
    for row in rows:
        fact = facts.get((table, row.id))  # type: ignore[attr-defined]
        if fact is None or fact.curated is None:
            kept.append(row)
        elif fact.value is not None:
            changes = changed(fact, row) if fact.curated in ("correct", "add") else {}
            kept.append(_copy(row, **changes, **_marked(fact)))
    kept.extend(new(fact) for fact in added)
    return kept


def _curated_patient(patient: PatientRow, facts: list[Fact]) -> PatientRow:
    by_row = {(f.fact_table, f.fact_id): f for f in facts}
    added: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.fact_table == "curations" and fact.value is not None:
            added.setdefault(fact.field, []).append(fact)
    scalar = {f.field: f for f in facts if f.fact_table == "patients" and f.curated}
    copy = _copy(patient)
    for field in ("sex", "country"):
        if field in scalar:
            setattr(copy, field, scalar[field].value)
        elif field in added:
            setattr(copy, field, added[field][-1].value)
    if "consanguinity" in scalar or "consanguinity" in added:
        fact = scalar.get("consanguinity") or added["consanguinity"][-1]
        copy.consanguinity = None if fact.value is None else fact.value == "yes"
    ages = list(patient.ages)
    copy.ages = [
        age
        for role_field in sorted(
            {f"age_at_{age.role}" for age in ages} | {f for f in added if f.startswith("age_at_")}
        )
        for age in _curated_list(
            [a for a in ages if f"age_at_{a.role}" == role_field],
            "patient_ages",
            by_row,
            added.get(role_field, []),
            lambda fact, _row: {"days": int(fact.value)},
            lambda fact, role_field=role_field: PatientAge(
                role=role_field.removeprefix("age_at_"),
                text=f"{fact.value} days",
                days=int(fact.value),
                **_provenance(fact),
            ),
        )
    ]
    copy.phenotypes = _curated_list(
        patient.phenotypes,
        "patient_phenotypes",
        by_row,
        added.get("phenotype", []),
        lambda fact, _row: _phenotype(fact),
        lambda fact: PatientPhenotypeRow(text=fact.value, **_phenotype(fact), **_provenance(fact)),
    )
    copy.variants = _curated_list(
        patient.variants,
        "patient_variants",
        by_row,
        added.get("variant", []),
        lambda fact, row: _variant(fact, row.gene_id, row.gene),
        lambda fact: PatientVariantRow(**_variant(fact, None, None), **_provenance(fact)),
    )
    copy.treatments = _curated_list(
        patient.treatments,
        "patient_treatments",
        by_row,
        added.get("treatment", []),
        lambda fact, _row: _treatment(fact),
        lambda fact: PatientTreatmentRow(
            kind="drug", text=fact.value, **_treatment(fact), **_provenance(fact)
        ),
    )
    copy.hsct = _curated_scalar_row(
        patient.hsct, "patient_hsct", by_row, added.get("hsct"),
        lambda value: {"performed": None if value is None else value == "performed"},
        lambda: PatientHsct(),
    )  # fmt: skip
    copy.outcome = _curated_scalar_row(
        patient.outcome, "patient_outcomes", by_row, added.get("outcome"),
        lambda value: {"status": value or "unknown"},
        lambda: PatientOutcome(status="unknown"),
    )  # fmt: skip
    return copy


def _curated_scalar_row(
    row: Any,
    table: str,
    facts: dict[tuple[str, int], Fact],
    added: list[Fact] | None,
    values: Any,
    empty: Any,
) -> Any:
    """A one-per-patient fact row (transplant, outcome) once curated."""
    fact = facts.get((table, row.id)) if row is not None else None
    if fact is not None and fact.curated:
        return _copy(row, **values(fact.value), **_marked(fact))
    if added:
        base = row if row is not None else empty()
        return _copy(base, **values(added[-1].value), **_provenance(added[-1]))
    return row


def curated_patients(session: Session, patients: Sequence[PatientRow]) -> list[PatientRow]:
    """The patients with every curation in force applied (copies; the stored rows are untouched)."""
    facts: dict[int, list[Fact]] = {}
    for fact in patient_facts(session, patient_ids=[p.id for p in patients]):
        facts.setdefault(fact.patient_id, []).append(fact)
    return [_curated_patient(patient, facts.get(patient.id, [])) for patient in patients]
