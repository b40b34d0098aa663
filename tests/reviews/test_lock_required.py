"""Optimistic locking is not optional (issue 15, item 6): a review written through the API
names the contract's lock_version it was based on, or nothing is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import Status
from advisor.reviews.models import Review
from tests.factories.contracts import current_contract
from tests.factories.people import token_headers
from tests.factories.reviews import start_review

REVIEW = {
    "outcome": "approve",
    "summary": "可以签订。",
    "minutes_spent": 30,
    "findings": [],
}


def reviews_of(session: orm.Session, contract_id: int) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(Review)
        .where(Review.contract_id == contract_id, Review.issued_at.is_not(None))
    )
    return session.scalar(stmt) or 0


@pytest.mark.parametrize("missing", [{}, {"lock_version": None}, {"lock_version": ""}])
def test_a_review_without_lock_version_is_428_and_writes_nothing(
    client: FlaskClient, session: orm.Session, missing: dict[str, object]
) -> None:
    found = current_contract(session, 1)
    start_review(session, found)
    session.commit()
    lock = found.lock_version
    response = client.post(
        "/api/v1/contracts/1/reviews",
        json={**REVIEW, **missing},
        headers=token_headers(session, "advisor01@demo.local"),
    )
    assert response.status_code == 428, response.json
    error = response.json["error"]
    assert error["code"] == "precondition_required"
    assert "lock_version" in error["message"] and "lock_version" in error["fields"]
    session.expire_all()
    again = current_contract(session, 1)
    assert again.status == Status.IN_REVIEW and again.lock_version == lock
    assert reviews_of(session, 1) == 0


def test_with_the_lock_version_the_review_is_written(
    client: FlaskClient, session: orm.Session
) -> None:
    found = current_contract(session, 1)
    start_review(session, found)
    session.commit()
    response = client.post(
        "/api/v1/contracts/1/reviews",
        json={**REVIEW, "lock_version": found.lock_version},
        headers=token_headers(session, "advisor01@demo.local"),
    )
    assert response.status_code == 201, response.json
    assert reviews_of(session, 1) == 1


@pytest.mark.parametrize("email", ["school01@demo.local", "bureau@demo.local"])
def test_other_roles_are_still_refused_as_before(
    client: FlaskClient, session: orm.Session, email: str
) -> None:
    found = current_contract(session, 1)
    start_review(session, found)
    session.commit()
    response = client.post(
        "/api/v1/contracts/1/reviews", json=REVIEW, headers=token_headers(session, email)
    )
    assert response.status_code == 403
