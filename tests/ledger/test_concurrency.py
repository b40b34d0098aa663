"""Concurrent appends through the API never fork the chain or leave a gap.

These run against a database outside the per-test transaction (a fresh SQLite file, or
a fresh PostgreSQL database ``<name>_ledger`` next to TEST_DATABASE_URL), because
concurrency needs separate connections that really commit. On PostgreSQL the head row's
lock makes 20 writers wait their turn, so all succeed; on SQLite a writing request takes
the write lock when it begins (BEGIN IMMEDIATE), so writers queue there too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.directory import services as directory
from advisor.directory.models import AssignmentKind
from advisor.directory.validation import credit_check_char
from advisor.extensions import alembic, db
from advisor.ledger import services
from advisor.ledger.models import LedgerEntry, LedgerHead
from advisor.workdays import today_local
from tests.conftest import make_config
from tests.separate_db import separate_database

Request = tuple[str, dict[str, Any], str]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    """An app on its own migrated database: one firm, two advisors serving a school, the
    bureau."""
    tmp = tmp_path_factory.mktemp("ledger_concurrency")
    with separate_database(database_url, tmp, "ledger") as url:
        yield from _live_app(tmp, url)


def _live_app(tmp: Path, url: str) -> Iterator[Flask]:
    app = create_app(make_config(tmp, url))
    with app.app_context():
        alembic.upgrade()
        session = db.session
        first17 = "31650000LC0000001"
        firm = directory.save_law_firm(
            session,
            directory.LawFirmData(
                name="台账并发测试律师事务所", credit_code=first17 + credit_check_char(first17)
            ),
        )
        school = directory.save_school(
            session, directory.SchoolData(code="LC001", name="台账并发测试学校", level="primary")
        )
        for n in (1, 2):
            advisor = directory.save_advisor(
                session,
                directory.AdvisorData(
                    name=f"并发律师{n}",
                    law_firm_id=firm.id,
                    licence_no=f"1650020201000000{n}",
                    appointed_on=date(2025, 1, 1),
                ),
            )
            accounts.create_user(
                session,
                email=f"advisor{n}@lc.local",
                name=f"律师{n}",
                role="advisor",
                password="secret-pass-1",
                advisor_id=advisor.id,
            )
            # The advisors serve the school (first primary, second backup): an advisor's
            # entry names a school they serve.
            directory.assign_advisor(
                session,
                school=school,
                advisor=advisor,
                kind=AssignmentKind.PRIMARY if n == 1 else AssignmentKind.BACKUP,
                starts_on=date(2025, 1, 1),
                actor=None,
                today=date(2025, 1, 1),
            )
        accounts.create_user(
            session, email="bureau@lc.local", name="教科局", role="bureau", password="secret-pass-1"
        )
        session.commit()
        assert school.id
    yield app
    with app.app_context():
        db.engine.dispose()


def _is_postgres(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def _token(app: Flask, email: str) -> str:
    with app.app_context():
        user = accounts.get_user_by_email(db.session, email)
        assert user is not None
        _, clear = accounts.create_token(db.session, user, "concurrency")
        db.session.commit()
        return clear


def _ids(app: Flask) -> tuple[int, int, int]:
    """(advisor 1, advisor 2, school) ids."""
    with app.app_context():
        users = [accounts.get_user_by_email(db.session, f"advisor{n}@lc.local") for n in (1, 2)]
        school = db.session.scalar(sa.text("SELECT id FROM school WHERE code = 'LC001'"))
        assert users[0] and users[1] and users[0].advisor_id and users[1].advisor_id
        return users[0].advisor_id, users[1].advisor_id, int(school)


def _at_once(app: Flask, requests: list[Request]) -> list[Any]:
    """POST the requests from separate threads, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def send(request: Request) -> Any:
        path, body, token = request
        client = app.test_client()
        barrier.wait()
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.is_json, response.get_data(as_text=True)[:300]
        return response.status_code, response.json

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def _assert_chain_is_whole(app: Flask) -> list[int]:
    """The sequence numbers are exactly 1..k, the head agrees, and the chain verifies."""
    with app.app_context():
        seqs = list(db.session.scalars(sa.select(LedgerEntry.seq).order_by(LedgerEntry.seq)))
        assert seqs == list(range(1, len(seqs) + 1))
        head = db.session.get(LedgerHead, 1)
        assert head is not None and head.seq == len(seqs)
        result = services.verify_chain(db.session)
        assert result.ok and result.checked == len(seqs), result
        return seqs


def _assert_clean(outcomes: list[Any]) -> list[dict[str, Any]]:
    """Every answer is a 201 with the entry or a 409 JSON error; returns the entries."""
    for status, body in outcomes:
        assert status in (201, 409), (status, body)
        if status == 409:
            assert body["error"]["code"] == "conflict", body
    return [body for status, body in outcomes if status == 201]


def test_concurrent_writers_never_fork_the_chain_or_leave_a_gap(live: Flask) -> None:
    postgres = _is_postgres(live)
    writers = 20 if postgres else 8
    advisor1, advisor2, school = _ids(live)
    tokens = {
        "advisor1": _token(live, "advisor1@lc.local"),
        "advisor2": _token(live, "advisor2@lc.local"),
        "bureau": _token(live, "bureau@lc.local"),
    }
    before = len(_assert_chain_is_whole(live))
    requests: list[Request] = []
    for i in range(writers):
        who = ("advisor1", "advisor2", "bureau")[i % 3]
        body = {
            "date": today_local().isoformat(),
            "school_id": school,
            "kind": "consultation",
            "description": f"并发登记第{i}条",
            "minutes": 10 + i,
            "advisor_id": advisor1 if who == "bureau" else None,
        }
        requests.append(("/api/v1/ledger", body, tokens[who]))
    created = _assert_clean(_at_once(live, requests))
    # PostgreSQL: the head row lock queues them; SQLite: a writing request begins
    # IMMEDIATE, so writers wait for the lock instead of failing. Nobody is refused.
    assert len(created) == writers
    seqs = _assert_chain_is_whole(live)
    assert len(seqs) == before + len(created)
    assert sorted(e["seq"] for e in created) == seqs[before:]
    assert {e["advisor_id"] for e in created} <= {advisor1, advisor2}
    by_bureau = {body["description"] for _, body, token in requests if token == tokens["bureau"]}
    for entry in created:
        assert entry["on_behalf"] == (entry["description"] in by_bureau), entry


def test_concurrent_corrections_of_one_entry_make_exactly_one(live: Flask) -> None:
    advisor1, _, school = _ids(live)
    token = _token(live, "advisor1@lc.local")
    with live.test_client() as client:
        original = client.post(
            "/api/v1/ledger",
            json={
                "date": today_local().isoformat(),
                "school_id": school,
                "kind": "lecture",
                "description": "法治讲座",
                "minutes": 60,
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert original.status_code == 201
    before = len(_assert_chain_is_whole(live))
    path = f"/api/v1/ledger/{original.json['id']}/correct"
    requests: list[Request] = [
        (
            path,
            {
                "date": today_local().isoformat(),
                "school_id": school,
                "kind": "lecture",
                "description": f"更正{i}",
                "minutes": 90,
            },
            token,
        )
        for i in range(8)
    ]
    created = _assert_clean(_at_once(live, requests))
    assert len(created) == 1
    assert created[0]["supersedes_id"] == original.json["id"]
    assert created[0]["advisor_id"] == advisor1
    seqs = _assert_chain_is_whole(live)
    assert seqs[before:] == [created[0]["seq"]]
