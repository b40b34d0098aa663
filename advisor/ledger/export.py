"""The ledger in the bureau's spreadsheet layout (DOMAIN.md "Ledger columns"), streamed.

Rows are read in batches as plain values and written as they come: CSV goes straight
out (UTF-8 with a BOM so Excel reads Chinese), XLSX through advisor.spreadsheet's
streaming writer, into a temporary file for a download or into the file of an export
job (advisor.ledger.export_jobs). Memory stays flat for any row count. Cells go through
``advisor.spreadsheet``: user text is never a formula.

Both files open with a title row naming the bureau, the period and when the file was
made, so that the bureau can file the sheet as it is (issue 20, item 9). In the workbook
dates are date cells shown as 2025年3月1日, amounts and counts numbers with their
formats; the CSV, which has no cell types, holds the same columns with dates as
2025-03-01 and amounts with two decimals.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from advisor import spreadsheet
from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, LawFirm, School
from advisor.ledger.models import LedgerEntry
from advisor.ledger.queries import Filters
from advisor.reviews.labels import rating_words
from advisor.reviews.models import Closing, Feedback, Review
from advisor.spreadsheet import SHEET_MAX_ROWS, csv_row
from config import Config

HEADERS = (
    "序号",
    "日期",
    "服务学校",
    "法律顾问",
    "律师事务所",
    "事项类型",
    "事项内容",
    "合同名称",
    "合同相对方",
    "合同金额（元）",
    "合同类型",
    "服务方式",
    "听众",
    "人数",
    "应完成日期",
    "完成日期",
    "是否超期",
    "用时（分钟）",
    "办理结果/审查结论",
    "学校采纳情况",
    "学校评价",
    "满意程度",
    "备注",
)
SHEET = "工作台账"
BATCH = 5000
WIDTHS = (8, 15, 24, 10, 22, 12, 40, 24, 24, 14, 12, 10, 20, 8, 15, 15, 8, 10, 16, 12, 8, 10, 24)
# The bureau's documents write a date as 2025年3月1日 (GB/T 9704); the cell holds the date.
DATE = 'yyyy"年"m"月"d"日"'
AMOUNT, COUNT, NUMBER = "#,##0.00", "#,##0", "0"
FORMATS = (
    NUMBER,  # 序号: a number, not a count to group in thousands
    DATE,
    *(None,) * 7,
    AMOUNT,
    None,
    None,
    None,
    COUNT,  # 人数
    DATE,
    DATE,
    None,
    COUNT,  # 用时（分钟）
    None,
    None,
    NUMBER,  # 学校评价: the rating 1–5, a number to sort and average
    None,  # 满意程度: its word, 非常满意 … 很不满意
    None,
)
CENT = Decimal("0.01")

KIND = {
    "contract_review": "合同审查",
    "consultation": "法律咨询",
    "lecture": "法治讲座",
    "dispute_mediation": "纠纷调处",
    "document_drafting": "代拟法律文书",
    "training": "培训",
    "other": "其他",
}
MODE = {"on_site": "现场", "phone": "电话", "online": "线上", "written": "书面"}
ADOPTION = {"fully": "全部采纳", "partly": "部分采纳", "not": "未采纳"}
TYPE = {
    "procurement": "采购",
    "construction": "工程建设与维修",
    "service": "服务外包",
    "lease": "租赁",
    "catering": "食堂与餐饮",
    "uniform": "校服",
    "school_bus": "校车",
    "cooperation": "合作与研学",
    "employment": "劳动与聘用",
    "insurance": "保险",
    "donation": "捐赠",
    "other": "其他",
}


def _columns(stmt: sa.Select[LedgerEntry]) -> sa.Select[*tuple[Any, ...]]:
    """The columns of the export for the entries ``stmt`` selects, in sequence order: plain
    values, not model objects (building two objects a row took most of the time)."""
    # The list's own order is dropped: the export sorts by sequence number alone, and a
    # second sort of millions of rows inside the subquery would be wasted.
    entries = stmt.order_by(None).subquery()
    entry = orm.aliased(LedgerEntry, entries)
    corrected = orm.aliased(LedgerEntry)
    return (
        sa.select(
            entry.seq,
            entry.entry_on,
            School.name,
            Advisor.name,
            LawFirm.name,
            entry.kind,
            entry.description,
            Contract.id,
            Contract.title,
            Contract.counterparty,
            Contract.amount,
            Contract.contract_type,
            entry.service_mode,
            entry.audience,
            entry.headcount,
            Review.due_on,
            entry.minutes,
            entry.outcome,
            Closing.adoption,
            Feedback.rating,
            entry.on_behalf,
            corrected.seq,
        )
        .join(Advisor, Advisor.id == entry.advisor_id)
        .join(LawFirm, LawFirm.id == Advisor.law_firm_id)
        .outerjoin(School, School.id == entry.school_id)
        .outerjoin(Contract, Contract.id == entry.contract_id)
        .outerjoin(Closing, Closing.contract_id == entry.contract_id)
        .outerjoin(Feedback, Feedback.review_id == entry.review_id)
        .outerjoin(Review, Review.id == entry.review_id)
        .outerjoin(corrected, corrected.id == entry.supersedes_id)
        .order_by(entry.seq)
    )


def title(bureau: str, filters: Filters, made_at: datetime) -> str:
    """The title row: the bureau, the period the filters ask for, and ``made_at`` (the
    bureau's local time, passed in), e.g. "乌苏市教科局 法律顾问工作台账（2025年1月1日至
    2025年12月31日） 制表时间：2026年1月5日 09:30"."""
    start, end = filters.date_from, filters.date_to
    if start and end:
        period = f"{_day(start)}至{_day(end)}"
    elif start:
        period = f"{_day(start)}起"
    elif end:
        period = f"截至{_day(end)}"
    else:
        period = "全部日期"
    return spreadsheet.title(bureau, f"法律顾问工作台账（{period}）", made_at)


def made_title(config: Config, filters: Filters, now: datetime) -> str:
    """``title`` with the configured bureau, ``now`` (UTC, read once by the caller) in
    the bureau's time zone."""
    return title(config.bureau_name, filters, now.astimezone(ZoneInfo(config.timezone)))


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def rows(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[tuple[Any, ...]]:
    """The export's rows for the entries ``stmt`` selects, in the bureau's layout, read
    in batches: memory stays flat for any number of entries. Dates are dates, amounts
    decimals to the cent, counts ints (None where there is none)."""
    query = _columns(stmt).execution_options(yield_per=BATCH)
    kind_label, mode_label, type_label, adoption_label = KIND.get, MODE.get, TYPE.get, ADOPTION.get
    rating_word = rating_words("zh").get
    for (
        seq,
        entry_on,
        school,
        advisor,
        firm,
        kind,
        description,
        contract_id,
        title,
        counterparty,
        amount,
        contract_type,
        mode,
        audience,
        headcount,
        due,
        minutes,
        outcome,
        adoption,
        rating,
        on_behalf,
        corrected_seq,
    ) in session.execute(query):
        on_contract = contract_id is not None
        yield (
            seq,
            entry_on,
            school or "",
            advisor,
            firm,
            kind_label(kind, kind),
            description,
            title if on_contract else "",
            counterparty if on_contract else "",
            amount.quantize(CENT) if on_contract else None,
            type_label(contract_type, "") if on_contract else "",
            mode_label(mode or "", ""),
            audience or "",
            headcount,
            due,
            entry_on,
            ("是" if entry_on > due else "否") if due else "",
            minutes,
            outcome,
            adoption_label(adoption or "", ""),
            rating or "",
            rating_word(rating, ""),
            ("代录" if on_behalf else "") + (f"更正第{corrected_seq}号" if corrected_seq else ""),
        )


def csv_stream(
    session: orm.Session, stmt: sa.Select[LedgerEntry], *, title: str
) -> Iterator[bytes]:
    """The entries ``stmt`` selects as CSV under ``title`` (the ``title`` function) and
    the header: UTF-8 with a BOM, dates as 2025-03-01, blanks empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow(csv_row([title]))
    writer.writerow(HEADERS)
    for count, row in enumerate(rows(session, stmt), start=1):
        writer.writerow(csv_row(row))
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(
    session: orm.Session,
    stmt: sa.Select[LedgerEntry],
    target: BinaryIO,
    *,
    title: str,
    progress: Callable[[int], None] = lambda done: None,
    every: int = 10_000,
    max_rows: int = SHEET_MAX_ROWS,
) -> int:
    """The entries ``stmt`` selects as the bureau's workbook under ``title`` (the
    ``title`` function), written into ``target`` (advisor.spreadsheet.write_xlsx: see
    there for ``progress`` and ``max_rows``). Returns the number of rows."""
    return spreadsheet.write_xlsx(
        target,
        sheet_name=SHEET,
        headers=HEADERS,
        widths=WIDTHS,
        formats=FORMATS,
        title=title,
        rows=rows(session, stmt),
        progress=progress,
        every=every,
        max_rows=max_rows,
    )


def xlsx_stream(
    session: orm.Session, stmt: sa.Select[LedgerEntry], *, title: str
) -> Iterator[bytes]:
    """The workbook for a download: written into a temporary file, then sent in chunks
    (a zip package is finished by its directory, at the end)."""
    with tempfile.TemporaryFile() as handle:
        write_xlsx(session, stmt, handle, title=title)
        handle.seek(0)
        while chunk := handle.read(64 * 1024):
            yield chunk
