"""Ledger pages: browse with totals, record work, correct, verify the chain, export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.db import count_capped, paginate, utcnow
from advisor.directory.queries import advisor_choices, visible_school_choices
from advisor.errors import AppError, NotFound
from advisor.extensions import db
from advisor.forms import apply_errors, page_args, small_int
from advisor.i18n import fmt_date, translated
from advisor.ledger import completeness, export, export_jobs, queries, services
from advisor.ledger.forms import EntryForm
from advisor.ledger.labels import KIND_LABELS, MODE_LABELS, OUTCOME_LABELS
from advisor.ledger.models import ExportJob, ExportStatus, Kind, LedgerEntry, LedgerHead
from advisor.ledger.permissions import (
    can_filter_by_advisor,
    can_filter_by_school,
    can_record_on_behalf,
    own_advisor_id,
)
from advisor.list_filters import ActiveFilters, active_filters, worded
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.spreadsheet import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from advisor.workdays import today_local

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
protect(bp)


def _date_arg(name: str, args: Any = None) -> date | None:
    try:
        return date.fromisoformat((request.args if args is None else args).get(name, ""))
    except ValueError:
        return None


def filters_from_args(args: Any = None) -> queries.Filters:
    """The ledger filters from the query string (or the form ``args`` given)."""
    args = request.args if args is None else args
    return queries.Filters(
        advisor_id=small_int(args.get("advisor_id")) or None,
        school_id=small_int(args.get("school_id")) or None,
        kind=args.get("kind", ""),
        date_from=_date_arg("from", args),
        date_to=_date_arg("to", args),
        q=args.get("q", ""),
        history=args.get("history") == "1",
    )


@bp.get("")
def index() -> Any:
    """The ledger the user may see, filtered, with totals; corrected entries hidden
    unless the history is asked for."""
    me = user()
    filters = filters_from_args()
    stmt = queries.filtered(me, filters)
    totals = queries.totals(
        db.session, me, filters, cap=current_app.config["ADVISOR"].list_count_cap
    )
    page = paginate(
        db.session,
        stmt,
        total=totals.entries,
        key=LedgerEntry.id,
        **page_args(),
    )
    if totals.capped:
        page = replace(page, capped=True)
    kinds = translated(KIND_LABELS)
    advisors = advisor_choices(db.session) if can_filter_by_advisor(me) else []
    schools = visible_school_choices(db.session, me) if can_filter_by_school(me) else []
    return render_template(
        "ledger/index.html",
        page=page,
        filters=filters,
        totals=totals,
        kinds=kinds,
        modes=MODE_LABELS,
        advisors=advisors,
        schools=schools,
        query=request.query_string.decode(),
        active=_active_filters(filters, kinds, dict(advisors), dict(schools)),
    )


def _active_filters(
    filters: queries.Filters,
    kinds: Mapping[Kind, str],
    advisors: dict[int, str],
    schools: dict[int, str],
) -> ActiveFilters:
    """Every filter of the ledger in words, those set by a link (a report's) too."""

    def named(names: dict[int, str], key: int | None) -> str:
        return names.get(key, f"#{key}") if key else ""

    return active_filters(
        "ledger.index",
        [
            ("q", _("Search"), filters.q.strip()),
            ("advisor_id", _("Advisor"), named(advisors, filters.advisor_id)),
            ("school_id", _("School"), named(schools, filters.school_id)),
            ("kind", _("Kind of work"), worded(kinds, filters.kind)),
            ("from", _("From"), fmt_date(filters.date_from) if filters.date_from else ""),
            ("to", _("Until"), fmt_date(filters.date_to) if filters.date_to else ""),
            ("history", "", _("Include corrected entries") if filters.history else ""),
        ],
    )


def _entry_form(me: User, form: EntryForm) -> EntryForm:
    form.school_id.choices = [(0, "—"), *visible_school_choices(db.session, me)]
    form.advisor_id.choices = (
        advisor_choices(db.session, active_only=True) if can_record_on_behalf(me) else []
    )
    return form


def _entry_data(me: User, form: EntryForm) -> services.EntryData:
    advisor_id = (form.advisor_id.data or 0) if can_record_on_behalf(me) else (me.advisor_id or 0)
    return services.EntryData(
        entry_on=form.entry_on.data or today_local(),
        advisor_id=advisor_id,
        school_id=form.school_id.data or None,
        kind=form.kind.data or "",
        description=form.description.data or "",
        minutes=form.minutes.data or 0,
        service_mode=form.service_mode.data or None,
        outcome=form.outcome.data or "",
        audience=form.audience.data or "",
        headcount=form.headcount.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Role.ADVISOR, Role.BUREAU)
def new() -> Any:
    """Record a piece of work; after saving, the form is ready for the next one."""
    me = user()
    form = _entry_form(me, EntryForm())
    if request.method == "GET":
        form.entry_on.data = today_local()
        form.school_id.data = session.get("ledger_school", 0)
    elif form.validate_on_submit():
        try:
            entry = services.add_entry(
                db.session, actor=me, data=_entry_data(me, form), today=today_local()
            )
            db.session.commit()
        except AppError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            session["ledger_school"] = entry.school_id or 0
            flash(
                _("Recorded as entry %(seq)d. Record the next one below.", seq=entry.seq), "success"
            )
            return redirect(url_for("ledger.new"))
    return render_template("ledger/new.html", form=form, original=None), 422 if form.errors else 200


@bp.get("/<int:entry_id>")
def detail(entry_id: int) -> Any:
    """One entry with what it corrects and what corrected it."""
    me = user()
    entry = queries.get_entry(db.session, me, entry_id)
    return render_template(
        "ledger/detail.html",
        entry=entry,
        kinds=KIND_LABELS,
        modes=MODE_LABELS,
        outcomes=OUTCOME_LABELS,
        corrected_by=queries.correction_of(db.session, entry),
        supersedes=db.session.get(LedgerEntry, entry.supersedes_id)
        if entry.supersedes_id
        else None,
    )


@bp.route("/<int:entry_id>/correct", methods=["GET", "POST"])
@require(Role.ADVISOR, Role.BUREAU)
def correct(entry_id: int) -> Any:
    """Correct an entry with a new one; the original stays, marked as superseded."""
    me = user()
    original = queries.get_entry(db.session, me, entry_id)
    form = _entry_form(me, EntryForm(obj=original))
    if request.method == "GET":
        form.school_id.data = original.school_id or 0
        form.service_mode.data = original.service_mode or ""
    elif form.validate_on_submit():
        data = _entry_data(me, form)
        try:
            entry = services.correct_entry(
                db.session, actor=me, original=original, data=data, today=today_local()
            )
            db.session.commit()
        except AppError as error:
            db.session.rollback()
            if error.status == 403:
                raise
            apply_errors(form, error)
        else:
            flash(_("Corrected: entry %(seq)d replaces the earlier one.", seq=entry.seq), "success")
            return redirect(url_for("ledger.detail", entry_id=entry.id))
    return render_template(
        "ledger/new.html", form=form, original=original
    ), 422 if form.errors else 200


@bp.get("/verify")
@require(Role.BUREAU)
def verify() -> Any:
    """Recompute the hash chain and say whether the ledger is intact."""
    result = services.verify_chain(db.session)
    head = db.session.get(LedgerHead, 1)
    bad = db.session.get(LedgerEntry, result.first_bad_id) if result.first_bad_id else None
    return render_template("ledger/verify.html", result=result, head=head, bad=bad)


def download_response(chunks: Any, name: str, content_type: str) -> Response:
    """A streamed attachment; the request context lives until the last chunk is sent.
    ``content_type`` is sent as given (a mimetype would get a second charset)."""
    response = Response(stream_with_context(chunks), content_type=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


def note_export(file_format: str) -> None:
    """Record a ledger export, with the filters it was asked with, in the security log."""
    note(
        EventKind.LEDGER_EXPORT,
        subject="ledger",
        detail={"format": file_format, "filters": request.query_string.decode()[:300]},
    )


@bp.get("/export.csv")
def export_csv() -> Response:
    """The filtered ledger as CSV (UTF-8 with BOM, opens in Excel)."""
    filters = filters_from_args()
    stmt = queries.filtered(user(), filters)
    note_export("csv")
    title = export.made_title(current_app.config["ADVISOR"], filters, utcnow())
    return download_response(
        export.csv_stream(db.session, stmt, title=title), "ledger.csv", CSV_CONTENT_TYPE
    )


def is_large(stmt: Any) -> bool:
    """More rows than a request writes (Config.export_job_threshold): counted no further."""
    threshold = current_app.config["ADVISOR"].export_job_threshold
    return count_capped(db.session, stmt, threshold)[1]


@bp.get("/export.xlsx")
def export_xlsx() -> Any:
    """The filtered ledger in the bureau's spreadsheet layout; a large one is offered as
    a background export (a GET writes nothing: the page's button starts it)."""
    filters = filters_from_args()
    stmt = queries.filtered(user(), filters)
    if is_large(stmt):
        threshold = current_app.config["ADVISOR"].export_job_threshold
        return render_template(
            "ledger/export_job.html", job=None, threshold=threshold, args=request.args
        )
    note_export("xlsx")
    title = export.made_title(current_app.config["ADVISOR"], filters, utcnow())
    return download_response(
        export.xlsx_stream(db.session, stmt, title=title), "ledger.xlsx", XLSX_CONTENT_TYPE
    )


@bp.post("/exports")
def start_export() -> Any:
    """Queue a background export of the filtered ledger and show its progress page."""
    job = export_jobs.queue_export(
        db.session, actor=user(), filters=filters_from_args(request.form), now=utcnow()
    )
    note_export("xlsx")
    db.session.commit()
    return redirect(url_for("ledger.export_job", job_id=job.id), 303)


def job_status(job: ExportJob) -> dict[str, Any]:
    """What the progress page's poller reads."""
    done = job.status == ExportStatus.DONE
    return {
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "text": status_text(job),
        "file": url_for("ledger.export_file", job_id=job.id) if done else None,
    }


def status_text(job: ExportJob) -> str:
    """Where a job stands, in words (the page's status line)."""
    return str(_status_text(job))


def _status_text(job: ExportJob) -> Any:
    if job.status == ExportStatus.QUEUED:
        return _("Waiting to start.")
    if job.status == ExportStatus.RUNNING:
        if job.rows_total is None:
            return _("Counting the rows…")
        return _(
            "%(done)s of %(total)s rows written.",
            done=f"{job.rows_done:,}",
            total=f"{job.rows_total:,}",
        )
    if job.status == ExportStatus.DONE:
        return _("Ready: %(rows)s rows.", rows=f"{job.rows_done:,}")
    if job.error == export_jobs.INTERRUPTED:
        return _("The export was interrupted by a restart of the server. Please start it again.")
    return _("The export failed. Please start it again, or ask the administrator.")


@bp.get("/exports/<int:job_id>")
def export_job(job_id: int) -> Any:
    """A background export's progress, and its file when ready."""
    job = export_jobs.get_job(db.session, user(), job_id)
    return render_template("ledger/export_job.html", job=job, status=job_status(job))


@bp.get("/exports/<int:job_id>/status")
def export_job_status(job_id: int) -> Any:
    """The progress as JSON, for the page's poller."""
    return job_status(export_jobs.get_job(db.session, user(), job_id))


@bp.get("/exports/<int:job_id>/file")
def export_file(job_id: int) -> Any:
    """A finished export's file."""
    job = export_jobs.get_job(db.session, user(), job_id)
    path = export_jobs.file_path(current_app.config["ADVISOR"].exports_dir, job)
    if path is None:
        raise NotFound(_l("This export has no file (yet)."))
    return send_file(
        path, mimetype=XLSX_CONTENT_TYPE, as_attachment=True, download_name="ledger.xlsx"
    )


@bp.get("/completeness")
@require(Role.ADVISOR, Role.BUREAU)
def completeness_page() -> Any:
    """Per advisor and month: months without entries, late entries, reviews without entry."""
    me = user()
    year = request.args.get("year", type=int) or today_local().year
    if not 2000 <= year <= 2100:
        year = today_local().year
    rows = completeness.by_advisor_month(
        db.session, year, advisor_id=own_advisor_id(me), today=today_local()
    )
    months = completeness.months_so_far(year, today_local())
    return render_template("ledger/completeness.html", rows=rows, year=year, months=months)
