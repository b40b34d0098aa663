"""The ledger through the API (API.md "Ledger"): read, append, correct, verify, export;
an export over the threshold is a job to poll (ledger.export_jobs).

There is no PUT, PATCH or DELETE on entries: those methods get 405.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, send_file, url_for
from flask_babel import lazy_gettext as _l

from advisor.api import responses
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, page_params
from advisor.api.fields import read
from advisor.api.requests import EntryBody
from advisor.api.schemas import chain_json, export_job_json, ledger_json, page_json
from advisor.db import paginate, utcnow
from advisor.errors import Conflict, Forbidden
from advisor.extensions import db
from advisor.ledger import export, export_jobs, permissions, queries, services
from advisor.ledger.models import ExportJob, LedgerEntry
from advisor.ledger.views import download_response, filters_from_args, is_large, note_export
from advisor.spreadsheet import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from advisor.workdays import today_local


def _entry_data(body: dict[str, Any], advisor_id: int | None) -> services.EntryData:
    entry = read(EntryBody, body)
    return services.EntryData(
        entry_on=entry.date,
        advisor_id=advisor_id or entry.advisor_id or 0,
        school_id=entry.school_id,
        kind=entry.kind,
        description=entry.description,
        minutes=entry.minutes or 0,
        service_mode=entry.service_mode or None,
        outcome=entry.outcome,
        audience=entry.audience,
        headcount=entry.headcount,
    )


@bp.get("/ledger")
def list_ledger() -> Any:
    """Entries the caller may see, filtered (advisor_id, school_id, kind, from, to)."""
    stmt = queries.filtered(api_user(), filters_from_args())
    page = paginate(db.session, stmt, **page_params())
    return page_json(responses.LedgerPage, page, [ledger_json(e) for e in page.items])


@bp.get("/ledger/<int:entry_id>")
def get_ledger_entry(entry_id: int) -> Any:
    """One entry."""
    return ledger_json(queries.get_entry(db.session, api_user(), entry_id))


@bp.post("/ledger")
def create_ledger_entry() -> Any:
    """An advisor records work (the bureau may too, naming the advisor)."""
    actor = api_user()
    if not permissions.can_record_work(actor):
        raise Forbidden(_l("Only advisors and the bureau record work."))
    data = _entry_data(json_body(), permissions.own_advisor_id(actor))
    entry = services.add_entry(db.session, actor=actor, data=data, today=today_local())
    db.session.commit()
    return ledger_json(entry), 201


# What a request body may set; the rest of ledger_json is the record's own.
WRITABLE = (
    "date",
    "school_id",
    "kind",
    "description",
    "service_mode",
    "minutes",
    "outcome",
    "audience",
    "headcount",
)


def _fields_of(entry: LedgerEntry) -> dict[str, Any]:
    """An entry's writable fields as a request body gives them."""
    shown = ledger_json(entry)
    return {name: shown[name] for name in WRITABLE}


@bp.post("/ledger/<int:entry_id>/correct")
def correct_ledger_entry(entry_id: int) -> Any:
    """The author corrects an entry with a new one that supersedes it. The body names the
    fields that change (a whole entry will do); the others are the corrected entry's."""
    actor = api_user()
    original = queries.get_entry(db.session, actor, entry_id)
    data = _entry_data({**_fields_of(original), **json_body()}, original.advisor_id)
    entry = services.correct_entry(
        db.session, actor=actor, original=original, data=data, today=today_local()
    )
    db.session.commit()
    return ledger_json(entry), 201


@bp.get("/ledger/verify")
def verify_ledger() -> Any:
    """Recompute the hash chain (bureau)."""
    if not permissions.can_verify_ledger(api_user()):
        raise Forbidden(_l("Only the bureau verifies the ledger."))
    return chain_json(services.verify_chain(db.session))


@bp.get("/ledger/export.csv")
def export_ledger_csv() -> Response:
    """The filtered ledger as CSV."""
    filters = filters_from_args()
    stmt = queries.filtered(api_user(), filters)
    note_export("csv")
    title = export.made_title(current_app.config["ADVISOR"], filters, utcnow())
    return download_response(
        export.csv_stream(db.session, stmt, title=title), "ledger.csv", CSV_CONTENT_TYPE
    )


@bp.get("/ledger/export.xlsx")
def export_ledger_xlsx() -> Any:
    """The filtered ledger as .xlsx in the bureau's layout; over the threshold, a job
    to poll (202, Location) instead: the file is written in the background."""
    actor, filters = api_user(), filters_from_args()
    stmt = queries.filtered(actor, filters)
    note_export("xlsx")
    if not is_large(stmt):
        title = export.made_title(current_app.config["ADVISOR"], filters, utcnow())
        return download_response(
            export.xlsx_stream(db.session, stmt, title=title), "ledger.xlsx", XLSX_CONTENT_TYPE
        )
    job = export_jobs.queue_export(db.session, actor=actor, filters=filters, now=utcnow())
    db.session.commit()
    location = url_for("api.get_ledger_export", job_id=job.id)
    return _job_json(job), 202, {"Location": location}


def _job_json(job: ExportJob) -> dict[str, Any]:
    done = export_jobs.file_path(current_app.config["ADVISOR"].exports_dir, job) is not None
    file_url = url_for("api.get_ledger_export_file", job_id=job.id) if done else None
    return export_job_json(job, file_url)


@bp.get("/ledger/exports/<int:job_id>")
def get_ledger_export(job_id: int) -> Any:
    """A background export (the caller's own): status and rows written of the total."""
    return _job_json(export_jobs.get_job(db.session, api_user(), job_id))


@bp.get("/ledger/exports/<int:job_id>/file")
def get_ledger_export_file(job_id: int) -> Any:
    """A finished background export's file; 409 while it is not ready."""
    job = export_jobs.get_job(db.session, api_user(), job_id)
    path = export_jobs.file_path(current_app.config["ADVISOR"].exports_dir, job)
    if path is None:
        raise Conflict(_l("The export is not ready: its status is %(status)s.", status=job.status))
    return send_file(
        path, mimetype=XLSX_CONTENT_TYPE, as_attachment=True, download_name="ledger.xlsx"
    )
