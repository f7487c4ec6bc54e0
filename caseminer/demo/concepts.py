"""The concepts the synthetic reports talk about, with identifiers taken from shared/vocab.

Every id below was looked up in shared/vocab (`ipex_concepts_verified.tsv`,
`ipex_genes_drugs_verified.tsv`, `mesh/mesh_terms_derived.tsv.gz`); none is from memory.
`forms` are the surface forms the reports use, the first one canonical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ConceptKind = Literal["gene", "disease", "chemical", "procedure"]


@dataclass(frozen=True)
class Concept:
    key: str
    kind: ConceptKind
    forms: tuple[str, ...]
    id: str
    hp_id: str | None = None

    @property
    def text(self) -> str:
        return self.forms[0]


FOXP3 = Concept("FOXP3", "gene", ("FOXP3",), "NCBIGene:50943")
IPEX = Concept(
    "IPEX",
    "disease",
    ("IPEX syndrome", "immune dysregulation, polyendocrinopathy, enteropathy, X-linked syndrome"),
    "MESH:C580192",
)

PHENOTYPES: dict[str, Concept] = {
    concept.key: concept
    for concept in (
        Concept("enteropathy", "disease", ("autoimmune enteropathy",), "MESH:C538273"),
        Concept("diarrhea", "disease", ("diarrhea", "watery diarrhea"), "MESH:D003967", "HP:0002014"),
        Concept(
            "type 1 diabetes",
            "disease",
            ("type 1 diabetes mellitus", "type 1 diabetes"),
            "MESH:D003922",
            "HP:0100651",
        ),
        Concept("eczema", "disease", ("eczema",), "MESH:D004485", "HP:0000964"),
        Concept("atopic dermatitis", "disease", ("atopic dermatitis",), "MESH:D003876", "HP:0001047"),
        Concept("thyroiditis", "disease", ("autoimmune thyroiditis",), "MESH:D013967"),
        Concept("hypothyroidism", "disease", ("hypothyroidism",), "MESH:D007037", "HP:0000821"),
        Concept("failure to thrive", "disease", ("failure to thrive",), "MESH:D005183", "HP:0001508"),
        Concept(
            "autoimmune hemolytic anemia",
            "disease",
            ("autoimmune hemolytic anemia",),
            "MESH:D000744",
            "HP:0001890",
        ),
        Concept("thrombocytopenia", "disease", ("thrombocytopenia",), "MESH:D013921", "HP:0001873"),
        Concept("alopecia", "disease", ("alopecia",), "MESH:D000505", "HP:0001596"),
        Concept("hepatitis", "disease", ("hepatitis",), "MESH:D006505", "HP:0012115"),
        Concept("food allergy", "disease", ("food allergy",), "MESH:D005512", "HP:0500093"),
        Concept("eosinophilia", "disease", ("eosinophilia",), "MESH:D004802", "HP:0001880"),
        Concept(
            "membranous nephropathy",
            "disease",
            ("membranous nephropathy",),
            "MESH:D015433",
            "HP:0012578",
        ),
    )
}

TREATMENTS: dict[str, Concept] = {
    concept.key: concept
    for concept in (
        Concept("tacrolimus", "chemical", ("tacrolimus",), "MESH:D016559"),
        Concept("sirolimus", "chemical", ("sirolimus",), "MESH:D020123"),
        Concept("cyclosporine", "chemical", ("cyclosporine",), "MESH:D016572"),
        Concept("methylprednisolone", "chemical", ("methylprednisolone",), "MESH:D008775"),
        Concept("prednisolone", "chemical", ("prednisolone",), "MESH:D011239"),
        Concept("steroids", "chemical", ("steroids",), "MESH:D013256"),
        Concept("insulin", "chemical", ("insulin",), "MESH:D007328"),
        Concept("rituximab", "chemical", ("rituximab",), "MESH:D000069283"),
        Concept("parenteral nutrition", "procedure", ("parenteral nutrition",), "MESH:D010288"),
    )
}

CONDITIONING: dict[str, Concept] = {
    concept.key: concept
    for concept in (
        Concept("busulfan", "chemical", ("busulfan",), "MESH:D002066"),
        Concept("fludarabine", "chemical", ("fludarabine",), "MESH:C024352"),
        Concept("treosulfan", "chemical", ("treosulfan",), "MESH:C018404"),
        Concept("alemtuzumab", "chemical", ("alemtuzumab",), "MESH:D000074323"),
        Concept("cyclophosphamide", "chemical", ("cyclophosphamide",), "MESH:D003520"),
    )
}

HSCT = Concept(
    "HSCT",
    "procedure",
    ("hematopoietic stem cell transplantation", "HSCT"),
    "MESH:D018380",
)

ALL_CONCEPTS: tuple[Concept, ...] = (
    FOXP3,
    IPEX,
    HSCT,
    *PHENOTYPES.values(),
    *TREATMENTS.values(),
    *CONDITIONING.values(),
)
