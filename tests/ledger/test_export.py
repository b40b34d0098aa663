"""The ledger export in the bureau's layout: thousands of rows as .xlsx and .csv with
the right headers and values, filters, each role's part, contract columns and remarks;
a title row with the bureau, the period and the time made, date cells, number formats,
widths, and the lecture's audience and head count (issue 20, item 9)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.directory.models import Advisor, LawFirm, School
from advisor.ledger import export, services
from advisor.ledger.models import Kind, LedgerEntry
from advisor.ledger.queries import Filters
from advisor.workdays import BEIJING
from tests.conftest import QueryCounter, login
from tests.evaluation.helpers import rate
from tests.factories.contracts import current_contract
from tests.factories.ledger import LEDGER_TODAY as TODAY
from tests.factories.ledger import add_ledger_entry, entry_data
from tests.factories.people import advisor_user, bureau_user, token_headers
from tests.factories.reviews import issue_review, start_review

ROWS = 3000
KINDS = list(Kind)
START = date(2025, 1, 1)


def spec(i: int) -> dict[str, Any]:
    """Entry ``i`` of the big ledger: three advisors, three schools (or none), every kind."""
    return {
        "entry_on": START + timedelta(days=i % 400),
        "advisor_id": 1 + i % 3,
        "school_id": None if i % 10 == 9 else 1 + i % 3,
        "kind": KINDS[i % len(KINDS)].value,
        "description": f"第{i}项工作：审阅、答复与记录",
        "minutes": i % 240,
    }


@pytest.fixture()
def big(session: orm.Session) -> list[LedgerEntry]:
    # The demo bureau has no ledger, so the export holds exactly these rows.
    assert session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 0
    entries = [services.record_work(session, **spec(i)) for i in range(ROWS)]
    session.commit()
    return entries


def names(session: orm.Session) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    schools = dict(session.execute(sa.select(School.id, School.name).where(School.id <= 3)).all())
    advisors = {
        i: (name, firm)
        for i, name, firm in session.execute(
            sa.select(Advisor.id, Advisor.name, LawFirm.name)
            .join(LawFirm, LawFirm.id == Advisor.law_firm_id)
            .where(Advisor.id <= 3)
        )
    }
    return schools, advisors


def expected_row(
    i: int, entry: LedgerEntry, schools: dict[int, str], advisors: dict[int, tuple[str, str]]
) -> dict[str, Any]:
    values = spec(i)
    advisor, firm = advisors[values["advisor_id"]]
    return {
        "序号": entry.seq,
        "日期": values["entry_on"],
        "服务学校": schools.get(values["school_id"], ""),
        "法律顾问": advisor,
        "律师事务所": firm,
        "事项类型": export.KIND[values["kind"]],
        "事项内容": values["description"],
        "用时（分钟）": values["minutes"],
    }


def xlsx_rows(response: Any) -> tuple[Any, list[list[Any]]]:
    """The sheet and its rows from the header on (the title row checked and left off),
    a date cell read as its date."""
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["工作台账"]
    sheet = book["工作台账"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "法律顾问工作台账" in rows[0][0] and rows[0][1:] == [None] * (len(rows[0]) - 1)
    return sheet, [[v.date() if isinstance(v, datetime) else v for v in r] for r in rows[1:]]


def csv_rows(response: Any) -> list[list[str]]:
    """The CSV's rows from the header on (the title row checked and left off)."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows[0]) == 1 and "法律顾问工作台账" in rows[0][0]
    return rows[1:]


def test_thousands_of_rows_export_as_xlsx_and_csv_in_the_bureaus_layout(
    session: orm.Session, bureau: FlaskClient, big: list[LedgerEntry]
) -> None:
    schools, advisors = names(session)
    sheet, rows = xlsx_rows(bureau.get("/ledger/export.xlsx"))
    assert tuple(rows[0]) == export.HEADERS
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["G"].width == export.WIDTHS[6]
    assert sheet["A1"].font.bold and sheet["A2"].font.bold
    assert len(rows) == ROWS + 1
    assert [r[0] for r in rows[1:]] == [e.seq for e in big]
    for i in (0, 1, 9, 1234, ROWS - 1):
        row = dict(zip(export.HEADERS, rows[i + 1], strict=True))
        expected = expected_row(i, big[i], schools, advisors)
        assert {k: "" if row[k] is None else row[k] for k in expected} == expected, i

    table = csv_rows(bureau.get("/ledger/export.csv"))
    assert tuple(table[0]) == export.HEADERS
    assert len(table) == ROWS + 1
    for i in (0, 9, 2999):
        row = dict(zip(export.HEADERS, table[i + 1], strict=True))
        expected = {k: str(v) for k, v in expected_row(i, big[i], schools, advisors).items()}
        assert {k: row[k] for k in expected} == expected, i


