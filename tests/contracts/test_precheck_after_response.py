"""Uploads pre-checked after their answer (PRECHECK_AFTER_RESPONSE, issue 19, item 4): the
version is pending in the upload's transaction, the pages and the API say the pre-check is
still running (never that it found nothing), the hits are stored once the answer has been
sent, and what a stopped process left pending is run by the scheduler's job. The page
upload, the page revision and the API's upload and revision all go the same way.

Under ``testing`` the runner runs a version in the thread that hands it over: closing the
response (what the server does once the answer is sent) runs the pre-check, so nothing
here waits."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm
from werkzeug.test import TestResponse

from advisor.contracts.models import Contract, ContractVersion
from advisor.extensions import db
from advisor.precheck import engine, jobs, services
from advisor.precheck.models import MAX_ATTEMPTS, PrecheckHit, PrecheckPending
from advisor.precheck.services import CARRIED
from advisor.reminders import scheduler
from tests.conftest import login
from tests.documents import CONTRACT_LINES, make_pdf
from tests.factories import NOW
from tests.factories.contracts import current_contract, submit_contract
from tests.factories.people import holder, token_headers
from tests.factories.reviews import issue_review, start_review

# A blank to fill in: the pre-check's blank_field rule marks it on every contract type.
BLANK_LINE = "第五条 交货地点：甲方食堂，交货时间为每周____日上午。"
FIELDS = {
    "title": "食堂食材采购合同（预审在答复之后）",
    "counterparty": "乌苏市丰收食品有限公司",
    "contract_type": "catering",
    "amount": "12,000.00",
    "start_date": "2026-03-01",
    "end_date": "2026-12-31",
}


def contract_file() -> io.BytesIO:
    return io.BytesIO(make_pdf([[*CONTRACT_LINES[:-1], BLANK_LINE, CONTRACT_LINES[-1]]]))


@pytest.fixture()
def deferring(make_app: Callable[..., Flask]) -> Flask:
    """The web server's app: it pre-checks uploads after their answer."""
    return make_app(precheck_after_response=True)


@dataclass
class Uploaded:
    response: TestResponse
    contract_id: int


def reviewed_contract(app: Flask, session: orm.Session) -> Contract:
    """A contract of WS001 reviewed with changes, so its school may upload a revision."""
    contract = submit_contract(app, session, 1)
    start_review(session, contract)
    issue_review(session, contract)
    session.commit()
    return contract


