"""Evaluation through the API (API.md "Evaluation"): rule sets, running, reading, adjusting
and publishing results, and objections."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, text_field
from advisor.contracts import calendar
from advisor.db import utcnow
from advisor.errors import Forbidden, ValidationError
from advisor.evaluation import editing, responses, services
from advisor.evaluation.models import Evaluation, Objection, RuleSetVersion
from advisor.extensions import db
from advisor.workdays import today_local


def _rule_set_json(row: RuleSetVersion) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "version": row.version, "rules": row.data}


def _evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "id": evaluation.id,
        "period": evaluation.period,
        "status": evaluation.status,
        "ruleset_id": evaluation.rule_set_id,
        "published_at": evaluation.published_at.isoformat() if evaluation.published_at else None,
        "objections_until": (
            evaluation.objections_until.isoformat() if evaluation.objections_until else None
        ),
        "results": [
            services.result_json(r) for r in services.visible_results(api_user(), evaluation)
        ],
    }


@bp.get("/rulesets")
def list_rulesets() -> Any:
    """Every stored version of the evaluation rules."""
    rows = services.list_rule_sets(db.session)
    return {
        "items": [_rule_set_json(r) for r in rows],
        "total": len(rows),
        "page": 1,
        "per_page": max(len(rows), 1),
    }


@bp.get("/rulesets/<int:rule_set_id>")
def get_ruleset(rule_set_id: int) -> Any:
    """One version of the evaluation rules, as data."""
    return _rule_set_json(services.get_rule_set(db.session, rule_set_id))


@bp.post("/rulesets")
def create_ruleset() -> Any:
    """The bureau stores the next version of a rule set; the body is ``rules`` as GET gives
    it, and its ``version``, if any, is the newest the client knew of (a newer one: 409)."""
    if not api_user().is_bureau:
        raise Forbidden(_l("Only the bureau edits the evaluation rules."))
    data = editing.read_rule_file(request.get_data())
    known = data.get("version")
    row = editing.save_rule_set(
        db.session,
        actor=api_user(),
        data=data,
        seen_version=known if isinstance(known, int) and not isinstance(known, bool) else None,
    )
    db.session.commit()
    return _rule_set_json(row), 201


@bp.post("/evaluations")
def create_evaluation() -> Any:
    """The bureau computes a draft evaluation: ``{"period": "2025" | "2025-Q3", "ruleset_id"?}``."""
    if not api_user().is_bureau:
        raise Forbidden(_l("Only the bureau runs evaluations."))
    body = json_body()
    period = body.get("period")
    rule_set_id = body.get("ruleset_id")
    if not isinstance(period, str) or (
        rule_set_id is not None and not isinstance(rule_set_id, int)
    ):
        raise ValidationError(
            _l("Give the period as 2025 or 2025-Q3."),
            fields={"period": _l("Like 2025 or 2025-Q3.")},
        )
    evaluation = services.run_evaluation(
        db.session,
        actor=api_user(),
        period_text=period,
        today=today_local(),
        now=utcnow(),
        rule_set_id=rule_set_id,
    )
    db.session.commit()
    return _evaluation_json(evaluation), 201


@bp.get("/evaluations/<int:evaluation_id>")
def get_evaluation(evaluation_id: int) -> Any:
    """An evaluation with the results the caller may see."""
    return _evaluation_json(services.get_evaluation(db.session, api_user(), evaluation_id))


def _text(body: dict[str, Any], name: str) -> str:
    problems: dict[str, Any] = {}
    value = text_field(body, name, problems)
    if problems:
        raise ValidationError(_l("Give %(name)s as text.", name=name), fields=problems)
    return value


def _objection_json(objection: Objection) -> dict[str, Any]:
    return {
        "id": objection.id,
        "advisor_id": objection.result.advisor_id,
        "text": objection.text,
        "status": objection.status,
        "filed_at": objection.filed_at.isoformat(),
        "answer": objection.answer,
        "answered_at": objection.answered_at.isoformat() if objection.answered_at else None,
    }


@bp.post("/evaluations/<int:evaluation_id>/adjust")
def adjust_evaluation(evaluation_id: int) -> Any:
    """The bureau changes one result with a reason: ``{"advisor_id", "item", "points",
    "reason"}`` sets an item's points (null: the computed points again); ``"measure"`` and
    ``"value"`` enter a manual measure; ``"veto"`` and ``"set"`` set or lift a veto."""
    me = api_user()
    if not me.is_bureau:
        raise Forbidden(_l("Only the bureau runs and adjusts evaluations."))
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    body = json_body()
    advisor_id = body.get("advisor_id")
    if not isinstance(advisor_id, int) or isinstance(advisor_id, bool):
        raise ValidationError(
            _l("Say whose result to adjust."), fields={"advisor_id": _l("An advisor id.")}
        )
    target: Any
    value: Any
    if "veto" in body:
        kind, target, value = "veto", body.get("veto"), ("1" if body.get("set", True) else "0")
    elif "measure" in body:
        kind, target, value = "measure", body.get("measure"), body.get("value")
    else:
        kind, target, value = "points", body.get("item"), body.get("points")
    if not isinstance(target, str) or not (value is None or isinstance(value, str | int | float)):
        raise ValidationError(
            _l("Name the item and give the points as a number or a decimal string."),
            fields={"item": _l("An item key of the rule set.")},
        )
    services.adjust(
        db.session,
        actor=me,
        evaluation=evaluation,
        advisor_id=advisor_id,
        kind=kind,
        target=target,
        value=None if value is None else str(value),
        reason=_text(body, "reason"),
        today=today_local(),
    )
    db.session.commit()
    return _evaluation_json(evaluation)


@bp.post("/evaluations/<int:evaluation_id>/publish")
def publish_evaluation(evaluation_id: int) -> Any:
    """The bureau publishes a draft: frozen, advisors notified, objections open."""
    me = api_user()
    if not me.is_bureau:
        raise Forbidden(_l("Only the bureau runs and adjusts evaluations."))
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    services.publish(
        db.session,
        actor=me,
        evaluation=evaluation,
        today=today_local(),
        now=utcnow(),
        objection_days=current_app.config["ADVISOR"].objection_working_days,
        calendar=calendar.load(db.session),
    )
    db.session.commit()
    return _evaluation_json(evaluation)


@bp.get("/evaluations/<int:evaluation_id>/objections")
def list_objections(evaluation_id: int) -> Any:
    """The objections the caller may see: the bureau all, an advisor their own."""
    me = api_user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    items = [
        _objection_json(o) for r in services.visible_results(me, evaluation) for o in r.objections
    ]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@bp.post("/evaluations/<int:evaluation_id>/objections")
def file_objection(evaluation_id: int) -> Any:
    """The evaluated advisor objects within the objection period: ``{"text"}`` → 201."""
    me = api_user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    objection = responses.file_objection(
        db.session,
        actor=me,
        evaluation=evaluation,
        text=_text(json_body(), "text"),
        today=today_local(),
        now=utcnow(),
    )
    db.session.commit()
    return _objection_json(objection), 201


@bp.post("/evaluations/<int:evaluation_id>/objections/<int:objection_id>/answer")
def answer_objection(evaluation_id: int, objection_id: int) -> Any:
    """The bureau answers: ``{"answer", "item"?, "points"?}``; an item re-adjusts it."""
    me = api_user()
    if not me.is_bureau:
        raise Forbidden(_l("Only the bureau answers objections."))
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    objection = responses.get_objection(db.session, evaluation, objection_id)
    body = json_body()
    points = body.get("points")
    objection = responses.answer_objection(
        db.session,
        actor=me,
        evaluation=evaluation,
        objection=objection,
        answer=_text(body, "answer"),
        item=_text(body, "item"),
        points=None if points is None else str(points),
        today=today_local(),
        now=utcnow(),
    )
    db.session.commit()
    return _objection_json(objection)
