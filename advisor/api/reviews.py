"""Reviews, opinion letters, feedback, closing and notifications through the API (API.md)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.accounts import services as accounts
from advisor.accounts.models import Notification
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, page_params, text_field
from advisor.api.contracts import lock_version_from
from advisor.api.schemas import contract_json, notification_json, page_json, review_json
from advisor.contracts import queries
from advisor.contracts.views import file_response
from advisor.db import paginate, utcnow
from advisor.errors import NotFound, ValidationError
from advisor.extensions import db
from advisor.reviews import services
from advisor.reviews.opinion import build_letter
from advisor.reviews.views import letter_facts, note_opinion_download
from advisor.workdays import today_local


def _review_data(body: dict[str, Any]) -> services.ReviewData:
    problems: dict[str, Any] = {}
    minutes = body.get("minutes_spent", 0)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        problems["minutes_spent"] = _l("A whole number of minutes.")
        minutes = 0
    raw_findings = body.get("findings", [])
    if not isinstance(raw_findings, list):
        problems["findings"] = _l("A list of findings.")
        raw_findings = []
    findings = []
    for i, item in enumerate(raw_findings):
        if not isinstance(item, dict):
            problems[f"findings-{i}"] = _l("Each finding is an object.")
            continue
        values = {
            k: text_field(item, k, problems, prefix=f"findings-{i}-")
            for k in ("dimension", "severity", "problem", "clause", "suggestion", "legal_basis")
        }
        findings.append(services.FindingData(**values, id=_finding_id(item, i, problems)))
    outcome = text_field(body, "outcome", problems) or None
    summary = text_field(body, "summary", problems)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    return services.ReviewData(
        outcome=outcome, summary=summary, minutes_spent=minutes, findings=findings
    )


def _finding_id(item: dict[str, Any], i: int, problems: dict[str, Any]) -> int | None:
    """The draft finding an item edits in place (its ``id``); none for a new finding."""
    value = item.get("id")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems[f"findings-{i}-id"] = _l("The id of a finding, or null for a new one.")
        return None
    return value


@bp.post("/contracts/<int:contract_id>/reviews")
def create_review(contract_id: int) -> Any:
    """The assigned advisor issues a review; ``return`` sends the contract back."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    services.check_reviewer(actor, contract)
    body = json_body()
    review = services.issue_review(
        db.session,
        actor=actor,
        contract=contract,
        data=_review_data(body),
        today=today_local(),
        now=utcnow(),
        lock_version=lock_version_from(body, required=True),
    )
    db.session.commit()
    return review_json(review), 201


@bp.get("/contracts/<int:contract_id>/opinion.docx")
def opinion_docx(contract_id: int) -> Any:
    """The latest opinion letter as a Word document."""
    contract = queries.get_contract(db.session, api_user(), contract_id)
    found = services.latest_opinion(db.session, contract)
    if found is None:
        raise NotFound(_l("No opinion has been issued for this contract yet."))
    name = f"法律意见书-{contract.title}-{found.number}.docx"
    data = build_letter(letter_facts(contract, found))
    note_opinion_download(contract.id, found.number)
    return file_response(data, name, "docx")


@bp.post("/contracts/<int:contract_id>/feedback")
def give_feedback(contract_id: int) -> Any:
    """The school rates the latest opinion once: ``{"rating": 1..5, "comment"}``."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = json_body()
    rating = body.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool):
        rating = 0
    problems: dict[str, Any] = {}
    comment = text_field(body, "comment", problems)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    feedback = services.give_feedback(
        db.session, actor=actor, contract=contract, rating=rating, comment=comment, now=utcnow()
    )
    db.session.commit()
    return {
        "id": feedback.id,
        "review_id": feedback.review_id,
        "rating": feedback.rating,
        "comment": feedback.comment,
    }, 201


@bp.post("/contracts/<int:contract_id>/close")
def close_contract(contract_id: int) -> Any:
    """The school records the result: ``{"result": "signed"|"abandoned", "adoption", "note"}``."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = json_body()
    problems: dict[str, Any] = {}
    result = text_field(body, "result", problems)
    adoption = text_field(body, "adoption", problems) or None
    note = text_field(body, "note", problems)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    services.close_contract(
        db.session,
        actor=actor,
        contract=contract,
        result=result,
        adoption=adoption,
        note=note,
        now=utcnow(),
        lock_version=lock_version_from(body),
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
    return page_json(page, [notification_json(n) for n in page.items])
