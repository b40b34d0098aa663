"""Evaluation rules in use: stored rule-set versions and running a draft evaluation.

Running computes every active advisor's measures in SQL (evaluation.measures), scores
them with the rule set (evaluation.scoring) and stores each result with its inputs and
the basis of every item, ranked by total. Adjusting, publishing and objections are not
built yet. Services add and flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.errors import Forbidden, NotFound, ValidationError
from advisor.evaluation import measures
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import Evaluation, EvaluationResult, RuleSetVersion
from advisor.evaluation.rulefile import from_json, to_json
from advisor.evaluation.rules import RuleSet
from advisor.evaluation.scoring import score_advisor


def get_current_rule_set(session: orm.Session) -> RuleSetVersion | None:
    """The rules in use: the version stored last, whatever its name; None before any is."""
    return session.scalar(sa.select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(1))


def ensure_default_rule_set(session: orm.Session, *, actor: User | None = None) -> RuleSetVersion:
    """The current version, storing the default rule set as version 1 if none is stored."""
    latest = get_current_rule_set(session)
    if latest is not None:
        return latest
    rules = default_rule_set()
    row = RuleSetVersion(
        name=rules.name,
        version=rules.version,
        data=to_json(rules),
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    session.flush()
    return row


def list_rule_sets(session: orm.Session) -> list[RuleSetVersion]:
    return list(session.scalars(sa.select(RuleSetVersion).order_by(RuleSetVersion.id)))


def get_rule_set(session: orm.Session, rule_set_id: int) -> RuleSetVersion:
    row = session.get(RuleSetVersion, rule_set_id)
    if row is None:
        raise NotFound(_l("No such rule set."))
    return row


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def run_evaluation(
    session: orm.Session,
    *,
    actor: User,
    period_text: str,
    today: date,
    now: datetime,
    rule_set_id: int | None = None,
) -> Evaluation:
    """A draft evaluation of every active advisor for ``period_text`` ("2025" or "2025-Q3").

    Manual measures (spot checks, complaints, veto) have no entries yet, so they are
    scored as the rule set says for items with no data. Raises Forbidden for anyone but
    the bureau and ValidationError for a bad period or one the rule set does not cover.
    """
    if actor.role != Role.BUREAU:
        raise Forbidden(_l("Only the bureau runs evaluations."))
    try:
        period = measures.parse_period(period_text)
    except ValueError as error:
        raise ValidationError(
            _l("Give the period as 2025 or 2025-Q3."),
            fields={"period": _l("Like 2025 or 2025-Q3.")},
        ) from error
    row = (
        get_rule_set(session, rule_set_id)
        if rule_set_id
        else ensure_default_rule_set(session, actor=actor)
    )
    rules: RuleSet = from_json(row.data)
    if period.kind not in rules.periods:
        raise ValidationError(
            _l("This rule set does not apply to this kind of period."),
            fields={"period": _l("Choose a year or a quarter as the rules allow.")},
        )
    evaluation = Evaluation(
        period=str(period),
        rule_set_id=row.id,
        status="draft",
        computed_on=now,
        created_by_id=actor.id,
    )
    session.add(evaluation)
    session.flush()
    scored = []
    for advisor_id, measured in measures.compute(session, period, today=today).items():
        result = score_advisor(rules, measured.values, period=period.kind, details=measured.details)
        scored.append((advisor_id, measured, result))
    scored.sort(key=lambda entry: (-entry[2].total, entry[0]))
    labels = {item.key: (item.label_zh, item.label_en) for _, item in rules.items()}
    for rank, (advisor_id, measured, result) in enumerate(scored, start=1):
        session.add(
            EvaluationResult(
                evaluation_id=evaluation.id,
                advisor_id=advisor_id,
                total=str(result.total),
                grade=result.grade.name_zh,
                rank=rank,
                inputs={
                    "values": {k: _text(v) for k, v in measured.values.items()},
                    "details": measured.details,
                },
                items=[
                    {
                        "item": s.key,
                        "label_zh": labels[s.key][0],
                        "label_en": labels[s.key][1],
                        "points": _text(s.points),
                        "max": str(s.max_points),
                        "basis": s.basis,
                    }
                    for s in result.items
                ],
            )
        )
    session.flush()
    return evaluation


def get_evaluation(session: orm.Session, user: User, evaluation_id: int) -> Evaluation:
    """The bureau sees every evaluation; no one else sees a draft."""
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None or (user.role != Role.BUREAU and evaluation.status != "published"):
        raise NotFound(_l("No such evaluation."))
    return evaluation


def visible_results(user: User, evaluation: Evaluation) -> list[EvaluationResult]:
    """The bureau sees every result; an advisor only their own; schools none."""
    if user.role == Role.BUREAU:
        return list(evaluation.results)
    if user.role == Role.ADVISOR:
        return [r for r in evaluation.results if r.advisor_id == user.advisor_id]
    return []


def list_evaluations(session: orm.Session) -> list[Evaluation]:
    return list(session.scalars(sa.select(Evaluation).order_by(Evaluation.id.desc())))


def result_json(result: EvaluationResult) -> dict[str, Any]:
    return {
        "advisor_id": result.advisor_id,
        "total": result.total,
        "grade": result.grade,
        "rank": result.rank,
        "items": [
            {k: item[k] for k in ("item", "points", "max", "basis")} for item in result.items
        ],
        "adjustments": [],
    }
