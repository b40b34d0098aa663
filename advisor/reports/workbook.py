"""The yearly figures as an .xlsx workbook: one row per figure, Chinese labels first."""

from __future__ import annotations

import io
from typing import Any

from advisor.reports.figures import YearFigures
from advisor.spreadsheet import append

KINDS = {
    "consultation": "法律咨询（次）",
    "lecture": "法治讲座（场）",
    "dispute_mediation": "纠纷调处（件）",
    "document_drafting": "代拟法律文书（份）",
    "contract_review": "合同审查台账（条）",
    "training": "培训（次）",
    "other": "其他（次）",
}
OUTCOMES = {"approve": "同意签订", "approve_with_changes": "修改后签订", "reject": "不宜签订"}


def rows(f: YearFigures) -> list[tuple[str, Any]]:
    """The figures as (Chinese label, value), as the workbook lists them."""
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
        *((f"其中{label}（份）", f.opinions.get(key, 0)) for key, label in OUTCOMES.items()),
        ("退回补正（次）", f.returns),
        ("发现风险点（处）", f.findings),
        *((f"风险点·{k}", n) for k, n in sorted(f.findings_by_dimension.items())),
        *((KINDS[k], f.ledger.get(k, 0)) for k in KINDS),
        ("讲座受众（人次）", f.lecture_headcount),
        ("学校评价（次）", f.ratings),
        ("学校平均评分", f.average_rating if f.average_rating is not None else "—"),
        *((f"考核等次·{grade}", n) for grade, n in f.grades.items()),
    ]


def year_workbook(f: YearFigures) -> bytes:
    """The figures of one year as an .xlsx file (sheet "<year>年度")."""
    # openpyxl takes 0.3 s to import: here, when a workbook is asked for
    from openpyxl import Workbook

    from advisor.spreadsheet import BOLD

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet; for mypy  # nosec B101
    sheet.title = f"{f.year}年度"
    append(sheet, ["指标", "数值"], font=BOLD)
    for label, value in rows(f):
        append(sheet, [label, value])
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
