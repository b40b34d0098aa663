"""The scheduler: a few module-level jobs that read and update the reminder rows.

- ``plan`` (every 10 minutes): plan what the data calls for (reminders.planning);
- ``anchor`` (daily): the ledger's new entries verified, then its head appended to the
  anchor log (ledger.anchors);
- ``send_due`` (every minute): send what is due (reminders.sending);
- ``backup`` (daily, only when BACKUP_PATH is set): a backup there (backup.jobs);
- ``summaries`` (every 5 minutes): the summary tables behind the dashboard and the yearly
  figures rebuilt (reports.jobs). Reports come after reminders in the order of domains,
  so the application that assembles them hands this job's function over (``provide``);
- ``precheck`` (every minute): the pre-checks still pending a minute after their upload,
  which the web process that took the upload did not run (it stopped, or a run failed;
  precheck.jobs).

Beside them, a thread of the same process runs the ledger's export jobs as they are
queued (advisor.ledger.export_jobs.Worker): one process runs them, whichever web
process queued them.

The jobs are kept in the database (APScheduler's SQLAlchemyJobStore, table
``apscheduler_jobs``) so the schedule survives restarts. A run that was missed while
the scheduler was down is made up once when it comes back (coalesce, with a grace time
of hours rather than APScheduler's default second); planning is idempotent. The job
table is made by the migrations, not by APScheduler at start-up. The store keeps each
job's function by reference (ENTRY): advisor.jobs_app, the root module that builds the
application the jobs run in, so this module holds no application of its own.

Exactly one sender per database: ``flask --app advisor scheduler run`` takes the
database's sender lock (advisor.reminders.exclusive) and a second one exits at once with
a message naming the holder; ``make run`` starts one inside the development server
(SCHEDULER_IN_PROCESS=1), which likewise stays off if another holds the lock. SIGTERM
(or Ctrl-C) lets the job in hand finish the message in flight and record it, closes the
job run and exits 0; nothing is left half-sent for a restart to send again.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import orm

from advisor.backup.jobs import make_daily_backup
from advisor.db import deferred_reads, immediate_writes
from advisor.extensions import db
from advisor.ledger import anchors, export_jobs
from advisor.ledger import services as ledger
from advisor.precheck.jobs import run_pending_prechecks
from advisor.reminders import exclusive, planning, sending
from advisor.reminders.models import JobRun

# APScheduler is imported where a scheduler is made: the web workers and the other
# commands, which import this module for its job names, do without it (0.1 s).
if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger(__name__)

JOBS = {
    "plan": {"minutes": 10},
    "send_due": {"minutes": 1},
    "anchor": {"days": 1},
    "backup": {"days": 1},
    "summaries": {"minutes": 5},
    "precheck": {"minutes": 1},
}
GRACE_SECONDS = 6 * 3600
# What the job store keeps for every job: "module:function", resolved when the job is
# added and when it is loaded. Rows an older version stored name another function; they
# are replaced by add_jobs (replace_existing) before the scheduler reads the store.
ENTRY = "advisor.jobs_app:run"
# Set when this process is asked to stop: the sending loop stops after the message in
# flight. LOST: the sender lock was lost (PostgreSQL connection gone), so we stop too.
STOP = threading.Event()
LOST = threading.Event()
_lock: exclusive.SenderLock | None = None
# Held while a job runs, so that stopping can wait for it outside the main loop.
JOB_IN_HAND = threading.Lock()


def run_plan(session: orm.Session, now: datetime, config: Any) -> str:
    added = planning.plan(session, now=now, config=config)
    session.commit()
    return f"planned {added}"


def run_send_due(session: orm.Session, now: datetime, config: Any) -> str:
    return str(sending.send_due(session, now=now, config=config, stopping=STOP.is_set))


def run_anchor(session: orm.Session, now: datetime, config: Any) -> str:
    """Daily: verify the entries added to the ledger since the last verification that
    passed (ledger.services.verify_since_last) and check that the ledger still holds the
    latest anchor; then keep that verification and copy the head to the anchor log
    (advisor.ledger.anchors). A broken ledger is neither anchored nor marked verified, so
    that tomorrow's run finds it broken again; the job's result says so."""
    with deferred_reads():  # the web keeps writing while this reads (SQLite)
        result, since = ledger.verify_since_last(session)
        found, _ = anchors.read_anchors(config.anchor_file)
        problem = anchors.check_anchor(session, found[-1]) if found else None
        session.rollback()  # the end of the read; nothing was written
    if not result.ok:
        log.error("ledger verification failed: %s", result)
        at = f" at entry id {result.first_bad_id}" if result.first_bad_id else ""
        return f"ledger BROKEN ({result.reason}{at}): not anchored"
    if problem:
        log.error("ledger anchor check failed: %s", problem)
        return f"ledger BROKEN: {problem}; not anchored"
    ledger.record_verification(session, result, since=since, now=now)
    session.commit()
    anchor = anchors.append_anchor(session, config.anchor_file, now)
    if since is None:
        checked = f"whole chain verified ({result.checked} entries)"
    else:
        checked = f"{result.checked} new entries verified"
    return f"{checked}; {anchor.line()}" if anchor else f"{checked}; ledger empty"


WORK: dict[str, Callable[[orm.Session, datetime, Any], str]] = {
    "plan": run_plan,
    "send_due": run_send_due,
    "anchor": run_anchor,
    "backup": make_daily_backup,
    "precheck": run_pending_prechecks,
}


def provide(name: str, work: Callable[[orm.Session, datetime, Any], str]) -> None:
    """The function of the job ``name`` (one of JOBS) that a later domain owns; create_app
    hands it over, so every process that runs jobs has it."""
    if name not in JOBS:
        raise KeyError(f"no scheduled job {name!r}")
    WORK[name] = work


def run_job(name: str, *, now: datetime | None = None) -> str:
    """Run one job in the current application, recording when it ran and how it ended."""
    with immediate_writes():
        return _run_job(name, now=now)


def _run_job(name: str, *, now: datetime | None) -> str:
    session = db.session
    now = now or datetime.now(UTC)
    started = session.get(JobRun, name)
    if started is None:
        started = JobRun(job=name, started_at=now)
        session.add(started)
    started.started_at, started.finished_at, started.result = now, None, "running"
    session.commit()
    try:
        result = WORK[name](session, now, current_app.config["ADVISOR"])
    except Exception as error:
        session.rollback()
        result = f"error: {error}"[:200]
        log.exception("scheduler job %s failed", name)
    row = session.get_one(JobRun, name)
    row.finished_at = datetime.now(UTC)
    row.result = result[:200]
    session.commit()
    log.info("job %s: %s", name, result)
    print(f"job {name}: {result}", flush=True)
    return result


def run_scheduled(app: Flask, name: str) -> None:
    """Run the job ``name`` in ``app`` unless this process is stopping; stop the process
    instead when the sender lock has been lost. Called through ENTRY."""
    with JOB_IN_HAND:
        # Checked under the lock: once the process is stopping, a job the executor still
        # had queued (all four are due together at start) does nothing, and never sees
        # the sender lock the stopping process has just released as "lost".
        if STOP.is_set():
            return
        lock = _lock
        if lock is not None and not lock.alive():
            log.error("scheduler: the sender lock was lost (database connection gone); stopping")
            LOST.set()
            os.kill(os.getpid(), signal.SIGTERM)
            return
        with app.app_context():
            run_job(name)


def configure(scheduler: BaseScheduler, database_url: str) -> BaseScheduler:
    """Jobs kept in the database; one job at a time (they are short, and on SQLite one
    writer at a time is what the database allows anyway)."""
    # Here, not with the module: see the imports.
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    engine = sa.create_engine(
        database_url,
        connect_args={"timeout": 30} if database_url.startswith("sqlite") else {},
    )
    scheduler.configure(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": GRACE_SECONDS,
            "max_instances": 1,
        },
        timezone="Asia/Shanghai",
    )
    return scheduler


def scheduled_jobs(config: Any) -> list[str]:
    """The jobs this configuration runs, in JOBS order: all of them, except the daily
    backup when no BACKUP_PATH is set."""
    return [name for name in JOBS if name != "backup" or config.backup_path is not None]


def add_jobs(scheduler: BaseScheduler, config: Any) -> None:
    for name in scheduled_jobs(config):
        interval = JOBS[name]
        scheduler.add_job(
            ENTRY,
            "interval",
            args=[name],
            id=name,
            name=name,
            replace_existing=True,
            next_run_time=datetime.now(UTC),  # catch up at once on start
            **interval,
        )


def run(app: Flask, started: Callable[[], None] = lambda: None) -> int:
    """``flask scheduler run``: take the sender lock (AlreadyRunning if another holds
    it), run the jobs until SIGTERM or Ctrl-C, then stop cleanly. Returns the exit status:
    0 when asked to stop, 1 when the lock was lost. ``started`` is called once the lock
    is held. Must be called from the main thread (signal handlers live there).

    The jobs run on the scheduler's own threads while the main thread waits for a signal
    on a wake-up socket (``signal.set_wakeup_fd``), whichever thread the signal lands on.
    Waiting in the scheduler's main loop instead lost a signal that came just before the
    loop went back to sleep: SIGTERM right after a job then waited for the next job, up to
    a minute."""
    from apscheduler.schedulers.background import BackgroundScheduler  # see the imports

    global _lock
    _lock = exclusive.acquire(app.config["ADVISOR"].database_url)
    started()
    scheduler = configure(BackgroundScheduler(), app.config["ADVISOR"].database_url)
    add_jobs(scheduler, app.config["ADVISOR"])
    asked: list[str] = []

    def stop(signum: int, _frame: Any) -> None:
        asked.append(signal.Signals(signum).name)

    wake, wakeup = socket.socketpair()
    wakeup.setblocking(False)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    previous_fd = signal.set_wakeup_fd(wakeup.fileno(), warn_on_full_buffer=False)
    workers: list[export_jobs.Worker] = []
    try:
        scheduler.start()
        workers.append(export_jobs.start_worker(app))
        while not asked:
            wake.recv(64)  # a byte per signal; the handler has run once recv returns
        said = f"scheduler: {asked[0]} received; finishing the job in hand"
        log.info(said)
        print(said, file=sys.stderr, flush=True)
        STOP.set()  # the sending loop stops after the message in flight
        for worker in workers:  # an export in hand goes back to the queue
            worker.stop()
        scheduler.shutdown(wait=False)  # jobs still queued do nothing (run_scheduled)
        with JOB_IN_HAND:  # and the job in hand finishes
            pass
    finally:
        STOP.set()
        for worker in workers:
            worker.stop()
        if scheduler.running:
            scheduler.shutdown(wait=False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        wake.close()
        wakeup.close()
        _lock.release()
        _lock = None
    log.info("scheduler stopped")
    return 1 if LOST.is_set() else 0


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """A scheduler thread inside this process, for the one-command local run; none if
    another process holds the sender lock."""
    from apscheduler.schedulers.background import BackgroundScheduler  # see the imports

    global _lock
    try:
        _lock = exclusive.acquire(app.config["ADVISOR"].database_url)
    except exclusive.AlreadyRunning as error:
        log.warning("no in-process scheduler: %s", error)
        return None
    scheduler = configure(BackgroundScheduler(daemon=True), app.config["ADVISOR"].database_url)
    add_jobs(scheduler, app.config["ADVISOR"])
    scheduler.start()
    export_jobs.start_worker(app)
    return scheduler


def status(session: orm.Session) -> list[tuple[str, datetime | None, datetime | None, str]]:
    """Each job: the last start, the next fire time (from the job store) and the result."""
    runs = {r.job: r for r in session.scalars(sa.select(JobRun))}
    next_times: dict[str, datetime | None] = {}
    inspector = sa.inspect(session.get_bind())
    if inspector.has_table("apscheduler_jobs"):
        for job_id, stamp in session.execute(
            sa.text("SELECT id, next_run_time FROM apscheduler_jobs")
        ):
            next_times[job_id] = (
                datetime.fromtimestamp(float(stamp), UTC) if stamp is not None else None
            )
    return [
        (
            name,
            runs[name].started_at if name in runs else None,
            next_times.get(name),
            runs[name].result if name in runs else "never run",
        )
        for name in JOBS
    ]
