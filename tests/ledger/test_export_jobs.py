"""Ledger exports over the threshold run as background jobs (issue 19, item 6): the page
and the API queue one, the worker claims it once, writes the same file as the request
would, with its progress in the database; an interrupted job is marked failed, a stopped
one queued again; old files are removed; a job is its author's alone."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import orm

from advisor.extensions import db
from advisor.ledger import export_jobs, services
from advisor.ledger.models import ExportJob, ExportStatus, Kind, LedgerEntry
from tests.conftest import login
from tests.factories.people import bureau_user, token_headers

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
ROWS = 25
THRESHOLD = 10
HOSTILE = '=HYPERLINK("http://x","y")'


def clock() -> datetime:
    return NOW


@pytest.fixture()
def ledger(session: orm.Session) -> list[LedgerEntry]:
    assert session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 0
    entries = [
        services.record_work(
            session,
            entry_on=date(2025, 1, 1) + timedelta(days=i),
            advisor_id=1 + i % 2,
            school_id=None if i % 5 == 4 else 1 + i % 2,
            kind=list(Kind)[i % len(Kind)].value,
            description=HOSTILE if i == 3 else f"第{i}项工作",
            minutes=i,
        )
        for i in range(ROWS)
    ]
    session.commit()
    return entries


@pytest.fixture()
def small(make_app: Any) -> Flask:
    """The application with a threshold of 10 rows."""
    app: Flask = make_app(export_job_threshold=THRESHOLD, bureau_name="乌苏市教科局")
    return app


@pytest.fixture()
def sessions(small: Flask) -> Iterator[tuple[orm.Session, orm.Session]]:
    """The worker's two sessions: one reads the rows, the other records the progress."""
    with small.app_context():
        maker = db.sessionmaker
    reads, writes = maker(), maker()
    yield reads, writes
    reads.close()
    writes.close()


def run_next(app: Flask, sessions: tuple[orm.Session, orm.Session], **options: Any) -> ExportJob:
    reads, writes = sessions
    job = export_jobs.claim_next(writes, now=NOW)
    assert job is not None
    writes.commit()
    export_jobs.run_export(
        reads,
        writes,
        job,
        exports_dir=app.config["ADVISOR"].exports_dir,
        clock=clock,
        bureau=app.config["ADVISOR"].bureau_name,
        **options,
    )
    return job


