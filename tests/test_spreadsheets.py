"""User text never becomes a formula in a spreadsheet we hand out: every export runs with
hostile text in the fields that reach it; every .xlsx cell is a string cell holding the
text exactly, every CSV field a spreadsheet would run gets a leading quote, and every
CSV download says its charset once."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import orm

from advisor.contracts.models import CalendarDay, Contract
from advisor.directory.models import Advisor, LawFirm, School
from advisor.evaluation import services as evaluations
from advisor.evaluation.models import Evaluation, Objection
from advisor.ledger import services as ledger
from advisor.ledger.models import LedgerEntry
from advisor.spreadsheet import as_text, csv_row, from_text, xlsx_row
from config import PROJECT_ROOT
from tests.factories.ledger import add_ledger_entry
from tests.factories.people import bureau_user, token_headers

HOSTILE = ('=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cells(data: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's values, after checking that no cell of the file is a formula."""
    book = load_workbook(io.BytesIO(data))
    found = {}
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
            rows.append([cell.value for cell in row])
        found[sheet.title] = rows
    return found


def csv_fields(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CSV_TYPE
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


# --- the helper ----------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_field_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert as_text(text) == "'" + text
    assert from_text(as_text(text)) == text
    assert csv_row([text, 5, None, "合同"]) == ["'" + text, 5, None, "合同"]


@pytest.mark.parametrize("text", ["合同", "a=1", "1-2", "'quoted", ""])
def test_other_csv_fields_stay_as_they_are(text: str) -> None:
    assert as_text(text) == text and from_text(text) == text


@pytest.mark.parametrize("text", ["'=1", "''+1", "'\t=1"])
def test_text_that_looks_quoted_comes_back_exactly(text: str) -> None:
    assert as_text(text) == "'" + text and from_text(as_text(text)) == text


def test_xlsx_cells_hold_text_exactly_and_replace_what_xml_cannot_carry() -> None:
    for write_only in (False, True):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("s")
        sheet.append(xlsx_row(sheet, [*HOSTILE, 3, "a\x01b", None]))
        out = io.BytesIO()
        book.save(out)
        (row,) = cells(out.getvalue())["s"]
        assert row[: len(HOSTILE)] == list(HOSTILE)
        assert row[len(HOSTILE) :] == [3, "a\ufffdb"]


def test_every_module_that_writes_a_spreadsheet_uses_the_helper() -> None:
    """A new export cannot forget: writing a workbook or a CSV file means importing
    advisor.spreadsheet."""
    writers = re.compile(r"\bWorkbook\(|csv\.writer\(|\bWriteOnlyCell\(")
    for path in sorted((PROJECT_ROOT / "advisor").rglob("*.py")):
        source = path.read_text()
        if writers.search(source) and path.name != "spreadsheet.py":
            assert "from advisor.spreadsheet import" in source, path


# --- the ledger --------------------------------------------------------------------


@pytest.fixture()
def hostile_ledger(session: orm.Session) -> dict[int, dict[str, str]]:
    """One entry per hostile text in its description and outcome, and one on a contract
    whose title and counterparty are hostile; the expected columns by sequence number."""
    contract = session.get(Contract, 1)
    assert contract is not None
    contract.title, contract.counterparty = HOSTILE[0], HOSTILE[3]
    expected: dict[int, dict[str, str]] = {}
    for i, text in enumerate(HOSTILE):
        entry = ledger.record_work(
            session,
            entry_on=date(2026, 3, 2 + i),
            advisor_id=1,
            school_id=1,
            kind="consultation",
            description=text,
            outcome=HOSTILE[-1 - i],
            minutes=30,
        )
        expected[entry.seq] = {"事项内容": text, "办理结果/审查结论": HOSTILE[-1 - i]}
    on_contract = ledger.record_work(
        session,
        entry_on=date(2026, 3, 9),
        advisor_id=1,
        school_id=1,
        kind="contract_review",
        description="审查合同",
        minutes=60,
        contract_id=1,
    )
    expected[on_contract.seq] = {
        "事项内容": "审查合同",
        "合同名称": HOSTILE[0],
        "合同相对方": HOSTILE[3],
    }
    lecture = add_ledger_entry(
        session,
        bureau_user(session),
        advisor_id=1,
        kind="lecture",
        description="法治讲座",
        audience=HOSTILE[0],
        headcount=40,
    )
    expected[lecture.seq] = {"事项内容": "法治讲座", "听众": HOSTILE[0]}
    session.commit()
    return expected


def by_seq(rows: list[list[Any]]) -> dict[int, dict[str, Any]]:
    """The rows under the title row and the header, by sequence number."""
    header = rows[1]
    return {int(row[0]): dict(zip(header, row, strict=True)) for row in rows[2:]}


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_ledger_xlsx_holds_hostile_text_as_text(
    session: orm.Session,
    client: FlaskClient,
    bureau: FlaskClient,
    hostile_ledger: dict[int, dict[str, str]],
    api: bool,
) -> None:
    if api:
        headers = token_headers(session, "bureau@demo.local")
        response = client.get("/api/v1/ledger/export.xlsx", headers=headers)
    else:
        response = bureau.get("/ledger/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX_TYPE
    rows = by_seq(cells(response.data)["工作台账"])
    for seq, columns in hostile_ledger.items():
        assert {k: rows[seq][k] for k in columns} == columns, seq


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_ledger_csv_quotes_hostile_text(
    session: orm.Session,
    client: FlaskClient,
    bureau: FlaskClient,
    hostile_ledger: dict[int, dict[str, str]],
    api: bool,
) -> None:
    if api:
        headers = token_headers(session, "bureau@demo.local")
        response = client.get("/api/v1/ledger/export.csv", headers=headers)
    else:
        response = bureau.get("/ledger/export.csv")
    rows = by_seq(csv_fields(response))
    for seq, columns in hostile_ledger.items():
        quoted = {k: v if v in ("审查合同", "法治讲座") else "'" + v for k, v in columns.items()}
        assert {k: rows[seq][k] for k in columns} == quoted, seq
        assert {k: from_text(rows[seq][k]) for k in columns} == columns, seq
    assert rows[min(hostile_ledger)]["日期"] == "2026-03-02"  # dates are not quoted


def test_every_ledger_csv_says_its_charset_once(
    session: orm.Session, client: FlaskClient, advisor1: FlaskClient
) -> None:
    assert csv_fields(advisor1.get("/ledger/export.csv"))[1][0] == "序号"
    headers = token_headers(session, "school01@demo.local")
    assert csv_fields(client.get("/api/v1/ledger/export.csv", headers=headers))[1][0] == "序号"


# --- the evaluation ------------------------------------------------------------------


@pytest.fixture()
def hostile_evaluation(session: orm.Session) -> Evaluation:
    """The 2025 evaluation with adjustments and an answered objection in hostile text,
    for an advisor and a law firm whose names are hostile too."""
    advisor = session.get(Advisor, 1)
    assert advisor is not None
    firm = session.get(LawFirm, advisor.law_firm_id)
    assert firm is not None
    advisor.name, firm.name = HOSTILE[1], HOSTILE[0]
    bureau = bureau_user(session)
    evaluation = evaluations.run_evaluation(
        session,
        actor=bureau,
        period_text="2025",
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 2, tzinfo=UTC),
    )
    for text in HOSTILE:
        evaluations.adjust(
            session,
            actor=bureau,
            evaluation=evaluation,
            advisor_id=1,
            kind="points",
            target="on_time",
            value="1",
            reason=text,
            today=date(2026, 3, 10),
        )
    result = evaluations.get_result(session, evaluation, 1)
    at = datetime(2026, 4, 30, 2, tzinfo=UTC)
    for i, text in enumerate(HOSTILE):
        session.add(
            Objection(
                result_id=result.id,
                text=text,
                status="answered",
                filed_at=at,
                answer=HOSTILE[-1 - i],
                answered_at=at,
            )
        )
    session.commit()
    return evaluation


def test_the_evaluation_workbook_holds_hostile_text_as_text(
    session: orm.Session, bureau: FlaskClient, hostile_evaluation: Evaluation
) -> None:
    response = bureau.get(f"/evaluations/{hostile_evaluation.id}/export.xlsx")
    assert response.status_code == 200
    sheets = cells(response.data)
    # every sheet opens with its title row, then its header (rows 1 and 2)
    assert all("考核" in rows[0][0] for rows in sheets.values())
    stored = [a.reason for a in evaluations.get_result(session, hostile_evaluation, 1).adjustments]
    assert len(stored) == len(HOSTILE) and stored[0] == HOSTILE[0]
    assert [row[4] for row in sheets["调整记录"][2:]] == stored
    assert [row[0] for row in sheets["调整记录"][2:]] == [HOSTILE[1]] * len(HOSTILE)
    objections = sheets["异议"][2:]
    assert [row[1] for row in objections] == list(HOSTILE)
    assert [row[4] for row in objections] == list(reversed(HOSTILE))
    ranking = {row[1]: row[2] for row in sheets["排名"][2:]}
    assert ranking[HOSTILE[1]] == HOSTILE[0]
    assert HOSTILE[0] in [row[0] for row in sheets["律所汇总"]]


# --- yearly figures, import templates ------------------------------------------------


def test_the_yearly_figures_workbook_has_no_formula(
    bureau: FlaskClient, hostile_ledger: dict[int, dict[str, str]]
) -> None:
    response = bureau.get("/reports/year/2026.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX_TYPE
    (rows,) = cells(response.data).values()
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["年度"] == 2026 and values["法律咨询（次）"] == len(HOSTILE)


@pytest.mark.parametrize("kind", ["schools", "advisors"])
def test_the_import_templates_have_no_formula(bureau: FlaskClient, kind: str) -> None:
    response = bureau.get(f"/import/{kind}/template.xlsx")
    assert response.status_code == 200
    (rows,) = cells(response.data).values()
    assert len(rows) == 2 and all(isinstance(title, str) for title in rows[0])


# --- the calendar ----------------------------------------------------------------------


def test_the_calendar_csv_quotes_hostile_notes(session: orm.Session, bureau: FlaskClient) -> None:
    for i, text in enumerate(HOSTILE):
        session.add(CalendarDay(day=date(2027, 1, 4 + i), scope="bureau", kind="rest", note=text))
    session.commit()
    rows = csv_fields(bureau.get("/settings/calendar/2027.csv"))
    assert rows[0] == ["day", "kind", "scope", "note"]
    notes = {row[0]: row[3] for row in rows[1:]}
    assert [notes[f"2027-01-0{4 + i}"] for i in range(len(HOSTILE))] == [
        "'" + text for text in HOSTILE
    ]


def test_school_names_reach_the_ledger_as_text(
    session: orm.Session, bureau: FlaskClient, hostile_ledger: dict[int, dict[str, str]]
) -> None:
    school = session.get(School, 1)
    assert school is not None
    school.name = HOSTILE[2]
    session.commit()
    rows = by_seq(cells(bureau.get("/ledger/export.xlsx").data)["工作台账"])
    assert {rows[seq]["服务学校"] for seq in hostile_ledger} == {HOSTILE[2]}
    fields = by_seq(csv_fields(bureau.get("/ledger/export.csv")))
    assert {fields[seq]["服务学校"] for seq in hostile_ledger} == {"'" + HOSTILE[2]}
    assert session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == len(hostile_ledger)
