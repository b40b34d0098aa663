"""Absences and conflict-of-interest declarations, kept by the bureau or the advisor themself."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from advisor.auth import user
from advisor.db import utcnow
from advisor.directory import queries, services
from advisor.directory.blueprint import bp
from advisor.directory.models import Advisor
from advisor.directory.permissions import can_manage_advisor
from advisor.errors import AppError, Forbidden, ValidationError
from advisor.extensions import db
from advisor.forms import error_text, posted


def _date(name: str) -> date:
    raw = request.form.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError(
            _("Enter a date as YYYY-MM-DD."), fields={name: _("Required.")}
        ) from error


def _load(advisor_id: int) -> Advisor:
    """Load the advisor in the user's scope, then check they may manage its availability."""
    advisor = queries.get_advisor(db.session, user(), advisor_id)
    if not can_manage_advisor(user(), advisor):
        raise Forbidden(_("You cannot change this advisor's availability."))
    return advisor


def _back(advisor_id: int) -> Any:
    return redirect(url_for("directory.advisor", advisor_id=advisor_id) + "#availability")


@bp.post("/advisors/<int:advisor_id>/absences")
def add_absence(advisor_id: int) -> Any:
    """Record an absence: new contracts of the advisor's schools go to their backups."""
    advisor = _load(advisor_id)
    try:
        services.add_absence(
            db.session,
            actor=user(),
            advisor=advisor,
            starts_on=_date("starts_on"),
            ends_on=_date("ends_on"),
            reason=posted().get("reason", ""),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
    else:
        flash(_("Absence recorded."), "success")
    return _back(advisor_id)


@bp.post("/advisors/<int:advisor_id>/absences/<int:absence_id>/delete")
def remove_absence(advisor_id: int, absence_id: int) -> Any:
    """Remove an absence recorded by mistake."""
    advisor = _load(advisor_id)
    services.remove_absence(db.session, actor=user(), advisor=advisor, absence_id=absence_id)
    db.session.commit()
    flash(_("Absence removed."), "success")
    return _back(advisor_id)


@bp.post("/advisors/<int:advisor_id>/conflicts")
def declare_conflict(advisor_id: int) -> Any:
    """Declare an organisation the advisor's law firm acts for."""
    advisor = _load(advisor_id)
    try:
        services.declare_conflict(
            db.session,
            actor=user(),
            advisor=advisor,
            organisation=posted().get("organisation", ""),
            note=posted().get("note", ""),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
    else:
        flash(_("Conflict of interest declared."), "success")
    return _back(advisor_id)


@bp.post("/advisors/<int:advisor_id>/conflicts/<int:conflict_id>/end")
def end_conflict(advisor_id: int, conflict_id: int) -> Any:
    """End a declaration that no longer applies."""
    advisor = _load(advisor_id)
    services.end_conflict(
        db.session, actor=user(), advisor=advisor, conflict_id=conflict_id, now=utcnow()
    )
    db.session.commit()
    flash(_("Declaration ended."), "success")
    return _back(advisor_id)
