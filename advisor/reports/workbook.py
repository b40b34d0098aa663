"""The yearly figures as an .xlsx workbook: a title row naming the bureau, the year and
when it was made, then one row per figure, Chinese labels first, each value a number in
the format its unit asks for (issue 20, item 9)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import force_locale

from advisor import spreadsheet
from advisor.reports.figures import YearFigures
from advisor.reviews.labels import rating_word
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
# Number formats: counts grouped in thousands, money to the fen, the year as it is written.
COUNT, AMOUNT, PERCENT, SCORE, YEAR = "#,##0", "#,##0.00", "0.0", "0.00", "0"
SPECIAL_FORMATS = {
    "年度": YEAR,
    "覆盖率（%）": PERCENT,
    "审查合同金额（元）": AMOUNT,
    "学校平均评分": SCORE,
}
WIDTHS = {"A": 30, "B": 16}


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
        ("学校平均满意程度", _rating_word(f.average_rating)),
        *((f"考核等次·{grade}", n) for grade, n in f.grades.items()),
    ]


def _rating_word(average: Decimal | None) -> str:
    """The average's word in Chinese, the workbook's language: 满意 for 4.5."""
    if average is None:
        return "—"
    with force_locale("zh"):
        return rating_word(average)


def number_format(label: str, value: Any) -> str | None:
    """The format of a figure's cell: its label's, else a count's; None for text."""
    if isinstance(value, str):
        return None
    return SPECIAL_FORMATS.get(label, COUNT)


def title(bureau: str, year: int, made_at: datetime) -> str:
    """The title row: the bureau, the year and ``made_at`` (the bureau's local time,
    passed in), e.g. "乌苏市教科局 2025年度法律顾问工作数据　制表时间：2026年1月5日 09:30"."""
    return spreadsheet.title(bureau, f"{year}年度法律顾问工作数据", made_at)


def year_workbook(f: YearFigures, *, bureau: str, made_at: datetime) -> bytes:
    """The figures of one year as an .xlsx file (sheet "<year>年度") under the title
    row (``title``), made at ``made_at``, the bureau's local time."""
    # openpyxl takes 0.3 s to import: here, when a workbook is asked for
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet; for mypy  # nosec B101
    sheet.title = f"{f.year}年度"
    spreadsheet.head(sheet, title(bureau, f.year, made_at), ["指标", "数值"])
    for label, value in rows(f):
        append(sheet, [label, value])
        code = number_format(label, value)
        if code is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = code
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
