"""Report pages: the yearly figures for the annual rule-of-law report, and their .xlsx."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from advisor.accounts.models import Role
from advisor.auth import protect, require
from advisor.errors import NotFound
from advisor.extensions import db
from advisor.reports.figures import YearFigures, year_figures
from advisor.reviews.labels import OUTCOME_LABELS
from advisor.workdays import today_local

bp = Blueprint("reports", __name__, url_prefix="/reports")
protect(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 2000


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= today_local().year + 1:
        raise NotFound(_l("No figures for that year."))
    return year


@bp.get("/year")
@require(Role.BUREAU)
def this_year() -> Any:
    return redirect(url_for("reports.year", year=today_local().year))


@bp.get("/year/<int:year>")
@require(Role.BUREAU)
def year(year: int) -> Any:
    """The year's figures as a paragraph and a table, each linked to its records."""
    return render_template(
        "reports/year.html", f=year_figures(db.session, _year(year)), outcomes=OUTCOME_LABELS
    )


def rows(f: YearFigures) -> list[tuple[str, Any]]:
    """The figures as (Chinese label, value), as the workbook lists them."""
    kinds = {
        "consultation": "法律咨询（次）",
        "lecture": "法治讲座（场）",
        "dispute_mediation": "纠纷调处（件）",
        "document_drafting": "代拟法律文书（份）",
        "contract_review": "合同审查台账（条）",
        "training": "培训（次）",
        "other": "其他（次）",
    }
    outcomes = {"approve": "同意签订", "approve_with_changes": "修改后签订", "reject": "不宜签订"}
    return [
        ("年度", f.year),
        ("聘任法律顾问（名）", f.advisors),
        ("律师事务所（家）", f.law_firms),
        ("学校（所）", f.schools),
        ("配备法律顾问的学校（所）", f.schools_covered),
        ("覆盖率（%）", f.coverage),
        ("提交审查的合同（份）", f.contracts_submitted),
        ("审查完毕的合同（份）", f.contracts_reviewed),
        ("审查合同金额（元）", f.value_reviewed),
        ("出具法律意见书（份）", f.opinions_issued),
        *((f"其中{label}（份）", f.opinions.get(key, 0)) for key, label in outcomes.items()),
        ("退回补正（次）", f.returns),
        ("发现风险点（处）", f.findings),
        *((f"风险点·{k}", n) for k, n in sorted(f.findings_by_dimension.items())),
        *((kinds[k], f.ledger.get(k, 0)) for k in kinds),
        ("讲座受众（人次）", f.lecture_headcount),
        ("学校评价（次）", f.ratings),
        ("学校平均评分", f.average_rating if f.average_rating is not None else "—"),
        *((f"考核等次·{grade}", n) for grade, n in f.grades.items()),
    ]


@bp.get("/year/<int:year>.xlsx")
@require(Role.BUREAU)
def year_xlsx(year: int) -> Response:
    """The year's figures as a workbook."""
    figures = year_figures(db.session, _year(year))
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年度"
    sheet.append(["指标", "数值"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for label, value in rows(figures):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX)
    name = f"法律顾问工作年度数据-{year}.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=figures-{year}.xlsx; filename*=UTF-8''{quote(name)}"
    )
    return response
