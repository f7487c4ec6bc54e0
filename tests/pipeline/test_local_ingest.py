"""`ingest --local`: a folder of JATS files, a .tar.gz of PMC open-access packages (PMCxxxx/....nxml),
one bulk file of many <article>s; a member that does not parse and an archive that breaks off are
recorded failures named in the summary, the good articles are stored, a rerun adds nothing.

The articles are real JATS of ../shared/samples (Europe PMC's bulk file, PMC efetch responses); the
folders and archives are built from them in tmp_path at test time.
"""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import registry_snapshot, subprocess_env
from lxml import etree
from sqlalchemy import func, select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import Article, Failure, IngestRun
from caseminer.parsing.xmlsafe import safe_xml_parser
from caseminer.pipeline.local import ingest_local
from caseminer.pipeline.resources import store_engine

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

BULK_FILE = "europepmc/ftp_bulk_10articles_PMC6358576-PMC6358589.xml"
PMC_RESPONSES = ("pmc/efetch_pmc_PMC6329583.xml", "pmc/efetch_pmc_PMC3299399.xml")


def _bulk_articles(samples_dir: Path) -> dict[str, bytes]:
    """The articles of Europe PMC's bulk file, one JATS document each, by PMCID."""
    root = etree.fromstring((samples_dir / BULK_FILE).read_bytes(), safe_xml_parser())
    articles = {}
    for article in root.iter("article"):
        number = article.findtext("front/article-meta/article-id[@pub-id-type='pmcid']")
        articles[f"PMC{number}"] = etree.tostring(article, xml_declaration=True, encoding="UTF-8")
    return articles


