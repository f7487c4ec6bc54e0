"""PubTator3: BioC JSON exports by PMID or PMCID, and their annotations as `Mention`s.

PubTator3's mentions are kept beside ours (`source="pubtator3"`) as a second opinion. Offsets are
document-level in PubTator's own text, which `caseminer.parsing` rebuilds at the same offsets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from caseminer.parsing.bioc import BiocRecord, bioc_ids, load_bioc_json, passage_placement
from caseminer.parsing.dispatch import decode_text
from caseminer.schemas.extraction import EntityType, Mention
from caseminer.schemas.sources import ArticleIds
from caseminer.sources.errors import ServiceErrorResponse
from caseminer.sources.http import HttpClient, HttpResult

log = logging.getLogger(__name__)

BASE_URL = "https://www.ncbi.nlm.nih.gov/research/pubtator3-api"
# "No more than three requests per second" (PubTator3 API page).
RATE_PER_SECOND = 3.0
# The previous PubTator API allowed up to 100 ids per GET.
BATCH_SIZE = 100

_ENTITY_TYPES: dict[str, EntityType] = {
    "gene": "gene",
    "disease": "disease",
    "chemical": "chemical",
    "species": "species",
    "variant": "variant",
    "mutation": "variant",
    "dnamutation": "variant",
    "proteinmutation": "variant",
    "snp": "variant",
}
_MISSING = {"", "-", "None", "none"}


@dataclass(frozen=True)
class TmVar:
    """A tmVar identifier such as `tmVar:p|SUB|V|600|E;HGVS:p.V600E;CorrespondingGene:673;RS#:113488022`."""

    normalized: str | None
    hgvs: str | None
    gene_ids: tuple[str, ...]
    rsid: str | None

    @property
    def concept_id(self) -> str | None:
        if self.rsid:
            return f"dbSNP:rs{self.rsid}"
        return f"tmVar:{self.normalized}" if self.normalized else None


def parse_tmvar(identifier: str) -> TmVar:
    fields: dict[str, str] = {}
    for part in identifier.split(";"):
        key, _, value = part.partition(":")
        if value and key not in fields:
            fields[key.strip()] = value.strip()
    rsid = fields.get("RS#") or fields.get("rs#")
    if rsid:
        rsid = rsid.lower().removeprefix("rs")
    genes = tuple(
        gene
        for key in ("CorrespondingGene", "Gene")
        for gene in fields.get(key, "").split(",")
        if gene.isdigit()
    )
    return TmVar(
        normalized=fields.get("tmVar"),
        hgvs=fields.get("HGVS"),
        gene_ids=genes,
        rsid=rsid if rsid and rsid.isdigit() else None,
    )


def _concept_ids(entity_type: EntityType, identifier: str) -> tuple[str | None, list[str], str | None]:
    """(primary id, other ids, normalised label) of a PubTator identifier string."""
    if entity_type == "variant":
        variant = parse_tmvar(identifier) if "tmVar:" in identifier or "HGVS:" in identifier else None
        if variant is None:
            rs = identifier.lower().removeprefix("rs")
            return (f"dbSNP:rs{rs}" if rs.isdigit() else None), [], None
        alt = ([f"HGVS:{variant.hgvs}"] if variant.hgvs else []) + [f"NCBIGene:{g}" for g in variant.gene_ids]
        return variant.concept_id, alt, variant.hgvs
    ids = [part.strip() for part in identifier.replace(",", ";").split(";") if part.strip() not in _MISSING]
    if entity_type == "gene":
        ids = [f"NCBIGene:{gene}" for gene in ids if gene.isdigit()]
    elif entity_type == "species":
        ids = [f"NCBITaxon:{taxon}" for taxon in ids if taxon.isdigit()]
    else:
        ids = [_mesh_curie(concept) for concept in ids]
    return (ids[0] if ids else None), ids[1:], None


def _label(name: object, entity_type: EntityType) -> str | None:
    # Species "names" are taxonomy ids; variants are labelled by their HGVS form instead.
    return str(name) if name and entity_type != "species" else None


def _mesh_curie(concept: str) -> str:
    prefix, _, local = concept.partition(":")
    return f"MESH:{local}" if prefix.upper() == "MESH" and local else concept


def mentions_from_record(record: BiocRecord) -> list[Mention]:
    mentions: list[Mention] = []
    for passage in record.document.passages:
        placement = passage_placement(passage)
        section = placement[0] if placement else None
        for annotation in passage.annotations:
            raw_type = str(annotation.infons.get("type") or "").lower()
            entity_type = _ENTITY_TYPES.get(raw_type)
            if entity_type is None or not annotation.locations:
                continue
            identifier = str(annotation.infons.get("identifier") or "")
            concept_id, alt_ids, variant_label = _concept_ids(entity_type, identifier)
            name = annotation.infons.get("name")
            for location in annotation.locations:
                mentions.append(
                    Mention(
                        start=location.offset,
                        end=location.offset + location.length,
                        text=annotation.text or "",
                        type=entity_type,
                        concept_id=concept_id,
                        alt_ids=alt_ids,
                        label=variant_label if entity_type == "variant" else _label(name, entity_type),
                        section=section,
                        source="pubtator3",
                    )
                )
    return mentions


@dataclass
class PubTatorAnnotations:
    ids: ArticleIds
    mentions: list[Mention]


def annotations_from_biocjson(body: bytes) -> list[PubTatorAnnotations]:
    """The mentions of every document of a PubTator3 `biocjson` export; ParseError when unreadable."""
    records = load_bioc_json(decode_text(body))
    return [PubTatorAnnotations(bioc_ids(record), mentions_from_record(record)) for record in records]


class PubTatorClient:
    def __init__(self, http: HttpClient, base_url: str = BASE_URL, batch_size: int = BATCH_SIZE) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.batch_size = batch_size

    def _export(self, path: str, key: str, ids: Iterable[str]) -> Iterator[HttpResult]:
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            result = self.http.get(f"{self.base_url}/{path}", {key: ",".join(batch)}, source="pubtator3")
            if not result.body.strip():
                # PubTator3 answers an id it does not hold (e.g. a PMCID outside the OA subset) with nothing.
                message = f"PubTator3 has no annotations for {', '.join(batch)}"
                raise ServiceErrorResponse(message, url=result.url)
            yield result

    def export_pmids(self, pmids: Iterable[str]) -> Iterator[HttpResult]:
        """Abstract-level annotations by PMID (`publications/export/biocjson`)."""
        return self._export("publications/export/biocjson", "pmids", pmids)

    def export_pmcids(self, pmcids: Iterable[str]) -> Iterator[HttpResult]:
        """Full-text annotations of open-access articles by PMCID (`publications/pmc_export/biocjson`)."""
        return self._export("publications/pmc_export/biocjson", "pmcids", pmcids)
