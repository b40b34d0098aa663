"""The yearly figures against a hand-counted year, and who may see them; the workbook
titled and formatted for filing (issue 20, item 9)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import orm
from time_machine import TimeMachineFixture

from advisor.accounts import services as accounts
from advisor.contracts.models import Contract
from advisor.evaluation import services as evaluation
from advisor.ledger import services as ledger
from advisor.reports import summary_refresh
from advisor.reports.figures import year_figures
from advisor.reviews.models import Finding, Review
from tests.conftest import QueryCounter, login
from tests.evaluation.helpers import entry, rate, review, utc
from tests.factories import NOW
from tests.factories.people import token_headers

A, B = 11, 12


def finding(session: orm.Session, of: Review, dimension: str, severity: str) -> None:
    session.add(
        Finding(review_id=of.id, position=1, dimension=dimension, severity=severity, problem="…")
    )


@pytest.fixture()
def year_2025(session: orm.Session) -> None:
    """Contracts 1 (12,000.00) and 2 (the sample amounts) submitted in 2025; contract 1
    returned once then approved with changes, contract 2 rejected; three findings; ratings
    4 and 5; ledger work of every kind, one entry corrected; the 2025 evaluation published."""
    session.execute(
        sa.update(Contract)
        .where(Contract.id.in_([1, 2]))
        .values(submitted_at=datetime(2025, 3, 1, 2, tzinfo=UTC))
    )
    session.execute(sa.update(Contract).where(Contract.id == 1).values(amount=Decimal("12000")))
    session.execute(sa.update(Contract).where(Contract.id == 2).values(amount=Decimal("8500.50")))
    returned = review(session, A, utc(2025, 3, 5, 2), date(2025, 3, 8))
    returned.outcome = "return"
    opinion = review(session, A, utc(2025, 3, 20, 2), date(2025, 3, 25))
    opinion.outcome = "approve_with_changes"
    rejected = review(session, B, utc(2025, 6, 1, 2), date(2025, 6, 5), contract_id=2)
    rejected.outcome = "reject"
    review(session, A, utc(2024, 12, 1, 2), date(2024, 12, 5))  # 2024: not counted
    finding(session, returned, "legality", "high")
    finding(session, opinion, "clarity", "medium")
    finding(session, rejected, "legality", "medium")
    rate(session, opinion, 4, utc(2025, 4, 1, 2))
    rate(session, rejected, 5, utc(2025, 6, 10, 2))
    entry(session, A, date(2025, 2, 1), "consultation", utc(2025, 2, 1, 2))
    wrong = entry(session, A, date(2025, 2, 2), "consultation", utc(2025, 2, 2, 2))
    entry(session, A, date(2025, 2, 3), "dispute_mediation", utc(2025, 2, 3, 2), supersedes=wrong)
    bureau = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau is not None
    ledger.add_entry(  # recorded by the bureau: B does not serve school 2, the bureau may
        session,
        actor=bureau,
        data=ledger.EntryData(
            entry_on=date(2025, 5, 4),
            advisor_id=B,
            school_id=2,
            kind="lecture",
            description="法治讲座：校园欺凌的法律责任",
            minutes=90,
            audience="七年级学生",
            headcount=120,
        ),
        today=date(2025, 5, 4),
    )
    entry(session, B, date(2025, 9, 9), "document_drafting", utc(2025, 9, 9, 2))
    entry(session, B, date(2026, 1, 2), "consultation", utc(2026, 1, 2, 2))  # 2026
    run = evaluation.run_evaluation(
        session,
        actor=bureau,
        period_text="2025",
        today=date(2026, 3, 1),
        now=datetime(2026, 3, 1, 2, tzinfo=UTC),
    )
    evaluation.publish(
        session,
        actor=bureau,
        evaluation=run,
        today=date(2026, 3, 2),
        now=datetime(2026, 3, 2, 2, tzinfo=UTC),
        objection_days=5,
    )
    session.flush()


@pytest.mark.usefixtures("year_2025")
def test_the_figures_of_a_hand_counted_year(session: orm.Session) -> None:
    f = year_figures(session, 2025)
    # The demo bureau: 35 advisors of 5 firms appointed from 2025, 60 schools all covered.
    assert (f.advisors, f.law_firms, f.schools, f.schools_covered) == (35, 5, 60, 60)
    assert f.coverage == Decimal("100.0")
    assert f.contracts_submitted == 2
    assert f.opinions == {"approve_with_changes": 1, "reject": 1} and f.returns == 1
    assert (f.contracts_reviewed, f.value_reviewed) == (2, Decimal("20500.50"))
    assert f.findings_by_dimension == {"legality": 2, "clarity": 1}
    assert f.findings_by_severity == {"high": 1, "medium": 2}
    # The corrected consultation counts once, as the dispute mediation it became.
    assert f.ledger == {
        "consultation": 1,
        "dispute_mediation": 1,
        "lecture": 1,
        "document_drafting": 1,
    }
    assert f.lecture_headcount == 120
    assert (f.ratings, f.average_rating) == (2, Decimal("4.50"))
    assert sum(f.grades.values()) == 35 and f.evaluation_id is not None
    empty = year_figures(session, 2019)
    assert empty.findings == 0 and empty.grades == {}
    assert (empty.contracts_submitted, empty.advisors, empty.average_rating) == (0, 0, None)


@pytest.mark.usefixtures("year_2025")
def test_the_page_reads_like_the_annual_report_and_links_its_records(
    session: orm.Session, bureau: FlaskClient
) -> None:
    session.commit()
    page = bureau.get("/reports/year/2025").get_data(as_text=True)
    assert "2025年" in page and "审查合同共计2份" in page and "20,500.50" in page
    # The paragraph read aloud gives the sum in 万元; the table keeps it to the fen.
    assert "涉及金额2.05万元，" in page and 'data-testid="value">20,500.50<' in page
    assert 'href="/contracts?from=2025-01-01&amp;to=2025-12-31"' in page
    assert "/ledger?kind=lecture&amp;from=2025-01-01&amp;to=2025-12-31" in page
    # "Contracts reviewed" leads to exactly those: an opinion issued in the year.
    assert 'href="/contracts?reviewed_in=2025" data-testid="reviewed">2<' in page
    listed = bureau.get("/contracts?reviewed_in=2025").get_data(as_text=True)
    assert "食堂食材采购合同" in listed and "校服采购合同" in listed
    listed = bureau.get("/contracts?reviewed_in=2024").get_data(as_text=True)
    assert "食堂食材采购合同" in listed and "校服采购合同" not in listed
    # The risks and the ratings lead to their lists, which count what the figures count.
    assert 'href="/reports/year/2025/findings" data-testid="findings">3<' in page
    findings = bureau.get("/reports/year/2025/findings").get_data(as_text=True)
    assert findings.count('data-testid="finding-row"') == 3
    legality = bureau.get("/reports/year/2025/findings?dimension=legality&severity=medium")
    assert legality.get_data(as_text=True).count('data-testid="finding-row"') == 1
    # The average with the word of its nearest point; halfway takes the lower word.
    assert (
        'href="/reports/year/2025/ratings" data-testid="rating">4.5 分（满意） · 共2次评价<' in page
    )
    ratings = bureau.get("/reports/year/2025/ratings").get_data(as_text=True)
    assert ratings.count('data-testid="rating-row"') == 2
    # Each rating with its word, as the school chose it.
    assert 'data-testid="rating">5 · 非常满意<' in ratings
    assert 'data-testid="rating">4 · 满意<' in ratings
    book = load_workbook(io.BytesIO(bureau.get("/reports/year/2025.xlsx").data))
    values = dict(book.active.iter_rows(min_row=3, values_only=True))
    assert values["审查完毕的合同（份）"] == 2 and values["发现风险点（处）"] == 3
    # The average a number in its cell, its word in Chinese on the next row.
    assert (values["学校平均评分"], values["学校平均满意程度"]) == (4.5, "满意")


@pytest.mark.usefixtures("year_2025")
def test_only_the_bureau_sees_bureau_wide_figures(
    session: orm.Session, client: FlaskClient, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    session.commit()
    assert advisor1.get("/reports/year/2025").status_code == 403
    assert school1.get("/reports/year/2025").status_code == 403
    for email, status in (("advisor01@demo.local", 403), ("school01@demo.local", 403)):
        headers = token_headers(session, email)
        assert client.get("/api/v1/reports/summary?year=2025", headers=headers).status_code == (
            status
        )
    headers = token_headers(session, "bureau@demo.local")
    body = client.get("/api/v1/reports/summary?year=2025", headers=headers).json
    assert body["value_reviewed"] == "20500.50" and body["ledger"]["lecture"] == 1
    assert client.get("/api/v1/reports/summary?year=1900", headers=headers).status_code == 422


@pytest.mark.parametrize(
    "raw",
    ["abc", "2025.0", "-2025", "２０２５", "2025a", "0x7e9", "99999", "1" * 30, "1999", "0"],
)
def test_a_year_that_is_none_is_refused_naming_the_field(
    session: orm.Session, client: FlaskClient, raw: str
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    response = client.get("/api/v1/reports/summary", query_string={"year": raw}, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"year"}
    assert error["message"] and error["fields"]["year"]


def test_the_year_defaults_to_this_year_and_reaches_the_next(
    session: orm.Session, client: FlaskClient, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2026, 11, 16, 1, tzinfo=UTC))
    headers = token_headers(session, "bureau@demo.local")
    for query, year in (
        ("", 2026),
        ("?year=", 2026),
        ("?year=%202025%20", 2025),
        ("?year=2027", 2027),
    ):
        response = client.get(f"/api/v1/reports/summary{query}", headers=headers)
        assert (response.status_code, response.json["year"]) == (200, year), query
    refused = client.get("/api/v1/reports/summary?year=2028", headers=headers)
    assert refused.status_code == 422 and "2000" in refused.json["error"]["fields"]["year"]


@pytest.mark.usefixtures("year_2025")
def test_the_figures_take_a_dozen_queries_however_much_data(
    session: orm.Session, count_queries: QueryCounter
) -> None:
    """Counted from the base rows before the first refresh (the refresh asked for, then
    eleven); from the summary tables after it, which hold the current ledger entries."""
    session.flush()
    before = count_queries.count
    year_figures(session, 2025)
    assert count_queries.count - before == 12
    summary_refresh.refresh(session, NOW)
    before = count_queries.count
    year_figures(session, 2025)
    assert count_queries.count - before == 11


@pytest.mark.usefixtures("year_2025")
def test_the_workbook_has_a_title_and_each_figure_its_number_format(
    session: orm.Session,
    app: Flask,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: TimeMachineFixture,
) -> None:
    session.commit()
    monkeypatch.setitem(
        app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name="乌苏市教科局")
    )
    time_machine.move_to(datetime(2026, 11, 20, 1, 30, tzinfo=UTC), tick=False)  # 09:30 Beijing
    response = login(client, "bureau@demo.local").get("/reports/year/2025.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert (
        sheet["A1"].value == "乌苏市教科局 2025年度法律顾问工作数据　制表时间：2026年11月20日 09:30"
    )
    assert sheet["A1"].data_type == "s" and sheet["A1"].font.bold
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]
    assert [c.value for c in sheet[2]] == ["指标", "数值"] and sheet.freeze_panes == "A3"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (30, 16)
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3)}
    formats = {label: (cell.data_type, cell.number_format) for label, cell in cells.items()}
    assert formats["年度"] == ("n", "0")
    assert formats["审查合同金额（元）"] == ("n", "#,##0.00")
    assert formats["覆盖率（%）"] == ("n", "0.0")
    assert formats["学校平均评分"] == ("n", "0.00") and cells["学校平均评分"].value == 4.5
    assert formats["审查完毕的合同（份）"] == ("n", "#,##0")
    assert formats["讲座受众（人次）"] == ("n", "#,##0")
    assert all(f == ("n", "#,##0") for label, f in formats.items() if label.endswith("（次）"))


def test_a_bureau_name_that_looks_like_a_formula_stays_text_in_the_yearly_workbook(
    app: Flask, bureau: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = '=HYPERLINK("http://x","y")'
    monkeypatch.setitem(app.config, "ADVISOR", app.config["ADVISOR"].but(bureau_name=hostile))
    book = load_workbook(io.BytesIO(bureau.get("/reports/year/2025.xlsx").data))
    title = book.active["A1"]
    assert title.data_type == "s" and title.value.startswith(hostile)  # a string, no formula
