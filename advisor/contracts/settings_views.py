"""The bureau's settings for contracts: review time limits and its own calendar entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from advisor.accounts.models import Role
from advisor.auth import protect, require, user
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import calendar_entry
from advisor.contracts.calendar import Entry
from advisor.contracts.calendar_files import (
    MAX_BYTES,
    CalendarFileError,
    FileDay,
    read,
    to_csv,
    to_json,
)
from advisor.contracts.calendar_sources import disagreements, package_knows, package_version
from advisor.contracts.forms import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarDayForm,
    CalendarImportForm,
    NoticeForm,
)
from advisor.contracts.holiday_notice import parse_notice
from advisor.contracts.labels import TYPE_LABELS
from advisor.contracts.models import CalendarScope
from advisor.db import utcnow
from advisor.errors import AppError, NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import apply_errors, error_text, form_error_text
from advisor.spreadsheet import CSV_CONTENT_TYPE
from advisor.workdays import is_year_known, today_local

bp = Blueprint("contracts_settings", __name__, url_prefix="/settings")
protect(bp)


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


def _calendar_page(
    year: int,
    *,
    day_form: CalendarDayForm | None = None,
    notice_form: NoticeForm | None = None,
    import_form: CalendarImportForm | None = None,
    preview: calendar_entry.Preview | None = None,
    file_problems: list[Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    check_year(year)
    days = calendar_entry.list_entries(db.session, year)
    national = [(d.day, d.kind) for d in days if d.scope == CalendarScope.NATIONAL]
    return render_template(
        "contracts/calendar.html",
        form=day_form or CalendarDayForm(),
        notice_form=notice_form or NoticeForm(year=year),
        import_form=import_form or CalendarImportForm(year=year),
        preview=preview,
        file_problems=file_problems or [],
        year=year,
        days=days,
        known=is_year_known(year),
        entered=year in bureau_calendar.load(db.session).entered_years,
        # The second source, where the package knows the year and a notice was entered.
        package=package_version(),
        package_knows=package_knows(year),
        has_national=bool(national),
        disagreements=disagreements(year, national) if national else [],
        weekday=lambda day: format_date(day, "EEEE"),
        max_kb=MAX_BYTES // 1024,
    ), status


def _moved_message(moved: int) -> str:
    if not moved:
        return ""
    return " " + str(_("The due dates of %(n)d open contracts moved with it.", n=moved))


@bp.route("/calendar", methods=["GET", "POST"])
@require(Role.BUREAU)
def calendar() -> Any:
    """The bureau's calendar of a year: notices, single days, files, second source."""
    year = request.args.get("year", type=int) or today_local().year
    check_year(year)
    form = CalendarDayForm()
    if form.validate_on_submit() and form.day.data:
        entry = Entry(form.day.data, form.kind.data or "", form.note.data or "")
        done = calendar_entry.enter_day(db.session, entry=entry, actor=user(), now=utcnow())
        db.session.commit()
        flash(_("Saved.") + _moved_message(done.moved), "success")
        return redirect(url_for("contracts_settings.calendar", year=form.day.data.year))
    if form.errors:
        flash(form_error_text(form), "danger")
    return _calendar_page(year, day_form=form, status=422 if form.errors else 200)


def _notice_preview(form: NoticeForm) -> calendar_entry.Preview:
    notice = parse_notice(form.text.data or "", form.year.data or 0)
    return calendar_entry.preview_notice(db.session, notice, form.scope.data or "")


@bp.post("/calendar/notice")
@require(Role.BUREAU)
def notice_preview() -> Any:
    """Read a pasted holiday notice and show every day it gives; nothing is saved."""
    form = NoticeForm()
    year = form.year.data if isinstance(form.year.data, int) else today_local().year
    if not form.validate_on_submit():
        return _calendar_page(_page_year(year), notice_form=form, status=422)
    return _calendar_page(year, notice_form=form, preview=_notice_preview(form))


