"""Evaluation through the API (API.md "Evaluation"): rule sets, running, reading, adjusting
and publishing results, and objections."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from advisor.api import responses
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body
from advisor.api.fields import read
from advisor.api.requests import AdjustBody, AnswerBody, EvaluationBody, ObjectionBody
from advisor.api.schemas import evaluation_json, objection_json, rule_set_json, whole_list_json
from advisor.contracts import calendar
from advisor.db import utcnow
from advisor.errors import Forbidden, ValidationError
from advisor.evaluation import editing, permissions, services
from advisor.evaluation import responses as objections
from advisor.evaluation.models import Evaluation
from advisor.extensions import db
from advisor.workdays import today_local


def _evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return evaluation_json(evaluation, services.visible_results(api_user(), evaluation))


@bp.get("/rulesets")
def list_rulesets() -> Any:
    """Every stored version of the evaluation rules."""
    rows = services.list_rule_sets(db.session)
    return whole_list_json(responses.RuleSetList, [rule_set_json(r) for r in rows])


@bp.get("/rulesets/<int:rule_set_id>")
def get_ruleset(rule_set_id: int) -> Any:
    """One version of the evaluation rules, as data."""
    return rule_set_json(services.get_rule_set(db.session, rule_set_id))


@bp.post("/rulesets")
def create_ruleset() -> Any:
    """The bureau stores the next version of a rule set; the body is ``rules`` as GET gives
    it, and its ``version``, if any, is the newest the client knew of (a newer one: 409)."""
    if not permissions.can_edit_rule_sets(api_user()):
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
    return rule_set_json(row), 201


@bp.post("/evaluations")
def create_evaluation() -> Any:
    """The bureau computes a draft evaluation: ``{"period": "2025" | "2025-Q3", "ruleset_id"?}``."""
    if not permissions.can_manage_evaluations(api_user()):
        raise Forbidden(_l("Only the bureau runs evaluations."))
    body = read(EvaluationBody, json_body())
    evaluation = services.run_evaluation(
        db.session,
        actor=api_user(),
        period_text=body.period,
        today=today_local(),
        now=utcnow(),
        rule_set_id=body.ruleset_id,
    )
    db.session.commit()
    return _evaluation_json(evaluation), 201


@bp.get("/evaluations/<int:evaluation_id>")
def get_evaluation(evaluation_id: int) -> Any:
    """An evaluation with the results the caller may see."""
    return _evaluation_json(services.get_evaluation(db.session, api_user(), evaluation_id))


@bp.post("/evaluations/<int:evaluation_id>/adjust")
def adjust_evaluation(evaluation_id: int) -> Any:
    """The bureau changes one result with a reason: ``{"advisor_id", "item", "points",
    "reason"}`` sets an item's points (null: the computed points again); ``"measure"`` and
    ``"value"`` enter a manual measure; ``"veto"`` and ``"set"`` set or lift a veto."""
    me = api_user()
    if not permissions.can_manage_evaluations(me):
        raise Forbidden(_l("Only the bureau runs and adjusts evaluations."))
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    body = read(AdjustBody, json_body())
    value: str | int | float | None
    if "veto" in body.model_fields_set:
        kind, target, value = "veto", body.veto, ("1" if body.set else "0")
    elif "measure" in body.model_fields_set:
        kind, target, value = "measure", body.measure, body.value
    else:
        kind, target, value = "points", body.item, body.points
    if target is None:
        raise ValidationError(
            _l("Name the item and give the points as a number or a decimal string."),
            fields={"item": _l("An item key of the rule set.")},
        )
    services.adjust(
        db.session,
        actor=me,
        evaluation=evaluation,
        advisor_id=body.advisor_id,
        kind=kind,
        target=target,
        value=None if value is None else str(value),
        reason=body.reason,
        today=today_local(),
    )
    db.session.commit()
    return _evaluation_json(evaluation)


@bp.post("/evaluations/<int:evaluation_id>/publish")
def publish_evaluation(evaluation_id: int) -> Any:
    """The bureau publishes a draft: frozen, advisors notified, objections open."""
    me = api_user()
    if not permissions.can_manage_evaluations(me):
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
        objection_json(o) for r in services.visible_results(me, evaluation) for o in r.objections
    ]
    return whole_list_json(responses.ObjectionList, items)


@bp.post("/evaluations/<int:evaluation_id>/objections")
def file_objection(evaluation_id: int) -> Any:
    """The evaluated advisor objects within the objection period: ``{"text"}`` → 201."""
    me = api_user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    objection = objections.file_objection(
        db.session,
        actor=me,
        evaluation=evaluation,
        text=read(ObjectionBody, json_body()).text,
        today=today_local(),
        now=utcnow(),
    )
    db.session.commit()
    return objection_json(objection), 201


@bp.post("/evaluations/<int:evaluation_id>/objections/<int:objection_id>/answer")
def answer_objection(evaluation_id: int, objection_id: int) -> Any:
    """The bureau answers: ``{"answer", "item"?, "points"?}``; an item re-adjusts it."""
    me = api_user()
    if not permissions.can_answer_objections(me):
        raise Forbidden(_l("Only the bureau answers objections."))
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    objection = objections.get_objection(db.session, evaluation, objection_id)
    body = read(AnswerBody, json_body())
    objection = objections.answer_objection(
        db.session,
        actor=me,
        evaluation=evaluation,
        objection=objection,
        answer=body.answer,
        item=body.item,
        points=None if body.points is None else str(body.points),
        today=today_local(),
        now=utcnow(),
    )
    db.session.commit()
    return objection_json(objection)