def values(data: bytes) -> list[list[Any]]:
    """The sheet's rows from the header on (the title row says when the file was made)."""
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["工作台账"]
    cells = [cell for row in book["工作台账"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    return [list(row) for row in book["工作台账"].iter_rows(min_row=2, values_only=True)]


def title(data: bytes) -> str:
    value = load_workbook(io.BytesIO(data))["工作台账"]["A1"].value
    assert isinstance(value, str)
    return value


def test_a_large_export_on_the_page_is_a_job_with_progress_and_the_requests_file(
    small: Flask,
    sessions: tuple[orm.Session, orm.Session],
    bureau: FlaskClient,
    ledger: list[LedgerEntry],
) -> None:
    client = login(small.test_client(), "bureau@demo.local")
    offer = client.get("/ledger/export.xlsx?kind=&from=2025-01-01")
    assert offer.status_code == 200
    assert 'data-testid="export-start"' in offer.get_data(as_text=True)
    started = client.post("/ledger/exports", data={"from": "2025-01-01"})
    assert started.status_code == 303
    page = client.get(started.location)
    html = page.get_data(as_text=True)
    assert '<label for="export-progress"' in html and '<progress id="export-progress"' in html
    assert 'role="status" aria-live="polite"' in html
    assert client.get(started.location + "/status").json["status"] == "queued"
    early = client.get(started.location + "/file")  # asked for before it is written
    assert early.status_code == 404
    assert "该导出任务尚无文件。" in early.get_data(as_text=True)  # said, in Chinese

    seen: list[int] = []

    def stopping() -> bool:
        seen.append(sessions[1].scalar(sa.select(ExportJob.rows_done)) or 0)
        return False

    job = run_next(small, sessions, every=10, stopping=stopping)
    assert seen == [0, 10, 20]  # the progress recorded as the rows were written
    assert (job.status, job.rows_total, job.rows_done) == (ExportStatus.DONE, ROWS, ROWS)
    assert job.filters["date_from"] == "2025-01-01"

    status = client.get(started.location + "/status").json
    assert status["status"] == "done" and status["file"]
    assert 'data-testid="export-download"' in client.get(started.location).get_data(as_text=True)
    file = client.get(status["file"])
    assert file.status_code == 200
    # The same cells as the file the request writes under the threshold.
    synchronous = bureau.get("/ledger/export.xlsx?from=2025-01-01")
    assert values(file.data) == values(synchronous.data)
    rows = values(file.data)
    assert len(rows) == ROWS + 1
    assert rows[4][6] == HOSTILE  # written as text, never a formula
    # Titled with the bureau, the period asked for and the job's own time (12:00 in Beijing).
    assert title(file.data) == (
        "乌苏市教科局 法律顾问工作台账（2025年1月1日起）　制表时间：2026年3月2日 12:00"
    )


def test_the_api_answers_202_with_a_job_to_poll_and_then_the_file(
    small: Flask,
    session: orm.Session,
    sessions: tuple[orm.Session, orm.Session],
    ledger: list[LedgerEntry],
) -> None:
    client = small.test_client()
    headers = token_headers(session, "bureau@demo.local")
    accepted = client.get("/api/v1/ledger/export.xlsx", headers=headers)
    assert accepted.status_code == 202
    assert accepted.json["status"] == "queued" and accepted.json["file"] is None
    location = accepted.headers["Location"]
    assert location.endswith(f"/api/v1/ledger/exports/{accepted.json['id']}")
    assert client.get(location + "/file", headers=headers).status_code == 409

    run_next(small, sessions)
    polled = client.get(location, headers=headers).json
    assert (polled["status"], polled["rows_done"], polled["rows_total"]) == ("done", ROWS, ROWS)
    file = client.get(polled["file"], headers=headers)
    assert file.status_code == 200
    assert len(values(file.data)) == ROWS + 1
    # Under the threshold the API still answers with the file itself.
    assert (
        client.get("/api/v1/ledger/export.xlsx?from=2025-01-20", headers=headers).status_code == 200
    )


@pytest.mark.parametrize(
    ("email", "seen"),
    [
        ("bureau@demo.local", 200),
        ("school01@demo.local", 404),
        ("advisor01@demo.local", 404),
        ("bureau2@demo.local", 404),
    ],
)
def test_a_job_and_its_file_are_its_authors_alone(
    small: Flask,
    session: orm.Session,
    sessions: tuple[orm.Session, orm.Session],
    ledger: list[LedgerEntry],
    email: str,
    seen: int,
) -> None:
    if email == "bureau2@demo.local":
        from advisor.accounts.models import Role, User

        session.add(User(email=email, name="另一位", role=Role.BUREAU, password_hash="x"))
        session.commit()
    job = export_jobs.queue_export(
        session, actor=bureau_user(session), filters=export_jobs.queries.Filters(), now=NOW
    )
    session.commit()
    run_next(small, sessions)
    headers = token_headers(session, email)
    api = small.test_client()
    assert api.get(f"/api/v1/ledger/exports/{job.id}", headers=headers).status_code == seen
    assert api.get(f"/api/v1/ledger/exports/{job.id}/file", headers=headers).status_code == seen
    if email != "bureau2@demo.local":
        page = login(small.test_client(), email)
        for path in ("", "/status", "/file"):
            assert page.get(f"/ledger/exports/{job.id}{path}").status_code == seen


def test_a_job_is_claimed_once(session: orm.Session, ledger: list[LedgerEntry]) -> None:
    first, second = (
        export_jobs.queue_export(
            session, actor=bureau_user(session), filters=export_jobs.queries.Filters(), now=NOW
        )
        for _ in range(2)
    )
    session.commit()
    claimed = [export_jobs.claim_next(session, now=NOW) for _ in range(3)]
    assert [job.id if job else None for job in claimed] == [first.id, second.id, None]
    assert {first.status, second.status} == {ExportStatus.RUNNING}
    # The claim's own condition: a job no longer queued is not taken, whoever asks.
    taken = session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == first.id, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING)
        .returning(ExportJob.id)
    ).all()
    assert taken == []


def test_a_job_whose_heartbeat_stopped_is_marked_failed_and_says_so(
    small: Flask, session: orm.Session, ledger: list[LedgerEntry]
) -> None:
    def running(beat: timedelta) -> ExportJob:
        job = export_jobs.queue_export(
            session, actor=bureau_user(session), filters=export_jobs.queries.Filters(), now=NOW
        )
        job.status, job.heartbeat_at = ExportStatus.RUNNING, NOW - beat
        return job

    dead, alive = running(timedelta(minutes=3)), running(timedelta(seconds=30))
    session.commit()
    assert export_jobs.fail_interrupted(session, now=NOW) == 1
    session.commit()
    session.refresh(dead)
    session.refresh(alive)
    assert (dead.status, dead.error) == (ExportStatus.FAILED, export_jobs.INTERRUPTED)
    assert alive.status == ExportStatus.RUNNING
    client = login(small.test_client(), "bureau@demo.local")
    status = client.get(f"/ledger/exports/{dead.id}/status", headers={"Accept-Language": "en"})
    assert "interrupted by a restart" in status.json["text"]


