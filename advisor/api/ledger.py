"""The ledger through the API (API.md "Ledger"): read, append, correct, verify, export.

There is no PUT, PATCH or DELETE on entries: those methods get 405.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, page_params, text_field
from advisor.api.schemas import ledger_json, page_json
from advisor.db import paginate
from advisor.errors import Forbidden, ValidationError
from advisor.extensions import db
from advisor.ledger import export, queries, services
from advisor.ledger.models import LedgerEntry
from advisor.ledger.views import download_response, filters_from_args, note_export
from advisor.spreadsheet import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from advisor.workdays import today_local


def _entry_data(body: dict[str, Any], advisor_id: int | None) -> services.EntryData:
    problems: dict[str, Any] = {}

    def text(name: str) -> str:
        return text_field(body, name, problems)

    def whole(name: str, default: int | None) -> int | None:
        value = body.get(name, default)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            problems[name] = _l("A whole number.")
            return default
        return value

    try:
        entry_on = date.fromisoformat(text("date"))
    except ValueError:
        problems["date"] = _l("A date as YYYY-MM-DD.")
        entry_on = today_local()
    data = services.EntryData(
        entry_on=entry_on,
        advisor_id=advisor_id or whole("advisor_id", 0) or 0,
        school_id=whole("school_id", None),
        kind=text("kind"),
        description=text("description"),
        minutes=whole("minutes", 0) or 0,
        service_mode=text("service_mode") or None,
        outcome=text("outcome"),
        audience=text("audience"),
        headcount=whole("headcount", None),
    )
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    return data


@bp.get("/ledger")
def list_ledger() -> Any:
    """Entries the caller may see, filtered (advisor_id, school_id, kind, from, to)."""
    stmt = queries.filtered(api_user(), filters_from_args())
    page = paginate(db.session, stmt, **page_params())
    return page_json(page, [ledger_json(e) for e in page.items])


@bp.get("/ledger/<int:entry_id>")
def get_ledger_entry(entry_id: int) -> Any:
    """One entry."""
    return ledger_json(queries.get_entry(db.session, api_user(), entry_id))


@bp.post("/ledger")
def create_ledger_entry() -> Any:
    """An advisor records work (the bureau may too, naming the advisor)."""
    actor = api_user()
    if actor.role not in ("advisor", "bureau"):
        raise Forbidden(_l("Only advisors and the bureau record work."))
    data = _entry_data(json_body(), actor.advisor_id if actor.is_advisor else None)
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
    if not api_user().is_bureau:
        raise Forbidden(_l("Only the bureau verifies the ledger."))
    result = services.verify_chain(db.session)
    return {"ok": result.ok, "checked": result.checked, "first_bad_id": result.first_bad_id}


@bp.get("/ledger/export.csv")
def export_ledger_csv() -> Response:
    """The filtered ledger as CSV."""
    stmt = queries.filtered(api_user(), filters_from_args())
    note_export("csv")
    return download_response(export.csv_stream(db.session, stmt), "ledger.csv", CSV_CONTENT_TYPE)


@bp.get("/ledger/export.xlsx")
def export_ledger_xlsx() -> Response:
    """The filtered ledger as .xlsx in the bureau's layout."""
    stmt = queries.filtered(api_user(), filters_from_args())
    note_export("xlsx")
    return download_response(export.xlsx_stream(db.session, stmt), "ledger.xlsx", XLSX_CONTENT_TYPE)