def test_the_filters_restrict_the_export(
    session: orm.Session, bureau: FlaskClient, school1: FlaskClient, advisor1: FlaskClient
) -> None:
    specs = [spec(i) for i in range(120)]
    for values in specs:
        services.record_work(session, **values)
    session.commit()

    def count(**where: Any) -> int:
        return sum(
            1
            for v in specs
            if all(
                v[k] == w if k != "range" else w[0] <= v["entry_on"] <= w[1]
                for k, w in where.items()
            )
        )

    frm, to = date(2025, 2, 1), date(2025, 3, 15)
    cases = [
        (bureau, "advisor_id=2", count(advisor_id=2)),
        (bureau, f"from={frm}&to={to}", count(range=(frm, to))),
        (bureau, f"advisor_id=3&from={frm}&to={to}", count(advisor_id=3, range=(frm, to))),
        (bureau, "kind=lecture", count(kind="lecture")),
        (school1, "", count(school_id=1)),
        (school1, "school_id=2", 0),
        (advisor1, "", count(advisor_id=1)),
        (advisor1, "advisor_id=2", 0),
    ]
    schools, advisors = names(session)
    for client, query, expected in cases:
        assert expected or "=2" in query
        table = csv_rows(client.get(f"/ledger/export.csv?{query}"))
        assert len(table) == expected + 1, query
        _, rows = xlsx_rows(client.get(f"/ledger/export.xlsx?{query}"))
        assert len(rows) == expected + 1, query
        if client is school1:
            assert {r[2] for r in table[1:]} <= {schools[1]}
        if client is advisor1:
            assert {r[3] for r in table[1:]} <= {advisors[1][0]}
        if "from" in query:
            assert all(str(frm) <= r[1] <= str(to) for r in table[1:])


def test_the_api_exports_with_the_same_filters(session: orm.Session, client: FlaskClient) -> None:
    for i in range(30):
        services.record_work(session, **spec(i))
    headers = token_headers(session, "bureau@demo.local")
    table = csv_rows(client.get("/api/v1/ledger/export.csv?advisor_id=1", headers=headers))
    assert len(table) == 1 + sum(1 for i in range(30) if spec(i)["advisor_id"] == 1)
    _, rows = xlsx_rows(client.get("/api/v1/ledger/export.xlsx?advisor_id=1", headers=headers))
    assert len(rows) == len(table)
    school = token_headers(session, "school02@demo.local")
    table = csv_rows(client.get("/api/v1/ledger/export.csv", headers=school))
    assert len(table) == 1 + sum(1 for i in range(30) if spec(i)["school_id"] == 2)


def test_a_review_entry_exports_the_contract_columns(
    session: orm.Session, bureau: FlaskClient
) -> None:
    contract = current_contract(session, 1)
    start_review(session, contract)
    issue_review(session, contract, "approve", minutes=80)
    session.commit()
    stored = session.get(Contract, contract.id)
    assert stored is not None and stored.due_on is not None
    _, rows = xlsx_rows(bureau.get("/ledger/export.xlsx?kind=contract_review"))
    assert len(rows) == 2
    row = dict(zip(export.HEADERS, rows[1], strict=True))
    done = row["完成日期"]
    assert {
        "事项类型": row["事项类型"],
        "合同名称": row["合同名称"],
        "合同相对方": row["合同相对方"],
        "合同金额（元）": row["合同金额（元）"],
        "合同类型": row["合同类型"],
        "服务方式": row["服务方式"],
        "应完成日期": row["应完成日期"],
        "是否超期": row["是否超期"],
        "用时（分钟）": row["用时（分钟）"],
        "办理结果/审查结论": row["办理结果/审查结论"],
    } == {
        "事项类型": "合同审查",
        "合同名称": "食堂食材采购合同",
        "合同相对方": "乌苏市丰收食品有限公司",
        "合同金额（元）": 12000,
        "合同类型": "食堂与餐饮",
        "服务方式": "书面",
        "应完成日期": stored.due_on,
        "是否超期": "是" if done > stored.due_on else "否",
        "用时（分钟）": 80,
        "办理结果/审查结论": "同意签订",
    }


