"""`ingest --local`: a folder of JATS files, a .tar.gz of PMC open-access packages (PMCxxxx/....nxml),
one bulk file of many <article>s; a member that does not parse and an archive that breaks off are
recorded failures named in the summary, the good articles are stored, a rerun adds nothing."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from ingest_fixtures import registry_snapshot, subprocess_env
from sqlalchemy import func, select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import Article, Failure
from caseminer.demo import generate_reports
from caseminer.demo.render import europepmc_full_text
from caseminer.pipeline.ingest import ingest_local, store_engine

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

BROKEN = b"<article><front><article-meta><title-group><article-title>cut off"


def _package_archive(path: Path, reports: list[Any], *, broken_member: bool = True) -> Path:
    """A PMC open-access style .tar.gz: one PMCxxxx/ folder per article holding its .nxml."""
    with tarfile.open(path, "w:gz") as archive:
        members = [(f"{r.pmcid}/{r.pmcid.lower()}.nxml", europepmc_full_text(r)) for r in reports]
        if broken_member:
            members.append(("PMC1/broken.nxml", BROKEN))
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
    settings: Settings, nlp: Any, tmp_path: Path
) -> None:
    reports = generate_reports(3, seed=11)
    archive = _package_archive(tmp_path / "oa_bulk.tar.gz", reports)

    summary = ingest_local(archive, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (4, 4, 1, 3)
    assert [(f.source_id, f.stage) for f in summary.failures] == [
        ("oa_bulk.tar.gz/PMC1/broken.nxml", "parse")
    ]
    assert _articles(settings) == {r.pmcid for r in reports}
    before = _registry(settings)

    again = ingest_local(archive, settings, nlp=nlp)
    assert (again.found, again.new, again.unchanged, again.documents) == (4, 1, 3, 0)
    assert _registry(settings) == before
    assert _pending_failures(settings) == [("oa_bulk.tar.gz/PMC1/broken.nxml", "parse", 2)]


def test_a_truncated_archive_keeps_what_was_read_and_is_a_recorded_failure(
    settings: Settings, nlp: Any, tmp_path: Path
) -> None:
    reports = generate_reports(6, seed=12)
    whole = _package_archive(tmp_path / "whole.tar.gz", reports, broken_member=False).read_bytes()
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(whole[: len(whole) * 2 // 3])

    summary = ingest_local(truncated, settings, nlp=nlp)
    read_failure = [f for f in summary.failures if f.stage == "read"]
    assert [f.source_id for f in read_failure] == ["cut.tar.gz"]
    assert "unreadable archive" in read_failure[0].error
    stored = _articles(settings)
    # The members before the break are stored, and only those (a cut member is never half stored).
    assert 0 < len(stored) < len(reports) and stored <= {r.pmcid for r in reports}
    assert summary.documents == len(stored)

    # The archive downloaded again in full: the rest is added and the failure is resolved.
    truncated.write_bytes(whole)
    complete = ingest_local(truncated, settings, nlp=nlp)
    assert (complete.new, complete.unchanged, complete.failed) == (len(reports) - len(stored), len(stored), 0)
    assert _articles(settings) == {r.pmcid for r in reports} and _pending_failures(settings) == []


def test_a_bulk_file_of_many_articles_stores_each_once(
    settings: Settings, nlp: Any, samples_dir: Path
) -> None:
    bulk = samples_dir / "europepmc" / "ftp_bulk_10articles_PMC6358576-PMC6358589.xml"
    summary = ingest_local(bulk, settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed, summary.documents) == (1, 1, 0, 10)
    assert len(_articles(settings)) == 10 and "PMC6358585" in _articles(settings)
    before = _registry(settings)

    again = ingest_local(bulk, settings, nlp=nlp)
    assert (again.new, again.unchanged, again.documents) == (0, 1, 0)
    assert _registry(settings) == before


def test_a_folder_of_nxml_files(settings: Settings, nlp: Any, tmp_path: Path) -> None:
    reports = generate_reports(2, seed=13)
    for report in reports:
        package = tmp_path / "mirror" / report.pmcid
        package.mkdir(parents=True)
        (package / f"{report.pmcid}.nxml").write_bytes(europepmc_full_text(report))
    summary = ingest_local(tmp_path / "mirror", settings, nlp=nlp)
    assert (summary.found, summary.new, summary.failed) == (2, 2, 0)
    assert _articles(settings) == {r.pmcid for r in reports}


def test_a_missing_path_is_an_error_before_any_run(settings: Settings, tmp_path: Path) -> None:
    from caseminer.sources import SourceError

    with pytest.raises(SourceError, match="no such file or directory"):
        ingest_local(tmp_path / "nowhere", settings)
    with session_scope(store_engine(settings.database_url)) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0


@pytest.mark.parametrize("options", [[], ["--prefect"]], ids=["plain", "prefect"])
def test_the_command_line_ingests_a_package_archive(
    settings: Settings, tmp_path: Path, options: list[str]
) -> None:
    """`caseminer ingest --local` as typed (it once crashed at once), plain and as a Prefect flow."""
    from fresh_user import run_caseminer

    reports = generate_reports(2, seed=14)
    archive = _package_archive(tmp_path / "oa.tar.gz", reports)
    env = {**subprocess_env(settings), "COLUMNS": "200"}
    result = run_caseminer(["ingest", "--local", str(archive), *options], env, cwd=tmp_path)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stderr  # one member failed: a partial run
    assert "local:oa.tar.gz: succeeded" in result.stdout
    assert "oa.tar.gz/PMC1/broken.nxml" in result.stdout
    assert _articles(settings) == {r.pmcid for r in reports}
