"""Ledger exports too large for a request (issue 19, item 6): queued by the web, written
by the one scheduler process, their progress read back by any web process.

The life of a job (``ExportJob.status``)::

    queued --claim_next--> running --run_export--> done | failed
                              |  stopped (SIGTERM): back to queued, to run again
                              |  heartbeat stopped (the process died): failed

- ``queue_export`` records who asked, with which filters; the rows are read when the
  job runs, scoped to that user as the request would have been (queries.filtered).
- ``claim_next`` takes the oldest queued job with one conditional UPDATE, so two
  claimers (a second scheduler by mistake, or a make-run process beside one) never run
  the same job.
- ``run_export`` counts the rows, then writes the workbook (ledger.export.write_xlsx)
  into ``<instance>/exports`` under a ``.part`` name renamed when complete, recording
  the rows written and a heartbeat every ``PROGRESS_ROWS`` rows through a second
  session, committed at once, so that the progress is visible while the read goes on.
- ``fail_interrupted`` marks failed a running job whose heartbeat is older than
  ``STALE_AFTER``: its process died (a crash, SIGKILL) without saying so.
- ``remove_old_exports`` deletes the jobs finished more than the kept days ago and
  their files: an export is regenerable, and not backed up (deploy.md).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.db import deferred_reads, file_not_mapped, immediate_writes
from advisor.errors import NotFound
from advisor.extensions import db
from advisor.ledger import export, queries
from advisor.ledger.models import ExportJob, ExportStatus
from advisor.ledger.permissions import can_see_export_job
from advisor.spreadsheet import SHEET_MAX_ROWS
from advisor.workdays import BEIJING

log = logging.getLogger(__name__)

PROGRESS_ROWS = 20_000
# A running job writes its heartbeat every PROGRESS_ROWS rows (well under a second);
# one silent this long belongs to a process that is gone.
STALE_AFTER = timedelta(minutes=2)
# What a job that was interrupted says (shown translated by the pages, advisor.ledger.views).
INTERRUPTED = "interrupted"
POLL_SECONDS = 1.0
HOUSEKEEPING_EVERY = timedelta(hours=1)


class Stopped(Exception):
    """The process is stopping: the job in hand goes back to the queue."""


def filters_json(filters: queries.Filters) -> dict[str, Any]:
    """The filters as stored with a job (dates as ISO text)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in asdict(filters).items()
    }


