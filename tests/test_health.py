"""/healthz and /readyz (issue 16, item 4): small JSON for anybody, naming each check
ok or failed and nothing else; 503 when the database, the migrations, the files folder
or the scheduler's heartbeat is not as it should be."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.health import heartbeat_limit
from advisor.reminders.models import JobRun
from tests.conftest import login
from tests.test_security import assert_secure

CHECKS = {"database", "migrations", "files", "scheduler"}


def beat(session: orm.Session, ago: timedelta, *, job: str = "send_due") -> None:
    """A scheduler job that started ``ago`` and has finished (or is still running)."""
    now = datetime.now(UTC)
    session.add(JobRun(job=job, started_at=now - ago, finished_at=None, result="running"))
    session.commit()


def readyz(app: Flask) -> tuple[int, dict[str, object]]:
    response = app.test_client().get("/readyz")
    assert_secure(response)
    assert response.is_json
    return response.status_code, response.json


def test_the_heartbeat_limit_is_twice_the_shortest_interval() -> None:
    assert heartbeat_limit() == timedelta(minutes=2)  # send_due runs every minute


def test_healthz_answers_anybody_with_nothing_but_ok(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert_secure(response)


def test_ready_when_every_check_passes(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    beat(session, timedelta(seconds=90))
    status, body = readyz(make_app())
    assert status == 200
    # Nothing but the check names and their outcome: no versions, paths or error texts.
    assert body == {"status": "ready", "checks": dict.fromkeys(CHECKS, "ok")}


def test_a_scheduler_that_has_never_run_is_not_ready(app: Flask) -> None:
    status, body = readyz(app)  # the suite runs no scheduler
    assert status == 503
    assert body == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "ok", "files": "ok", "scheduler": "failed"},
    }


def test_a_stale_heartbeat_is_not_ready(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    beat(session, timedelta(minutes=2, seconds=30))
    session.add(
        JobRun(
            job="plan",
            started_at=datetime.now(UTC) - timedelta(minutes=5),
            finished_at=datetime.now(UTC) - timedelta(minutes=2, seconds=5),
            result="planned 0",
        )
    )
    session.commit()
    status, body = readyz(make_app())
    assert status == 503 and body["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "files": "ok",
        "scheduler": "failed",
    }


def test_a_recently_finished_job_is_a_heartbeat(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    """A long job (a daily backup) started long ago but finished a minute ago counts."""
    now = datetime.now(UTC)
    session.add(
        JobRun(
            job="anchor",
            started_at=now - timedelta(hours=1),
            finished_at=now - timedelta(minutes=1),
            result="ok",
        )
    )
    session.commit()
    assert readyz(make_app())[0] == 200


def test_without_a_scheduler_expected_the_check_is_left_out(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    status, body = readyz(make_app(scheduler_expected=False))
    assert status == 200
    assert body == {"status": "ready", "checks": dict.fromkeys(CHECKS - {"scheduler"}, "ok")}


def test_a_database_behind_the_migrations_is_not_ready(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    beat(session, timedelta(seconds=10))
    session.execute(sa.text("UPDATE alembic_version SET version_num = '1700000000'"))
    session.commit()
    status, body = readyz(make_app())
    assert status == 503 and body["checks"] == {
        "database": "ok",
        "migrations": "failed",
        "files": "ok",
        "scheduler": "ok",
    }


def test_an_unwritable_files_folder_is_not_ready(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    # The suite runs as root, whom chmod does not stop: the folder's parent is a file.
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    beat(session, timedelta(seconds=10))
    status, body = readyz(make_app(files_path=blocker / "files"))
    assert status == 503 and body["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "files": "failed",
        "scheduler": "ok",
    }


def test_the_files_check_leaves_nothing_behind(
    make_app: Callable[..., Flask], session: orm.Session, tmp_path: Path
) -> None:
    beat(session, timedelta(seconds=10))
    assert readyz(make_app(files_path=tmp_path / "files"))[0] == 200
    assert list((tmp_path / "files").iterdir()) == []


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_signed_in_visitor_gets_the_same_answer(
    app: Flask, make_app: Callable[..., Flask], session: orm.Session, path: str
) -> None:
    """The checks do not depend on who asks (nor load the user: see test_database_outage)."""
    beat(session, timedelta(seconds=10))
    other = make_app()
    anonymous = other.test_client().get(path)
    bureau = login(other.test_client(), "bureau@demo.local").get(path)
    assert bureau.status_code == anonymous.status_code == 200
    assert bureau.json == anonymous.json
