"""The yearly figures through the API: ``GET /api/v1/reports/summary?year=``."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user
from advisor.api.blueprint import bp
from advisor.api.schemas import summary_json
from advisor.errors import Forbidden, ValidationError
from advisor.extensions import db
from advisor.reports import permissions
from advisor.reports.dashboard import FIRST_YEAR
from advisor.reports.figures import year_figures
from advisor.workdays import today_local


def _year(raw: str) -> int:
    """The year asked for (this year when none is); anything but a year with figures is
    a 422 naming ``year``, never a guess."""
    this_year, text = today_local().year, raw.strip()
    if not text:
        return this_year
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            _l("Give the year as a number, like 2025."), fields={"year": _l("A year like 2025.")}
        )
    year = int(text) if len(text) <= 4 else 0  # 30 digits are no year either
    if not FIRST_YEAR <= year <= this_year + 1:
        raise ValidationError(
            _l("No figures for that year."),
            fields={
                "year": _l(
                    "A year from %(first)d to %(last)d.", first=FIRST_YEAR, last=this_year + 1
                )
            },
        )
    return year


@bp.get("/reports/summary")
def report_summary() -> Any:
    """The bureau's figures of a year (default: this year)."""
    if not permissions.can_see_dashboard(api_user()):
        raise Forbidden(_l("Only the bureau sees bureau-wide figures."))
    return summary_json(year_figures(db.session, _year(request.args.get("year", ""))))