def test_a_job_stopped_with_its_process_is_queued_again_without_a_file(
    small: Flask, session: orm.Session, sessions: tuple[orm.Session, orm.Session], ledger: Any
) -> None:
    job = export_jobs.queue_export(
        session, actor=bureau_user(session), filters=export_jobs.queries.Filters(), now=NOW
    )
    session.commit()
    with pytest.raises(export_jobs.Stopped):
        run_next(small, sessions, every=10, stopping=lambda: True)
    session.refresh(job)
    assert (job.status, job.rows_done, job.file_name) == (ExportStatus.QUEUED, 0, None)
    exports = small.config["ADVISOR"].exports_dir
    assert list(exports.iterdir()) == []
    run_next(small, sessions)  # and it runs again to the end
    session.refresh(job)
    assert job.status == ExportStatus.DONE


def test_a_job_of_a_user_since_deactivated_fails(
    small: Flask, session: orm.Session, sessions: tuple[orm.Session, orm.Session], ledger: Any
) -> None:
    actor = bureau_user(session)
    job = export_jobs.queue_export(
        session, actor=actor, filters=export_jobs.queries.Filters(), now=NOW
    )
    actor.is_active = False
    session.commit()
    run_next(small, sessions)
    session.refresh(job)
    assert job.status == ExportStatus.FAILED and "no longer" in (job.error or "")


def test_old_exports_are_removed_with_their_files(
    small: Flask, session: orm.Session, sessions: tuple[orm.Session, orm.Session], ledger: Any
) -> None:
    job = export_jobs.queue_export(
        session, actor=bureau_user(session), filters=export_jobs.queries.Filters(), now=NOW
    )
    session.commit()
    run_next(small, sessions)
    exports: Path = small.config["ADVISOR"].exports_dir
    file = exports / (job.file_name or "")
    assert file.is_file()
    kept = dict(exports_dir=exports, days=7)
    assert export_jobs.remove_old_exports(session, now=NOW + timedelta(days=6), **kept) == 0
    assert file.is_file()
    assert export_jobs.remove_old_exports(session, now=NOW + timedelta(days=8), **kept) == 1
    session.commit()
    assert not file.exists() and session.get(ExportJob, job.id) is None


def test_the_worker_runs_a_job_on_its_own_connections(database_url: str, tmp_path: Path) -> None:
    """With the reads and the writes on separate connections that really commit, as in
    the scheduler: on SQLite the read must not begin by taking the write lock, or the
    job's first progress commit fails at once with "database is locked"."""
    from advisor.accounts.models import User
    from advisor.demo.bureau import load_demo
    from advisor.ledger import queries
    from tests.factories.apps import separate_app

    with separate_app(database_url, tmp_path, "exports") as (app, _url):
        with app.app_context():
            load_demo(db.session)
            bureau = db.session.scalar(sa.select(User).where(User.email == "bureau@demo.local"))
            assert bureau is not None
            services.record_work(
                db.session,
                entry_on=date(2025, 1, 1),
                advisor_id=1,
                school_id=1,
                kind=Kind.CONSULTATION.value,
                description="一项工作",
                minutes=30,
            )
            job = export_jobs.queue_export(
                db.session, actor=bureau, filters=queries.Filters(), now=NOW
            )
            db.session.commit()
            job_id = job.id
        app.config["ADVISOR"] = app.config["ADVISOR"].but(bureau_name="乌苏市教科局")
        assert export_jobs.run_pending(app, stopping=lambda: False, clock=clock) == 1
        with app.app_context():
            done = db.session.get_one(ExportJob, job_id)
            assert (done.status, done.error, done.rows_done) == (ExportStatus.DONE, None, 1)
            written = export_jobs.file_path(app.config["ADVISOR"].exports_dir, done)
            assert written is not None
            # The configured bureau and the job's clock in Beijing time head the sheet.
            assert title(written.read_bytes()) == (
                "乌苏市教科局 法律顾问工作台账（全部日期）　制表时间：2026年3月2日 12:00"
            )
