"""Evaluation pages: run a draft, read the ranking and reports, open one advisor's result
with its basis and records, adjust, publish, object and answer, and self-evaluate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from advisor.accounts.models import Role
from advisor.auth import protect, require, user
from advisor.contracts import calendar
from advisor.db import utcnow
from advisor.errors import AppError
from advisor.evaluation import labels, reports, responses, services
from advisor.evaluation.models import Evaluation, EvaluationResult
from advisor.evaluation.permissions import can_manage_evaluations, can_see_ranking, is_evaluated
from advisor.evaluation.rules import MANUAL_MEASURES
from advisor.extensions import db
from advisor.forms import error_text, posted
from advisor.i18n import fmt_date, fmt_period
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.workdays import parse_period, today_local

bp = Blueprint("evaluation", __name__, url_prefix="/evaluations")
protect(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("")
@require(Role.ADVISOR, Role.BUREAU)
def index() -> Any:
    """The bureau: every evaluation and the form to run one. An advisor: the published
    evaluations with their own result, and their self-evaluation."""
    me = user()
    evaluations = services.list_evaluations(db.session, me)
    mine: dict[int, EvaluationResult] = {}
    if is_evaluated(me) and me.advisor_id is not None:
        mine = services.own_results(db.session, me.advisor_id)
    return render_template(
        "evaluation/index.html",
        evaluations=evaluations,
        mine=mine,
        rules=services.get_current_rule_set(db.session),
        default_period=str(today_local().year),
    )


@bp.post("")
@require(Role.BUREAU)
def run() -> Any:
    """Compute a draft evaluation of every active advisor for a period."""
    try:
        evaluation = services.run_evaluation(
            db.session,
            actor=user(),
            period_text=request.form.get("period", ""),
            today=today_local(),
            now=utcnow(),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
        return redirect(url_for("evaluation.index"))
    flash(
        _("Draft evaluation for %(period)s computed.", period=fmt_period(evaluation.period)),
        "success",
    )
    return redirect(url_for("evaluation.detail", evaluation_id=evaluation.id))


@bp.get("/<int:evaluation_id>")
@require(Role.ADVISOR, Role.BUREAU)
def detail(evaluation_id: int) -> Any:
    """The ranking with totals and grades, the per-firm summary and grade distribution;
    an advisor is sent to their own result."""
    me = user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    if not can_see_ranking(me, evaluation):
        return redirect(
            url_for("evaluation.result", evaluation_id=evaluation.id, advisor_id=me.advisor_id)
        )
    rules = services.rules_of(evaluation)
    results = services.visible_results(me, evaluation)
    who = reports.people(db.session, results)
    return render_template(
        "evaluation/detail.html",
        evaluation=evaluation,
        rules=rules,
        results=results,
        who=who,
        firms=reports.by_firm(rules, results, who),
        distribution=reports.grade_distribution(rules, results),
        open_objections=responses.open_objections(db.session, evaluation),
        today=today_local(),
    )


def _result_page(
    evaluation: Evaluation,
    result: EvaluationResult,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    me = user()
    rules = services.rules_of(evaluation)
    if result.self_evaluation is not None or evaluation.status == "published":
        own = result.self_evaluation
    else:
        row = responses.get_self_evaluation(db.session, result.advisor_id, evaluation.period)
        own = {"text": row.text, "scores": row.scores} if row else None
    period = parse_period(evaluation.period)
    manual = sorted({i.measure for _, i in rules.items() if i.measure in MANUAL_MEASURES})
    return (
        render_template(
            "evaluation/result.html",
            evaluation=evaluation,
            result=result,
            who=reports.people(db.session, [result])[result.advisor_id],
            rules=rules,
            own=own,
            period=period,
            manual_measures=manual,
            measure_labels=labels.MEASURE_LABELS,
            veto_labels={v.key: v for v in rules.veto_items},
            item_labels={i.key: i for _, i in rules.items()},
            veto_basis=services.veto_basis(rules, result),
            final=services.is_final(evaluation, result, today_local()),
            ledger_url=url_for("ledger.index", advisor_id=result.advisor_id)
            + f"&from={period.start.isoformat()}&to={period.end.isoformat()}",
            today=today_local(),
            can_manage=can_manage_evaluations(me),
            form=form or {},
            errors=errors or {},
        ),
        status,
    )


@bp.get("/<int:evaluation_id>/advisors/<int:advisor_id>")
@require(Role.ADVISOR, Role.BUREAU)
def result(evaluation_id: int, advisor_id: int) -> Any:
    """One advisor's result: every item's points and basis, the records counted, the
    self-evaluation beside it, adjustments and objections."""
    evaluation, found = services.visible_result(db.session, user(), evaluation_id, advisor_id)
    return _result_page(evaluation, found)


def _post_on_result(
    evaluation_id: int, advisor_id: int, work: Callable[[Evaluation], object], done: str
) -> Any:
    """Run ``work`` on the evaluation; on a refusal show the result page again with the
    typed values and the reasons, so nothing typed is lost."""
    evaluation, found = services.visible_result(db.session, user(), evaluation_id, advisor_id)
    try:
        work(evaluation)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        evaluation, found = services.visible_result(db.session, user(), evaluation_id, advisor_id)
        errors = {k: str(v) for k, v in error.fields.items()}
        errors["_"] = str(error.message)
        return _result_page(
            evaluation, found, form=request.form.to_dict(), errors=errors, status=error.status
        )
    flash(done, "success")
    return redirect(
        url_for("evaluation.result", evaluation_id=evaluation_id, advisor_id=advisor_id)
    )


@bp.post("/<int:evaluation_id>/advisors/<int:advisor_id>/adjust")
@require(Role.BUREAU)
def adjust(evaluation_id: int, advisor_id: int) -> Any:
    """Enter a manual measure, change an item's points or set a veto, with a reason."""
    form = posted()
    kind = form.get("kind", "")
    target = form.get(f"target_{kind}", "")
    return _post_on_result(
        evaluation_id,
        advisor_id,
        lambda evaluation: services.adjust(
            db.session,
            actor=user(),
            evaluation=evaluation,
            advisor_id=advisor_id,
            kind=kind,
            target=target,
            value=form.get(f"value_{kind}"),
            reason=form.get("reason", ""),
            today=today_local(),
        ),
        _("Adjusted; the result was scored again."),
    )