def page_upload(app: Flask, session: orm.Session) -> Uploaded:
    school = login(app.test_client(), "school01@demo.local")
    response = school.post("/contracts/new", data={**FIELDS, "file": (contract_file(), "合同.pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return Uploaded(response, int(response.headers["Location"].rsplit("/", 1)[1]))


def page_revision(app: Flask, session: orm.Session) -> Uploaded:
    contract = reviewed_contract(app, session)
    school = login(app.test_client(), "school01@demo.local")
    response = school.post(
        f"/contracts/{contract.id}/versions",
        data={
            "file": (contract_file(), "合同（修改稿）.pdf"),
            "note": "已按意见修改",
            "lock_version": str(contract.lock_version),
        },
    )
    assert response.status_code == 302
    return Uploaded(response, contract.id)


def api_upload(app: Flask, session: orm.Session) -> Uploaded:
    headers = token_headers(session, "school01@demo.local")
    response = app.test_client().post(
        "/api/v1/contracts",
        headers=headers,
        data={**FIELDS, "file": (contract_file(), "合同.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json is not None
    assert response.json["versions"][-1]["precheck"] == "running"
    assert response.json["precheck"] == []
    return Uploaded(response, response.json["id"])


def api_revision(app: Flask, session: orm.Session) -> Uploaded:
    contract = reviewed_contract(app, session)
    headers = token_headers(session, "school01@demo.local")
    response = app.test_client().post(
        f"/api/v1/contracts/{contract.id}/versions",
        headers=headers,
        data={
            "file": (contract_file(), "合同（修改稿）.pdf"),
            "note": "已按意见修改",
            "lock_version": str(contract.lock_version),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json is not None
    assert [v["precheck"] for v in response.json["versions"]] == ["done", "running"]
    return Uploaded(response, contract.id)


UPLOADS = {
    "page": page_upload,
    "page revision": page_revision,
    "API": api_upload,
    "API revision": api_revision,
}


def latest_version(session: orm.Session, contract_id: int) -> ContractVersion:
    session.expire_all()
    return current_contract(session, contract_id).versions[-1]


def hits_on(session: orm.Session, version: ContractVersion) -> list[str]:
    return list(
        session.scalars(
            sa.select(PrecheckHit.rule)
            .where(PrecheckHit.version_id == version.id)
            .order_by(PrecheckHit.id)
        )
    )


def pending(session: orm.Session, version: ContractVersion) -> PrecheckPending | None:
    session.expire_all()
    return session.get(PrecheckPending, version.id)


def shown(app: Flask, session: orm.Session, contract_id: int) -> dict[str, Any]:
    """What the contract's advisor sees on the contract page, the review page (the review
    started) and the API, in Chinese for the pages."""
    contract = current_contract(session, contract_id)
    if contract.status == "submitted":
        start_review(session, contract)
        session.commit()
    advisor = login(app.test_client(), "advisor01@demo.local")
    headers = {"Accept-Language": "zh"}
    detail = advisor.get(f"/contracts/{contract_id}", headers=headers).get_data(as_text=True)
    review = advisor.get(f"/contracts/{contract_id}/review", headers=headers)
    assert review.status_code == 200
    api = app.test_client().get(
        f"/api/v1/contracts/{contract_id}",
        headers=token_headers(session, "advisor01@demo.local"),
    )
    assert api.json is not None
    return {
        "detail": detail,
        "review": review.get_data(as_text=True),
        "api": api.json["versions"][-1]["precheck"],
        "api hits": [
            h["rule"]
            for h in api.json["precheck"]
            if h["version"] == api.json["versions"][-1]["number"]
        ],
    }


RUNNING_ZH = "智能预审仍在进行"


@pytest.mark.parametrize("path", UPLOADS)
def test_an_upload_is_answered_before_its_precheck_which_runs_once_the_answer_is_sent(
    deferring: Flask, session: orm.Session, path: str
) -> None:
    uploaded = UPLOADS[path](deferring, session)
    version = latest_version(session, uploaded.contract_id)
    assert pending(session, version) is not None
    assert hits_on(session, version) == []

    while_running = shown(deferring, session, uploaded.contract_id)
    for page in ("detail", "review"):
        assert 'data-testid="precheck-running"' in while_running[page]
        assert RUNNING_ZH in while_running[page]
        assert 'data-testid="precheck-note"' not in while_running[page]
    assert 'data-testid="precheck"' not in while_running["review"]  # no empty list of hits
    assert while_running["api"] == "running" and while_running["api hits"] == []

    uploaded.response.close()  # the answer is sent: the runner pre-checks the version

    assert pending(session, version) is None
    assert "blank_field" in hits_on(session, version)
    done = shown(deferring, session, uploaded.contract_id)
    assert 'data-testid="precheck-running"' not in done["detail"]
    assert 'data-testid="precheck-note"' in done["detail"]
    assert 'data-testid="precheck"' in done["review"]
    assert done["api"] == "done" and "blank_field" in done["api hits"]


def test_an_upload_refused_leaves_nothing_pending(deferring: Flask, session: orm.Session) -> None:
    before = session.scalar(sa.select(sa.func.count()).select_from(PrecheckPending))
    school = login(deferring.test_client(), "school01@demo.local")
    fields = {**FIELDS, "file": (io.BytesIO(b"not a contract"), "合同.pdf")}
    school.post("/contracts/new", data=fields).close()
    assert session.scalar(sa.select(sa.func.count()).select_from(PrecheckPending)) == before


@pytest.fixture()
def left_pending(deferring: Flask, session: orm.Session) -> Iterator[ContractVersion]:
    """An upload whose web process stopped before its pre-check ran: the answer was never
    closed, so the runner never had the version (its queue went with the process)."""
    uploaded = page_upload(deferring, session)
    yield latest_version(session, uploaded.contract_id)


def test_the_scheduler_runs_a_precheck_a_stopped_process_left_pending(
    app: Flask, session: orm.Session, left_pending: ContractVersion
) -> None:
    assert scheduler.WORK["precheck"] is jobs.run_pending_prechecks
    assert scheduler.JOBS["precheck"] == {"minutes": 1}
    queued = left_pending.uploaded_at
    config = app.config["ADVISOR"]
    with app.app_context():
        # Within a minute of the upload the job leaves it to the process that took it.
        soon = jobs.run_pending_prechecks(db.session, queued + timedelta(seconds=30), config)
    assert soon == "prechecked 0 of 0 pending"
    assert pending(session, left_pending) is not None

    # After a restart: the scheduler process (an app that pre-checks in the request) runs
    # the job as it does every minute.
    with app.app_context():
        result = scheduler.run_job("precheck", now=queued + timedelta(minutes=2))
    assert result == "prechecked 1 of 1 pending"
    assert pending(session, left_pending) is None
    assert "blank_field" in hits_on(session, left_pending)


def test_two_runs_of_one_pending_precheck_store_its_hits_once(
    app: Flask, session: orm.Session, left_pending: ContractVersion
) -> None:
    # The runner and the scheduler's job both read the version before either stored it.
    first = services.pending_check(session, left_pending.id)
    second = services.pending_check(session, left_pending.id)
    assert first is not None and second is not None
    hits = engine.run(first.pages, contract_type=first.contract_type, amount=first.amount)
    assert services.store_pending_hits(session, first, hits) is not None
    assert services.store_pending_hits(session, second, hits) is None
    session.commit()
    assert hits_on(session, left_pending) == [hit.rule for hit in hits]
    with app.app_context():
        assert jobs.run_pending_precheck(db.session, left_pending.id) is False


def test_a_failing_precheck_is_retried_then_given_up_and_the_pages_say_so(
    app: Flask,
    deferring: Flask,
    session: orm.Session,
    left_pending: ContractVersion,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise RuntimeError("a rule broke")

    monkeypatch.setattr(engine, "run", broken)
    later = left_pending.uploaded_at + timedelta(minutes=2)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert (
            'data-testid="precheck-running"'
            in shown(deferring, session, left_pending.contract_id)["detail"]
        )
        with app.app_context():
            jobs.run_pending_prechecks(db.session, later, app.config["ADVISOR"])
        row = pending(session, left_pending)
        assert row is not None and row.attempts == attempt
    assert "pre-check of version" in caplog.text and "a rule broke" in caplog.text

    failed = shown(deferring, session, left_pending.contract_id)
    for page in ("detail", "review"):
        assert 'data-testid="precheck-failed"' in failed[page]
        assert "智能预审未能完成" in failed[page]
        assert 'data-testid="precheck-running"' not in failed[page]
    assert failed["api"] == "failed"
    with app.app_context():  # given up: the job leaves it
        result = jobs.run_pending_prechecks(db.session, later, app.config["ADVISOR"])
    assert result == "prechecked 0 of 0 pending"


def test_without_the_setting_the_upload_is_prechecked_in_its_request(
    app: Flask, session: orm.Session
) -> None:
    uploaded = page_upload(app, session)
    version = latest_version(session, uploaded.contract_id)
    assert pending(session, version) is None
    assert "blank_field" in hits_on(session, version)


def test_a_dismissal_carries_to_a_revision_pre_checked_after_its_answer(
    app: Flask, deferring: Flask, session: orm.Session
) -> None:
    """The advisor dismissed the blank on version 1; version 2 has the same blank, and its
    pre-check, run after the answer, keeps it dismissed with the same reason."""
    lines = [*CONTRACT_LINES[:-1], BLANK_LINE, CONTRACT_LINES[-1]]
    contract = submit_contract(app, session, 1, lines=lines)
    start_review(session, contract)
    [blank] = session.scalars(
        sa.select(PrecheckHit).where(
            PrecheckHit.contract_id == contract.id, PrecheckHit.rule == "blank_field"
        )
    )
    services.dismiss(
        session,
        actor=holder(session, contract),
        contract=contract,
        hit=blank,
        reason="学校已口头确认每周一送货",
        now=NOW,
    )
    issue_review(session, contract)
    session.commit()
    school = login(deferring.test_client(), "school01@demo.local")
    response = school.post(
        f"/contracts/{contract.id}/versions",
        data={
            "file": (contract_file(), "合同（修改稿）.pdf"),
            "note": "已按意见修改",
            "lock_version": str(contract.lock_version),
        },
    )
    assert response.status_code == 302
    version = latest_version(session, contract.id)
    assert pending(session, version) is not None and hits_on(session, version) == []
    response.close()

    [carried] = session.scalars(
        sa.select(PrecheckHit).where(
            PrecheckHit.version_id == version.id, PrecheckHit.rule == "blank_field"
        )
    )
    assert (carried.status, carried.reason) == ("dismissed", "学校已口头确认每周一送货")
    assert [e.action for e in current_contract(session, contract.id).events].count(CARRIED) == 1
