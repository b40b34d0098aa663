"""The bureau marks an issued opinion to be redone: once, with a reason, for the bureau
only; the advisor is told and the evaluation counts it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.evaluation.measures import compute
from advisor.reviews import services
from advisor.workdays import parse_period
from tests.factories import NOW, TODAY
from tests.factories.contracts import current_contract
from tests.factories.people import advisor_user, bureau_user
from tests.factories.reviews import issue_review, last_notice_id, notices_after, start_review


def issued(session: orm.Session, outcome: str = "approve_with_changes") -> services.Review:
    contract = current_contract(session, 1)
    start_review(session, contract)
    return issue_review(session, contract, outcome)


def test_marking_needs_the_bureau_a_reason_and_an_opinion(session: orm.Session) -> None:
    review = issued(session)
    with pytest.raises(Forbidden):
        services.mark_for_redo(
            session, actor=advisor_user(session, 1), review=review, reason="x", now=NOW
        )
    bureau = bureau_user(session)
    with pytest.raises(ValidationError):
        services.mark_for_redo(session, actor=bureau, review=review, reason="  ", now=NOW)
    before = last_notice_id(session)
    services.mark_for_redo(
        session, actor=bureau, review=review, reason="未审查履约保证金比例", now=NOW
    )
    assert (review.redo_reason, review.redo_marked_at) == ("未审查履约保证金比例", NOW)
    assert [kind for _, kind, _ in notices_after(session, before)] == ["redo"]
    with pytest.raises(Conflict):  # a second click
        services.mark_for_redo(session, actor=bureau, review=review, reason="再次", now=NOW)

    period = parse_period(str(TODAY.year))
    measured = compute(session, period, [1], today=TODAY)[1]
    assert measured.values["redone_reviews"] == 1
    assert measured.details["redone_reviews"].startswith("1 review issued in")


def test_a_return_is_not_an_opinion_to_redo(session: orm.Session) -> None:
    review = issued(session, "return")
    with pytest.raises(Conflict):
        services.mark_for_redo(
            session, actor=bureau_user(session), review=review, reason="x", now=NOW
        )


def test_the_contract_page_form(
    session: orm.Session, bureau: FlaskClient, advisor1: FlaskClient
) -> None:
    review = issued(session)
    session.commit()
    path = f"/contracts/1/reviews/{review.id}/redo"
    assert f'data-testid="redo-form-{review.id}"' in bureau.get("/contracts/1").get_data(
        as_text=True
    )
    assert advisor1.post(path, data={"reason": "x"}).status_code == 403
    assert bureau.post("/contracts/1/reviews/999999/redo", data={"reason": "x"}).status_code == (
        404
    )
    assert bureau.post(path, data={"reason": "结论与条款不一致"}).status_code == 302
    page = advisor1.get("/contracts/1").get_data(as_text=True)
    assert f'data-testid="redo-{review.id}"' in page and "结论与条款不一致" in page
