"""The yearly figures through the API: ``GET /api/v1/reports/summary?year=``."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user
from advisor.api.blueprint import bp
from advisor.errors import Forbidden, ValidationError
from advisor.extensions import db
from advisor.reports.figures import year_figures
from advisor.workdays import today_local


@bp.get("/reports/summary")
def report_summary() -> Any:
    """The bureau's figures of a year (default: this year)."""
    if not api_user().is_bureau:
        raise Forbidden(_l("Only the bureau sees bureau-wide figures."))
    year = request.args.get("year", type=int) or today_local().year
    if not 2000 <= year <= today_local().year + 1:
        raise ValidationError(_l("No figures for that year."), fields={"year": _l("A year.")})
    f = year_figures(db.session, year)
    return {
        "year": f.year,
        "advisors": f.advisors,
        "law_firms": f.law_firms,
        "schools": f.schools,
        "schools_covered": f.schools_covered,
        "coverage_percent": str(f.coverage),
        "contracts_submitted": f.contracts_submitted,
        "contracts_reviewed": f.contracts_reviewed,
        "value_reviewed": f"{f.value_reviewed:.2f}",
        "opinions": f.opinions,
        "returns": f.returns,
        "findings_by_dimension": f.findings_by_dimension,
        "findings_by_severity": f.findings_by_severity,
        "ledger": f.ledger,
        "lecture_headcount": f.lecture_headcount,
        "average_rating": None if f.average_rating is None else str(f.average_rating),
        "ratings": f.ratings,
        "grades": f.grades,
    }