def test_a_school_rating_is_exported_as_its_number_and_its_word(
    session: orm.Session, bureau: FlaskClient
) -> None:
    contract = current_contract(session, 1)
    start_review(session, contract)
    rate(session, issue_review(session, contract, "approve"), 4, datetime(2026, 3, 2, tzinfo=UTC))
    session.commit()
    sheet, rows = xlsx_rows(bureau.get("/ledger/export.xlsx?kind=contract_review"))
    row = dict(zip(export.HEADERS, rows[1], strict=True))
    # The number stays a number (to sort and average); its word is the next column's text.
    assert (row["学校评价"], row["满意程度"]) == (4, "满意")
    number = sheet.cell(row=3, column=export.HEADERS.index("学校评价") + 1)
    assert number.data_type == "n"
    lines = list(csv.reader(io.StringIO(bureau.get("/ledger/export.csv").data.decode("utf-8-sig"))))
    rated = dict(zip(export.HEADERS, lines[2], strict=True))
    assert (rated["学校评价"], rated["满意程度"]) == ("4", "满意")


def test_remarks_say_on_behalf_and_which_entry_a_correction_replaces(
    session: orm.Session, bureau: FlaskClient
) -> None:
    # Spend an id without keeping the entry (a rolled-back append, as a lost race does):
    # afterwards ids and sequence numbers differ on PostgreSQL, whose ids come from a
    # sequence that a rollback does not give back.
    with session.begin_nested() as nested:
        add_ledger_entry(session, advisor_user(session, 1))
        nested.rollback()
    author = bureau_user(session)
    original = add_ledger_entry(session, author, advisor_id=1, description="代录的原记录")
    services.correct_entry(
        session,
        actor=author,
        original=original,
        data=entry_data(1, description="代录的更正记录"),
        today=TODAY,
    )
    session.commit()
    table = csv_rows(bureau.get("/ledger/export.csv?history=1"))
    remarks = {r[6]: r[export.HEADERS.index("备注")] for r in table[1:]}
    assert remarks["代录的原记录"] == "代录"
    # The sheet numbers entries by 序号 (seq); the remark must point at that number.
    assert remarks["代录的更正记录"] == f"代录更正第{original.seq}号"


def test_the_export_query_count_does_not_grow_with_the_rows(
    session: orm.Session, bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    contract = current_contract(session, 1)
    start_review(session, contract)
    issue_review(session, contract, "approve", minutes=75)
    for i in range(60):
        services.record_work(session, **spec(i))
    session.commit()
    counts = []
    for query in ("advisor_id=1&to=2025-01-10", "", "kind=contract_review"):
        count_queries.statements.clear()
        assert bureau.get(f"/ledger/export.csv?{query}").status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1] == counts[2]


# --- a sheet the bureau files as it is (issue 20, item 9) ------------------------------

MADE_AT = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
TITLE = (
    "乌苏市教科局 法律顾问工作台账（2025年1月1日至2026年12月31日）　制表时间：2026年11月20日 09:30"
)


def test_the_title_names_the_bureau_the_period_and_the_time_made() -> None:
    made = MADE_AT.astimezone(BEIJING)
    year = Filters(date_from=date(2025, 1, 1), date_to=date(2026, 12, 31))
    assert export.title("乌苏市教科局", year, made) == TITLE
    assert export.title("", Filters(), made) == (
        "法律顾问工作台账（全部日期）　制表时间：2026年11月20日 09:30"
    )
    assert export.title("某局", Filters(date_from=date(2025, 3, 1)), made).startswith(
        "某局 法律顾问工作台账（2025年3月1日起）"
    )
    assert "（截至2025年3月31日）" in export.title("某局", Filters(date_to=date(2025, 3, 31)), made)


@pytest.fixture()
def named_bureau(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name="乌苏市教科局")
    )


def lecture_and_review(session: orm.Session) -> tuple[LedgerEntry, Contract]:
    lecture = add_ledger_entry(
        session,
        bureau_user(session),
        advisor_id=1,
        kind="lecture",
        description="《未成年人保护法》专题讲座",
        service_mode="on_site",
        audience="初二年级全体学生",
        headcount=1320,
        minutes=90,
    )
    contract = current_contract(session, 1)
    start_review(session, contract)
    issue_review(session, contract, "approve", minutes=80)
    session.commit()
    return lecture, contract


