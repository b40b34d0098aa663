"""The .xlsx import of schools and advisors: all rows or none, through services and the page."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import orm

from advisor.directory import importing
from advisor.directory.models import Advisor, Assignment, AssignmentKind, School
from advisor.directory.queries import open_assignment
from advisor.workdays import today_local
from tests.factories.people import bureau_user

TODAY = date(2025, 6, 10)
APPOINTED = date(2025, 1, 1)  # the day every demo assignment starts
PRIMARY = AssignmentKind.PRIMARY
BACKUP = AssignmentKind.BACKUP

SCHOOL_HEADER = (
    "学校代码",
    "学校名称",
    "区县",
    "学段",
    "地址",
    "联系人",
    "联系电话",
    "主法律顾问执业证号",
    "备用法律顾问执业证号",
)
ADVISOR_HEADER = (
    "执业证号",
    "姓名",
    "律师事务所",
    "联系电话",
    "电子邮箱",
    "聘任开始日期",
    "聘任结束日期",
    "专业领域",
)
FIRM = "新疆天山律师事务所"  # demo law firm 1
NOT_XLSX_ROW = 0  # file-level problems carry row 0 and no column
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers -----------------------------------------------------------------------


def xlsx(header: tuple[Any, ...], *rows: list[Any] | tuple[Any, ...]) -> bytes:
    """A real workbook: the header on row 1, then one line per row (``[]`` is a blank row)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def school_row(
    code: str,
    name: str = "测试学校",
    level: str = "小学",
    primary: str = "",
    backup: str = "",
    address: str = "测试路1号",
) -> list[Any]:
    return [code, name, "乌苏市", level, address, "王老师", "0992-1234567", primary, backup]


def existing_row(school: School, level: str, primary: str = "", backup: str = "") -> list[Any]:
    """A row repeating a school's stored details, with the level as a clerk writes it."""
    return [
        school.code,
        school.name,
        school.district,
        level,
        school.address,
        school.contact_name,
        school.contact_phone,
        primary,
        backup,
    ]


def advisor_row(
    licence: str,
    name: str = "测试律师",
    firm: str = FIRM,
    appointed: Any = "2025-03-01",
    ends: Any = "",
    email: str = "",
) -> list[Any]:
    return [licence, name, firm, "13800000000", email, appointed, ends, "合同"]


def licence(session: orm.Session, n: int) -> str:
    """The licence number of demo advisor ``n``."""
    found = session.scalar(
        sa.select(Advisor.licence_no).where(Advisor.email == f"advisor{n:02d}@demo.local")
    )
    assert found is not None
    return found


def advisor_id(session: orm.Session, n: int) -> int:
    found = session.scalar(
        sa.select(Advisor.id).where(Advisor.email == f"advisor{n:02d}@demo.local")
    )
    assert found is not None
    return found


def get_school(session: orm.Session, code: str) -> School | None:
    return session.scalar(sa.select(School).where(School.code == code))


def holder(session: orm.Session, target: School, kind: str) -> int | None:
    row = open_assignment(session, target.id, kind)
    return row.advisor_id if row else None


def count(session: orm.Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def assignment_rows(session: orm.Session) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in session.execute(
            sa.select(
                Assignment.id,
                Assignment.school_id,
                Assignment.advisor_id,
                Assignment.kind,
                Assignment.starts_on,
                Assignment.ends_on,
            ).order_by(Assignment.id)
        )
    ]


def import_schools(
    session: orm.Session, data: bytes, today: date = TODAY
) -> importing.ImportReport:
    return importing.import_schools(session, data, actor=bureau_user(session), today=today)


def places(report: importing.ImportReport) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


