"""The bureau's settings for contracts: review time limits and its own calendar entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role
from advisor.auth import protect, require
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.forms import CalendarDayForm
from advisor.contracts.labels import TYPE_LABELS
from advisor.errors import NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import error_text, form_error_text
from advisor.workdays import is_year_known, today_local

bp = Blueprint("contracts_settings", __name__, url_prefix="/settings")
protect(bp)


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound(
            _("The calendar covers the years %(a)d to %(b)d.", a=FIRST_YEAR, b=LAST_YEAR)
        )


@bp.route("/time-limits", methods=["GET", "POST"])
@require(Role.BUREAU)
def time_limits() -> Any:
    """Working days an advisor has per contract type (normal and urgent)."""
    status = 200
    if request.method == "POST":
        values = []
        for contract_type in TYPE_LABELS:
            days = request.form.get(f"days-{contract_type}", type=int) or 0
            urgent = request.form.get(f"urgent-{contract_type}", type=int) or 0
            values.append((contract_type.value, days, urgent))
        try:
            bureau_calendar.set_time_limits(db.session, values)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            flash(error_text(error), "danger")
            status = 422
        else:
            flash(_("Time limits saved; they apply to contracts submitted from now on."), "success")
            return redirect(url_for("contracts_settings.time_limits"))
    return render_template(
        "contracts/time_limits.html",
        limits=bureau_calendar.time_limits(db.session),
        types=TYPE_LABELS,
    ), status


@bp.route("/calendar", methods=["GET", "POST"])
@require(Role.BUREAU)
def calendar() -> Any:
    """The bureau's extra rest days and working days, and years entered in full."""
    year = request.args.get("year", type=int) or today_local().year
    check_year(year)
    form = CalendarDayForm()
    if form.validate_on_submit() and form.day.data:
        bureau_calendar.set_day(
            db.session, form.day.data, form.kind.data or "", form.note.data or ""
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("contracts_settings.calendar", year=form.day.data.year))
    if form.errors:
        flash(form_error_text(form), "danger")
    entered = bureau_calendar.load(db.session).entered_years
    return render_template(
        "contracts/calendar.html",
        form=form,
        year=year,
        days=bureau_calendar.list_days(db.session, year),
        known=is_year_known(year),
        entered=year in entered,
    ), 422 if form.errors else 200


@bp.post("/calendar/<int:year>/remove")
@require(Role.BUREAU)
def remove_day(year: int) -> Any:
    """Remove one bureau calendar entry."""
    check_year(year)
    raw = request.form.get("day", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        flash(_("Enter a date as YYYY-MM-DD."), "danger")
    else:
        bureau_calendar.remove_day(db.session, day)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for("contracts_settings.calendar", year=year))


@bp.post("/calendar/<int:year>/entered")
@require(Role.BUREAU)
def mark_entered(year: int) -> Any:
    """Declare that every holiday and working weekend of ``year`` has been entered."""
    check_year(year)
    bureau_calendar.mark_year_entered(db.session, year)
    db.session.commit()
    flash(_("%(year)d is marked as entered; the warning is gone.", year=year), "success")
    return redirect(url_for("contracts_settings.calendar", year=year))
