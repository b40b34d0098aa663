"""The ledger in the bureau's spreadsheet layout (DOMAIN.md "Ledger columns"), streamed.

Rows are read in batches and written as they come: CSV goes straight out (UTF-8
with a BOM so Excel reads Chinese), XLSX through openpyxl's write-only mode into a
temporary file that is then sent in chunks. Memory stays flat for any row count.
Cells go through ``advisor.spreadsheet``: user text is never a formula.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, LawFirm, School
from advisor.ledger.models import LedgerEntry
from advisor.reviews.models import Closing, Feedback, Review
from advisor.spreadsheet import BOLD, csv_row, xlsx_row

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
    "应完成日期",
    "完成日期",
    "是否超期",
    "用时（分钟）",
    "办理结果/审查结论",
    "学校采纳情况",
    "学校评价",
    "备注",
)
WIDTHS = (8, 12, 24, 10, 22, 12, 40, 24, 24, 14, 12, 10, 12, 12, 8, 10, 16, 12, 8, 24)

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


def _rows(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[tuple[Any, ...]]:
    entries = stmt.subquery()
    entry = orm.aliased(LedgerEntry, entries)
    corrected = orm.aliased(LedgerEntry)
    query = (
        sa.select(
            entry,
            Review.due_on,
            School.name,
            Advisor.name,
            LawFirm.name,
            Contract,
            Closing.adoption,
            Feedback.rating,
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
        .execution_options(yield_per=1000)
    )
    for row in session.execute(query):
        e, due, school, advisor, firm, contract, adoption, rating, corrected_seq = row
        done = e.entry_on
        yield (
            e.seq,
            e.entry_on.isoformat(),
            school or "",
            advisor,
            firm,
            KIND.get(e.kind, e.kind),
            e.description,
            contract.title if contract else "",
            contract.counterparty if contract else "",
            f"{contract.amount:.2f}" if contract else "",
            TYPE.get(contract.contract_type, "") if contract else "",
            MODE.get(e.service_mode or "", ""),
            due.isoformat() if due else "",
            done.isoformat(),
            ("是" if done > due else "否") if due else "",
            e.minutes,
            e.outcome,
            ADOPTION.get(adoption or "", ""),
            rating or "",
            ("代录" if e.on_behalf else "") + (f"更正第{corrected_seq}号" if corrected_seq else ""),
        )


def csv_stream(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow(HEADERS)
    for count, row in enumerate(_rows(session, stmt), start=1):
        writer.writerow(csv_row(row))
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_stream(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工作台账")
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, HEADERS, font=BOLD))
    for row in _rows(session, stmt):
        sheet.append(xlsx_row(sheet, row))
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        while chunk := handle.read(64 * 1024):
            yield chunk
