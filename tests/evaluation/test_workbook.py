"""The evaluation's workbook as the bureau files it (issue 20, item 9): every sheet opens
with a title row naming the bureau, the evaluation's period and when the file was made,
in the bureau's time zone, above its header; a bureau name that looks like a formula
stays text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import orm
from time_machine import TimeMachineFixture

from advisor.evaluation import reports, services
from advisor.evaluation.models import Evaluation
from tests.conftest import login
from tests.factories.people import bureau_user

SHEETS = ["排名", "评分依据", "律所汇总", "调整记录", "异议", "说明"]
TITLE = "乌苏市教科局 法律顾问2025年第三季度考核结果　制表时间：2026年3月10日 09:30"


def run(session: orm.Session, period: str) -> Evaluation:
    evaluation = services.run_evaluation(
        session,
        actor=bureau_user(session),
        period_text=period,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 1, tzinfo=UTC),
    )
    session.commit()
    return evaluation


def workbook(session: orm.Session, evaluation: Evaluation, *, made_at: datetime) -> bytes:
    """The workbook as the bureau sees it, with no bureau name."""
    return reports.workbook(
        session,
        evaluation,
        services.rules_of(evaluation),
        services.visible_results(bureau_user(session), evaluation),
        bureau="",
        made_at=made_at,
    )


def test_every_sheet_opens_with_the_bureau_the_period_and_the_time_made(
    session: orm.Session,
    app: Flask,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: TimeMachineFixture,
) -> None:
    evaluation = run(session, "2025-Q3")
    monkeypatch.setitem(
        app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name="乌苏市教科局")
    )
    time_machine.move_to(datetime(2026, 3, 10, 1, 30, tzinfo=UTC), tick=False)  # 09:30 Beijing
    bureau = login(client, "bureau@demo.local")  # signed in at the moved clock
    response = bureau.get(f"/evaluations/{evaluation.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet["A1"].value == TITLE and sheet["A1"].data_type == "s", sheet.title
        assert sheet["A1"].font.bold and sheet.freeze_panes == "A3", sheet.title
        headers = [c.value for c in sheet[2] if c.value is not None]
        merged = [str(r) for r in sheet.merged_cells.ranges]
        assert merged == [f"A1:{get_column_letter(len(headers))}1"], sheet.title
    ranking = book["排名"]
    assert [c.value for c in ranking[2]][:3] == ["名次", "法律顾问", "律师事务所"]
    assert ranking["A3"].value == 1  # the data right below the header
    assert [c.value for c in book["说明"][3]] == ["考核期间", "2025年第三季度"]


def test_the_title_names_a_yearly_evaluation_and_has_no_leading_blank_without_a_bureau(
    session: orm.Session,
) -> None:
    evaluation = run(session, "2025")
    data = workbook(session, evaluation, made_at=datetime(2026, 1, 5, 9, 30))
    title = load_workbook(io.BytesIO(data))["排名"]["A1"].value
    assert title == "法律顾问2025年度考核结果　制表时间：2026年1月5日 09:30"


def test_a_bureau_name_that_looks_like_a_formula_stays_text_in_the_evaluation_workbook(
    session: orm.Session, app: Flask, bureau: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation = run(session, "2025")
    hostile = '=HYPERLINK("http://x","y")'
    monkeypatch.setitem(app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name=hostile))
    book = load_workbook(io.BytesIO(bureau.get(f"/evaluations/{evaluation.id}/export.xlsx").data))
    for sheet in book.worksheets:
        title = sheet["A1"]
        assert title.data_type == "s" and title.value.startswith(hostile), sheet.title


def test_the_adjustments_time_is_beijing_time_like_the_title(
    session: orm.Session, time_machine: TimeMachineFixture
) -> None:
    evaluation = run(session, "2025")
    time_machine.move_to(datetime(2026, 3, 10, 1, 30, tzinfo=UTC), tick=False)  # 09:30 Beijing
    services.adjust(
        session,
        actor=bureau_user(session),
        evaluation=evaluation,
        advisor_id=11,  # a demo advisor with no work of their own
        kind="points",
        target="on_time",
        value="25",
        reason="核实情况",
        today=date(2026, 3, 10),
    )
    session.commit()
    data = workbook(session, evaluation, made_at=datetime(2026, 3, 10, 9, 31))
    changes = load_workbook(io.BytesIO(data))["调整记录"]
    row = [cell.value for cell in changes[3]]
    assert row[-1] == "2026年3月10日 09:30"  # not 2026-03-10T01:30:00
    assert row[-2] == "核实情况"
