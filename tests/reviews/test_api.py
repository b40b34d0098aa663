"""Reviews through the API (API.md "Reviews"): issuing with findings, return, the lock,
refusals in the documented error format, the contract's reviews, feedback, closing, and
the caller's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts.models import Notification
from advisor.contracts.models import Status
from advisor.ledger.models import LedgerEntry
from advisor.reviews import services
from advisor.reviews.models import Feedback
from tests.factories import NOW
from tests.factories.contracts import current_contract, submit_revision
from tests.factories.people import holder, school_user, token_headers
from tests.factories.reviews import FINDINGS, issue_review, review_data, start_review

API_FINDINGS = [
    {
        "dimension": f.dimension,
        "severity": f.severity,
        "clause": f.clause,
        "problem": f.problem,
        "suggestion": f.suggestion,
    }
    for f in FINDINGS
]
# What a signing records besides (tests/reviews/test_seal_use.py).
SEAL_USE = {"seal": "official", "approved_by": "李校长", "used_on": "2026-11-13", "copies": 2}
REVIEW_KEYS = {"id", "number", "outcome", "summary", "minutes_spent", "findings", "issued_at"}


def body(outcome: str = "approve_with_changes", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "outcome": outcome,
        "summary": "第三条违约金条款修改后可以签订。",
        "minutes_spent": 90,
        "findings": API_FINDINGS,
    }
    values.update(changes)
    return values


def started(session: orm.Session, contract_id: int = 1) -> int:
    """Start the review of a sample contract; its lock version after that."""
    found = current_contract(session, contract_id)
    start_review(session, found)
    session.commit()
    return found.lock_version


def reviewed(session: orm.Session, contract_id: int = 1) -> None:
    found = current_contract(session, contract_id)
    start_review(session, found)
    issue_review(session, found)
    session.commit()


def post_review(
    client: FlaskClient, headers: dict[str, str], contract_id: int = 1, **kw: Any
) -> Any:
    return client.post(f"/api/v1/contracts/{contract_id}/reviews", json=body(**kw), headers=headers)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


# --- issuing ----------------------------------------------------------------------------


def test_the_advisor_issues_a_review(client: FlaskClient, session: orm.Session) -> None:
    lock = started(session)
    headers = token_headers(session, "advisor01@demo.local")
    response = post_review(client, headers, lock_version=lock)
    assert response.status_code == 201, response.json
    review = response.json
    assert set(review) >= REVIEW_KEYS
    assert review["outcome"] == "approve_with_changes"
    assert review["summary"] == "第三条违约金条款修改后可以签订。"
    assert review["minutes_spent"] == 90
    assert review["number"] and datetime.fromisoformat(review["issued_at"])
    echoed = [
        {k: f[k] for k in ("dimension", "severity", "clause", "problem", "suggestion")}
        for f in review["findings"]
    ]
    assert echoed == API_FINDINGS
    assert all(f["legal_basis"] == "" and f["resolved"] is None for f in review["findings"])

    found = current_contract(session)
    assert found.status == Status.REVIEWED and found.outcome == "approve_with_changes"
    [entry] = session.scalars(sa.select(LedgerEntry).where(LedgerEntry.review_id == review["id"]))
    assert (entry.kind, entry.minutes, entry.outcome) == ("contract_review", 90, "修改后签订")

    shown = client.get("/api/v1/contracts/1", headers=headers).json
    assert shown["status"] == "reviewed" and shown["outcome"] == "approve_with_changes"
    assert shown["reviews"] == [review]


def test_return_sends_the_contract_back(client: FlaskClient, session: orm.Session) -> None:
    lock = started(session)
    headers = token_headers(session, "advisor01@demo.local")
    response = post_review(
        client, headers, outcome="return", findings=API_FINDINGS[:1], lock_version=lock
    )
    assert response.status_code == 201, response.json
    assert response.json["outcome"] == "return"
    school = client.get(
        "/api/v1/contracts/1", headers=token_headers(session, "school01@demo.local")
    ).json
    assert school["status"] == "returned"
    assert school["outcome"] is None
    assert [r["id"] for r in school["reviews"]] == [response.json["id"]]
    assert school["reviews"][0]["findings"][0]["problem"] == FINDINGS[0].problem


def test_the_contract_lists_its_issued_reviews_only(
    app: Flask, client: FlaskClient, session: orm.Session
) -> None:
    found = current_contract(session)
    start_review(session, found)
    returned = issue_review(session, found, "return", findings=FINDINGS[:1])
    submit_revision(app, session, found)
    start_review(session, found)
    services.save_draft(
        session, actor=holder(session, found), contract=found, data=review_data(None), now=NOW
    )
    session.commit()
    shown = client.get("/api/v1/contracts/1", headers=token_headers(session, "bureau@demo.local"))
    assert shown.json["status"] == "in_review"
    assert [r["id"] for r in shown.json["reviews"]] == [returned.id]
    assert [v["number"] for v in shown.json["versions"]] == [1, 2]


def test_a_stale_lock_version_is_409(client: FlaskClient, session: orm.Session) -> None:
    lock = started(session)
    headers = token_headers(session, "advisor01@demo.local")
    error = assert_error(post_review(client, headers, lock_version=lock - 1), 409, "conflict")
    assert "Under review" in error["message"]
    assert current_contract(session).status == Status.IN_REVIEW
    assert services.issued_reviews(session, current_contract(session)) == []


def test_a_refused_transition_names_the_status(client: FlaskClient, session: orm.Session) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    error = assert_error(post_review(client, headers), 409, "conflict")
    assert "Awaiting review" in error["message"]
    assert error["fields"] == {"status": "submitted"}
    assert current_contract(session).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("email", "status", "code"),
    [
        ("school01@demo.local", 403, "forbidden"),
        ("bureau@demo.local", 403, "forbidden"),
        ("advisor02@demo.local", 404, "not_found"),
    ],
)
def test_only_the_holding_advisor_may_review(
    client: FlaskClient, session: orm.Session, email: str, status: int, code: str
) -> None:
    started(session)
    assert_error(post_review(client, token_headers(session, email)), status, code)
    assert services.issued_reviews(session, current_contract(session)) == []


def test_no_token_is_401(client: FlaskClient, session: orm.Session) -> None:
    started(session)
    assert_error(client.post("/api/v1/contracts/1/reviews", json=body()), 401, "unauthorized")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"findings": [{"dimension": "ethics", "severity": "high", "problem": ""}]},
            {"findings-0-dimension", "findings-0-problem"},
        ),
        (
            {"findings": [API_FINDINGS[0], {**API_FINDINGS[1], "severity": "urgent"}]},
            {"findings-1-severity"},
        ),
        ({"findings": "第八条有问题"}, {"findings"}),
        ({"findings": ["第八条有问题"]}, {"findings-0"}),
        # A finding's field is named with the finding's place, like the service names it.
        (
            {"findings": [API_FINDINGS[0], {**API_FINDINGS[1], "problem": 42}]},
            {"findings-1-problem"},
        ),
        ({"minutes_spent": "90"}, {"minutes_spent"}),
        ({"minutes_spent": -5}, {"minutes_spent"}),
        ({"outcome": "return", "findings": []}, {"findings"}),
        ({"summary": ""}, {"summary"}),
        ({"outcome": "sign"}, {"outcome"}),
    ],
    ids=[
        "bad-dimension-no-problem",
        "bad-severity",
        "findings-not-a-list",
        "finding-not-an-object",
        "finding-field-not-text",
        "minutes-as-text",
        "negative-minutes",
        "return-without-findings",
        "no-summary",
        "unknown-outcome",
    ],
)
def test_bad_reviews_are_422_with_fields(
    client: FlaskClient, session: orm.Session, changes: dict[str, Any], fields: set[str]
) -> None:
    lock = started(session)
    response = post_review(
        client, token_headers(session, "advisor01@demo.local"), lock_version=lock, **changes
    )
    error = assert_error(response, 422, "validation_error")
    assert set(error["fields"]) == fields
    assert current_contract(session).status == Status.IN_REVIEW
    assert services.get_draft(session, current_contract(session)) is None


# --- feedback ---------------------------------------------------------------------------


def test_the_school_rates_once(client: FlaskClient, session: orm.Session) -> None:
    reviewed(session)
    headers = token_headers(session, "school01@demo.local")
    response = client.post(
        "/api/v1/contracts/1/feedback", json={"rating": 4, "comment": "很专业"}, headers=headers
    )
    assert response.status_code == 201, response.json
    opinion = services.latest_opinion(session, current_contract(session))
    assert opinion is not None
    assert response.json == {
        "id": response.json["id"],
        "review_id": opinion.id,
        "rating": 4,
        "comment": "很专业",
    }
    again = client.post("/api/v1/contracts/1/feedback", json={"rating": 5}, headers=headers)
    assert_error(again, 409, "conflict")
    assert [f.rating for f in session.scalars(sa.select(Feedback))] == [4]


@pytest.mark.parametrize(
    ("email", "status"),
    [("advisor01@demo.local", 403), ("bureau@demo.local", 403), ("school02@demo.local", 404)],
)
def test_only_the_contracts_school_rates(
    client: FlaskClient, session: orm.Session, email: str, status: int
) -> None:
    reviewed(session)
    response = client.post(
        "/api/v1/contracts/1/feedback", json={"rating": 5}, headers=token_headers(session, email)
    )
    assert response.status_code == status
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_feedback_before_an_opinion_and_bad_ratings(
    client: FlaskClient, session: orm.Session
) -> None:
    headers = token_headers(session, "school01@demo.local")
    early = client.post("/api/v1/contracts/1/feedback", json={"rating": 5}, headers=headers)
    assert_error(early, 409, "conflict")
    reviewed(session)
    for rating in (0, 6, "5", True, None):
        response = client.post(
            "/api/v1/contracts/1/feedback", json={"rating": rating}, headers=headers
        )
        assert set(assert_error(response, 422, "validation_error")["fields"]) == {"rating"}
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


# --- closing ----------------------------------------------------------------------------


def test_the_school_closes_once(client: FlaskClient, session: orm.Session) -> None:
    reviewed(session)
    headers = token_headers(session, "school01@demo.local")
    response = client.post(
        "/api/v1/contracts/1/close",
        json={"result": "signed", "adoption": "partly", "note": "第三条未改", **SEAL_USE},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "closed"
    assert response.json["result"] == "signed"
    assert response.json["outcome"] == "approve_with_changes"
    closing = services.get_closing(session, current_contract(session))
    assert closing is not None and (closing.adoption, closing.adoption_note) == (
        "partly",
        "第三条未改",
    )
    again = client.post("/api/v1/contracts/1/close", json={"result": "abandoned"}, headers=headers)
    error = assert_error(again, 409, "conflict")
    assert error["fields"] == {"status": "closed"}
    assert current_contract(session).result == "signed"


@pytest.mark.parametrize(
    ("email", "status"),
    [("advisor01@demo.local", 403), ("bureau@demo.local", 403), ("school02@demo.local", 404)],
)
def test_only_the_contracts_school_closes(
    client: FlaskClient, session: orm.Session, email: str, status: int
) -> None:
    reviewed(session)
    response = client.post(
        "/api/v1/contracts/1/close",
        json={"result": "signed"},
        headers=token_headers(session, email),
    )
    assert response.status_code == status
    assert current_contract(session).status == Status.REVIEWED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"result": "cancelled"}, "result"),
        ({"result": "signed", "adoption": "most", **SEAL_USE}, "adoption"),
        ({"result": 1}, "result"),
    ],
)
def test_bad_closing_values_are_422(
    client: FlaskClient, session: orm.Session, payload: dict[str, Any], field: str
) -> None:
    reviewed(session)
    response = client.post(
        "/api/v1/contracts/1/close",
        json=payload,
        headers=token_headers(session, "school01@demo.local"),
    )
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {field}
    assert current_contract(session).status == Status.REVIEWED


def test_closing_before_the_opinion_is_409(client: FlaskClient, session: orm.Session) -> None:
    started(session)
    response = client.post(
        "/api/v1/contracts/1/close",
        json={"result": "signed"},
        headers=token_headers(session, "school01@demo.local"),
    )
    assert assert_error(response, 409, "conflict")["fields"] == {"status": "in_review"}


# --- notifications ----------------------------------------------------------------------


def test_notifications_are_the_callers_own(client: FlaskClient, session: orm.Session) -> None:
    first = current_contract(session, 1)
    start_review(session, first)
    issue_review(session, first, "return", findings=FINDINGS[:1])
    second = current_contract(session, 2)
    start_review(session, second)
    issue_review(session, second, "approve", findings=[])
    session.commit()

    school1 = token_headers(session, "school01@demo.local")
    page = client.get("/api/v1/notifications", headers=school1)
    assert page.status_code == 200
    assert set(page.json) == {"items", "total", "page", "per_page"}
    mine = session.scalars(
        sa.select(Notification)
        .where(Notification.user_id == school_user(session, 1).id)
        .order_by(Notification.id.desc())
    ).all()
    assert page.json["total"] == len(mine)
    assert [n["id"] for n in page.json["items"]] == [n.id for n in mine]
    assert "returned" in [n["kind"] for n in page.json["items"]]
    assert "opinion" not in [n["kind"] for n in page.json["items"]]
    returned = next(n for n in page.json["items"] if n["kind"] == "returned")
    assert returned["link"] == "/contracts/1"
    assert returned["params"] == {"title": first.title}
    assert returned["read"] is False

    school2 = client.get(
        "/api/v1/notifications", headers=token_headers(session, "school02@demo.local")
    ).json
    assert "opinion" in [n["kind"] for n in school2["items"]]
    assert "returned" not in [n["kind"] for n in school2["items"]]
    assert not {n["id"] for n in school2["items"]} & {n.id for n in mine}

    paged = client.get("/api/v1/notifications?page=1&per_page=1", headers=school1).json
    assert (paged["page"], paged["per_page"], paged["total"]) == (1, 1, len(mine))
    assert [n["id"] for n in paged["items"]] == [mine[0].id]


def test_the_advisor_is_notified_of_a_rating(client: FlaskClient, session: orm.Session) -> None:
    reviewed(session)
    client.post(
        "/api/v1/contracts/1/feedback",
        json={"rating": 5},
        headers=token_headers(session, "school01@demo.local"),
    )
    advisor = client.get(
        "/api/v1/notifications?unread=true", headers=token_headers(session, "advisor01@demo.local")
    ).json
    assert [n["kind"] for n in advisor["items"]].count("rated") == 1
    assert all(n["read"] is False for n in advisor["items"])
    other = client.get(
        "/api/v1/notifications", headers=token_headers(session, "advisor02@demo.local")
    ).json
    assert "rated" not in [n["kind"] for n in other["items"]]
