"""Import of schools and advisors from the bureau's .xlsx sheets: all rows or none.

Every row is checked first; problems come back as (row, column, message) and
nothing is written unless there are none. Rows are matched on the school code or
the licence number, so importing the same file again changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.directory import services
from advisor.directory.labels import LEVEL_ALIASES
from advisor.directory.models import Advisor, AssignmentKind, LawFirm, School
from advisor.directory.queries import open_assignment
from advisor.office_xml import UnsafeXml, check_parts
from advisor.spreadsheet import append

MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool = False
    example: str = ""


SCHOOL_COLUMNS = (
    Column("code", "学校代码", True, "WS001"),
    Column("name", "学校名称", True, "乌苏市第一中学"),
    Column("district", "区县", False, "乌苏市"),
    Column("level", "学段", True, "高中"),
    Column("address", "地址", False, "乌苏市南京路1号"),
    Column("contact_name", "联系人", False, "王芳"),
    Column("contact_phone", "联系电话", False, "0992-8512345"),
    Column("primary_licence", "主法律顾问执业证号", False, "16542201910123456"),
    Column("backup_licence", "备用法律顾问执业证号", False, ""),
)

ADVISOR_COLUMNS = (
    Column("licence_no", "执业证号", True, "16542201910123456"),
    Column("name", "姓名", True, "张伟"),
    Column("law_firm", "律师事务所", True, "新疆天山律师事务所"),
    Column("phone", "联系电话", False, "13899990001"),
    Column("email", "电子邮箱", False, "zhangwei@example.com"),
    Column("appointed_on", "聘任开始日期", True, "2025-01-01"),
    Column("appointment_ends_on", "聘任结束日期", False, "2027-12-31"),
    Column("specialties", "专业领域", False, "合同、劳动"),
)

KINDS = {"schools": SCHOOL_COLUMNS, "advisors": ADVISOR_COLUMNS}


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(slots=True)
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def template(kind: str) -> bytes:
    """A workbook with the header row and one example row, for the bureau to fill in."""
    # openpyxl takes 0.3 s to import: here, when a workbook is asked for
    from openpyxl import Workbook

    from advisor.spreadsheet import BOLD

    columns = KINDS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet; for mypy  # nosec B101
    sheet.title = "schools" if kind == "schools" else "advisors"
    append(sheet, [c.header + ("*" if c.required else "") for c in columns], font=BOLD)
    append(sheet, [c.example for c in columns])
    for i, c in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + i)].width = max(14, len(c.header) * 2 + 4)
        if c.key.endswith("licence") or c.key in ("licence_no", "code", "contact_phone", "phone"):
            for cell in sheet[chr(ord("A") + i)]:
                cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return date(y, m, d)
    except ValueError as exc:
        raise ValueError(str(_l("Not a date; write it as 2025-01-31."))) from exc


def _rows(
    data: bytes, columns: tuple[Column, ...]
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Read the first sheet into dicts keyed by column, with file-level problems."""
    from openpyxl import load_workbook  # here: openpyxl takes 0.3 s to import

    not_xlsx = [
        Problem(
            0, "", str(_l("This is not an Excel .xlsx file. Download the template and fill it in."))
        )
    ]
    if not data.startswith(b"PK\x03\x04"):
        return [], not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return [], [Problem(0, "", str(_l("The spreadsheet is too large when unpacked.")))]
            check_parts(archive)  # before openpyxl parses any of it
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafeXml as error:
        if error.code != "xml_entities":
            return [], not_xlsx
        message = _l(
            "The spreadsheet contains XML entity declarations, which are refused for safety."
            " Open it in Excel or WPS and save it again."
        )
        return [], [Problem(0, "", str(message))]
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        return [], not_xlsx
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        return [], not_xlsx
    lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if header is None:
        return [], [Problem(1, "", str(_l("The sheet is empty.")))]
    wanted = {c.header: c for c in columns}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _text(title).rstrip("*").strip()
        if name in wanted:
            positions[wanted[name].key] = index
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        return [], [
            Problem(1, name, str(_l("This column is missing; use the template's header row.")))
            for name in missing
        ]
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=2):
        values = {key: (line[i] if i < len(line) else None) for key, i in positions.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [Problem(number, "", str(_l("At most %(n)d rows per file.", n=MAX_ROWS)))]
        rows.append((number, values))
    book.close()
    if not rows:
        return [], [Problem(2, "", str(_l("The sheet has no data rows.")))]
    return rows, []


def _keep(found: Any, attribute: str, value: Any) -> Any:
    """A blank cell (or a missing optional column) leaves an existing record's value alone."""
    if found is not None and value in ("", None):
        return getattr(found, attribute)
    return value


def _header(columns: tuple[Column, ...], key: str) -> str:
    for c in columns:
        if c.key == key:
            return c.header
    return key


def _collect(
    columns: tuple[Column, ...],
    number: int,
    fields: dict[str, Any],
    problems: list[Problem],
    key_map: dict[str, str] | None = None,
) -> None:
    for name, message in fields.items():
        key = (key_map or {}).get(name, name)
        problems.append(Problem(number, _header(columns, key), str(message)))


def _duplicates(rows: list[tuple[int, str]], column: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for number, value in rows:
        if value and value in seen:
            message = _l("Same value as row %(row)d.", row=seen[value])
            problems.append(Problem(number, column, str(message)))
        seen.setdefault(value, number)


def import_schools(session: orm.Session, data: bytes, *, actor: User, today: date) -> ImportReport:
    """Create or update schools, and set their primary/backup advisors when given."""
    report = ImportReport()
    rows, report.problems = _rows(data, SCHOOL_COLUMNS)
    if report.problems:
        return report
    existing = {s.code: s for s in session.scalars(sa.select(School))}
    advisors = {a.licence_no: a for a in session.scalars(sa.select(Advisor))}
    planned: list[tuple[services.SchoolData, Advisor | None, Advisor | None]] = []
    for number, v in rows:
        level_text = _text(v.get("level"))
        found = existing.get(_text(v.get("code")).upper())
        candidate = services.SchoolData(
            code=_text(v.get("code")),
            name=_text(v.get("name")),
            level=LEVEL_ALIASES.get(level_text, level_text),
            district=_keep(found, "district", _text(v.get("district"))),
            address=_keep(found, "address", _text(v.get("address"))),
            contact_name=_keep(found, "contact_name", _text(v.get("contact_name"))),
            contact_phone=_keep(found, "contact_phone", _text(v.get("contact_phone"))),
        )
        candidate = services.clean_school(candidate)
        _collect(
            SCHOOL_COLUMNS,
            number,
            services.check_school(session, candidate, found.id if found else None),
            report.problems,
        )
        chosen: list[Advisor | None] = []
        for key in ("primary_licence", "backup_licence"):
            licence = _text(v.get(key))
            advisor = advisors.get(licence) if licence else None
            if licence and advisor is None:
                report.problems.append(
                    Problem(
                        number,
                        _header(SCHOOL_COLUMNS, key),
                        str(_l("No advisor has this licence number; import the advisors first.")),
                    )
                )
            elif advisor is not None and not advisor.is_active:
                report.problems.append(
                    Problem(
                        number, _header(SCHOOL_COLUMNS, key), str(_l("This advisor is inactive."))
                    )
                )
            chosen.append(advisor)
        if chosen[0] is not None and chosen[0] is chosen[1]:
            report.problems.append(
                Problem(
                    number,
                    _header(SCHOOL_COLUMNS, "backup_licence"),
                    str(_l("The same advisor cannot be both primary and backup.")),
                )
            )
        if found is None and chosen[0] is None and chosen[1] is not None:
            report.problems.append(
                Problem(
                    number,
                    _header(SCHOOL_COLUMNS, "primary_licence"),
                    str(_l("A backup advisor needs a primary advisor.")),
                )
            )
        planned.append((candidate, chosen[0], chosen[1]))
    _duplicates(
        [(n, p[0].code) for (n, _), p in zip(rows, planned, strict=True)],
        _header(SCHOOL_COLUMNS, "code"),
        report.problems,
    )
    if report.problems:
        report.problems.sort(key=lambda p: (p.row, p.column))
        return report
    for school_data, primary, backup in planned:
        target = existing.get(school_data.code)
        if target is not None:
            # Import never re-activates or de-activates; that stays a deliberate act.
            school_data = replace(school_data, is_active=target.is_active)
        before = _snapshot(session, target)
        school = services.save_school(session, school_data, target)
        for kind, advisor in ((AssignmentKind.PRIMARY, primary), (AssignmentKind.BACKUP, backup)):
            if advisor is not None:
                _assign_for_import(session, school, advisor, kind, actor, today)
        after = _snapshot(session, school)
        if target is None:
            report.created += 1
        elif before != after:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _snapshot(session: orm.Session, school: School | None) -> tuple[Any, ...] | None:
    if school is None:
        return None
    fields = tuple(getattr(school, f) for f in services.SchoolData.__dataclass_fields__)
    holders = tuple(
        (a.advisor_id if a else None)
        for a in (open_assignment(session, school.id, k) for k in AssignmentKind)
    )
    return fields + holders


def _assign_for_import(
    session: orm.Session, school: School, advisor: Advisor, kind: str, actor: User, today: date
) -> None:
    # Swapping primary and backup in one file: end the other assignment first.
    other_kind = AssignmentKind.BACKUP if kind == AssignmentKind.PRIMARY else AssignmentKind.PRIMARY
    other = open_assignment(session, school.id, other_kind)
    if other is not None and other.advisor_id == advisor.id:
        other.ends_on = max(other.starts_on, today)
        session.flush()
    services.assign_advisor(
        session,
        school=school,
        advisor=advisor,
        kind=kind,
        starts_on=today,
        actor=actor,
        today=today,
    )


def import_advisors(session: orm.Session, data: bytes) -> ImportReport:
    """Create or update advisors; the law firm is named and must already exist."""
    report = ImportReport()
    rows, report.problems = _rows(data, ADVISOR_COLUMNS)
    if report.problems:
        return report
    firms = {f.name: f for f in session.scalars(sa.select(LawFirm))}
    existing = {a.licence_no: a for a in session.scalars(sa.select(Advisor))}
    planned: list[tuple[int, services.AdvisorData]] = []
    for number, v in rows:
        firm = firms.get(_text(v.get("law_firm")))
        if firm is None:
            report.problems.append(
                Problem(
                    number,
                    _header(ADVISOR_COLUMNS, "law_firm"),
                    str(_l("No law firm has this name; add it on the law firms page first.")),
                )
            )
        dates: dict[str, date | None] = {}
        for key in ("appointed_on", "appointment_ends_on"):
            try:
                dates[key] = _date(v.get(key))
            except ValueError as error:
                report.problems.append(Problem(number, _header(ADVISOR_COLUMNS, key), str(error)))
                dates[key] = None
        if dates["appointed_on"] is None:
            if not any(
                p.row == number and p.column == _header(ADVISOR_COLUMNS, "appointed_on")
                for p in report.problems
            ):
                report.problems.append(
                    Problem(number, _header(ADVISOR_COLUMNS, "appointed_on"), str(_l("Required.")))
                )
            continue
        email = _text(v.get("email")) or None
        if email and ("@" not in email or " " in email):
            report.problems.append(
                Problem(
                    number,
                    _header(ADVISOR_COLUMNS, "email"),
                    str(_l("Enter a valid e-mail address.")),
                )
            )
        found = existing.get(_text(v.get("licence_no")))
        advisor = services.clean_advisor(
            services.AdvisorData(
                name=_text(v.get("name")),
                law_firm_id=firm.id if firm else 0,
                licence_no=_text(v.get("licence_no")),
                appointed_on=dates["appointed_on"],
                phone=_keep(found, "phone", _text(v.get("phone"))),
                email=_keep(found, "email", email),
                appointment_ends_on=_keep(
                    found, "appointment_ends_on", dates["appointment_ends_on"]
                ),
                specialties=_keep(found, "specialties", _text(v.get("specialties"))),
            )
        )
        fields = services.check_advisor(session, advisor, found.id if found else None)
        if firm is None:
            fields.pop("law_firm_id", None)
        _collect(ADVISOR_COLUMNS, number, fields, report.problems, {"law_firm_id": "law_firm"})
        planned.append((number, advisor))
    _duplicates(
        [(n, a.licence_no) for n, a in planned],
        _header(ADVISOR_COLUMNS, "licence_no"),
        report.problems,
    )
    _duplicates(
        [(n, a.email or "") for n, a in planned],
        _header(ADVISOR_COLUMNS, "email"),
        report.problems,
    )
    if report.problems:
        report.problems.sort(key=lambda p: (p.row, p.column))
        return report
    for _number, data_row in planned:
        target = existing.get(data_row.licence_no)
        if target is not None:
            # Import never re-activates or de-activates; that stays a deliberate act.
            data_row = replace(data_row, is_active=target.is_active)
        before = _advisor_snapshot(target)
        saved = services.save_advisor(session, data_row, target)
        if target is None:
            report.created += 1
        elif before != _advisor_snapshot(saved):
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _advisor_snapshot(advisor: Advisor | None) -> tuple[Any, ...] | None:
    if advisor is None:
        return None
    return tuple(getattr(advisor, f) for f in services.AdvisorData.__dataclass_fields__)
