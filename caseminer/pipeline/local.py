"""Ingestion of local bulk files: a directory, a .tar.gz of PMC packages, or one file of many articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlalchemy import select

from caseminer.config import Settings
from caseminer.db import session_scope
from caseminer.db.models import DocumentRow
from caseminer.db.repository import (
    pending_failures,
    resolve_failure,
)
from caseminer.pipeline.resources import describe_error, record_failures, retried_write, store_engine
from caseminer.pipeline.runs import begin_run, complete_run, run_record_closed_on_error
from caseminer.pipeline.stages import SequentialStages, Stages, finish_batches
from caseminer.pipeline.work import (
    DEFAULT_BATCH_SIZE,
    ArticleWork,
    BatchOutcome,
    FailureNote,
    ProgressCallback,
    RunSummary,
    batched,
    no_progress,
    timed,
)
from caseminer.schemas import ArticleIds
from caseminer.sources import RawArchive, SourceError
from caseminer.sources.local import iter_local_files

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass
class LocalFiles:
    """The article files of a local path, archived; `failures` holds an archive that broke off."""

    works: list[ArticleWork] = field(default_factory=list)
    failures: list[FailureNote] = field(default_factory=list)


def archive_local_files(path: str | Path, archive: RawArchive) -> LocalFiles:
    """Archive every article file under `path` (a directory, a .tar.gz or one bulk file) as a raw record.

    A truncated or corrupt archive keeps the members read before the break and becomes a failure
    named after the archive ("read" stage), so the good articles are still stored.
    """
    root = Path(path).resolve()
    local = LocalFiles()
    try:
        for file in iter_local_files(root):
            name = _local_name(root, file.name)
            record = archive.put(file.data, url=f"file://{root.parent}/{name}", source="local")
            local.works.append(ArticleWork("local", name, ArticleIds(), [record]))
    except SourceError as error:
        local.failures.append(FailureNote("local", root.name, "read", describe_error(error)))
    return local


def _local_name(root: Path, member: str) -> str:
    """A file's name under the path given ("oa.tar.gz/PMC1/a.nxml", "bulk/x.xml", "articles.xml"), so
    members of two archives never share a failure record."""
    if root.is_file() and member == root.name:
        return member
    return str(PurePosixPath(root.name, PurePosixPath(member.removeprefix("./"))))


def _local_work_pending(work: ArticleWork, pending: set[str]) -> bool:
    """A file with a pending failure: its own, or one of its articles' (a bulk file's `name#doc_id`)."""
    return work.source_id in pending or any(key.startswith(f"{work.source_id}#") for key in pending)


def ingest_local(
    path: str | Path,
    settings: Settings,
    *,
    nlp: Language | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stages: Stages | None = None,
) -> RunSummary:
    """Ingest local bulk files (JATS / PubMed / BioC: a directory, a .tar.gz of PMC packages, or one file
    of many articles); files already stored unchanged (same content hash) are skipped.

    A file or an archive member that does not parse, and an archive that breaks off, are recorded
    failures (tried again on the next run); the good articles are stored.
    """
    if not Path(path).exists():
        raise SourceError(f"{path}: no such file or directory")
    stages = stages or SequentialStages()
    engine = store_engine(settings.database_url)
    root = Path(path).resolve()
    run_name = f"local:{root.name}"
    run_id, _ = begin_run(engine, run_name)
    summary = RunSummary(topic=run_name, run_id=run_id)
    report = progress or no_progress
    with run_record_closed_on_error(engine, summary):
        report("read", 0, 0)
        with timed(summary.durations, "archive"):
            local = archive_local_files(root, RawArchive(settings.resolved_archive_dir))
        works = local.works
        report("read", len(works), len(works))
        with session_scope(engine) as session:
            stored = set(
                session.scalars(select(DocumentRow.raw_sha256).where(DocumentRow.raw_sha256.isnot(None)))
            )
            pending = {f.source_id for f in pending_failures(session, source="local")}
        todo = [w for w in works if w.records[0].sha256 not in stored or _local_work_pending(w, pending)]
        skipped = {w.records[0].sha256 for w in works} - {w.records[0].sha256 for w in todo}
        summary.found, summary.new, summary.unchanged = len(works), len(todo), len(works) - len(todo)
        outcome = BatchOutcome(failures=list(local.failures))
        if local.failures:
            record_failures(engine, local.failures)
        else:  # the archive read to its end this time
            retried_write(
                engine,
                lambda session: resolve_failure(session, source="local", source_id=root.name, stage="read"),
            )
        pending_batches = [
            (stages.process(batch, settings, nlp), len(batch)) for batch in batched(todo, batch_size)
        ]
        finish_batches(pending_batches, outcome, report, "files")
        with session_scope(engine) as session:
            unchanged_ids = session.scalars(
                select(DocumentRow.article_id).where(DocumentRow.raw_sha256.in_(skipped))
            ).all()
        return complete_run(engine, summary, outcome, patients_of=unchanged_ids)
