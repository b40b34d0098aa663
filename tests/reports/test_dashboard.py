"""The bureau's dashboard against a year of contracts described in the test, whose expected
figures the test counts itself; turnaround across a holiday; filters; who sees what."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.models import Contract, ContractVersion
from advisor.directory.models import Advisor, School
from advisor.precheck.engine import RULES
from advisor.precheck.labels import RULE_TITLES
from advisor.precheck.models import PrecheckHit
from advisor.reports import dashboard
from advisor.reports.dashboard import Filters, months_shown, percentile
from advisor.reports.recent_figures import RecentFigures
from advisor.reviews.models import Finding, Review
from tests.conftest import QueryCounter, login
from tests.factories.people import advisor_user, school_user

TODAY = date(2026, 1, 12)  # a Monday


def utc(month: int, day: int, hour: int = 2, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass(frozen=True)
class R:
    """An issued review: outcome, working days, issued (UTC), due date, minutes, findings."""

    outcome: str
    days: int
    issued: datetime
    due: date
    minutes: int = 60
    findings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class C:
    """A contract: school, advisor, submitted (UTC), type, status, due date, reviews, hits."""

    school: int
    advisor: int
    submitted: datetime
    kind: str
    status: str
    due: date | None = None
    reviews: tuple[R, ...] = ()
    hits: tuple[str, ...] = ()
    outcome: str | None = field(default=None)


# Schools 1-3 are served by advisors 1-3 of the demo bureau (firms: advisor n is in firm
# (n - 1) % 5 + 1). School 1 is in 乌苏市区 ... the test reads districts from the database.
SPECS = [
    C(
        1,
        1,
        utc(1, 6),
        "catering",
        "closed",
        reviews=(
            R("return", 2, utc(1, 8), date(2025, 1, 13), 30, (("legality", "high"),)),
            R(
                "approve_with_changes",
                3,
                utc(1, 20),
                date(2025, 1, 22),
                90,
                (("clarity", "medium"),),
            ),
        ),
        hits=("blank_field", "blank_field", "missing_clause:quality"),
    ),
    C(
        1,
        1,
        utc(3, 3),
        "uniform",
        "reviewed",
        outcome="approve",
        reviews=(R("approve", 4, utc(3, 7), date(2025, 3, 10), 45),),
        hits=("uniform_missing_standard",),
    ),
    C(
        2,
        2,
        utc(3, 15),
        "lease",
        "reviewed",
        outcome="reject",
        reviews=(
            R(
                "reject",
                9,
                utc(3, 28),
                date(2025, 3, 21),
                120,
                (("legality", "high"), ("operability", "low")),
            ),
        ),
        hits=("lease_over_20_years", "blank_field"),
    ),
    C(2, 2, utc(6, 2), "procurement", "in_review", due=date(2025, 6, 9)),
    C(3, 3, utc(12, 30, 20), "school_bus", "submitted", due=date(2026, 1, 9)),
    C(
        3,
        3,
        utc(11, 3),
        "construction",
        "returned",
        due=date(2025, 11, 10),
        reviews=(R("return", 1, utc(11, 4), date(2025, 11, 10), 20),),
    ),
    C(
        1, 1, utc(12, 31, 17), "service", "submitted", due=date(2026, 1, 20)
    ),  # 2026-01-01 in Beijing
]


def _contract(session: orm.Session, n: int, spec: C) -> Contract:
    row = Contract(
        title=f"看板测试合同{n}",
        counterparty="乌苏市某某有限公司",
        contract_type=spec.kind,
        amount=Decimal("1000.00"),
        start_on=date(2025, 1, 1),
        end_on=date(2026, 12, 31),
        school_id=spec.school,
        advisor_id=spec.advisor,
        submitted_by_id=school_user(session, spec.school).id,
        status=spec.status,
        due_on=spec.due,
        submitted_at=spec.submitted,
        outcome=spec.outcome,
    )
    session.add(row)
    session.flush()
    version = ContractVersion(
        contract_id=row.id,
        number=1,
        sha256="d" * 64,
        size=1,
        file_name="合同.pdf",
        media_type="pdf",
        pages=1,
        has_text=True,
        extractor="pypdf",
        uploaded_at=spec.submitted,
        uploaded_by_id=row.submitted_by_id,
    )
    session.add(version)
    session.flush()
    for r in spec.reviews:
        review = Review(
            contract_id=row.id,
            version_id=version.id,
            advisor_id=spec.advisor,
            author_id=advisor_user(session, spec.advisor).id,
            status="issued",
            outcome=r.outcome,
            minutes_spent=r.minutes,
            issued_at=r.issued,
            due_on=r.due,
            working_days=r.days,
        )
        session.add(review)
        session.flush()
        for position, (dimension, severity) in enumerate(r.findings, start=1):
            session.add(
                Finding(
                    review_id=review.id,
                    position=position,
                    dimension=dimension,
                    severity=severity,
                    problem="…",
                )
            )
    for rule in spec.hits:
        session.add(
            PrecheckHit(contract_id=row.id, version_id=version.id, rule=rule, severity="medium")
        )
    session.flush()
    return row


@pytest.fixture()
def year(session: orm.Session) -> list[Contract]:
    """The sample contracts 1 and 2 closed (out of every open figure), then SPECS."""
    session.execute(sa.update(Contract).where(Contract.id.in_([1, 2])).values(status="closed"))
    return [_contract(session, n, spec) for n, spec in enumerate(SPECS, start=1)]


def _board(session: orm.Session, **filters: object) -> dashboard.Dashboard:
    return dashboard.build(
        session,
        Filters(2025, **filters),
        TODAY,
        bureau_calendar.load(session),  # type: ignore[arg-type]
    )


def _in_2025(spec: C) -> bool:
    return spec.submitted.astimezone(dashboard.BEIJING).year == 2025


def test_every_figure_of_a_described_year(session: orm.Session, year: list[Contract]) -> None:
    board = _board(session)
    counted = [s for s in SPECS if _in_2025(s)]
    assert board.by_status == Counter(s.status for s in counted)
    assert board.by_type == Counter(s.kind for s in counted)
    assert board.by_outcome == Counter(s.outcome for s in counted if s.outcome)

    reviews = [r for s in SPECS for r in s.reviews]
    assert board.turnaround == Counter(r.days for r in reviews)
    days = sorted(r.days for r in reviews)  # 1 2 3 4 9: median the 3rd, p90 the 5th
    assert (board.median, board.p90) == (days[2], days[4])
    on_time = [r for r in reviews if r.issued.astimezone(dashboard.BEIJING).date() <= r.due]
    assert board.on_time == len(on_time) == 4 and board.on_time_rate == 80.0

    findings = [f for r in reviews for f in r.findings]
    assert board.findings_by_dimension == Counter(d for d, _ in findings)
    assert board.findings_by_severity == Counter(s for _, s in findings)
    hits = Counter(h for s in counted for h in s.hits)
    assert board.rules == sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))

    # Overdue now (12 January 2026): open and due before today, whatever the year; the
    # returned contract's clock is stopped. 9 June 2025 to 12 January 2026 in working days.
    overdue = [s for s in SPECS if s.status in ("submitted", "in_review") and s.due < TODAY]
    assert board.overdue_total == len(overdue) == 2
    assert [o.due_on for o in board.overdue] == sorted(s.due for s in overdue)
    assert board.overdue[-1].days == 1  # due Friday 9 January, today Monday 12 January
    assert board.overdue[0].days > 100

    # Received and reviewed by Beijing month, January to December 2025.
    assert board.months == [f"2025-{m:02d}" for m in range(1, 13)]
    received = Counter(
        f"2025-{s.submitted.astimezone(dashboard.BEIJING).month:02d}" for s in counted
    )
    assert board.received == {m: received.get(m, 0) for m in board.months}
    opinions = Counter(f"2025-{r.issued.month:02d}" for r in reviews if r.outcome != "return")
    assert board.reviewed == {m: opinions.get(m, 0) for m in board.months}

    workload = {w.advisor_id: w for w in board.workload}
    for advisor in (1, 2, 3):
        mine = [r for s in SPECS if s.advisor == advisor for r in s.reviews]
        still_open = [
            s
            for s in SPECS
            if s.advisor == advisor and s.status in ("submitted", "in_review", "returned")
        ]
        row = workload[advisor]
        assert row.open == len(still_open)
        assert row.reviewed == sum(r.outcome != "return" for r in mine)
        assert row.average_minutes == round(sum(r.minutes for r in mine) / len(mine))
    assert workload[4].open == workload[4].reviewed == 0 and workload[4].average_minutes is None
    firms = {f.name: f for f in board.firms}
    assert sum(f.reviewed for f in firms.values()) == 3

    # Schools 1-3 submitted in 2025; the other 57 demo schools did not.
    assert board.idle_total == 57 and len(board.idle_schools) == dashboard.LIST_LIMIT
    assert {1, 2, 3}.isdisjoint(sid for sid, _, _ in board.idle_schools)


def test_filters_narrow_every_figure(session: orm.Session, year: list[Contract]) -> None:
    school_2 = session.get_one(School, 2)
    firm_2 = session.get_one(Advisor, 2).law_firm_id
    by_district = _board(session, district=school_2.district)
    same_district = {
        s.id for s in session.scalars(sa.select(School).where(School.district == school_2.district))
    }
    counted = [s for s in SPECS if _in_2025(s) and s.school in same_district]
    assert by_district.submitted == len(counted)
    by_firm = _board(session, law_firm_id=firm_2)
    firm_advisors = set(session.scalars(sa.select(Advisor.id).where(Advisor.law_firm_id == firm_2)))
    counted = [s for s in SPECS if _in_2025(s) and s.advisor in firm_advisors]
    assert by_firm.submitted == len(counted)
    assert {w.advisor_id for w in by_firm.workload} == firm_advisors
    assert by_firm.turnaround == Counter(r.days for s in counted for r in s.reviews)
    level = session.get_one(School, 3).level
    by_level = _board(session, level=level)
    levelled = set(session.scalars(sa.select(School.id).where(School.level == level)))
    assert by_level.submitted == len([s for s in SPECS if _in_2025(s) and s.school in levelled])
    assert by_level.idle_total == len(levelled - {s.school for s in SPECS if _in_2025(s)})


def test_percentiles_are_nearest_rank() -> None:
    assert percentile(Counter(), 50) is None
    assert percentile(Counter({5: 1}), 90) == 5
    # 1..10 once each: the median is the 5th value, the 90th percentile the 9th.
    assert (percentile(Counter(range(1, 11)), 50), percentile(Counter(range(1, 11)), 90)) == (5, 9)
    assert (
        percentile(Counter({1: 9, 30: 1}), 90) == 1 and percentile(Counter({1: 9, 30: 1}), 91) == 30
    )


def test_months_shown() -> None:
    assert months_shown(2026, date(2026, 3, 5)) == [
        *(f"2025-{m:02d}" for m in range(4, 13)),
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert months_shown(2024, date(2026, 3, 5))[0] == "2024-01"


def test_the_page_shows_charts_tables_and_links(
    session: orm.Session, year: list[Contract], bureau: FlaskClient
) -> None:
    session.commit()
    page = bureau.get("/?year=2025").get_data(as_text=True)
    for chart in ("status", "monthly", "turnaround", "type", "outcome", "rules", "dimension"):
        assert f'data-testid="chart-{chart}"' in page
        assert f'data-testid="chart-{chart}-table"' in page  # the numbers under the chart
    assert page.count("<svg") >= 9 and not re.search(r'(src|href)="(https?:)?//', page)
    assert 'data-testid="kf-submitted">6<' in page and 'data-testid="firm-table"' in page
    assert 'href="/contracts?status=closed&amp;from=2025-01-01&amp;to=2025-12-31"' in page
    # Turnaround in words the bureau reads aloud: nine in ten within 9 working days (the
    # 90th percentile), half within 3 (the median).
    assert 'data-testid="kf-turnaround">九成在 9 个工作日内<' in page
    assert 'data-testid="kf-turnaround-more">半数在 3 个工作日内；共出具意见 5 份<' in page
    assert "百分位" not in page and 'data-testid="kf-on-time">80.0%<' in page
    # The hatched second series and the legend survive greyscale printing.
    assert 'id="chart-monthly-hatch"' in page and 'fill="url(#chart-monthly-hatch)"' in page
    # A link from a figure leads to exactly the contracts counted.
    district = session.get_one(School, 2).district
    narrowed = bureau.get(f"/?year=2025&district={district}").get_data(as_text=True)
    link = re.search(r'href="(/contracts\?[^"]*status=reviewed[^"]*)"', narrowed)
    assert link is not None and "district=" in link.group(1)
    listed = bureau.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count("看板测试合同") == sum(
        1
        for s in SPECS
        if s.status == "reviewed" and session.get_one(School, s.school).district == district
    )


def test_a_bad_filter_is_explained_and_ignored(bureau: FlaskClient) -> None:
    page = bureau.get("/?year=1800&level=castle&law_firm_id=x").get_data(as_text=True)
    assert page.count('data-testid="filter-problem"') == 3
    assert "年份" in page or "year" in page.lower()


def test_the_dashboard_stays_within_the_query_budget(
    session: orm.Session, year: list[Contract], bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    session.commit()
    for query in ("", "?year=2025&district=x&level=primary&law_firm_id=1"):
        before = count_queries.count
        response = bureau.get(f"/{query}")
        assert response.status_code == 200
        assert count_queries.count - before <= 20, count_queries.statements[before:]


def test_schools_and_advisors_never_see_bureau_wide_figures(
    session: orm.Session, year: list[Contract], school1: FlaskClient, advisor1: FlaskClient
) -> None:
    session.commit()
    for client in (school1, advisor1):
        page = client.get("/?year=2025").get_data(as_text=True)
        assert 'data-testid="key-figures"' not in page and 'data-testid="workload"' not in page
        assert "看板测试合同4" not in page  # contract 4 is school 2's, advisor 2's


def test_every_precheck_rule_has_a_short_name() -> None:
    assert set(RULE_TITLES) == set(RULES)


def test_recent_figures_are_reused_until_counted_again(
    session: orm.Session, year: list[Contract], make_app: Callable[..., Flask]
) -> None:
    session.commit()
    app = make_app(dashboard_cache_seconds=60)
    client = login(app.test_client(), "bureau@demo.local")
    assert 'data-testid="kf-submitted">6<' in client.get("/?year=2025").get_data(as_text=True)
    _contract(session, 99, SPECS[1])  # one more contract submitted in March 2025
    session.commit()
    page = client.get("/?year=2025").get_data(as_text=True)
    assert 'data-testid="kf-submitted">6<' in page  # as counted a moment ago, and said so
    assert 'data-testid="computed-at"' in page and "?year=2025&amp;fresh=1" in page
    # "Count again" counts now, and the next visitor gets the new figures.
    page = client.get("/?year=2025&fresh=1").get_data(as_text=True)
    assert 'data-testid="kf-submitted">7<' in page
    assert 'data-testid="kf-submitted">7<' in client.get("/?year=2025").get_data(as_text=True)


def test_the_store_of_recent_figures() -> None:
    counted: list[int] = []

    def compute() -> dashboard.Dashboard:
        counted.append(1)
        return dashboard.Dashboard(Filters(2025), TODAY)

    store = RecentFigures(60, size=2)
    first = store.get(Filters(2025), TODAY, compute, fresh=False)
    assert store.get(Filters(2025), TODAY, compute, fresh=False) is first and len(counted) == 1
    assert store.get(Filters(2025), date(2026, 1, 13), compute, fresh=False) is not first
    store.get(Filters(2024), TODAY, compute, fresh=False)  # a third: the oldest goes
    assert store.get(Filters(2025), TODAY, compute, fresh=False) is not first
    assert len(counted) == 4
    never = RecentFigures(0)
    never.get(Filters(2025), TODAY, compute, fresh=False)
    never.get(Filters(2025), TODAY, compute, fresh=False)
    assert len(counted) == 6


def test_the_last_instant_of_a_beijing_year_stays_in_that_year(session: orm.Session) -> None:
    # 15:59:59.9997 UTC is 23:59:59.9997 in Beijing on New Year's Eve; SQLite's date
    # functions would round it into the next day were the fraction not cut off.
    last = datetime(2025, 12, 31, 15, 59, 59, 999700, tzinfo=UTC)
    review = R("approve", 1, last, date(2025, 12, 31))
    _contract(session, 1, C(1, 1, last, "other", "reviewed", reviews=(review,), outcome="approve"))
    board = _board(session)
    assert board.submitted == 1 and board.received["2025-12"] == 1
    assert board.reviewed["2025-12"] == 1 and board.on_time == 1
    later = dashboard.build(
        session, Filters(2026), date(2026, 12, 1), bureau_calendar.load(session)
    )
    assert later.received["2026-01"] == 0


def test_open_figures_lead_to_exactly_the_open_contracts(
    session: orm.Session, year: list[Contract], bureau: FlaskClient
) -> None:
    session.commit()
    page = bureau.get("/?year=2025").get_data(as_text=True)
    link = re.search(r'<tr data-testid="workload-3">.*?href="([^"]+)">(\d+)</a>', page, re.S)
    assert link is not None and link.group(1) == "/contracts?advisor_id=3&amp;open=1"
    listed = bureau.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count("看板测试合同") == int(link.group(2)) == 2
    # The list says it is narrowed, each filter a chip that removes it.
    assert re.search(r'data-testid="filter-open">\s*状态：未办结', listed)
    assert re.search(r'data-testid="filter-advisor_id">\s*法律顾问：', listed)


def test_an_advisor_who_left_still_counts_for_the_work_done(
    session: orm.Session, year: list[Contract]
) -> None:
    session.execute(sa.update(Advisor).where(Advisor.id.in_([2, 4])).values(is_active=False))
    board = _board(session)
    listed = {w.advisor_id for w in board.workload}
    assert 2 in listed and 4 not in listed  # advisor 4 did nothing: not listed
    opinions = sum(r.outcome != "return" for s in SPECS for r in s.reviews)
    assert sum(f.reviewed for f in board.firms) == opinions


def test_junk_in_the_query_string_is_explained_never_an_error(
    bureau: FlaskClient, school1: FlaskClient
) -> None:
    page = bureau.get("/?year=²&law_firm_id=³")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('data-testid="filter-problem"') == 2
    huge = "99999999999999999999"
    for path in (
        f"/?law_firm_id={huge}",
        f"/contracts?law_firm_id={huge}&advisor_id={huge}&page={huge}",
        f"/ledger?school_id={huge}&page={huge}",
        f"/reports/year/2025/findings?page={huge}&per_page=-3",
        f"/advisors?law_firm_id={huge}",
    ):
        assert bureau.get(path).status_code == 200, path
    # The dashboard's narrowing is the bureau's: a school cannot use it to read firm names.
    firm = school1.get("/contracts?law_firm_id=1&district=乌苏市").get_data(as_text=True)
    assert 'data-testid="filter-law_firm_id"' not in firm
    assert 'data-testid="filter-district"' not in firm


def test_the_long_tail_of_turnaround_shares_one_bar(
    session: orm.Session, year: list[Contract], bureau: FlaskClient
) -> None:
    slow = (
        R("approve", 31, utc(9, 1), date(2025, 7, 1)),
        R("approve", 45, utc(9, 2), date(2025, 7, 1)),
    )
    _contract(session, 98, C(2, 2, utc(6, 1), "other", "reviewed", reviews=slow, outcome="approve"))
    session.commit()
    table = (
        bureau.get("/?year=2025")
        .get_data(as_text=True)
        .split('data-testid="chart-turnaround-table"')[1]
    )
    rows = re.findall(
        r'<th scope="row" class="fw-normal">([^<]+)</th>\s*<td class="text-end">(\d+)</td>',
        table.split("</table>")[0],
    )
    assert rows[-1] == ("超过20个工作日", "2")
    assert [label for label, _ in rows[:-1]] == [f"{d}个工作日" for d in (1, 2, 3, 4, 9)]
