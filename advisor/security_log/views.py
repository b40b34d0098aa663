"""The bureau's security event log page: search by kind, outcome, person, address and
dates, newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from advisor.accounts.models import Role
from advisor.auth import protect, require
from advisor.db import paginate_rows
from advisor.extensions import db
from advisor.forms import page_args
from advisor.security_log.labels import KIND_LABELS, OUTCOME_LABELS
from advisor.security_log.services import Filters, list_events

bp = Blueprint("security_log", __name__, url_prefix="/settings/security-events")
protect(bp)

TEXT_MAX = 254


def _date_arg(name: str) -> date | None:
    """A YYYY-MM-DD date; anything else (or a year the date range cannot end in) is none."""
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value < date.max else None


def filters_from_args() -> Filters:
    args = request.args
    kind, outcome = args.get("kind", ""), args.get("outcome", "")
    return Filters(
        kind=kind if kind in KIND_LABELS else "",
        outcome=outcome if outcome in OUTCOME_LABELS else "",
        who=args.get("who", "")[:TEXT_MAX],
        address=args.get("address", "")[:45],
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
    )


@bp.get("")
@require(Role.BUREAU)
def index() -> Any:
    """Security events matching the search, newest first."""
    filters = filters_from_args()
    page = paginate_rows(db.session, list_events(filters), **page_args())
    return render_template(
        "security_log/index.html",
        page=page,
        filters=filters,
        kinds=KIND_LABELS,
        outcomes=OUTCOME_LABELS,
    )