@bp.post("/calendar/notice/confirm")
@require(Role.BUREAU)
def notice_confirm() -> Any:
    """Save the previewed notice; open contracts' due dates move with it."""
    form = NoticeForm()
    year = form.year.data if isinstance(form.year.data, int) else today_local().year
    if not form.validate_on_submit():
        return _calendar_page(_page_year(year), notice_form=form, status=422)
    preview = _notice_preview(form)
    try:
        done = calendar_entry.enter_notice(
            db.session,
            notice=preview.notice,
            scope=form.scope.data or "",
            actor=user(),
            now=utcnow(),
            accept_problems=bool(form.accept_problems.data),
        )
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error)
        flash(error_text(error), "danger")
        return _calendar_page(year, notice_form=form, preview=preview, status=422)
    flash(
        _("%(year)d: %(n)d days saved.", year=year, n=done.saved) + _moved_message(done.moved),
        "success",
    )
    return redirect(url_for("contracts_settings.calendar", year=year))


def _page_year(year: int) -> int:
    return year if FIRST_YEAR <= year <= LAST_YEAR else today_local().year


def _file_days(year: int) -> list[FileDay]:
    return [
        FileDay(d.day, d.kind, d.scope, d.note)
        for d in calendar_entry.list_entries(db.session, year)
    ]


@bp.get("/calendar/<int:year>.json")
@require(Role.BUREAU)
def export_json(year: int) -> Response:
    """The year's calendar entries as a JSON file another bureau can import."""
    check_year(year)
    entered = year in bureau_calendar.load(db.session).entered_years
    return _download(to_json(year, entered, _file_days(year)), f"calendar-{year}.json", "json")


@bp.get("/calendar/<int:year>.csv")
@require(Role.BUREAU)
def export_csv(year: int) -> Response:
    """The year's calendar entries as a CSV file (opens in Excel)."""
    check_year(year)
    return _download(to_csv(_file_days(year)), f"calendar-{year}.csv", "csv")


def _download(data: bytes, name: str, kind: str) -> Response:
    content_type = "application/json" if kind == "json" else CSV_CONTENT_TYPE
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.post("/calendar/import")
@require(Role.BUREAU)
def import_file() -> Any:
    """Import a year's calendar file: all of it, or nothing and every problem listed."""
    form = CalendarImportForm()
    year = form.year.data if isinstance(form.year.data, int) else today_local().year
    if not form.validate_on_submit():
        return _calendar_page(_page_year(year), import_form=form, status=422)
    upload = form.file.data
    data = upload.stream.read(MAX_BYTES + 1)
    try:
        found = read(data, upload.filename or "", year)
        done = calendar_entry.import_calendar(db.session, found=found, actor=user(), now=utcnow())
        db.session.commit()
    except CalendarFileError as error:
        db.session.rollback()
        flash(_("The file was not imported; nothing was saved."), "danger")
        return _calendar_page(year, import_form=form, file_problems=error.problems, status=422)
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
        return _calendar_page(year, import_form=form, status=422)
    flash(
        _("%(year)d: %(n)d days imported.", year=year, n=done.saved) + _moved_message(done.moved),
        "success",
    )
    return redirect(url_for("contracts_settings.calendar", year=year))


@bp.post("/calendar/<int:year>/remove")
@require(Role.BUREAU)
def remove_day(year: int) -> Any:
    """Remove one calendar entry (a day of one scope)."""
    check_year(year)
    raw, scope = request.form.get("day", ""), request.form.get("scope", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        flash(_("Enter a date as YYYY-MM-DD."), "danger")
        return redirect(url_for("contracts_settings.calendar", year=year))
    if scope not in {s.value for s in CalendarScope}:
        flash(_("Choose which entry to remove."), "danger")
        return redirect(url_for("contracts_settings.calendar", year=year))
    done = calendar_entry.remove_entry(db.session, day=day, scope=scope, actor=user(), now=utcnow())
    db.session.commit()
    flash(_("Removed.") + _moved_message(done.moved), "success")
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
