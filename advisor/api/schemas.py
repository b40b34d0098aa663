"""JSON shapes of the API's resources, as API.md names them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import orm

from advisor.accounts.models import Notification, User
from advisor.contracts.models import Contract
from advisor.contracts.queries import events as contract_events
from advisor.db import Page
from advisor.directory.models import Advisor, School
from advisor.directory.queries import Serving
from advisor.ledger.models import LedgerEntry
from advisor.precheck import services as precheck
from advisor.reviews import services as reviews
from advisor.reviews.models import Review


def user_json(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
    }
    if user.school_id is not None:
        body["school_id"] = user.school_id
    if user.advisor_id is not None:
        body["advisor_id"] = user.advisor_id
    return body


def school_json(school: School, serving: Serving) -> dict[str, Any]:
    return {
        "id": school.id,
        "code": school.code,
        "name": school.name,
        "district": school.district,
        "level": school.level,
        "address": school.address,
        "contact_name": school.contact_name,
        "contact_phone": school.contact_phone,
        "primary_advisor_id": serving.primary.id if serving.primary else None,
        "backup_advisor_id": serving.backup.id if serving.backup else None,
        "active": school.is_active,
    }


def advisor_json(advisor: Advisor) -> dict[str, Any]:
    return {
        "id": advisor.id,
        "name": advisor.name,
        "email": advisor.email,
        "phone": advisor.phone,
        "law_firm_id": advisor.law_firm_id,
        "law_firm": advisor.law_firm.name,
        "licence_no": advisor.licence_no,
        "appointed_on": advisor.appointed_on.isoformat(),
        "appointment_ends_on": advisor.appointment_ends_on.isoformat()
        if advisor.appointment_ends_on
        else None,
        "specialties": advisor.specialties,
        "active": advisor.is_active,
    }


def page_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def contract_json(
    session: orm.Session, contract: Contract, *, brief: bool = False
) -> dict[str, Any]:
    """A contract as API.md shows it; ``brief`` leaves out versions and pre-check in lists."""
    body: dict[str, Any] = {
        "id": contract.id,
        "title": contract.title,
        "counterparty": contract.counterparty,
        "contract_type": contract.contract_type,
        "amount": f"{contract.amount:.2f}",
        "start_date": _iso(contract.start_on),
        "end_date": _iso(contract.end_on),
        "urgent": contract.is_urgent,
        "note": contract.note,
        "school_id": contract.school_id,
        "advisor_id": contract.advisor_id,
        "status": contract.status,
        "due_date": _iso(contract.due_on),
        "submitted_at": _iso(contract.submitted_at),
        "outcome": contract.outcome,
        "result": contract.result,
        "lock_version": contract.lock_version,
    }
    if brief:
        return body
    body["versions"] = [
        {
            "number": v.number,
            "file_name": v.file_name,
            "size": v.size,
            "sha256": v.sha256,
            "pages": v.pages,
            "has_text": v.has_text,
            "media_type": v.media_type,
            "uploaded_at": _iso(v.uploaded_at),
        }
        for v in contract.versions
    ]
    numbers = {v.id: v.number for v in contract.versions}
    body["precheck"] = [
        precheck.hit_json(hit, numbers.get(version_id, 0))
        for version_id, hits in precheck.hits_by_version(session, contract).items()
        for hit in hits
    ]
    body["reviews"] = [review_json(r) for r in reviews.issued_reviews(session, contract)]
    body["history"] = [
        {
            "at": _iso(e.at),
            "action": e.action,
            "from": e.from_status,
            "to": e.to_status,
            "actor_id": e.actor_id,
            "detail": e.detail,
        }
        for e in contract_events(session, contract)
    ]
    return body


def review_json(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "number": review.number,
        "outcome": review.outcome,
        "summary": review.summary,
        "minutes_spent": review.minutes_spent,
        "version_id": review.version_id,
        "advisor_id": review.advisor_id,
        "issued_at": _iso(review.issued_at),
        "findings": [
            {
                "id": f.id,
                "dimension": f.dimension,
                "severity": f.severity,
                "clause": f.clause,
                "problem": f.problem,
                "suggestion": f.suggestion,
                "legal_basis": f.legal_basis,
                "resolved": f.resolved,
            }
            for f in review.findings
        ],
    }


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "params": notification.params,
        "link": notification.link,
        "created_at": _iso(notification.created_at),
        "read": notification.read_at is not None,
    }


def ledger_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "seq": entry.seq,
        "date": _iso(entry.entry_on),
        "advisor_id": entry.advisor_id,
        "school_id": entry.school_id,
        "kind": entry.kind,
        "description": entry.description,
        "service_mode": entry.service_mode,
        "minutes": entry.minutes,
        "outcome": entry.outcome,
        "audience": entry.audience,
        "headcount": entry.headcount,
        "contract_id": entry.contract_id,
        "review_id": entry.review_id,
        "supersedes_id": entry.supersedes_id,
        "on_behalf": entry.on_behalf,
        "hash": entry.hash,
        "prev_hash": entry.prev_hash,
        "created_at": _iso(entry.created_at),
    }