def upload(client: FlaskClient, kind: str, data: bytes, name: str = "upload.xlsx") -> Any:
    return client.post(
        f"/import/{kind}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def problem_table(html: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the page's problems table."""
    block = html.split('data-testid="import-problems"', 1)
    assert len(block) == 2, "the page shows no problems table"
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", block[1])


# --- schools through the service ---------------------------------------------------


def test_good_file_creates_the_schools_and_sets_their_advisors(session: orm.Session) -> None:
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T901", "测试第一小学", "小学", primary=licence(session, 1)),
        school_row(
            "t902",
            "测试第一幼儿园",
            "幼儿园",
            primary=licence(session, 2),
            backup=licence(session, 3),
        ),
    )
    before = count(session, School)

    report = import_schools(session, data)

    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert count(session, School) == before + 2
    first, second = get_school(session, "T901"), get_school(session, "T902")
    assert first is not None and second is not None
    assert (first.name, first.level, first.district) == ("测试第一小学", "primary", "乌苏市")
    assert second.level == "kindergarten"
    assert holder(session, first, PRIMARY) == advisor_id(session, 1)
    assert holder(session, first, BACKUP) is None
    assert holder(session, second, PRIMARY) == advisor_id(session, 2)
    assert holder(session, second, BACKUP) == advisor_id(session, 3)
    row = open_assignment(session, first.id, PRIMARY)
    assert row is not None
    assert row.starts_on == TODAY
    assert row.created_by_id == bureau_user(session).id


def test_reimporting_the_same_file_changes_nothing(session: orm.Session) -> None:
    # An existing school whose row matches it exactly is "unchanged" from the start.
    ws004 = get_school(session, "WS004")
    assert ws004 is not None
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T901", level="小学", primary=licence(session, 1), backup=licence(session, 2)),
        school_row("T902", level="初中", primary=licence(session, 3)),
        existing_row(ws004, "初中", licence(session, 4)),
    )
    first = import_schools(session, data)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 1), first.problems
    schools_before, rows_before = count(session, School), assignment_rows(session)

    again = import_schools(session, data, today=date(2025, 9, 1))

    assert again.ok, again.problems
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count(session, School) == schools_before
    assert assignment_rows(session) == rows_before


def test_bad_school_rows_are_all_reported_and_nothing_is_written(session: orm.Session) -> None:
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T911", "一所没有问题的学校", primary=licence(session, 1)),  # row 2
        school_row("T912", ""),  # row 3: no name
        school_row("T913", level="大学"),  # row 4: unknown level
        school_row("T914"),  # row 5
        school_row("t914"),  # row 6: same code as row 5 once upper-cased
        school_row("T915", primary="99999999999999999"),  # row 7: unknown licence
    )
    schools_before, rows_before = count(session, School), assignment_rows(session)

    report = import_schools(session, data)

    assert not report.ok
    assert places(report) == [
        (3, "学校名称"),
        (4, "学段"),
        (6, "学校代码"),
        (7, "主法律顾问执业证号"),
    ]
    assert "row 5" in report.problems[2].message
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert count(session, School) == schools_before
    assert get_school(session, "T911") is None
    assert assignment_rows(session) == rows_before


def test_a_code_already_used_by_an_existing_school_is_an_update_not_a_duplicate(
    session: orm.Session,
) -> None:
    ws001 = get_school(session, "WS001")
    assert ws001 is not None
    data = xlsx(
        SCHOOL_HEADER,
        school_row("ws001", ws001.name, "高中", address="乌苏市新校区路9号"),
    )
    report = import_schools(session, data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0), report.problems
    session.refresh(ws001)
    assert ws001.address == "乌苏市新校区路9号"
    assert ws001.level == "senior"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["", "无代码学校", "乌苏市", "小学"], "学校代码"),
        (["T921", "测试", "乌苏市", ""], "学段"),
        (["T922", "测试", "乌苏市", "Primary school"], "学段"),
        (
            ["T923", "测试", "乌苏市", "小学", "", "", "", "", "ADVISOR-BACKUP"],
            "主法律顾问执业证号",
        ),
        (["T924", "测试", "乌苏市", "小学", "", "", "", "SAME", "SAME"], "备用法律顾问执业证号"),
        (["T925", "测试", "乌苏市", "小学", "", "", "", "99999999999999999"], "主法律顾问执业证号"),
        (
            ["T926", "测试", "乌苏市", "小学", "", "", "", "", "99999999999999999"],
            "备用法律顾问执业证号",
        ),
    ],
    ids=[
        "no code",
        "no level",
        "English label is not a level",
        "backup without primary",
        "same advisor twice",
        "unknown primary",
        "unknown backup",
    ],
)
def test_one_bad_school_row_names_its_column(
    session: orm.Session, row: list[Any], column: str
) -> None:
    values = [
        {"SAME": licence(session, 5), "ADVISOR-BACKUP": licence(session, 6)}.get(v, v) for v in row
    ]
    before = count(session, School)
    report = import_schools(session, xlsx(SCHOOL_HEADER, values))
    assert places(report) == [(2, column)]
    assert count(session, School) == before


