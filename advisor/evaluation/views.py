"""Evaluation pages: run a draft for a period and read the ranked, explained results."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role
from advisor.auth import protect, require, user
from advisor.db import utcnow
from advisor.directory.models import Advisor
from advisor.errors import AppError
from advisor.evaluation import services
from advisor.extensions import db
from advisor.forms import error_text
from advisor.workdays import today_local

bp = Blueprint("evaluation", __name__, url_prefix="/evaluations")
protect(bp)


@bp.get("")
@require(Role.BUREAU)
def index() -> Any:
    """Evaluations run so far, and the form to run one."""
    return render_template(
        "evaluation/index.html",
        evaluations=services.list_evaluations(db.session),
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
    flash(_("Draft evaluation for %(period)s computed.", period=evaluation.period), "success")
    return redirect(url_for("evaluation.detail", evaluation_id=evaluation.id))


@bp.get("/<int:evaluation_id>")
def detail(evaluation_id: int) -> Any:
    """The ranking with every advisor's items, points and basis."""
    me = user()
    evaluation = services.get_evaluation(db.session, me, evaluation_id)
    results = services.visible_results(me, evaluation)
    ids = [r.advisor_id for r in results]
    rows = db.session.execute(sa.select(Advisor.id, Advisor.name).where(Advisor.id.in_(ids)))
    names = {advisor_id: name for advisor_id, name in rows}
    return render_template(
        "evaluation/detail.html", evaluation=evaluation, results=results, names=names
    )
