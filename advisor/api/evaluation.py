"""Evaluation through the API (API.md "Evaluation"): rule sets, running and reading results."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body
from advisor.db import utcnow
from advisor.errors import Forbidden, ValidationError
from advisor.evaluation import editing, services
from advisor.evaluation.models import Evaluation, RuleSetVersion
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