def test_an_inactive_advisor_cannot_be_imported_as_primary(session: orm.Session) -> None:
    inactive = session.get(Advisor, advisor_id(session, 7))
    assert inactive is not None
    inactive.is_active = False
    session.flush()
    report = import_schools(
        session, xlsx(SCHOOL_HEADER, school_row("T931", primary=licence(session, 7)))
    )
    assert places(report) == [(2, "主法律顾问执业证号")]
    assert get_school(session, "T931") is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("小学", "primary"),
        ("幼儿园", "kindergarten"),
        ("初级中学", "junior"),
        ("高中", "senior"),
        ("九年一贯制学校", "nine_year"),
        ("中等职业学校", "vocational"),
        ("特殊教育学校", "special"),
        (" 小学 ", "primary"),
        ("primary", "primary"),
    ],
)
def test_level_aliases_map_to_stored_levels(session: orm.Session, text: str, level: str) -> None:
    report = import_schools(session, xlsx(SCHOOL_HEADER, school_row("T941", level=text)))
    assert report.created == 1, report.problems
    created = get_school(session, "T941")
    assert created is not None and created.level == level


def test_blank_rows_are_skipped_but_keep_the_sheet_row_numbers(session: orm.Session) -> None:
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T951"),  # row 2
        [],  # row 3
        [None, None, None],  # row 4
        school_row("T952", ""),  # row 5: no name
    )
    report = import_schools(session, data)
    assert places(report) == [(5, "学校名称")]


def test_template_headers_with_stars_and_an_edited_example_row_import(
    session: orm.Session,
) -> None:
    book = load_workbook(io.BytesIO(importing.template("schools")))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == ["学校代码*", "学校名称*"]
    sheet["A2"] = "T961"
    sheet["B2"] = "模板测试学校"
    sheet["H2"] = licence(session, 8)
    out = io.BytesIO()
    book.save(out)

    report = import_schools(session, out.getvalue())

    assert (report.created, report.updated) == (1, 0), report.problems
    created = get_school(session, "T961")
    assert created is not None
    assert created.level == "senior"  # the example's 高中
    assert holder(session, created, PRIMARY) == advisor_id(session, 8)


def test_a_missing_required_column_is_named_on_row_1(session: orm.Session) -> None:
    header = tuple(h for h in SCHOOL_HEADER if h != "学段")
    report = import_schools(session, xlsx(header, ["T971", "测试", "乌苏市"]))
    assert places(report) == [(1, "学段")]


def test_a_header_without_data_rows_is_one_problem(session: orm.Session) -> None:
    report = import_schools(session, xlsx(SCHOOL_HEADER))
    assert len(report.problems) == 1
    assert report.problems[0].row == 2


def test_reassigning_through_the_file_keeps_history(session: orm.Session) -> None:
    ws001 = get_school(session, "WS001")
    assert ws001 is not None
    data = xlsx(
        SCHOOL_HEADER,
        existing_row(ws001, "高中", licence(session, 2)),
    )
    report = import_schools(session, data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0), report.problems
    history = [
        (r.advisor_id, r.starts_on, r.ends_on)
        for r in session.scalars(
            sa.select(Assignment)
            .where(Assignment.school_id == ws001.id, Assignment.kind == PRIMARY)
            .order_by(Assignment.id)
        )
    ]
    assert history == [
        (advisor_id(session, 1), APPOINTED, date(2025, 6, 9)),
        (advisor_id(session, 2), TODAY, None),
    ]


