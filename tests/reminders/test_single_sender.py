"""One sender per database, and a clean stop (issue 16, item 7), with real processes: a
second scheduler is refused, the commands run by hand are refused beside a live one,
SIGTERM in the middle of an e-mail finishes that e-mail, records it and sends nothing
twice, and each e-mail carries a Message-ID fixed per reminder."""

from __future__ import annotations

import asyncio
import hashlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from flask import Flask

from advisor.extensions import db
from advisor.reminders import exclusive
from advisor.reminders.models import JobRun, Reminder
from config import PROJECT_ROOT
from tests.clock import faketime_env
from tests.conftest import SUITE_NOW
from tests.factories import create_user
from tests.factories.apps import separate_app
from tests.factories.reminders import due_reminder
from tests.reminders.test_channels import free_port
from tests.separate_db import separate_database

WAIT = 90  # seconds: the most any step may take; normally well under one
# From SIGTERM (with nothing held mid-send) to exit. Well under a second normally; the
# scheduler once missed a signal that came just before its main loop went back to sleep,
# and then stopped only at the next job, a minute later.
STOPPED_WITHIN = 15


@dataclass
class SlowMailbox:
    """An SMTP handler that holds each message until ``release`` is set."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.entered.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        ids = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            for line in envelope.content.decode().splitlines():
                if line.lower().startswith("message-id:"):
                    ids.append(line.split(":", 1)[1].strip())
        return ids


@dataclass
class World:
    app: Flask
    url: str
    tmp: Path
    smtp_port: int
    reminder_ids: list[int]


@pytest.fixture()
def mailbox() -> Iterator[tuple[SlowMailbox, int]]:
    box = SlowMailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    box.release.set()
    controller.stop()


@pytest.fixture()
def world(tmp_path: Path, database_url: str, mailbox: tuple[SlowMailbox, int]) -> Iterator[World]:
    """A database of its own with one bureau user and two e-mail reminders due."""
    with separate_app(database_url, tmp_path, "sender") as (app, url):
        with app.app_context():
            user = create_user(db.session, email="b@sched.local", name="局")
            past = SUITE_NOW - timedelta(hours=3)  # fell due before the suite's day began
            ids = [
                due_reminder(
                    db.session, user, year=year, occasion="W49", channel="email", due_at=past
                ).id
                for year in (2098, 2099)
            ]
            db.session.commit()
        yield World(app, url, tmp_path, mailbox[1], ids)


class Process:
    """A ``flask`` command as a real process on the suite's clock, its output read as
    it comes."""

    def __init__(self, world: World, *args: str, **settings: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": world.url,
            "ADVISOR_INSTANCE_PATH": str(world.tmp),
            "SECRET_KEY": "test",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(world.smtp_port),
            "SMTP_SENDER": "advisor@sched.local",
            # The slow server holds a message until the test releases it; however loaded
            # the machine, the sender must not give up on it first.
            "SMTP_TIMEOUT": str(WAIT),
            **faketime_env(SUITE_NOW),
            **settings,
        }
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "advisor", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        """The first line (from now on or already seen) containing ``text``."""
        for line in self.seen:
            if text in line:
                return line
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"no line with {text!r} within {WAIT} s; saw {self.seen}")
            self.seen.append(line)
            if text in line:
                return line

    def finish(self, within: float = WAIT) -> int:
        try:
            status = self.popen.wait(timeout=within)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            while not self.lines.empty():
                self.seen.append(self.lines.get())
            pytest.fail(f"still running after {within} s; said {self.seen}")
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return status

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=WAIT)


@pytest.fixture()
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


def test_a_second_scheduler_and_the_hand_commands_are_refused(
    world: World, mailbox: tuple[SlowMailbox, int], processes: list[Process]
) -> None:
    box, _ = mailbox
    box.release.set()
    first = Process(world, "scheduler", "run", BACKUP_PATH="")
    processes.append(first)
    # The jobs it runs: no daily backup without BACKUP_PATH.
    assert first.wait_for("Scheduler running") == (
        "Scheduler running; jobs: plan, send_due, anchor, summaries, precheck"
    )
    second = Process(world, "scheduler", "run")
    processes.append(second)
    assert second.finish() == 1
    assert any("Another scheduler is already running" in line for line in second.seen)
    later = (SUITE_NOW + timedelta(days=30)).isoformat()
    by_hand = Process(world, "reminders", "send-due", "--now", later)
    processes.append(by_hand)
    assert by_hand.finish() == 1
    assert any("A scheduler is running on this database" in line for line in by_hand.seen)
    first.popen.send_signal(signal.SIGTERM)
    assert first.finish(within=STOPPED_WITHIN) == 0
    with world.app.app_context():
        kinds = dict(db.session.execute(sa.select(Reminder.id, Reminder.status)).all())
    assert set(kinds.values()) <= {"sent", "pending"}  # never re-queued by the command


def assert_writable_while_sending(url: str) -> None:
    """Another writer gets the database at once while an e-mail is held mid-send: the
    sender holds no transaction (on SQLite: no write lock) while the network answers."""
    sqlite = url.startswith("sqlite")
    engine = sa.create_engine(url, connect_args={"timeout": 2} if sqlite else {})
    try:
        with engine.connect() as connection:
            if sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("SET lock_timeout = '2s'")
            connection.execute(sa.update(Reminder).values(link=Reminder.link))
            connection.commit()
    finally:
        engine.dispose()


def test_sigterm_mid_send_finishes_that_email_and_sends_nothing_twice(
    world: World, mailbox: tuple[SlowMailbox, int], processes: list[Process]
) -> None:
    box, _ = mailbox
    scheduler = Process(world, "scheduler", "run")
    processes.append(scheduler)
    assert box.entered.wait(WAIT), "the first e-mail reached the SMTP server"
    assert_writable_while_sending(world.url)
    scheduler.popen.send_signal(signal.SIGTERM)
    scheduler.wait_for("finishing the job in hand")
    box.release.set()  # the e-mail in flight now completes
    status = scheduler.finish()
    if status != 0:
        pytest.fail(f"exit {status}:\n" + "\n".join(scheduler.seen))
    with world.app.app_context():
        rows = db.session.scalars(sa.select(Reminder).order_by(Reminder.id)).all()
        first, second = rows
        said = "\n".join(scheduler.seen)
        assert (first.status, first.attempts) == ("sent", 1), said
        assert (second.status, second.attempts) == ("pending", 0), "stopped before the next"
        run = db.session.get_one(JobRun, "send_due")
        assert run.finished_at is not None and run.result.startswith("sent 1"), run.result
        first_key = first.key
    assert len(box.envelopes) == 1
    digest = hashlib.sha256(first_key.encode()).hexdigest()[:16]
    assert box.message_ids() == [f"<advisor.reminder.{world.reminder_ids[0]}.{digest}@sched.local>"]

    again = Process(world, "scheduler", "run")
    processes.append(again)
    again.wait_for("job send_due: sent 1")
    again.popen.send_signal(signal.SIGTERM)  # just after a job: the race that cost a minute
    assert again.finish(within=STOPPED_WITHIN) == 0
    ids = box.message_ids()
    assert len(ids) == 2 and len(set(ids)) == 2, "the second once, the first not again"


def test_the_lock_is_one_per_database(tmp_path: Path, database_url: str) -> None:
    with separate_database(database_url, tmp_path, "lock") as url:
        with exclusive.held(url) as lock:
            assert lock.alive()
            with pytest.raises(exclusive.AlreadyRunning):
                exclusive.acquire(url)
        with exclusive.held(url):  # released: taken again
            pass
        with (
            separate_database(database_url, tmp_path, "lock2") as other,
            exclusive.held(url),
            exclusive.held(other),
        ):
            pass  # another database's lock is another lock


def test_the_migrations_make_the_job_table(world: World) -> None:
    with world.app.app_context():
        inspector = sa.inspect(db.engine)
        assert inspector.has_table("apscheduler_jobs")
        columns = {c["name"] for c in inspector.get_columns("apscheduler_jobs")}
        assert columns == {"id", "next_run_time", "job_state"}