def test_the_workbook_has_a_title_date_cells_number_formats_widths_and_the_audience(
    session: orm.Session, client: FlaskClient, named_bureau: None
) -> None:
    lecture, contract = lecture_and_review(session)
    with time_machine.travel(MADE_AT, tick=False):
        response = login(client, "bureau@demo.local").get(
            "/ledger/export.xlsx?from=2025-01-01&to=2026-12-31"
        )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["工作台账"]
    assert sheet["A1"].value == TITLE and sheet["A1"].font.bold
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:W1"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == list(export.HEADERS)
    column = {name: i for i, name in enumerate(export.HEADERS)}
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[2]]
    assert widths == list(export.WIDTHS)
    rows = {row[column["事项类型"]].value: row for row in sheet.iter_rows(min_row=3)}
    assert set(rows) == {"法治讲座", "合同审查"}

    talk = {name: rows["法治讲座"][i] for name, i in column.items()}
    assert talk["听众"].value == "初二年级全体学生" and talk["听众"].data_type == "s"
    assert (talk["人数"].value, talk["人数"].number_format) == (1320, "#,##0")
    assert talk["日期"].is_date and talk["日期"].value == datetime(2026, 3, 9)
    assert lecture.entry_on == date(2026, 3, 9)
    assert talk["日期"].number_format == 'yyyy"年"m"月"d"日"'
    assert (talk["用时（分钟）"].value, talk["用时（分钟）"].number_format) == (90, "#,##0")
    assert talk["合同金额（元）"].value is None and talk["应完成日期"].value is None

    review = {name: rows["合同审查"][i] for name, i in column.items()}
    assert review["合同金额（元）"].data_type == "n" and review["合同金额（元）"].value == 12000
    assert review["合同金额（元）"].number_format == "#,##0.00"
    assert review["应完成日期"].is_date and review["完成日期"].is_date
    assert review["应完成日期"].value.date() == contract.due_on
    assert review["序号"].data_type == "n" and review["序号"].number_format == "0"
    assert review["听众"].value is None and review["人数"].value is None


def test_the_csv_has_the_same_title_and_columns_with_plain_dates_and_amounts(
    session: orm.Session, client: FlaskClient, named_bureau: None
) -> None:
    lecture, contract = lecture_and_review(session)
    with time_machine.travel(MADE_AT, tick=False):
        response = login(client, "bureau@demo.local").get(
            "/ledger/export.csv?from=2025-01-01&to=2026-12-31"
        )
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0] == [TITLE]
    assert tuple(lines[1]) == export.HEADERS
    rows = {row[5]: dict(zip(export.HEADERS, row, strict=True)) for row in lines[2:]}
    assert {k: rows["法治讲座"][k] for k in ("日期", "听众", "人数", "合同金额（元）")} == {
        "日期": lecture.entry_on.isoformat(),
        "听众": "初二年级全体学生",
        "人数": "1320",
        "合同金额（元）": "",
    }
    assert rows["合同审查"]["合同金额（元）"] == "12000.00"
    assert rows["合同审查"]["应完成日期"] == str(contract.due_on)
    assert rows["合同审查"]["人数"] == ""


def test_a_bureau_name_that_looks_like_a_formula_stays_text(
    app: Flask, bureau: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = '=HYPERLINK("http://x","y")'
    monkeypatch.setitem(app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name=hostile))
    sheet = load_workbook(io.BytesIO(bureau.get("/ledger/export.xlsx").data))["工作台账"]
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith(hostile + " ")
    text = bureau.get("/ledger/export.csv").data.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[0].startswith("'" + hostile + " ")


def test_the_api_exports_carry_the_same_title_row(
    session: orm.Session, client: FlaskClient, named_bureau: None
) -> None:
    lecture_and_review(session)
    headers = token_headers(session, "bureau@demo.local")
    query = "?from=2025-01-01&to=2026-12-31"
    with time_machine.travel(MADE_AT, tick=False):
        book = client.get(f"/api/v1/ledger/export.xlsx{query}", headers=headers)
        assert book.status_code == 200
        sheet = load_workbook(io.BytesIO(book.data))["工作台账"]  # read before the next
        text = client.get(f"/api/v1/ledger/export.csv{query}", headers=headers)
        assert text.status_code == 200
        lines = list(csv.reader(io.StringIO(text.data.decode("utf-8-sig"))))
    assert sheet["A1"].value == TITLE and sheet["A1"].data_type == "s"
    assert [c.value for c in sheet[2]] == list(export.HEADERS)
    assert lines[0] == [TITLE] and tuple(lines[1]) == export.HEADERS