def _package_archive(path: Path, articles: dict[str, bytes], *, broken_member: bool = True) -> Path:
    """A PMC open-access style .tar.gz: one PMCxxxx/ folder per article holding its .nxml (and, as real
    packages do, a figure that is no article); `broken_member` adds one cut off mid-element."""
    members = [(f"{pmcid}/{pmcid.lower()}.nxml", data) for pmcid, data in articles.items()]
    members += [(f"{pmcid}/figure1.jpg", b"\xff\xd8\xff\xe0 not an article") for pmcid in list(articles)[:1]]
    if broken_member:
        first = next(iter(articles.values()))
        members.append(("PMC1/broken.nxml", first[: len(first) // 2]))
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _registry(settings: Settings) -> dict[str, Any]:
    """The registry's content; the failures table counts attempts and is checked on its own."""
    snapshot = registry_snapshot(store_engine(settings.database_url))
    return {table: rows for table, rows in snapshot.items() if table != "failures"}


def _articles(settings: Settings) -> set[str]:
    with session_scope(store_engine(settings.database_url)) as session:
        return set(session.scalars(select(Article.pmcid)))


def _pending_failures(settings: Settings) -> list[tuple[str, str, int]]:
    with session_scope(store_engine(settings.database_url)) as session:
        rows = session.scalars(select(Failure).where(Failure.resolved.is_(False)).order_by(Failure.source_id))
        return [(row.source_id, row.stage, row.attempts) for row in rows]


def test_a_package_archive_stores_the_good_articles_and_names_the_bad_member(
    settings: Settings, nlp: Any, tmp_path: Path, samples_dir: Path
) -> None:
    articles = dict(list(_bulk_articles(samples_dir).items())[:4])
    archive = _package_archive(tmp_path / "oa_bulk.tar.gz", articles)

    summary = ingest_local(archive, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (5, 5, 1, 4)
    assert [(f.source_id, f.stage) for f in summary.failures] == [
        ("oa_bulk.tar.gz/PMC1/broken.nxml", "parse")
    ]
    assert "malformed XML" in summary.failures[0].error
    assert _articles(settings) == set(articles)
    before = _registry(settings)

    # The rerun adds nothing; only the broken member is tried again (and fails again).
    again = ingest_local(archive, settings, nlp=nlp)
    assert (again.found, again.new, again.unchanged, again.documents) == (5, 1, 4, 0)
    assert _registry(settings) == before
    assert _pending_failures(settings) == [("oa_bulk.tar.gz/PMC1/broken.nxml", "parse", 2)]


def test_a_truncated_archive_keeps_what_was_read_and_is_a_recorded_failure(
    settings: Settings, nlp: Any, tmp_path: Path, samples_dir: Path
) -> None:
    articles = _bulk_articles(samples_dir)
    whole = _package_archive(tmp_path / "whole.tar.gz", articles, broken_member=False).read_bytes()
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(whole[: len(whole) // 2])

    summary = ingest_local(truncated, settings, nlp=nlp)
    read_failure = [f for f in summary.failures if f.stage == "read"]
    assert [f.source_id for f in read_failure] == ["cut.tar.gz"]
    assert "unreadable archive" in read_failure[0].error
    stored = _articles(settings)
    # The members before the break are stored, and only those (a cut member is never half stored).
    assert 0 < len(stored) < len(articles) and stored <= set(articles)
    assert summary.documents == len(stored)

    # The archive downloaded again in full: the rest is added and the failure is resolved.
    truncated.write_bytes(whole)
    complete = ingest_local(truncated, settings, nlp=nlp)
    assert (complete.new, complete.unchanged, complete.failed) == (
        len(articles) - len(stored),
        len(stored),
        0,
    )
    assert _articles(settings) == set(articles) and _pending_failures(settings) == []


def test_a_bulk_file_of_many_articles_stores_each_once(
    settings: Settings, nlp: Any, samples_dir: Path
) -> None:
    bulk = samples_dir / BULK_FILE
    summary = ingest_local(bulk, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (1, 1, 0, 10)
    assert _articles(settings) == set(_bulk_articles(samples_dir))
    before = _registry(settings)

    again = ingest_local(bulk, settings, nlp=nlp)
    assert (again.new, again.unchanged, again.documents) == (0, 1, 0)
    assert _registry(settings) == before


def test_a_folder_of_jats_files_with_one_that_does_not_parse(
    settings: Settings, nlp: Any, tmp_path: Path, samples_dir: Path
) -> None:
    folder = tmp_path / "mirror"
    for sample in PMC_RESPONSES:
        target = folder / Path(sample).stem.removeprefix("efetch_pmc_") / Path(sample).name
        target.parent.mkdir(parents=True)
        shutil.copy(samples_dir / sample, target)
    (folder / "notes").mkdir()
    (folder / "notes" / "empty.nxml").write_bytes(b"")
    summary = ingest_local(folder, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (3, 3, 1, 2)
    assert [(f.source_id, f.stage) for f in summary.failures] == [("mirror/notes/empty.nxml", "parse")]
    assert _articles(settings) == {"PMC6329583", "PMC3299399"}


def test_a_text_file_is_stored_under_the_pmid_it_is_named_by(
    settings: Settings, nlp: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    report = "A boy with seizures\n\nThe boy had seizures from the age of 2 years.\n"
    (folder / "31234567.txt").write_text(report, encoding="utf-8")
    # a name that identifies nothing
    (folder / "clinic-notes.txt").write_text(report.replace("boy", "girl"), encoding="utf-8")
    summary = ingest_local(folder, settings, nlp=nlp)
    assert [(f.source_id, f.stage, f.error) for f in summary.failures] == [
        ("reports/clinic-notes.txt", "store", "no PMID, PMCID or DOI to identify it")
    ]
    with session_scope(store_engine(settings.database_url)) as session:
        assert list(session.scalars(select(Article.pmid))) == ["31234567"]


def test_a_missing_path_is_an_error_before_any_run(settings: Settings, tmp_path: Path) -> None:
    from caseminer.sources import SourceError

    with pytest.raises(SourceError, match="no such file or directory"):
        ingest_local(tmp_path / "nowhere", settings)
    with session_scope(store_engine(settings.database_url)) as session:
        assert session.scalar(select(func.count()).select_from(IngestRun)) == 0


@pytest.mark.parametrize("options", [[], ["--prefect"]], ids=["plain", "prefect"])
def test_the_command_line_ingests_a_package_archive(
    settings: Settings, tmp_path: Path, samples_dir: Path, options: list[str]
) -> None:
    """`caseminer ingest --local` as typed (it once crashed at once), plain and as a Prefect flow: the bad
    member is named in the summary and the exit code says "partial"; the rerun adds nothing."""
    from fresh_user import run_caseminer

    articles = dict(list(_bulk_articles(samples_dir).items())[:2])
    archive = _package_archive(tmp_path / "oa.tar.gz", articles)
    env = {**subprocess_env(settings), "COLUMNS": "200"}
    result = run_caseminer(["ingest", "--local", str(archive), *options], env, cwd=tmp_path)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stderr  # one member failed: a partial run
    assert "local:oa.tar.gz: succeeded" in result.stdout
    assert "oa.tar.gz/PMC1/broken.nxml" in result.stdout
    assert _articles(settings) == set(articles)
    before = _registry(settings)

    again = run_caseminer(["ingest", "--local", str(archive), *options], env, cwd=tmp_path)
    assert again.returncode == 1 and _registry(settings) == before


def test_the_command_line_ingests_a_bulk_file_on_dask_workers(
    settings: Settings, tmp_path: Path, samples_dir: Path
) -> None:
    """`--workers 2`: the batches are processed on a local Dask cluster; a clean run exits 0 and
    its stderr holds the progress, not Dask's start and stop logging (nor its shutdown tracebacks)."""
    from fresh_user import run_caseminer

    env = {**subprocess_env(settings), "COLUMNS": "200"}
    result = run_caseminer(
        ["ingest", "--local", str(samples_dir / BULK_FILE), "--workers", "2"], env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "distributed." not in result.stderr
    assert _articles(settings) == set(_bulk_articles(samples_dir))
