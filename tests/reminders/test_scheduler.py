"""The scheduler as a real process and the commands run by hand: jobs fire, persist in the
database, and a restart loses and duplicates nothing."""

from __future__ import annotations

import os
import pickle  # APScheduler's job store keeps its rows pickled
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from advisor.accounts.models import Notification
from advisor.extensions import db
from advisor.reminders import scheduler
from advisor.reminders.models import JobRun, Reminder
from config import PROJECT_ROOT
from tests.clock import faketime_env
from tests.factories import create_user
from tests.factories.apps import separate_app
from tests.factories.reminders import due_reminder
from tests.reminders.test_single_sender import STOPPED_WITHIN

WAIT_SECONDS = 90  # the most a job may take to fire and report; normally under a second


@pytest.fixture()
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[Flask, str]]:
    """A database of its own with one bureau user and one reminder already due."""
    with separate_app(database_url, tmp_path, "scheduler") as (app, url):
        with app.app_context():
            user = create_user(db.session, email="b@sched.local", name="局")
            past = datetime.now(UTC) - timedelta(hours=3)  # fell due while nothing ran
            due_reminder(db.session, user, year=2099, occasion="2098-W49", due_at=past)
            db.session.commit()
        yield app, url


def run_scheduler_until_every_job_ran(tmp: Path, url: str) -> list[str]:
    """Start ``flask scheduler run`` on the suite's clock, read its output until each job
    has reported once, then stop it. Returns the job lines."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ADVISOR_INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "test",
        **faketime_env(datetime.now(UTC)),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "advisor", "scheduler", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout],
        daemon=True,  # type: ignore[union-attr]
    )
    reader.start()
    seen: list[str] = []
    try:
        while not {"anchor", "plan", "send_due", "summaries", "precheck"} <= {
            line.split(":")[0].removeprefix("job ") for line in seen
        }:
            seen.append(lines.get(timeout=WAIT_SECONDS).strip())
    finally:
        process.terminate()  # just after a job has reported: the race that cost a minute
        try:
            process.wait(timeout=STOPPED_WITHIN)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"the scheduler still ran {STOPPED_WITHIN} s after SIGTERM")
    return seen


def test_the_scheduler_process_runs_the_jobs_and_a_restart_repeats_nothing(
    world: tuple[Flask, str], tmp_path: Path
) -> None:
    app, url = world
    first = run_scheduler_until_every_job_ran(tmp_path, url)
    assert any(line.startswith("job send_due: sent 1") for line in first), first
    assert any(line.startswith("job summaries: summary tables refreshed") for line in first)
    with app.app_context():
        assert db.session.scalar(sa.select(Reminder.status)) == "sent"
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1
        jobs = db.session.execute(sa.text("SELECT id FROM apscheduler_jobs ORDER BY id")).all()
        assert [j[0] for j in jobs] == ["anchor", "plan", "precheck", "send_due", "summaries"]
        runs = {r.job: r for r in db.session.scalars(sa.select(JobRun))}
        assert set(runs) == {"anchor", "plan", "send_due", "summaries", "precheck"}
        assert runs["send_due"].finished_at is not None

    second = run_scheduler_until_every_job_ran(tmp_path, url)
    assert any(line.startswith("job send_due: sent 0") for line in second), second
    with app.app_context():
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1
        jobs = db.session.execute(sa.text("SELECT count(*) FROM apscheduler_jobs")).scalar()
        assert jobs == 5  # the stored schedule was replaced, not doubled


@pytest.mark.parametrize(
    ("backup_path", "jobs"),
    [
        (None, ["plan", "send_due", "anchor", "summaries", "precheck"]),
        ("backups", ["plan", "send_due", "anchor", "backup", "summaries", "precheck"]),
    ],
)
def test_the_daily_backup_is_scheduled_only_with_a_backup_path(
    app: Flask, tmp_path: Path, backup_path: str | None, jobs: list[str]
) -> None:
    """What ``flask scheduler run`` says it runs (scheduled_jobs) is what it schedules."""
    config = app.config["ADVISOR"].but(backup_path=tmp_path / backup_path if backup_path else None)
    assert scheduler.scheduled_jobs(config) == jobs
    pending = BackgroundScheduler()
    scheduler.add_jobs(pending, config)
    assert [job.id for job in pending.get_jobs()] == jobs


def test_rows_naming_an_older_entry_point_are_replaced_at_start(
    world: tuple[Flask, str], tmp_path: Path
) -> None:
    """Installations upgraded from a version whose job store named
    advisor.reminders.scheduler:job start as before: add_jobs replaces those rows before
    the scheduler reads them, and they name scheduler.ENTRY from then on."""
    app, url = world
    run_scheduler_until_every_job_ran(tmp_path, url)
    with app.app_context():
        for job_id, state in db.session.execute(
            sa.text("SELECT id, job_state FROM apscheduler_jobs")
        ):
            old = pickle.loads(state)
            old["func"] = "advisor.reminders.scheduler:job"
            db.session.execute(
                sa.text("UPDATE apscheduler_jobs SET job_state = :state WHERE id = :id"),
                {"state": pickle.dumps(old), "id": job_id},
            )
        db.session.commit()

    again = run_scheduler_until_every_job_ran(tmp_path, url)
    assert any(line.startswith("job send_due: sent 0") for line in again), again
    with app.app_context():
        states = db.session.scalars(sa.text("SELECT job_state FROM apscheduler_jobs")).all()
        assert sorted(pickle.loads(s)["func"] for s in states) == [scheduler.ENTRY] * 5


def test_the_commands_run_the_jobs_as_of_a_given_time(world: tuple[Flask, str]) -> None:
    app, _ = world
    runner = app.test_cli_runner()
    # December 2026: 2027 has no working-day calendar yet.
    result = runner.invoke(args=["reminders", "plan", "--now", "2026-12-01T09:00:00+08:00"])
    assert result.exit_code == 0 and "job plan: planned 1" in result.output
    early = runner.invoke(args=["reminders", "send-due", "--now", "2026-12-01T10:29:00+08:00"])
    assert "sent 1," in early.output  # only the reminder that was already due
    due = runner.invoke(args=["reminders", "send-due", "--now", "2026-12-01T10:30:00+08:00"])
    assert "sent 1," in due.output
    again = runner.invoke(args=["reminders", "send-due", "--now", "2026-12-01T10:31:00+08:00"])
    assert "sent 0," in again.output
    bad = runner.invoke(args=["reminders", "plan", "--now", "2026-12-01 09:00"])
    assert bad.exit_code == 2 and "offset" in bad.output
    status = runner.invoke(args=["scheduler", "status"])
    assert "plan: last run 2026-12-01T01:00:00+00:00; planned 1" in status.output
    assert "send_due: last run 2026-12-01T02:31:00+00:00; sent 0," in status.output


class LostLock:
    """A sender lock as a stopping scheduler leaves it: released, so no longer held."""

    def alive(self) -> bool:
        return False


def test_a_job_still_queued_when_the_scheduler_stops_does_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start the four jobs are due together and queue in the executor. SIGTERM during
    the first: the process releases its sender lock and the next queued job must neither
    run nor take the released lock for a lost one (which sent the process a second
    SIGTERM, after its handlers were gone: CI saw it exit -15)."""
    signals: list[int] = []
    monkeypatch.setattr(scheduler.os, "kill", lambda _pid, sig: signals.append(sig))
    monkeypatch.setattr(scheduler, "_lock", LostLock())
    monkeypatch.setattr(scheduler, "STOP", threading.Event())
    monkeypatch.setattr(scheduler, "LOST", threading.Event())
    scheduler.STOP.set()
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(JobRun.job)))
        scheduler.run_scheduled(app, "anchor")
        assert db.session.scalar(sa.select(sa.func.count(JobRun.job))) == before
    assert signals == []
    assert not scheduler.LOST.is_set()


def test_a_lost_lock_stops_the_scheduler_before_the_job_runs(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    signals: list[int] = []
    monkeypatch.setattr(scheduler.os, "kill", lambda _pid, sig: signals.append(sig))
    monkeypatch.setattr(scheduler, "_lock", LostLock())
    monkeypatch.setattr(scheduler, "STOP", threading.Event())
    monkeypatch.setattr(scheduler, "LOST", threading.Event())
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(JobRun.job)))
        scheduler.run_scheduled(app, "anchor")
        assert db.session.scalar(sa.select(sa.func.count(JobRun.job))) == before
    assert signals == [signal.SIGTERM]
    assert scheduler.LOST.is_set()
