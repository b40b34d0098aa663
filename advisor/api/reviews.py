"""Reviews, opinion letters, feedback, closing and notifications through the API (API.md)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.accounts import services as accounts
from advisor.accounts.models import Notification
from advisor.api import responses
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, page_params
from advisor.api.fields import read
from advisor.api.requests import CloseBody, FeedbackBody, ReviewBody
from advisor.api.schemas import (
    contract_json,
    feedback_json,
    notification_json,
    page_json,
    review_json,
)
from advisor.contracts import queries
from advisor.contracts.views import file_response
from advisor.db import paginate, utcnow
from advisor.errors import Forbidden, NotFound, PreconditionRequired
from advisor.extensions import db
from advisor.reviews import permissions, services
from advisor.reviews.letter import compose_letter
from advisor.reviews.signing import SealData
from advisor.reviews.views import letter_facts, letter_file_name, note_opinion_download
from advisor.workdays import today_local


def _lock_version(body: ReviewBody) -> int:
    """The ``lock_version`` the review is based on; without it, a 428 saying what to send
    (a review of a stale copy must not pass unnoticed)."""
    if body.lock_version is None:
        raise PreconditionRequired(
            _l(
                "Send the contract's lock_version as you last read it "
                "(GET /api/v1/contracts/{id}); a newer one means someone else changed it."
            ),
            fields={"lock_version": _l("Required.")},
        )
    return body.lock_version


def _review_data(body: ReviewBody) -> services.ReviewData:
    findings = [
        services.FindingData(**finding.model_dump(exclude={"id"}), id=finding.id)
        for finding in body.findings
    ]
    return services.ReviewData(
        outcome=body.outcome or None,
        summary=body.summary,
        minutes_spent=body.minutes_spent,
        findings=findings,
    )


@bp.post("/contracts/<int:contract_id>/reviews")
def create_review(contract_id: int) -> Any:
    """The assigned advisor issues a review; ``return`` sends the contract back."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    services.check_reviewer(actor, contract)
    body = read(ReviewBody, json_body())
    review = services.issue_review(
        db.session,
        actor=actor,
        contract=contract,
        data=_review_data(body),
        today=today_local(),
        now=utcnow(),
        lock_version=_lock_version(body),
    )
    db.session.commit()
    return review_json(review), 201


@bp.get("/contracts/<int:contract_id>/opinion.docx")
def opinion_docx(contract_id: int) -> Any:
    """The latest opinion letter as a Word document."""
    from advisor.reviews.opinion import build_letter  # on demand: python-docx takes 0.3 s

    contract = queries.get_contract(db.session, api_user(), contract_id)
    found = services.latest_opinion(db.session, contract)
    if found is None:
        raise NotFound(_l("No opinion has been issued for this contract yet."))
    letter = compose_letter(letter_facts(contract, found))
    data = build_letter(letter)
    note_opinion_download(contract.id, letter.number)
    return file_response(data, letter_file_name(contract, letter, "docx"), "docx")


@bp.post("/contracts/<int:contract_id>/feedback")
def give_feedback(contract_id: int) -> Any:
    """The school rates the latest opinion once: ``{"rating": 1..5, "comment"}``."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    if not permissions.can_rate_opinion(actor, contract):
        raise Forbidden(_l("Only the contract's school can do this."))
    body = read(FeedbackBody, json_body())
    feedback = services.give_feedback(
        db.session,
        actor=actor,
        contract=contract,
        rating=body.rating or 0,
        comment=body.comment,
        now=utcnow(),
    )
    db.session.commit()
    return feedback_json(feedback), 201


@bp.post("/contracts/<int:contract_id>/close")
def close_contract(contract_id: int) -> Any:
    """The school records the result: ``{"result": "signed"|"abandoned", "adoption",
    "note"}``, and for a signing the seal use: ``"seal", "approved_by", "used_on",
    "copies"``."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = read(CloseBody, json_body())
    services.close_contract(
        db.session,
        actor=actor,
        contract=contract,
        result=body.result,
        adoption=body.adoption or None,
        note=body.note,
        now=utcnow(),
        lock_version=body.lock_version,
        seal=SealData(
            seal=body.seal,
            approved_by=body.approved_by,
            used_on=body.used_on,
            copies=body.copies,
        ),
    )
    db.session.commit()
    return contract_json(db.session, contract)


@bp.get("/notifications")
def notifications() -> Any:
    """The caller's notices, newest first (``?unread=true`` for the unread ones)."""
    me = api_user()
    stmt = accounts.list_notifications(db.session, me)
    if request.args.get("unread") == "true":
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(db.session, stmt, **page_params())
    return page_json(responses.NotificationPage, page, [notification_json(n) for n in page.items])
