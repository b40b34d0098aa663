"""The ledger in the bureau's spreadsheet layout (DOMAIN.md "Ledger columns"), streamed.

Rows are read in batches as plain values and written as they come: CSV goes straight
out (UTF-8 with a BOM so Excel reads Chinese), XLSX through advisor.spreadsheet's
streaming writer, into a temporary file for a download or into the file of an export
job (advisor.ledger.export_jobs). Memory stays flat for any row count. Cells go through
``advisor.spreadsheet``: user text is never a formula.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy import orm

from advisor import spreadsheet
from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, LawFirm, School
from advisor.ledger.models import LedgerEntry
from advisor.reviews.models import Closing, Feedback, Review
from advisor.spreadsheet import SHEET_MAX_ROWS, csv_row

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
SHEET = "工作台账"
BATCH = 5000
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


def rows(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[tuple[Any, ...]]:
    """The export's rows for the entries ``stmt`` selects, in the bureau's layout, read
    in batches: memory stays flat for any number of entries."""
    query = _columns(stmt).execution_options(yield_per=BATCH)
    kind_label, mode_label, type_label, adoption_label = KIND.get, MODE.get, TYPE.get, ADOPTION.get
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
            entry_on.isoformat(),
            school or "",
            advisor,
            firm,
            kind_label(kind, kind),
            description,
            title if on_contract else "",
            counterparty if on_contract else "",
            f"{amount:.2f}" if on_contract else "",
            type_label(contract_type, "") if on_contract else "",
            mode_label(mode or "", ""),
            due.isoformat() if due else "",
            entry_on.isoformat(),
            ("是" if entry_on > due else "否") if due else "",
            minutes,
            outcome,
            adoption_label(adoption or "", ""),
            rating or "",
            ("代录" if on_behalf else "") + (f"更正第{corrected_seq}号" if corrected_seq else ""),
        )


def csv_stream(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
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
    progress: Callable[[int], None] = lambda done: None,
    every: int = 10_000,
    max_rows: int = SHEET_MAX_ROWS,
) -> int:
    """The entries ``stmt`` selects as the bureau's workbook, written into ``target``
    (advisor.spreadsheet.write_xlsx: see there for ``progress`` and ``max_rows``).
    Returns the number of rows."""
    return spreadsheet.write_xlsx(
        target,
        sheet_name=SHEET,
        headers=HEADERS,
        widths=WIDTHS,
        rows=rows(session, stmt),
        progress=progress,
        every=every,
        max_rows=max_rows,
    )


def xlsx_stream(session: orm.Session, stmt: sa.Select[LedgerEntry]) -> Iterator[bytes]:
    """The workbook for a download: written into a temporary file, then sent in chunks
    (a zip package is finished by its directory, at the end)."""
    with tempfile.TemporaryFile() as handle:
        write_xlsx(session, stmt, handle)
        handle.seek(0)
        while chunk := handle.read(64 * 1024):
            yield chunk
