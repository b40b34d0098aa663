"""The API's resources written out: each gathers a record's values and writes them
through its response model (advisor.api.responses), the one description of its shape."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import orm

from advisor.accounts.models import Notification, User
from advisor.api import responses
from advisor.contracts.diff import Change
from advisor.contracts.models import Contract
from advisor.contracts.queries import events as contract_events
from advisor.db import Page
from advisor.directory.models import Advisor, School
from advisor.directory.queries import Serving
from advisor.evaluation import services as evaluation_services
from advisor.evaluation.models import Evaluation, EvaluationResult, Objection, RuleSetVersion
from advisor.ledger.chain import Verification as ChainResult
from advisor.ledger.models import ExportJob, LedgerEntry
from advisor.precheck import services as precheck
from advisor.reports.figures import YearFigures
from advisor.reviews import services as reviews
from advisor.reviews.models import Feedback, Review

A = TypeVar("A", bound=BaseModel)


def dump(model: type[A], values: dict[str, Any], *, exclude_none: bool = False) -> dict[str, Any]:
    """``values`` written through ``model``: checked against it, in its JSON form."""
    return model.model_validate(values).model_dump(
        mode="json", by_alias=True, exclude_none=exclude_none
    )


def user_json(user: User) -> dict[str, Any]:
    body = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "school_id": user.school_id,
        "advisor_id": user.advisor_id,
    }
    return dump(responses.Me, body, exclude_none=True)


def school_json(school: School, serving: Serving) -> dict[str, Any]:
    return dump(
        responses.School,
        {
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
        },
    )


def advisor_json(advisor: Advisor) -> dict[str, Any]:
    return dump(
        responses.Advisor,
        {
            "id": advisor.id,
            "name": advisor.name,
            "email": advisor.email,
            "phone": advisor.phone,
            "law_firm_id": advisor.law_firm_id,
            "law_firm": advisor.law_firm.name,
            "licence_no": advisor.licence_no,
            "appointed_on": advisor.appointed_on,
            "appointment_ends_on": advisor.appointment_ends_on,
            "specialties": advisor.specialties,
            "active": advisor.is_active,
        },
    )


def page_json(
    model: type[responses.Page], page: Page[Any], items: list[dict[str, Any]]
) -> dict[str, Any]:
    """A page of ``items`` (each already written out) as ``model`` describes it."""
    shape = {"total": page.total, "page": page.page, "per_page": page.per_page}
    dump(model, {**shape, "items": []})  # the page's own members; the items are checked
    return {"items": items, **shape}


def contract_json(
    session: orm.Session, contract: Contract, *, brief: bool = False
) -> dict[str, Any]:
    """A contract as API.md shows it; ``brief`` leaves out versions and pre-check in lists."""
    body: dict[str, Any] = {
        "id": contract.id,
        "title": contract.title,
        "counterparty": contract.counterparty,
        "contract_type": contract.contract_type,
        "amount": contract.amount,
        "start_date": contract.start_on,
        "end_date": contract.end_on,
        "urgent": contract.is_urgent,
        "note": contract.note,
        "school_id": contract.school_id,
        "advisor_id": contract.advisor_id,
        "status": contract.status,
        "due_date": contract.due_on,
        "submitted_at": contract.submitted_at,
        "outcome": contract.outcome,
        "result": contract.result,
        "lock_version": contract.lock_version,
    }
    if brief:
        return dump(responses.ContractBrief, body)
    pending = precheck.pending_states(session, [v.id for v in contract.versions if not v.is_signed])
    body["versions"] = [
        {
            "number": v.number,
            "file_name": v.file_name,
            "size": v.size,
            "sha256": v.sha256,
            "pages": v.pages,
            "has_text": v.has_text,
            "media_type": v.media_type,
            "uploaded_at": v.uploaded_at,
            "precheck": "none" if v.is_signed else pending.get(v.id, "done"),
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
            "at": e.at,
            "action": e.action,
            "from": e.from_status,
            "to": e.to_status,
            "actor_id": e.actor_id,
            "detail": e.detail,
        }
        for e in contract_events(session, contract)
    ]
    return dump(responses.Contract, body)


def review_json(review: Review) -> dict[str, Any]:
    return dump(
        responses.Review,
        {
            "id": review.id,
            "number": review.number,
            "outcome": review.outcome,
            "summary": review.summary,
            "minutes_spent": review.minutes_spent,
            "version_id": review.version_id,
            "advisor_id": review.advisor_id,
            "issued_at": review.issued_at,
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
        },
    )


def notification_json(notification: Notification) -> dict[str, Any]:
    return dump(
        responses.Notification,
        {
            "id": notification.id,
            "kind": notification.kind,
            "params": notification.params,
            "link": notification.link,
            "created_at": notification.created_at,
            "read": notification.read_at is not None,
        },
    )


def ledger_json(entry: LedgerEntry) -> dict[str, Any]:
    return dump(
        responses.LedgerEntry,
        {
            "id": entry.id,
            "seq": entry.seq,
            "date": entry.entry_on,
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
            "created_at": entry.created_at,
        },
    )


def feedback_json(feedback: Feedback) -> dict[str, Any]:
    return dump(
        responses.Feedback,
        {
            "id": feedback.id,
            "review_id": feedback.review_id,
            "rating": feedback.rating,
            "comment": feedback.comment,
        },
    )


def diff_json(old: int, new: int, changes: list[Change]) -> dict[str, Any]:
    return dump(responses.Diff, {"from": old, "to": new, "changes": [c.as_json() for c in changes]})


def chain_json(result: ChainResult) -> dict[str, Any]:
    return dump(
        responses.ChainCheck,
        {"ok": result.ok, "checked": result.checked, "first_bad_id": result.first_bad_id},
    )


def export_job_json(job: ExportJob, file_url: str | None) -> dict[str, Any]:
    return dump(
        responses.ExportJob,
        {
            "id": job.id,
            "status": job.status,
            "format": job.file_format,
            "rows_total": job.rows_total,
            "rows_done": job.rows_done,
            "created_at": job.created_at,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
            "error": job.error,
            "file": file_url,
            "file_size": job.file_size,
        },
    )


def rule_set_json(row: RuleSetVersion) -> dict[str, Any]:
    return dump(
        responses.RuleSet,
        {"id": row.id, "name": row.name, "version": row.version, "rules": row.data},
    )


def whole_list_json(
    model: type[responses.WholeList], items: list[dict[str, Any]]
) -> dict[str, Any]:
    """A list given whole as one page (``per_page`` is its length, at least 1)."""
    shape = {"total": len(items), "page": 1, "per_page": max(len(items), 1)}
    dump(model, {**shape, "items": []})
    return {"items": items, **shape}


def evaluation_json(evaluation: Evaluation, results: list[EvaluationResult]) -> dict[str, Any]:
    """An evaluation with ``results``, those the caller may see."""
    return dump(
        responses.Evaluation,
        {
            "id": evaluation.id,
            "period": evaluation.period,
            "status": evaluation.status,
            "ruleset_id": evaluation.rule_set_id,
            "published_at": evaluation.published_at,
            "objections_until": evaluation.objections_until,
            "results": [evaluation_services.result_json(r) for r in results],
        },
    )


def objection_json(objection: Objection) -> dict[str, Any]:
    return dump(
        responses.Objection,
        {
            "id": objection.id,
            "advisor_id": objection.result.advisor_id,
            "text": objection.text,
            "status": objection.status,
            "filed_at": objection.filed_at,
            "answer": objection.answer,
            "answered_at": objection.answered_at,
        },
    )


def summary_json(f: YearFigures) -> dict[str, Any]:
    return dump(
        responses.YearSummary,
        {
            "year": f.year,
            "advisors": f.advisors,
            "law_firms": f.law_firms,
            "schools": f.schools,
            "schools_covered": f.schools_covered,
            "coverage_percent": f.coverage,
            "contracts_submitted": f.contracts_submitted,
            "contracts_reviewed": f.contracts_reviewed,
            "value_reviewed": f.value_reviewed,
            "opinions": f.opinions,
            "returns": f.returns,
            "findings_by_dimension": f.findings_by_dimension,
            "findings_by_severity": f.findings_by_severity,
            "ledger": f.ledger,
            "lecture_headcount": f.lecture_headcount,
            "average_rating": f.average_rating,
            "ratings": f.ratings,
            "grades": f.grades,
        },
    )
