"""Approximate alias matching (misspellings, variants) with scispaCy's CandidateGenerator.

scispaCy 0.6.2's ``create_tfidf_ann_index`` refuses to run on scipy >= 1.11 (it stores float16
sparse vectors), so the four artefacts of the ``LinkerPaths.from_directory`` layout are written
here with float32 vectors, and the HNSW index uses M=30 / efConstruction=200, which builds in
minutes instead of hours on a laptop. The index covers the NER aliases of the requested kinds and
is built only when asked for (``Linker(store, approximate=True)`` builds it on first use).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import joblib
import nmslib
import numpy
import scipy.sparse
from scispacy.candidate_generation import CandidateGenerator, LinkerPaths
from sklearn.feature_extraction.text import TfidfVectorizer

from caseminer.vocab.store import TerminologyStore

APPROXIMATE_KINDS = ("disease", "phenotype", "chemical", "procedure")
_ALIAS_CONCEPTS = "alias_concepts.json"


@dataclass(slots=True)
class AliasConcepts:
    """The part of scispaCy's KnowledgeBase that CandidateGenerator uses: alias -> concept ids."""

    alias_to_cuis: dict[str, set[str]]


def default_index_dir(store: TerminologyStore) -> Path:
    return store.path.with_name(store.path.stem + "-ann")


def build_approximate_index(
    store: TerminologyStore,
    out_dir: Path | None = None,
    kinds: tuple[str, ...] = APPROXIMATE_KINDS,
    *,
    m: int = 30,
    ef_construction: int = 200,
) -> Path:
    """Write tfidf vectorizer, float32 vectors, HNSW index and alias list for `kinds`."""
    directory = Path(out_dir) if out_dir else default_index_dir(store)
    directory.mkdir(parents=True, exist_ok=True)
    marks = ",".join("?" for _ in kinds)
    alias_to_cuis: dict[str, set[str]] = {}
    for text, curie in store.db.execute(
        f"SELECT lower(text), curie FROM alias WHERE ner = 1 AND case_sensitive = 0 AND kind IN ({marks})",
        kinds,
    ):
        alias_to_cuis.setdefault(text, set()).add(curie)
    aliases = sorted(alias_to_cuis)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases)
    non_empty = numpy.asarray(vectors.sum(axis=1)).reshape(-1) != 0
    aliases = [a for a, keep in zip(aliases, non_empty, strict=True) if keep]
    vectors = vectors[non_empty].astype(numpy.float32)

    index = nmslib.init(method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    index.createIndex({"M": m, "efConstruction": ef_construction, "post": 0, "indexThreadQty": 1})

    paths = LinkerPaths.from_directory(directory)
    index.saveIndex(paths.ann_index)
    joblib.dump(vectorizer, paths.tfidf_vectorizer)
    scipy.sparse.save_npz(paths.tfidf_vectors, vectors)
    Path(paths.concept_aliases_list).write_text(json.dumps(aliases))
    (directory / _ALIAS_CONCEPTS).write_text(json.dumps({a: sorted(alias_to_cuis[a]) for a in aliases}))
    return directory


class ApproximateMatcher:
    """Nearest aliases of a mention by TF-IDF char-3-gram cosine similarity."""

    def __init__(self, directory: Path, *, ef_search: int = 100) -> None:
        aliases, vectorizer, ann_index = LinkerPaths.from_directory(directory).load(ef_search=ef_search)
        concepts = json.loads((Path(directory) / _ALIAS_CONCEPTS).read_text())
        kb = AliasConcepts({alias: set(curies) for alias, curies in concepts.items()})
        self.generator = CandidateGenerator(ann_index, vectorizer, aliases, kb)  # type: ignore[arg-type]

    def candidates(self, text: str, *, k: int = 10, threshold: float = 0.7) -> list[tuple[str, float, str]]:
        """(concept id, similarity, alias) above `threshold`, most similar first."""
        (mention_candidates,) = self.generator([text.lower()], k)
        found = [
            (candidate.concept_id, max(candidate.similarities), candidate.aliases[0])
            for candidate in mention_candidates
            if max(candidate.similarities) >= threshold
        ]
        return sorted(found, key=lambda c: (-c[1], c[0]))
