"""Evaluations: running a draft, the bureau's adjustments, publishing and who sees what.

Running computes every active advisor's measures in SQL (evaluation.measures), scores
them with the rule set (evaluation.scoring) and stores each result with its inputs, the
records behind them and the basis of every item, ranked by total. Every later change —
a manual measure, an item's points, a veto — is an Adjustment with a written reason;
the result is rescored from its stored inputs and the adjustments in force, never from
the live data, so a published result stays as it was published. Advisors' objections
and self-evaluations are in evaluation.responses. Services add and flush; the caller
commits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.evaluation import measures, wording
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import (
    Adjustment,
    Evaluation,
    EvaluationResult,
    Objection,
    RuleSetVersion,
    SelfEvaluation,
)
from advisor.evaluation.permissions import (
    can_manage_evaluations,
    can_see_evaluation,
    can_see_result,
)
from advisor.evaluation.rulefile import from_json, to_json
from advisor.evaluation.rules import MANUAL_MEASURES, RuleSet
from advisor.evaluation.scoring import score_advisor
from advisor.i18n import LOCALES, fmt_period
from advisor.text import NOTE, too_long
from advisor.workdays import BureauCalendar, add_working_days, parse_period


def get_current_rule_set(session: orm.Session) -> RuleSetVersion | None:
    """The rules in use: the version stored last, whatever its name; None before any is."""
    return session.scalar(sa.select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(1))


def ensure_default_rule_set(session: orm.Session) -> RuleSetVersion:
    """The current version, storing the default rule set as version 1, by the system (no
    author), if none is stored; for setting up an installation, never for running."""
    latest = get_current_rule_set(session)
    if latest is not None:
        return latest
    rules = default_rule_set()
    row = RuleSetVersion(name=rules.name, version=rules.version, data=to_json(rules))
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

    Manual measures (spot checks, complaints, ...) start with no data and are scored as
    the rule set says for items with no data until the bureau enters them. Raises
    Forbidden for anyone but the bureau, ValidationError for a bad period or one the
    rule set does not cover, and Conflict when no rule set is stored: running reads the
    rules (the given version, else the current one) and never stores a version.
    """
    _bureau_only(actor)
    try:
        period = parse_period(period_text)
    except ValueError as error:
        raise ValidationError(
            _l("Give the period as 2025 or 2025-Q3."),
            fields={"period": _l("Like 2025 or 2025-Q3.")},
        ) from error
    row = get_rule_set(session, rule_set_id) if rule_set_id else get_current_rule_set(session)
    if row is None:
        # Computing never saves rules: storing them is the bureau's explicit act, under
        # its name, on the rules page (or the system's, when an installation is set up).
        raise Conflict(
            _l(
                "No evaluation rules are saved yet. Open the evaluation rules, check them and"
                " save them; then compute the draft. Nothing was saved."
            )
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
    for advisor_id, measured in measures.compute(session, period, today=today).items():
        result = EvaluationResult(
            evaluation_id=evaluation.id,
            advisor_id=advisor_id,
            rank=0,
            inputs={
                "values": {k: _text(v) for k, v in measured.values.items()},
                "figures": measured.figures,
                "records": measured.records,
            },
        )
        _score(rules, period.kind, result, adjustments=[])
        session.add(result)
    session.flush()
    _rank(session, evaluation)
    return evaluation


def _bureau_only(actor: User) -> None:
    if not can_manage_evaluations(actor):
        raise Forbidden(_l("Only the bureau runs and adjusts evaluations."))


def _in_force(adjustments: list[Adjustment]) -> dict[tuple[str, str], str | None]:
    """The newest value of each (kind, target)."""
    latest: dict[tuple[str, str], str | None] = {}
    for adjustment in sorted(adjustments, key=lambda a: a.id):
        latest[(adjustment.kind, adjustment.target)] = adjustment.value
    return latest


def _score(
    rules: RuleSet, period_kind: str, result: EvaluationResult, *, adjustments: list[Adjustment]
) -> None:
    """Score the result from its stored inputs and the adjustments in force; the basis of
    each item is written in words (evaluation.wording) in every language of the interface."""
    values: dict[str, Decimal | None] = {
        k: None if v is None else Decimal(v) for k, v in result.inputs["values"].items()
    }
    points: dict[str, Decimal] = {}
    entered: dict[str, str] = {}
    vetoes: list[str] = []
    for (kind, target), value in _in_force(adjustments).items():
        if kind == "measure" and value is not None:
            values[target] = Decimal(value)
            entered[target] = value
        elif kind == "points" and value is not None:
            points[target] = Decimal(value)
        elif kind == "veto" and value == "1":
            vetoes.append(target)
    scored = score_advisor(rules, values, period=period_kind, veto=bool(vetoes), adjustments=points)
    labels = {item.key: item for _, item in rules.items()}
    bases: dict[str, dict[str, str]] = {}
    for language in LOCALES:
        with force_locale(language):
            whats = measures.describe(result.inputs["figures"])
            for measure in MANUAL_MEASURES:
                whats[measure] = wording.entered(measure, entered.get(measure))
            bases[language] = {
                s.key: wording.basis(labels[s.key], s, whats.get(labels[s.key].measure, ""))
                for s in scored.items
            }
    result.total = str(scored.total)
    result.grade = scored.grade.name_zh
    result.vetoed = scored.vetoed
    result.items = [
        {
            "item": s.key,
            "label_zh": labels[s.key].label_zh,
            "label_en": labels[s.key].label_en,
            "measure": labels[s.key].measure,
            "points": _text(s.points),
            "max": str(s.max_points),
            **{f"basis_{language}": bases[language][s.key] for language in LOCALES},
            "adjusted": s.key in points,
        }
        for s in scored.items
    ]


def reword_results(session: orm.Session) -> tuple[int, int]:
    """Write each stored result's basis again in the current words (evaluation.wording),
    from its stored inputs and the adjustments in force: for results stored before the
    words changed. Numbers are never changed: a result whose points, total or grade would
    come out differently from what is stored is left as it is. Returns (rewritten, left);
    adds nothing, the caller commits."""
    rewritten = left = 0
    for result in session.scalars(
        sa.select(EvaluationResult)
        .options(orm.selectinload(EvaluationResult.adjustments))
        .order_by(EvaluationResult.id)
    ):
        evaluation = result.evaluation
        probe = EvaluationResult(inputs=result.inputs)
        _score(
            rules_of(evaluation),
            parse_period(evaluation.period).kind,
            probe,
            adjustments=result.adjustments,
        )
        if _numbers(probe) != _numbers(result):
            left += 1
            continue
        if probe.items != result.items:
            result.items = probe.items
            rewritten += 1
    session.flush()
    return rewritten, left


def _numbers(result: EvaluationResult) -> tuple[Any, ...]:
    return (
        result.total,
        result.grade,
        result.vetoed,
        [(i["item"], i["points"], i["max"], i["adjusted"]) for i in result.items],
    )


def basis(item: dict[str, Any]) -> str:
    """An item's basis in the current language."""
    language = str(get_locale() or "zh")
    return str(item.get(f"basis_{language}") or item.get("basis_zh", ""))


def veto_basis(rules: RuleSet, result: EvaluationResult) -> str:
    """Why the result is vetoed, in words in the current language ("" when it is not):
    the veto items the bureau set and the grade they give whatever the points."""
    if not result.vetoed:
        return ""
    language = str(get_locale() or "zh")
    items = {v.key: v for v in rules.veto_items}
    labels = [
        items[target].label_zh if language == "zh" else items[target].label_en
        for (kind, target), value in _in_force(result.adjustments).items()
        if kind == "veto" and value == "1" and target in items
    ]
    grade = next((g for g in rules.grades if g.name_zh == result.grade), None)
    name = result.grade if grade is None or language == "zh" else grade.name_en
    return wording.veto(labels, name)


def _rank(session: orm.Session, evaluation: Evaluation) -> None:
    """Rank by total, highest first; a vetoed result after every other; ties by advisor id
    (the earlier id first) so the order is stable."""
    results = session.scalars(
        sa.select(EvaluationResult).where(EvaluationResult.evaluation_id == evaluation.id)
    ).all()
    ordered = sorted(results, key=lambda r: (r.vetoed, -Decimal(r.total), r.advisor_id))
    for rank, result in enumerate(ordered, start=1):
        result.rank = rank
    session.flush()
    session.expire(evaluation, ["results"])


def rules_of(evaluation: Evaluation) -> RuleSet:
    return from_json(evaluation.rule_set.data)


def get_result(session: orm.Session, evaluation: Evaluation, advisor_id: int) -> EvaluationResult:
    result = session.scalar(
        sa.select(EvaluationResult).where(
            EvaluationResult.evaluation_id == evaluation.id,
            EvaluationResult.advisor_id == advisor_id,
        )
    )
    if result is None:
        raise NotFound(_l("This advisor has no result in this evaluation."))
    return result


ADJUSTMENT_KINDS = ("points", "measure", "veto")


def adjust(
    session: orm.Session,
    *,
    actor: User,
    evaluation: Evaluation,
    advisor_id: int,
    kind: str,
    target: str,
    value: str | None,
    reason: str,
    today: date,
    objection: Objection | None = None,
) -> Adjustment:
    """Change one result with a written reason and rescore it (see Adjustment for ``kind``).

    A draft may be adjusted freely; a published result only in answer to one of that
    advisor's objections and only until the result is final. Raises ValidationError for
    a missing reason, an unknown target or a value out of range, Conflict for a
    published result with no objection to answer.
    """
    _bureau_only(actor)
    result = session.scalar(
        sa.select(EvaluationResult)
        .where(
            EvaluationResult.evaluation_id == evaluation.id,
            EvaluationResult.advisor_id == advisor_id,
        )
        .with_for_update()
    )
    if result is None:
        raise NotFound(_l("This advisor has no result in this evaluation."))
    if evaluation.status == "published":
        if objection is None or objection.result_id != result.id:
            raise Conflict(
                _l("A published result changes only in answer to the advisor's objection.")
            )
        if is_final(evaluation, result, today) and objection.status != "open":
            raise Conflict(_l("This result is final."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _l("Write the reason for the adjustment."),
            fields={"reason": _l("Required: say why the score changes.")},
        )
    if problems := too_long({"reason": reason}, {"reason": NOTE}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    rules = rules_of(evaluation)
    stored = _checked_value(rules, kind, target, value)
    adjustment = Adjustment(
        result_id=result.id,
        kind=kind,
        target=target,
        value=stored,
        reason=reason,
        objection_id=objection.id if objection else None,
        created_by_id=actor.id,
    )
    session.add(adjustment)
    session.flush()
    session.refresh(result, ["adjustments"])
    _score(rules, parse_period(evaluation.period).kind, result, adjustments=result.adjustments)
    session.flush()
    _rank(session, evaluation)
    return adjustment


# No item or manual measure comes near this; anything larger is a typing error.
MAX_ADJUSTED_VALUE = Decimal(1_000_000)


def _checked_value(rules: RuleSet, kind: str, target: str, value: str | None) -> str | None:
    """The value as stored, or ValidationError with the field at fault."""
    if kind not in ADJUSTMENT_KINDS:
        raise ValidationError(_l("Choose what to adjust."), fields={"kind": _l("Unknown kind.")})
    if kind == "veto":
        if target not in {v.key for v in rules.veto_items}:
            raise ValidationError(
                _l("Choose one of the rule set's veto items."),
                fields={"target": _l("Unknown veto item.")},
            )
        if value not in ("1", "0"):
            raise ValidationError(
                _l("Say whether the veto applies."), fields={"value": _l("Set or lift.")}
            )
        return value
    items = {item.key: item for _, item in rules.items()}
    if kind == "points":
        if target not in items:
            raise ValidationError(
                _l("Choose one of the rule set's items."), fields={"target": _l("Unknown item.")}
            )
        limit: Decimal | None = items[target].max_points
    else:
        manual = {item.measure for item in items.values() if item.measure in MANUAL_MEASURES}
        if target not in manual:
            raise ValidationError(
                _l("Choose a measure the bureau enters for this rule set."),
                fields={"target": _l("Unknown or computed measure.")},
            )
        limit = None
    if value is None or not value.strip():
        if kind == "points":
            return None  # back to the computed points
        raise ValidationError(_l("Enter the value."), fields={"value": _l("Required.")})
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    # The bound comes first: quantizing 1e308 to cents fails instead of answering.
    if (
        not number.is_finite()
        or number < 0
        or number > MAX_ADJUSTED_VALUE
        or number != number.quantize(Decimal("0.01"))
    ):
        raise ValidationError(
            _l("Enter a number of 0 or more with at most two decimals."),
            fields={"value": _l("Like 8 or 7.5.")},
        )
    if limit is not None and number > limit:
        raise ValidationError(
            _l("This item has at most %(max)s points.", max=limit),
            fields={"value": _l("At most %(max)s.", max=limit)},
        )
    return str(number.normalize()) if number == number.to_integral() else str(number)


def publish(
    session: orm.Session,
    *,
    actor: User,
    evaluation: Evaluation,
    today: date,
    now: datetime,
    objection_days: int,
    calendar: BureauCalendar | None = None,
) -> Evaluation:
    """Publish a draft: it is frozen with its rule-set version, inputs and scores, each
    advisor's self-evaluation is kept with their result, every advisor is notified, and
    objections are open until ``objection_days`` working days after ``today``.

    Raises Conflict when the evaluation is already published or another evaluation of
    the same period is.
    """
    _bureau_only(actor)
    if evaluation.status != "draft":
        raise Conflict(_l("This evaluation is already published."))
    other = session.scalar(
        sa.select(Evaluation.id).where(
            Evaluation.period == evaluation.period,
            Evaluation.status == "published",
            Evaluation.id != evaluation.id,
        )
    )
    if other is not None:
        raise Conflict(
            _l(
                "Another evaluation of %(period)s is already published.",
                period=fmt_period(evaluation.period),
            )
        )
    evaluation.status = "published"
    evaluation.published_at = now
    evaluation.published_by_id = actor.id
    evaluation.objections_until = add_working_days(today, objection_days, calendar)
    selves = {
        s.advisor_id: s
        for s in session.scalars(
            sa.select(SelfEvaluation).where(SelfEvaluation.period == evaluation.period)
        )
    }
    for result in evaluation.results:
        own = selves.get(result.advisor_id)
        if own is not None:
            result.self_evaluation = {"text": own.text, "scores": own.scores}
        accounts.notify(
            session,
            accounts.advisor_user_ids(session, result.advisor_id),
            "evaluation_published",
            link=f"/evaluations/{evaluation.id}/advisors/{result.advisor_id}",
            period=evaluation.period,
            until=str(evaluation.objections_until),
        )
    session.flush()
    return evaluation


def is_final(evaluation: Evaluation, result: EvaluationResult, today: date) -> bool:
    """Published, the objection period over and every objection answered."""
    return (
        evaluation.status == "published"
        and evaluation.objections_until is not None
        and today > evaluation.objections_until
        and all(o.status == "answered" for o in result.objections)
    )


def get_evaluation(session: orm.Session, user: User, evaluation_id: int) -> Evaluation:
    """The bureau sees every evaluation; advisors the published ones; schools none."""
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None or not can_see_evaluation(user, evaluation):
        raise NotFound(_l("No such evaluation."))
    return evaluation


def visible_results(user: User, evaluation: Evaluation) -> list[EvaluationResult]:
    """The bureau sees every result; an advisor only their own; schools none."""
    return [r for r in evaluation.results if can_see_result(user, evaluation, r.advisor_id)]


def visible_result(
    session: orm.Session, user: User, evaluation_id: int, advisor_id: int
) -> tuple[Evaluation, EvaluationResult]:
    """One result: the bureau any, an advisor their own published one; else NotFound."""
    evaluation = get_evaluation(session, user, evaluation_id)
    if not can_see_result(user, evaluation, advisor_id):
        raise NotFound(_l("No such evaluation."))
    return evaluation, get_result(session, evaluation, advisor_id)


def own_results(session: orm.Session, advisor_id: int) -> dict[int, EvaluationResult]:
    """An advisor's results in published evaluations, by evaluation id, in one query."""
    return {
        r.evaluation_id: r
        for r in session.scalars(
            sa.select(EvaluationResult)
            .join(Evaluation, Evaluation.id == EvaluationResult.evaluation_id)
            .where(EvaluationResult.advisor_id == advisor_id, Evaluation.status == "published")
        )
    }


def list_evaluations(session: orm.Session, user: User) -> list[Evaluation]:
    """Every evaluation for the bureau; the published ones for advisors."""
    stmt = sa.select(Evaluation).order_by(Evaluation.id.desc())
    if not can_manage_evaluations(user):
        stmt = stmt.where(Evaluation.status == "published")
    return list(session.scalars(stmt))


def adjustment_json(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "id": adjustment.id,
        "kind": adjustment.kind,
        "target": adjustment.target,
        "value": adjustment.value,
        "reason": adjustment.reason,
        "objection_id": adjustment.objection_id,
        "created_at": adjustment.created_at.isoformat(),
    }


def result_json(result: EvaluationResult) -> dict[str, Any]:
    return {
        "advisor_id": result.advisor_id,
        "total": result.total,
        "grade": result.grade,
        "rank": result.rank,
        "vetoed": result.vetoed,
        "items": [
            {
                "item": item["item"],
                "points": item["points"],
                "max": item["max"],
                "basis": basis(item),
            }
            for item in result.items
        ],
        "adjustments": [adjustment_json(a) for a in result.adjustments],
    }