def test_primary_and_backup_can_swap_in_one_file(session: orm.Session) -> None:
    ws003 = get_school(session, "WS003")
    assert ws003 is not None
    old_primary, old_backup = holder(session, ws003, PRIMARY), holder(session, ws003, BACKUP)
    licences = {i: n for i, n in session.execute(sa.select(Advisor.id, Advisor.licence_no))}
    assert old_primary is not None and old_backup is not None
    data = xlsx(
        SCHOOL_HEADER,
        existing_row(ws003, "初中", licences[old_backup], licences[old_primary]),
    )
    report = import_schools(session, data)
    assert report.updated == 1, report.problems
    assert (holder(session, ws003, PRIMARY), holder(session, ws003, BACKUP)) == (
        old_backup,
        old_primary,
    )


def test_import_never_reactivates_a_school(session: orm.Session) -> None:
    ws002 = get_school(session, "WS002")
    assert ws002 is not None
    ws002.is_active = False
    session.flush()
    import_schools(session, xlsx(SCHOOL_HEADER, school_row("WS002", ws002.name, "高中")))
    session.refresh(ws002)
    assert ws002.is_active is False
    assert ws002.address == "测试路1号"  # the row itself was applied


def test_an_over_long_school_name_is_a_problem_not_a_crash(session: orm.Session) -> None:
    # School.name is String(100); the page's form enforces it but the import does not,
    # so PostgreSQL fails the whole request and SQLite stores the text as it is.
    before = count(session, School)
    report = import_schools(session, xlsx(SCHOOL_HEADER, school_row("T981", "校" * 101)))
    assert places(report) == [(2, "学校名称")]
    assert count(session, School) == before


# --- advisors through the service --------------------------------------------------


def test_good_advisor_file_creates_advisors_and_reads_every_date_form(
    session: orm.Session,
) -> None:
    data = xlsx(
        ADVISOR_HEADER,
        advisor_row("99999000000000101", "甲律师", appointed="2025-03-01", email="Jia@Test.Local"),
        advisor_row("99999000000000102", "乙律师", appointed="2025/3/2", ends="2026.12.31"),
        advisor_row("99999000000000103", "丙律师", appointed="2025年3月3日"),
        advisor_row("99999000000000104", "丁律师", appointed=datetime(2025, 3, 4)),
    )
    before = count(session, Advisor)

    report = importing.import_advisors(session, data)

    assert report.ok, report.problems
    assert report.created == 4
    assert count(session, Advisor) == before + 4
    found = {
        a.licence_no: a
        for a in session.scalars(
            sa.select(Advisor).where(Advisor.licence_no.like("9999900000000010%"))
        )
    }
    assert [found[f"9999900000000010{i}"].appointed_on for i in range(1, 5)] == [
        date(2025, 3, d) for d in range(1, 5)
    ]
    assert found["99999000000000102"].appointment_ends_on == date(2026, 12, 31)
    assert found["99999000000000101"].email == "jia@test.local"
    assert found["99999000000000101"].law_firm.name == FIRM


