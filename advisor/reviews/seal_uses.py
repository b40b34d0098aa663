"""The seal-use register (用印登记): who sees which seal uses, the list's filters, its .xlsx.

A seal use is recorded with a signing (services.close_contract). The bureau sees every
school's; a school user sees its own school's; advisors do not see the register (a seal
is the school's act, not part of the review: permissions.can_see_seal_register).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract, ContractVersion
from advisor.directory.models import School
from advisor.reviews.models import Closing, Seal, SealUse
from advisor.spreadsheet import write_xlsx

SEAL_LABELS = {
    Seal.OFFICIAL: _l("Official seal"),
    Seal.CONTRACT: _l("Contract seal"),
}
# The workbook is filed by a Chinese bureau whatever the reader's interface language.
SEAL_CHINESE: dict[str, str] = {Seal.OFFICIAL: "公章", Seal.CONTRACT: "合同专用章"}


@dataclass(frozen=True, slots=True)
class Filters:
    school_id: int | None = None
    used_from: date | None = None  # used_on on or after
    used_to: date | None = None  # used_on on or before


def visible_seal_uses(user: User, filters: Filters) -> sa.Select[SealUse, str, str, int, str]:
    """Rows of (SealUse, school name, contract title, signed version number or None,
    difference reason) the user may see, matching ``filters``, the latest use first.
    A school user's rows are its own school's whatever ``school_id`` says; the view
    refuses the roles that see none (advisors)."""
    stmt = (
        sa.select(
            SealUse,
            School.name,
            Contract.title,
            ContractVersion.number,
            Closing.difference_reason,
        )
        .join(School, School.id == SealUse.school_id)
        .join(Contract, Contract.id == SealUse.contract_id)
        .join(Closing, Closing.contract_id == SealUse.contract_id)
        .outerjoin(ContractVersion, ContractVersion.id == Closing.signed_version_id)
        .order_by(SealUse.used_on.desc(), SealUse.contract_id.desc())
    )
    if user.role == Role.SCHOOL:
        stmt = stmt.where(SealUse.school_id == user.school_id)
    elif user.role != Role.BUREAU:
        stmt = stmt.where(sa.false())
    if filters.school_id is not None:
        stmt = stmt.where(SealUse.school_id == filters.school_id)
    if filters.used_from is not None:
        stmt = stmt.where(SealUse.used_on >= filters.used_from)
    if filters.used_to is not None:
        stmt = stmt.where(SealUse.used_on <= filters.used_to)
    return stmt


HEADERS = (
    "用印日期",
    "学校",
    "合同名称",
    "印章",
    "审批人",
    "份数",
    "签订稿",
    "与审查版本不一致的原因",
)
WIDTHS = (12, 28, 40, 12, 14, 8, 10, 40)
FORMATS = ("yyyy-mm-dd", None, None, None, None, "0", None, None)


def register_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    """The register's rows as the workbook's cells: every text is a text cell
    (advisor.spreadsheet), so a name typed as "=1+1" stays that text."""
    for use, school, title, number, reason in rows:
        yield [
            use.used_on,
            school,
            title,
            SEAL_CHINESE.get(use.seal, use.seal),
            use.approved_by,
            use.copies,
            f"第{number}版" if number is not None else "",
            reason or "",
        ]


def register_workbook(rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """The register as an .xlsx file under ``title``."""
    target = io.BytesIO()
    write_xlsx(
        target,
        sheet_name="用印登记",
        headers=HEADERS,
        widths=WIDTHS,
        rows=register_rows(rows),
        formats=FORMATS,
        title=title,
    )
    return target.getvalue()