def filters_from_json(stored: dict[str, Any]) -> queries.Filters:
    """The filters a job was asked with, from ``filters_json``; unknown names ignored."""
    known = {f.name for f in fields(queries.Filters)}
    values = {name: value for name, value in stored.items() if name in known}
    for name in ("date_from", "date_to"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return queries.Filters(**values)


def queue_export(
    session: orm.Session, *, actor: User, filters: queries.Filters, now: datetime
) -> ExportJob:
    """Queue an .xlsx export of the ledger as ``actor`` sees it through ``filters``.
    Anyone who may export the ledger may (every signed-in role, each its own part).
    Adds and flushes; the caller commits."""
    job = ExportJob(
        user_id=actor.id,
        file_format="xlsx",
        filters=filters_json(filters),
        status=ExportStatus.QUEUED,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: orm.Session, user: User, job_id: int) -> ExportJob:
    """A job the user may see (their own), else NotFound: another's job is not revealed."""
    job = session.get(ExportJob, job_id)
    if job is None or not can_see_export_job(user, job):
        raise NotFound(_l("No such export."))
    return job


def file_path(exports_dir: Path, job: ExportJob) -> Path | None:
    """Where a finished job's file is, if it is still there."""
    if job.status != ExportStatus.DONE or not job.file_name:
        return None
    path = exports_dir / job.file_name
    return path if path.is_file() else None


def claim_next(session: orm.Session, *, now: datetime) -> ExportJob | None:
    """The oldest queued job, now running, or None. One conditional UPDATE: of two
    claimers racing for the same job, the second finds it no longer queued and gets
    nothing (PostgreSQL re-checks the condition after the first commits; SQLite has
    one writer at a time). Flushes; the caller commits."""
    oldest = (
        sa.select(ExportJob.id)
        .where(ExportJob.status == ExportStatus.QUEUED)
        .order_by(ExportJob.created_at, ExportJob.id)
        .limit(1)
        .scalar_subquery()
    )
    claimed = session.scalar(
        sa.update(ExportJob)
        .where(ExportJob.id == oldest, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now, rows_done=0)
        .returning(ExportJob.id)
    )
    if claimed is None:
        return None
    job = session.get_one(ExportJob, claimed)
    session.refresh(job)
    return job


def fail_interrupted(session: orm.Session, *, now: datetime) -> int:
    """Mark failed every running job whose heartbeat stopped ``STALE_AFTER`` ago: its
    process is gone and nothing else would ever finish it. Returns how many."""
    result = session.execute(
        sa.update(ExportJob)
        .where(
            ExportJob.status == ExportStatus.RUNNING,
            ExportJob.heartbeat_at < now - STALE_AFTER,
        )
        .values(status=ExportStatus.FAILED, error=INTERRUPTED, finished_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def run_export(
    reads: orm.Session,
    writes: orm.Session,
    job: ExportJob,
    *,
    exports_dir: Path,
    clock: Callable[[], datetime],
    bureau: str = "",
    zone: ZoneInfo = BEIJING,
    stopping: Callable[[], bool] = lambda: False,
    every: int = PROGRESS_ROWS,
    max_rows: int = SHEET_MAX_ROWS,
) -> None:
    """Write a claimed (running) job's file, titled with ``bureau`` and the time its
    writing began in ``zone``. Rows are read in ``reads`` (one read transaction, never
    writing); ``job`` belongs to ``writes``, in which the count, the progress, the
    heartbeat and the end are committed as they happen. Ends done, failed (with the
    error), or, when ``stopping()`` turns true, queued again with its partial file
    removed. The clock is read for each heartbeat: time is passed in."""
    job_id, user_id, stored = job.id, job.user_id, job.filters
    # Nothing of ``writes`` stays open across the read's start (in tests both sessions
    # share one connection, and a savepoint released takes those inside it along).
    writes.commit()
    with deferred_reads():  # the read begins here: it must not take SQLite's write lock
        actor = reads.get(User, user_id)
    exports_dir.mkdir(parents=True, exist_ok=True)
    name = f"ledger-{job_id}-{secrets.token_hex(8)}.xlsx"
    partial = exports_dir / f"{name}.part"

    def progress(done: int) -> None:
        if stopping():
            raise Stopped
        job.rows_done, job.heartbeat_at = done, clock()
        writes.commit()

    try:
        if actor is None or not actor.is_active:
            raise PermissionError("the user who asked may no longer export")
        filters = filters_from_json(stored)
        # A long read must not hold SQLite's write lock, nor map the file into memory.
        with deferred_reads(), file_not_mapped(reads):
            job.rows_total = queries.totals(reads, actor, filters).entries
            job.heartbeat_at = clock()
            writes.commit()
            title = export.title(bureau, filters, job.heartbeat_at.astimezone(zone))
            with partial.open("wb") as target:
                written = export.write_xlsx(
                    reads,
                    queries.filtered(actor, filters),
                    target,
                    title=title,
                    progress=progress,
                    every=every,
                    max_rows=max_rows,
                )
        reads.commit()  # the end of the read; nothing was written
        partial.rename(exports_dir / name)
    except Stopped:
        writes.rollback()  # the progress first: in tests both share one connection
        reads.rollback()
        partial.unlink(missing_ok=True)
        job.status, job.rows_done, job.started_at, job.heartbeat_at = (
            ExportStatus.QUEUED,
            0,
            None,
            None,
        )
        writes.commit()
        log.info("export job %s stopped; queued again", job_id)
        raise
    except Exception as error:
        writes.rollback()
        reads.rollback()
        partial.unlink(missing_ok=True)
        job.status, job.error, job.finished_at = ExportStatus.FAILED, str(error)[:500], clock()
        writes.commit()
        log.exception("export job %s failed", job_id)
        return
    job.status, job.rows_done, job.finished_at = ExportStatus.DONE, written, clock()
    job.rows_total = written  # what was written is what the file holds
    job.file_name, job.file_size = name, (exports_dir / name).stat().st_size
    writes.commit()
    log.info("export job %s done: %s rows", job_id, written)


def remove_old_exports(session: orm.Session, *, exports_dir: Path, now: datetime, days: int) -> int:
    """Delete the jobs that ended more than ``days`` ago, with their files, and files in
    the folder that no job names (a ``.part`` left by a crash) once as old. Flushes;
    the caller commits. Returns how many files were removed."""
    cutoff = now - timedelta(days=days)
    old = session.scalars(
        sa.select(ExportJob).where(
            ExportJob.status.in_((ExportStatus.DONE, ExportStatus.FAILED)),
            ExportJob.finished_at < cutoff,
        )
    ).all()
    removed = 0
    for job in old:
        if job.file_name and (exports_dir / job.file_name).is_file():
            (exports_dir / job.file_name).unlink()
            removed += 1
    session.execute(sa.delete(ExportJob).where(ExportJob.id.in_([job.id for job in old])))
    if exports_dir.is_dir():
        named = set(
            session.scalars(sa.select(ExportJob.file_name).where(ExportJob.file_name.is_not(None)))
        )
        for path in exports_dir.iterdir():
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if path.is_file() and path.name not in named and modified < cutoff:
                path.unlink()
                removed += 1
    return removed


def run_pending(
    app: Flask,
    *,
    stopping: Callable[[], bool],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Fail the interrupted jobs, then run queued ones until none is left or the process
    stops. Returns how many ran. Called by the worker thread, and by tests."""
    config = app.config["ADVISOR"]
    ran = 0
    with app.app_context(), immediate_writes():
        writes = db.sessionmaker()
        try:
            if fail_interrupted(writes, now=clock()):
                log.warning("export jobs interrupted by a restart marked failed")
            writes.commit()
            while not stopping():
                job = claim_next(writes, now=clock())
                writes.commit()
                if job is None:
                    break
                try:
                    run_export(
                        db.session,
                        writes,
                        job,
                        exports_dir=config.exports_dir,
                        clock=clock,
                        bureau=config.bureau_name,
                        zone=ZoneInfo(config.timezone),
                        stopping=stopping,
                    )
                except Stopped:
                    break
                ran += 1
        finally:
            writes.close()
    return ran


def housekeep(app: Flask, *, now: datetime) -> int:
    """Remove the exports older than Config.export_keep_days; returns the files removed."""
    config = app.config["ADVISOR"]
    with app.app_context(), immediate_writes():
        removed = remove_old_exports(
            db.session, exports_dir=config.exports_dir, now=now, days=config.export_keep_days
        )
        db.session.commit()
    return removed


class Worker(threading.Thread):
    """The thread in the scheduler process (or the make-run server) that runs export
    jobs: it looks for queued ones every POLL_SECONDS (a cheap indexed query), so that a
    job starts within about a second of being asked for, and removes old exports hourly.
    ``stop()`` makes the job in hand go back to the queue at its next progress step."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="export-jobs", daemon=True)
        self.app = app
        self.stopping = threading.Event()

    def run(self) -> None:
        housekept: datetime | None = None
        while not self.stopping.is_set():
            try:
                now = datetime.now(UTC)
                if housekept is None or now - housekept >= HOUSEKEEPING_EVERY:
                    housekept = now
                    housekeep(self.app, now=now)
                run_pending(self.app, stopping=self.stopping.is_set)
            except Exception:
                log.exception("export jobs: the worker's round failed; trying again")
            self.stopping.wait(POLL_SECONDS)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.join(timeout)


def start_worker(app: Flask) -> Worker:
    worker = Worker(app)
    worker.start()
    return worker