def test_reimporting_the_same_advisor_file_changes_nothing(session: orm.Session) -> None:
    data = xlsx(ADVISOR_HEADER, advisor_row("99999000000000111", email="yi@test.local"))
    assert importing.import_advisors(session, data).created == 1
    again = importing.import_advisors(session, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_bad_advisor_rows_are_all_reported_and_nothing_is_written(session: orm.Session) -> None:
    data = xlsx(
        ADVISOR_HEADER,
        advisor_row("99999000000000121"),  # row 2: fine
        advisor_row("99999000000000122", appointed="2025-13-45"),  # row 3: bad date
        advisor_row("99999000000000123", firm="不存在的律师事务所"),  # row 4: unknown firm
        advisor_row("99999000000000124", ends="明年"),  # row 5: bad end date
        advisor_row("12345"),  # row 6: bad licence
        advisor_row("99999000000000126", appointed=""),  # row 7: no start date
    )
    before = count(session, Advisor)

    report = importing.import_advisors(session, data)

    assert places(report) == [
        (3, "聘任开始日期"),
        (4, "律师事务所"),
        (5, "聘任结束日期"),
        (6, "执业证号"),
        (7, "聘任开始日期"),
    ]
    assert "2025-01-31" in report.problems[0].message
    assert count(session, Advisor) == before


def test_duplicate_licences_in_an_advisor_file_are_reported(session: orm.Session) -> None:
    data = xlsx(
        ADVISOR_HEADER,
        advisor_row("99999000000000131", "甲"),
        advisor_row("99999000000000131", "乙"),
    )
    before = count(session, Advisor)
    report = importing.import_advisors(session, data)
    assert places(report) == [(3, "执业证号")]
    assert count(session, Advisor) == before


def test_duplicates_are_reported_together_with_other_problems(session: orm.Session) -> None:
    # "Every row is checked first": a bad date on row 2 must not hide the duplicate
    # licence on row 4, or the clerk fixes one file twice.
    data = xlsx(
        ADVISOR_HEADER,
        advisor_row("99999000000000141", appointed="not a date"),
        advisor_row("99999000000000142", "甲"),
        advisor_row("99999000000000142", "乙"),
    )
    report = importing.import_advisors(session, data)
    assert places(report) == [(2, "聘任开始日期"), (4, "执业证号")]


def test_an_existing_advisors_email_is_refused(session: orm.Session) -> None:
    data = xlsx(ADVISOR_HEADER, advisor_row("99999000000000151", email="ADVISOR01@demo.local"))
    report = importing.import_advisors(session, data)
    assert places(report) == [(2, "电子邮箱")]


def test_an_over_long_advisor_name_is_a_problem_not_a_crash(session: orm.Session) -> None:
    # Advisor.name is String(50); see the school name test.
    before = count(session, Advisor)
    report = importing.import_advisors(
        session, xlsx(ADVISOR_HEADER, advisor_row("99999000000000161", "律" * 51))
    )
    assert places(report) == [(2, "姓名")]
    assert count(session, Advisor) == before


# --- files that are not workbooks --------------------------------------------------


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    return out.getvalue()


NOT_WORKBOOKS = {
    "text": b"hello",
    "empty": b"",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "old xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
    "zip without workbook": _zip_without_workbook(),
    "truncated xlsx": xlsx(SCHOOL_HEADER, school_row("T999"))[:300],
}


@pytest.mark.parametrize("kind", ["schools", "advisors"])
@pytest.mark.parametrize("name", list(NOT_WORKBOOKS))
def test_a_file_that_is_not_a_workbook_is_one_clear_problem(
    session: orm.Session, kind: str, name: str
) -> None:
    schools, advisors = count(session, School), count(session, Advisor)
    if kind == "schools":
        report = import_schools(session, NOT_WORKBOOKS[name])
    else:
        report = importing.import_advisors(session, NOT_WORKBOOKS[name])
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.row, problem.column) == (NOT_XLSX_ROW, "")
    assert ".xlsx" in problem.message
    assert (count(session, School), count(session, Advisor)) == (schools, advisors)


def test_a_zip_that_unpacks_too_large_is_refused(session: orm.Session) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (importing.MAX_UNZIPPED_BYTES + 1))
    report = import_schools(session, out.getvalue())
    assert len(report.problems) == 1
    assert "too large" in report.problems[0].message


