"""Curation as data: curators' decisions about extracted facts, kept across re-extraction.

Plain functions over a session; the CLI (`caseminer curate`), the spreadsheet round trip and the
review page call them; `candidate_links` finds patients of two articles who may be one individual,
`decide` confirms (merge) or rejects (split) such a link. The views (caseminer/db/views.py) apply
curations in SQL; `curated_patients` applies them to ORM rows for the Phenopackets.
"""

from caseminer.curation.apply import curated_patients, curation_of
from caseminer.curation.individuals import CandidateLink, candidate_links, decide
from caseminer.curation.records import (
    FACT_ACTIONS,
    LINK_ACTIONS,
    CurationError,
    Fact,
    Unmatched,
    article_reference,
    curate_fact,
    curation_status,
    find_article_by_reference,
    link_patients,
    normalize_value,
    patient_facts,
    record_curation,
)

__all__ = [
    "FACT_ACTIONS",
    "LINK_ACTIONS",
    "CandidateLink",
    "CurationError",
    "Fact",
    "Unmatched",
    "article_reference",
    "candidate_links",
    "curate_fact",
    "curated_patients",
    "curation_of",
    "curation_status",
    "decide",
    "find_article_by_reference",
    "link_patients",
    "normalize_value",
    "patient_facts",
    "record_curation",
]
