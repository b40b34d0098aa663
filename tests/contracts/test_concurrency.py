"""Real concurrent requests on one contract: exactly one transition happens, the rest get 409.

These run against a database outside the per-test transaction (a fresh SQLite file,
or a fresh PostgreSQL database next to TEST_DATABASE_URL), because concurrency
needs separate connections that really commit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractEvent
from advisor.directory import services as directory
from advisor.directory.validation import credit_check_char
from advisor.extensions import alembic, db
from tests.conftest import make_config
from tests.documents import make_pdf
from tests.separate_db import separate_database

WORKERS = 8


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("concurrency")
    with separate_database(database_url, tmp, "concurrency") as url:
        yield from _live_app(tmp, url)


def _live_app(tmp: Path, url: str) -> Iterator[Flask]:
    app = create_app(make_config(tmp, url))
    with app.app_context():
        alembic.upgrade()
        session = db.session
        first17 = "31650000CC0000001"
        firm = directory.save_law_firm(
            session,
            directory.LawFirmData(
                name="并发测试律师事务所", credit_code=first17 + credit_check_char(first17)
            ),
        )
        advisor = directory.save_advisor(
            session,
            directory.AdvisorData(
                name="并发律师",
                law_firm_id=firm.id,
                licence_no="16500202010000001",
                appointed_on=date(2025, 1, 1),
            ),
        )
        school = directory.save_school(
            session, directory.SchoolData(code="CC001", name="并发测试学校", level="primary")
        )
        directory.assign_advisor(
            session,
            school=school,
            advisor=advisor,
            kind="primary",
            starts_on=date(2025, 1, 1),
            actor=None,
            today=date(2025, 1, 1),
        )
        accounts.create_user(
            session,
            email="school@cc.local",
            name="学校",
            role="school",
            password="secret-pass-1",
            school_id=school.id,
        )
        accounts.create_user(
            session,
            email="advisor@cc.local",
            name="律师",
            role="advisor",
            password="secret-pass-1",
            advisor_id=advisor.id,
        )
        session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _submitted_contract(app: Flask) -> tuple[int, int, str]:
    """A new submitted contract, its lock version and the advisor's API token."""
    with app.app_context():
        session = db.session
        school_user = accounts.get_user_by_email(session, "school@cc.local")
        advisor_user = accounts.get_user_by_email(session, "advisor@cc.local")
        assert school_user and advisor_user
        data = make_pdf()
        contract = contracts.submit_contract(
            session,
            actor=school_user,
            store=FileStore(app.config["ADVISOR"].files_dir),
            today=date(2026, 3, 2),
            now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
            data=contracts.ContractData(
                title="并发合同",
                counterparty="某公司",
                contract_type="service",
                amount=Decimal("1000"),
                start_on=date(2026, 3, 1),
                end_on=date(2026, 12, 31),
            ),
            upload=contracts.Upload("合同.pdf", data, inspect(data, Limits())),
        )
        _, token = accounts.create_token(session, advisor_user, "tab")
        session.commit()
        return contract.id, contract.lock_version, token


def _at_once(app: Flask, requests: list[tuple[str, dict[str, object], str]]) -> list[int]:
    """Send the requests from separate threads, released together by a barrier."""
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, dict[str, object], str]) -> int:
        path, body, token = request
        client = app.test_client()
        barrier.wait()
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.is_json, response.get_data(as_text=True)[:300]
        return response.status_code

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def test_tabs_starting_the_same_review_at_once_make_one_transition(live: Flask) -> None:
    contract_id, lock, token = _submitted_contract(live)
    path = f"/api/v1/contracts/{contract_id}/start"
    statuses = _at_once(live, [(path, {"lock_version": lock}, token)] * WORKERS)
    assert sorted(statuses) == [200] + [409] * (WORKERS - 1)
    with live.app_context():
        contract = db.session.get(Contract, contract_id)
        assert contract is not None
        assert contract.status == "in_review"
        assert contract.lock_version == lock + 1
        starts = db.session.scalar(
            sa.select(sa.func.count(ContractEvent.id)).where(
                ContractEvent.contract_id == contract_id, ContractEvent.action == "start"
            )
        )
        assert starts == 1


def test_concurrent_reviews_issue_exactly_one_opinion(live: Flask) -> None:
    contract_id, lock, token = _submitted_contract(live)
    with live.test_client() as client:
        started = client.post(
            f"/api/v1/contracts/{contract_id}/start",
            headers={"Authorization": f"Bearer {token}"},
            json={},
        )
        assert started.status_code == 200
        lock = started.json["lock_version"]
    body = {
        "outcome": "approve",
        "summary": "同意签订",
        "minutes_spent": 30,
        "lock_version": lock,
        "findings": [],
    }
    path = f"/api/v1/contracts/{contract_id}/reviews"
    statuses = _at_once(live, [(path, body, token)] * WORKERS)
    assert statuses.count(201) == 1 and statuses.count(409) == WORKERS - 1, statuses
    with live.app_context():
        from advisor.ledger.models import LedgerEntry
        from advisor.reviews.models import Review

        issued = db.session.scalar(
            sa.select(sa.func.count(Review.id)).where(
                Review.contract_id == contract_id, Review.status == "issued"
            )
        )
        entries = db.session.scalar(
            sa.select(sa.func.count(LedgerEntry.id)).where(LedgerEntry.contract_id == contract_id)
        )
        assert (issued, entries) == (1, 1)


def test_tabs_saving_a_first_draft_at_once_make_one_draft(live: Flask) -> None:
    """Each save waits its turn on the contract's row and finds the draft the first one
    made, instead of breaking the one-draft-per-contract index (which would be a 500)."""
    contract_id, lock, token = _submitted_contract(live)
    with live.test_client() as client:
        started = client.post(
            f"/api/v1/contracts/{contract_id}/start",
            headers={"Authorization": f"Bearer {token}"},
            json={"lock_version": lock},
        )
        assert started.status_code == 200
    tabs = []
    for _ in range(WORKERS):
        tab = live.test_client()
        signed_in = tab.post(
            "/login", data={"email": "advisor@cc.local", "password": "secret-pass-1"}
        )
        assert signed_in.status_code == 302
        tabs.append(tab)
    barrier = threading.Barrier(WORKERS)

    def save(n: int) -> int:
        form = {
            "action": "save",
            "outcome": "",
            "summary": f"第{n}个标签页",
            "minutes_spent": "10",
            "findings-0-dimension": "clarity",
            "findings-0-severity": "medium",
            "findings-0-problem": f"第{n}个标签页写的问题",
        }
        barrier.wait()
        return tabs[n].post(f"/contracts/{contract_id}/review", data=form).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(save, range(WORKERS)))
    assert statuses == [302] * WORKERS
    with live.app_context():
        from advisor.reviews.models import Finding, Review

        drafts = db.session.scalars(
            sa.select(Review).where(Review.contract_id == contract_id, Review.status == "draft")
        ).all()
        assert len(drafts) == 1
        findings = db.session.scalar(
            sa.select(sa.func.count(Finding.id)).where(Finding.review_id == drafts[0].id)
        )
        assert findings == 1