def with_entity(part: str, encoding: str) -> bytes:
    """A good schools workbook whose ``part`` declares an external entity and uses it in
    its first element, written in ``encoding`` (no ASCII "<!DOCTYPE" in UTF-16)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(SCHOOL_HEADER, school_row("T-XXE-1"))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                rest = re.sub(r"^<\?xml[^>]*\?>", "", data.decode())
                root = re.match(r"\s*<([\w:]+)", rest)
                assert root is not None
                data = (
                    f'<?xml version="1.0" encoding="{encoding}"?>'
                    f'<!DOCTYPE {root.group(1)} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    + rest.replace(">", ">&xxe;", 1)
                ).encode(encoding)
            archive.writestr(info, data)
    return out.getvalue()


ENTITY_FILES = [
    (part, encoding)
    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml")
    for encoding in ("UTF-8", "UTF-16")
]


@pytest.mark.parametrize(("part", "encoding"), ENTITY_FILES)
def test_a_workbook_declaring_an_entity_is_refused_whatever_its_encoding(
    session: orm.Session, part: str, encoding: str
) -> None:
    data = with_entity(part, encoding)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    assert (b"<!DOCTYPE" in xml) == (encoding == "UTF-8")
    report = import_schools(session, data)
    assert [(p.row, p.column) for p in report.problems] == [(NOT_XLSX_ROW, "")]
    assert "entity" in report.problems[0].message
    assert get_school(session, "T-XXE-1") is None


# --- through the page --------------------------------------------------------------


def test_downloaded_template_edited_and_uploaded_imports(
    bureau: FlaskClient, session: orm.Session
) -> None:
    response = bureau.get("/import/schools/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIME
    assert "schools-template.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet is not None
    headers = [str(c.value).rstrip("*") for c in sheet[1]]
    row = dict(zip(headers, sheet[2], strict=True))
    row["学校代码"].value = "T-TPL-1"
    row["学校名称"].value = "模板导入测试学校"
    row["学段"].value = "小学"
    row["主法律顾问执业证号"].value = licence(session, 9)
    out = io.BytesIO()
    book.save(out)

    uploaded = upload(bureau, "schools", out.getvalue(), "schools-template.xlsx")

    assert uploaded.status_code == 200
    assert "导入完成：新增 1 条，更新 0 条，未变 0 条。" in uploaded.get_data(as_text=True)
    session.expire_all()
    created = get_school(session, "T-TPL-1")
    assert created is not None
    assert (created.name, created.level) == ("模板导入测试学校", "primary")
    primary = open_assignment(session, created.id, PRIMARY)
    assert primary is not None
    assert primary.advisor_id == advisor_id(session, 9)
    assert primary.starts_on == today_local()


def test_unedited_template_is_refused_for_its_example_licence(
    bureau: FlaskClient, session: orm.Session
) -> None:
    # The example row names WS001 and a licence no demo advisor has.
    template = bureau.get("/import/schools/template.xlsx").data
    before = assignment_rows(session)
    response = upload(bureau, "schools", template)
    assert response.status_code == 422
    assert [(r, c) for r, c, _ in problem_table(response.get_data(as_text=True))] == [
        ("2", "主法律顾问执业证号")
    ]
    session.expire_all()
    assert assignment_rows(session) == before


def test_page_imports_a_good_file_with_a_flash(bureau: FlaskClient, session: orm.Session) -> None:
    before = count(session, School)
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T-WEB-1", "网页导入一小", "小学", primary=licence(session, 10)),
        school_row("T-WEB-2", "网页导入一幼", "幼儿园", primary=licence(session, 11)),
    )

    response = upload(bureau, "schools", data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "导入完成：新增 2 条，更新 0 条，未变 0 条。" in html
    assert 'data-testid="import-problems"' not in html
    session.expire_all()
    assert count(session, School) == before + 2
    web2 = get_school(session, "T-WEB-2")
    assert web2 is not None and web2.level == "kindergarten"
    assert holder(session, web2, PRIMARY) == advisor_id(session, 11)


def test_page_lists_the_problems_of_a_bad_file_and_writes_nothing(
    bureau: FlaskClient, session: orm.Session
) -> None:
    before, rows_before = count(session, School), assignment_rows(session)
    data = xlsx(
        SCHOOL_HEADER,
        school_row("T-WEB-3", "好的一行", primary=licence(session, 12)),  # row 2
        school_row("T-WEB-4", ""),  # row 3
        school_row("T-WEB-5", level="大学"),  # row 4
        school_row("T-WEB-3", "重复"),  # row 5
        school_row("T-WEB-6", primary="99999999999999999"),  # row 6
    )

    response = upload(bureau, "schools", data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "未导入任何数据。请更正以下 4 个问题后重新上传文件：" in html
    table = problem_table(html)
    assert [(r, c) for r, c, _ in table] == [
        ("3", "学校名称"),
        ("4", "学段"),
        ("5", "学校代码"),
        ("6", "主法律顾问执业证号"),
    ]
    assert "与第 2 行的值重复。" in table[2][2]
    session.expire_all()
    assert count(session, School) == before
    assert get_school(session, "T-WEB-3") is None
    assert assignment_rows(session) == rows_before


def test_page_refuses_a_pdf_with_one_problem(bureau: FlaskClient, session: orm.Session) -> None:
    before = count(session, Advisor)
    response = upload(bureau, "advisors", NOT_WORKBOOKS["pdf"], "advisors.pdf")
    assert response.status_code == 422
    assert problem_table(response.get_data(as_text=True)) == [
        ("—", "—", "这不是 Excel .xlsx 文件。请下载模板并按模板填写。")
    ]
    session.expire_all()
    assert count(session, Advisor) == before


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
def test_page_refuses_a_workbook_declaring_an_entity(
    bureau: FlaskClient, session: orm.Session, encoding: str
) -> None:
    before = count(session, School)
    response = upload(bureau, "schools", with_entity("xl/worksheets/sheet1.xml", encoding))
    assert response.status_code == 422
    assert problem_table(response.get_data(as_text=True)) == [
        (
            "—",
            "—",
            "该电子表格包含 XML 实体声明，出于安全考虑不予接受。请用 Excel 或 WPS 打开后重新保存。",
        )
    ]
    session.expire_all()
    assert count(session, School) == before
    assert get_school(session, "T-XXE-1") is None


def test_page_without_a_file_asks_for_one(bureau: FlaskClient) -> None:
    response = bureau.post("/import/schools", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择文件。" in response.get_data(as_text=True)


def test_page_imports_advisors(bureau: FlaskClient, session: orm.Session) -> None:
    before = count(session, Advisor)
    data = xlsx(
        ADVISOR_HEADER, advisor_row("99999000000000201", "网页律师", email="web@test.local")
    )
    response = upload(bureau, "advisors", data)
    assert response.status_code == 200
    assert "导入完成：新增 1 条" in response.get_data(as_text=True)
    session.expire_all()
    assert count(session, Advisor) == before + 1
    assert (
        session.scalar(sa.select(Advisor.name).where(Advisor.licence_no == "99999000000000201"))
        == "网页律师"
    )


def test_page_refuses_an_advisor_file_with_a_bad_date(
    bureau: FlaskClient, session: orm.Session
) -> None:
    before = count(session, Advisor)
    data = xlsx(
        ADVISOR_HEADER,
        advisor_row("99999000000000211"),
        advisor_row("99999000000000212", appointed="2025-02-30"),
        advisor_row("99999000000000213", firm="不存在的律师事务所"),
    )
    response = upload(bureau, "advisors", data)
    assert response.status_code == 422
    assert [(r, c) for r, c, _ in problem_table(response.get_data(as_text=True))] == [
        ("3", "聘任开始日期"),
        ("4", "律师事务所"),
    ]
    session.expire_all()
    assert count(session, Advisor) == before


@pytest.mark.parametrize("who", ["school1", "advisor1"])
def test_only_the_bureau_may_import(
    who: str, request: pytest.FixtureRequest, session: orm.Session
) -> None:
    client: FlaskClient = request.getfixturevalue(who)
    before = count(session, School)
    data = xlsx(SCHOOL_HEADER, school_row("T-ROLE-1"))
    assert upload(client, "schools", data).status_code == 403
    assert client.get("/import/schools/template.xlsx").status_code == 403
    session.expire_all()
    assert count(session, School) == before
