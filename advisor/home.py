"""The front door: anonymous visitors go to the login page; each role gets its own home.

The bureau's home is the dashboard; an advisor's is their queue and figures; a school's
is what waits for it and who advises it. The figures come from ``advisor.reports``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from advisor.auth import user
from advisor.contracts.labels import STATUS_LABELS, TYPE_LABELS
from advisor.directory.labels import KIND_LABELS
from advisor.extensions import db
from advisor.reports import homes
from advisor.reports.permissions import can_see_dashboard, has_advisor_home
from advisor.reports.views import dashboard_page
from advisor.workdays import today_local

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Any:
    """Each role's home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    me, today = user(), today_local()
    if can_see_dashboard(me):
        return dashboard_page(today)
    if has_advisor_home(me):
        return render_template(
            "home/advisor.html",
            home=homes.advisor_home(db.session, me, today),
            today=today,
            statuses=STATUS_LABELS,
            types=TYPE_LABELS,
        )
    assert me.school_id is not None  # likewise a school account its school (for mypy)  # nosec B101
    return render_template(
        "home/school.html",
        home=homes.school_home(db.session, me.school_id),
        today=today,
        statuses=STATUS_LABELS,
        types=TYPE_LABELS,
        kinds=KIND_LABELS,
    )