@bp.post("/<int:evaluation_id>/advisors/<int:advisor_id>/objections")
@require(Role.ADVISOR)
def object_to(evaluation_id: int, advisor_id: int) -> Any:
    """The advisor objects to their result within the objection period."""
    return _post_on_result(
        evaluation_id,
        advisor_id,
        lambda evaluation: responses.file_objection(
            db.session,
            actor=user(),
            evaluation=evaluation,
            text=posted().get("text", ""),
            today=today_local(),
            now=utcnow(),
        ),
        _("Your objection was sent to the bureau."),
    )


@bp.post("/<int:evaluation_id>/objections/<int:objection_id>/answer")
@require(Role.BUREAU)
def answer(evaluation_id: int, objection_id: int) -> Any:
    """The bureau answers an objection, optionally changing an item's points."""
    evaluation = services.get_evaluation(db.session, user(), evaluation_id)
    objection = responses.get_objection(db.session, evaluation, objection_id)
    form = posted()
    return _post_on_result(
        evaluation_id,
        objection.result.advisor_id,
        lambda evaluation: responses.answer_objection(
            db.session,
            actor=user(),
            evaluation=evaluation,
            objection=responses.get_objection(db.session, evaluation, objection_id),
            answer=form.get("answer", ""),
            item=form.get("item", ""),
            points=form.get("points"),
            today=today_local(),
            now=utcnow(),
        ),
        _("The objection was answered."),
    )


@bp.post("/<int:evaluation_id>/publish")
@require(Role.BUREAU)
def publish(evaluation_id: int) -> Any:
    """Publish the draft: freeze it, notify the advisors, open the objection period."""
    try:
        evaluation = services.get_evaluation(db.session, user(), evaluation_id)
        services.publish(
            db.session,
            actor=user(),
            evaluation=evaluation,
            today=today_local(),
            now=utcnow(),
            objection_days=current_app.config["ADVISOR"].objection_working_days,
            calendar=calendar.load(db.session),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
    else:
        flash(
            _(
                "Published. Advisors may object until %(day)s.",
                day=fmt_date(evaluation.objections_until),
            ),
            "success",
        )
    return redirect(url_for("evaluation.detail", evaluation_id=evaluation_id))


@bp.get("/<int:evaluation_id>/export.xlsx")
@require(Role.BUREAU)
def export(evaluation_id: int) -> Response:
    """The whole evaluation as a workbook: ranking, per-firm summary, adjustments, objections."""
    me = user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    config = current_app.config["ADVISOR"]
    data = reports.workbook(
        db.session,
        evaluation,
        services.rules_of(evaluation),
        services.visible_results(me, evaluation),
        bureau=config.bureau_name,
        made_at=utcnow().astimezone(ZoneInfo(config.timezone)),
    )
    name = f"考核结果-{evaluation.period}.xlsx"
    note(
        EventKind.EVALUATION_EXPORT,
        subject=f"evaluation:{evaluation.id}",
        detail={"period": evaluation.period},
    )
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=evaluation-{evaluation.period}.xlsx; filename*=UTF-8''{quote(name)}"
    )
    return response


@bp.route("/self", methods=["GET", "POST"])
@require(Role.ADVISOR)
def self_evaluation() -> Any:
    """The advisor's self-evaluation of a period: a text and proposed points per item."""
    me = user()
    rules = responses.current_rules(db.session)
    period = request.values.get("period", "") or str(today_local().year)
    errors: dict[str, str] = {}
    form: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = posted()
        try:
            responses.save_self_evaluation(
                db.session,
                actor=me,
                period_text=period,
                text=form.get("text", ""),
                scores={
                    k.removeprefix("score-"): v for k, v in form.items() if k.startswith("score-")
                },
                lock_version=request.form.get("lock_version", type=int),
                now=utcnow(),
            )
            db.session.commit()
        except AppError as error:
            db.session.rollback()
            errors = {k: str(v) for k, v in error.fields.items()}
            errors["_"] = str(error.message)
            status = error.status
        else:
            flash(_("Self-evaluation saved."), "success")
            return redirect(url_for("evaluation.self_evaluation", period=period))
    row = None
    try:
        row = responses.get_self_evaluation(
            db.session, me.advisor_id or 0, str(parse_period(period))
        )
    except ValueError:
        errors.setdefault("period", _("Like 2025 or 2025-Q3."))
    if not form and row is not None:
        form = {"text": row.text, **{f"score-{k}": v for k, v in row.scores.items()}}
    return (
        render_template(
            "evaluation/self.html",
            rules=rules,
            period=period,
            row=row,
            form=form,
            errors=errors,
        ),
        status,
    )
