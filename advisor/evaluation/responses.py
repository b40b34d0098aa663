"""The advisor's side of an evaluation: a self-evaluation before it is published and
objections within the objection period after, with the bureau's answers.

An advisor may object while the period is open (until ``objections_until``, a Beijing
date, inclusive) and has one objection awaiting an answer at a time. The bureau answers
each objection in writing and may adjust the result with the answer as the reason.
Services add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.evaluation import services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import Evaluation, EvaluationResult, Objection, SelfEvaluation
from advisor.evaluation.permissions import can_answer_objections, can_object, can_self_evaluate
from advisor.evaluation.rulefile import from_json
from advisor.evaluation.rules import RuleSet
from advisor.i18n import fmt_date, fmt_period
from advisor.workdays import parse_period

MAX_TEXT = 5000


def _text(value: str, field: str, empty: object) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(empty, fields={field: _l("Required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _l("Keep it under %(n)s characters.", n=MAX_TEXT),
            fields={field: _l("Too long.")},
        )
    return value


# --- objections ------------------------------------------------------------------------


def file_objection(
    session: orm.Session,
    *,
    actor: User,
    evaluation: Evaluation,
    text: str,
    today: date,
    now: datetime,
) -> Objection:
    """The advisor objects to their published result. Raises Conflict after the objection
    period or while an earlier objection awaits its answer."""
    if not can_object(actor) or actor.advisor_id is None:
        raise Forbidden(_l("Only the advisor evaluated may object."))
    if evaluation.status != "published" or evaluation.objections_until is None:
        raise NotFound(_l("No such evaluation."))
    result = services.get_result(session, evaluation, actor.advisor_id)
    if today > evaluation.objections_until:
        raise Conflict(
            _l(
                "The objection period ended on %(day)s.",
                day=fmt_date(evaluation.objections_until),
            )
        )
    if any(o.status == "open" for o in result.objections):
        raise Conflict(_l("Your earlier objection is still awaiting the bureau's answer."))
    text = _text(text, "text", _l("Write what you object to and why."))
    objection = Objection(result_id=result.id, text=text, filed_at=now, filed_by_id=actor.id)
    session.add(objection)
    session.flush()
    session.expire(result, ["objections"])
    accounts.notify(
        session,
        accounts.bureau_user_ids(session),
        "objection_filed",
        link=f"/evaluations/{evaluation.id}/advisors/{result.advisor_id}",
        period=evaluation.period,
        advisor=actor.name,
    )
    return objection


def get_objection(session: orm.Session, evaluation: Evaluation, objection_id: int) -> Objection:
    objection = session.get(Objection, objection_id)
    if objection is None or objection.result.evaluation_id != evaluation.id:
        raise NotFound(_l("No such objection."))
    return objection


def answer_objection(
    session: orm.Session,
    *,
    actor: User,
    evaluation: Evaluation,
    objection: Objection,
    answer: str,
    today: date,
    now: datetime,
    item: str = "",
    points: str | None = None,
) -> Objection:
    """The bureau answers an open objection; with ``item`` it also sets that item's points,
    the answer being the written reason. Raises Conflict for an answered objection."""
    if not can_answer_objections(actor):
        raise Forbidden(_l("Only the bureau answers objections."))
    if objection.status != "open":
        raise Conflict(_l("This objection has already been answered."))
    answer = _text(answer, "answer", _l("Write the answer to the objection."))
    result = objection.result
    if item:
        services.adjust(
            session,
            actor=actor,
            evaluation=evaluation,
            advisor_id=result.advisor_id,
            kind="points",
            target=item,
            value=points,
            reason=answer,
            today=today,
            objection=objection,
        )
    objection.status = "answered"
    objection.answer = answer
    objection.answered_at = now
    objection.answered_by_id = actor.id
    session.flush()
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, result.advisor_id),
        "objection_answered",
        link=f"/evaluations/{evaluation.id}/advisors/{result.advisor_id}",
        period=evaluation.period,
    )
    return objection


def open_objections(session: orm.Session, evaluation: Evaluation) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(Objection.id))
            .join(EvaluationResult, EvaluationResult.id == Objection.result_id)
            .where(EvaluationResult.evaluation_id == evaluation.id, Objection.status == "open")
        )
        or 0
    )


# --- self-evaluation -------------------------------------------------------------------


def current_rules(session: orm.Session) -> RuleSet:
    """The newest rule set, which a self-evaluation proposes points against; the built-in
    default while none is stored (reading stores nothing)."""
    row = services.get_current_rule_set(session)
    return from_json(row.data) if row else default_rule_set()


def get_self_evaluation(
    session: orm.Session, advisor_id: int, period: str
) -> SelfEvaluation | None:
    return session.scalar(
        sa.select(SelfEvaluation).where(
            SelfEvaluation.advisor_id == advisor_id, SelfEvaluation.period == period
        )
    )


def save_self_evaluation(
    session: orm.Session,
    *,
    actor: User,
    period_text: str,
    text: str,
    scores: Mapping[str, str],
    lock_version: int | None,
    now: datetime,
) -> SelfEvaluation:
    """Create or update the advisor's self-evaluation of a period: a text and the points
    they propose for any of the current rule set's items (blank: no proposal).

    Raises ValidationError per field, Conflict once an evaluation of the period is
    published or when ``lock_version`` is not the stored one (edited elsewhere meanwhile).
    """
    if not can_self_evaluate(actor) or actor.advisor_id is None:
        raise Forbidden(_l("Only advisors write self-evaluations."))
    try:
        period = str(parse_period(period_text))
    except ValueError as error:
        raise ValidationError(
            _l("Give the period as 2025 or 2025-Q3."),
            fields={"period": _l("Like 2025 or 2025-Q3.")},
        ) from error
    published = session.scalar(
        sa.select(Evaluation.id).where(
            Evaluation.period == period, Evaluation.status == "published"
        )
    )
    if published is not None:
        raise Conflict(
            _l(
                "The evaluation of %(period)s is published; its self-evaluation is closed.",
                period=fmt_period(period),
            )
        )
    text = _text(text, "text", _l("Write your self-evaluation."))
    items = {item.key: item for _, item in current_rules(session).items()}
    proposed: dict[str, str] = {}
    problems: dict[str, object] = {}
    for key, raw in scores.items():
        if key not in items or not raw.strip():
            continue
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not 0 <= number <= items[key].max_points:
            problems[f"score-{key}"] = _l("From 0 to %(max)s.", max=items[key].max_points)
        else:
            proposed[key] = str(number)
    if problems:
        raise ValidationError(_l("Some proposed points are out of range."), fields=problems)
    row = get_self_evaluation(session, actor.advisor_id, period)
    if row is None:
        row = SelfEvaluation(advisor_id=actor.advisor_id, period=period, text="", scores={})
        session.add(row)
    elif lock_version is not None and lock_version != row.lock_version:
        raise Conflict(
            _l("You changed this self-evaluation elsewhere meanwhile; reload it and try again.")
        )
    row.text = text
    row.scores = proposed
    row.updated_at = now
    session.flush()
    return row
