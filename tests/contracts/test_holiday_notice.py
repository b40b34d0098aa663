"""The holiday notice parser on the real notices, checked day by day against
chinese_calendar's own data, and on the ways a pasted notice goes wrong."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from advisor.contracts.holiday_notice import REST, WORK, Notice, parse_notice, stated_year
from tests.contracts import notices

PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def _working(notice: Notice, day: date) -> bool:
    kinds = {d.day: d.kind for d in notice.days}
    if day in kinds:
        return kinds[day] == WORK
    return day.weekday() < 5


def _year(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        (notices.STATE_COUNCIL_2024, 2024),
        (notices.STATE_COUNCIL_2025, 2025),
        (notices.STATE_COUNCIL_2026, 2026),
    ],
)
def test_every_day_of_a_real_notice_matches_the_package(text: str, year: int) -> None:
    notice = parse_notice(text, year)
    assert notice.stated_year == year
    wrong = [d for d in _year(year) if _working(notice, d) != chinese_calendar.is_workday(d)]
    assert wrong == []
    # Every day read carries the holiday the package names for it.
    for found in notice.days:
        is_holiday, name = chinese_calendar.get_holiday_detail(found.day)
        if found.kind == REST:
            assert is_holiday and PACKAGE_NAMES[str(name)] in found.holiday, found
        else:
            assert PACKAGE_NAMES[chinese_calendar.workdays[found.day]] in found.holiday


def test_the_2026_notice_reads_without_a_problem() -> None:
    notice = parse_notice(notices.STATE_COUNCIL_2026, 2026)
    assert notice.problems == ()
    assert len(notice.rest_days) == 33  # the 33 days the notice's summary counts
    assert [d.day for d in notice.work_days] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    spring = [d for d in notice.rest_days if d.holiday == "春节"]
    assert (spring[0].day, spring[-1].day, len(spring)) == (date(2026, 2, 15), date(2026, 2, 23), 9)
    # Title, preamble, closing and signature are kept, not silently dropped.
    assert any("2026年部分节假日安排的通知" in s for s in notice.skipped)
    assert "2025年11月4日" in notice.skipped


def test_a_sentence_with_a_date_that_is_no_holiday_is_shown_not_taken() -> None:
    notice = parse_notice(notices.STATE_COUNCIL_2024, 2024)
    assert date(2024, 2, 9) not in {d.day for d in notice.days}  # 除夕 is only encouraged
    assert [p.code for p in notice.problems] == ["unread"]
    assert "除夕(2月9日)休息" in notice.problems[0].text


def test_the_2025_preamble_is_shown_as_unread() -> None:
    notice = parse_notice(notices.STATE_COUNCIL_2025, 2025)
    assert [p.code for p in notice.problems] == ["unread", "unread"]
    assert "自10月1日起放假调休7天" in notice.problems[1].text
    assert date(2025, 10, 8) in {d.day for d in notice.rest_days}


def test_xinjiang_regional_days() -> None:
    notice = parse_notice(notices.XINJIANG_2025, 2025)
    assert notice.problems == ()
    ramadan = [d.day for d in notice.rest_days if d.holiday == "肉孜节"]
    assert ramadan == [date(2025, 3, 29), date(2025, 3, 30), date(2025, 3, 31)]
    sacrifice = [d.day for d in notice.rest_days if d.holiday == "古尔邦节"]
    assert sacrifice == [date(2025, 6, 6) + timedelta(days=i) for i in range(5)]
    # "3月31日（周一）是…肉孜节" names the festival; it adds no day of its own.
    assert len(notice.rest_days) == len({d.day for d in notice.rest_days})


def test_xinjiang_2023_with_a_new_year_from_the_year_before() -> None:
    notice = parse_notice(notices.XINJIANG_2023, 2023)
    rest = {d.day: d.holiday for d in notice.rest_days}
    assert rest[date(2022, 12, 31)] == "元旦" and rest[date(2023, 1, 2)] == "元旦"
    assert rest[date(2023, 4, 21)] == "肉孜节" and date(2023, 4, 22) not in rest
    assert [d for d in rest if d.month == 9 or d.month == 10] == [
        date(2023, 9, 29) + timedelta(days=i) for i in range(8)
    ]
    # The working hours ("上班时间为…") are no working day; they are shown as unread.
    assert [p.code for p in notice.problems] == ["unread", "unread"]
    assert all("作息时间" in p.text for p in notice.problems)
    assert {d.day for d in notice.work_days} == {
        date(2023, 1, 28),
        date(2023, 1, 29),
        date(2023, 4, 23),
        date(2023, 5, 6),
        date(2023, 6, 25),
        date(2023, 10, 7),
        date(2023, 10, 8),
    }


def test_the_issue_example_for_2027() -> None:
    notice = parse_notice(notices.STATE_COUNCIL_2027_SAMPLE, 2027)
    assert notice.problems == ()
    assert [d.day for d in notice.rest_days][:3] == [
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2027, 1, 3),
    ]
    assert [(d.day, d.holiday) for d in notice.work_days] == [(date(2027, 2, 20), "春节")]


def test_half_width_and_full_width_read_the_same() -> None:
    full = "一、元旦：１月１日（周五）至３日（周日）放假调休，共３天。２月２０日（周六）上班。"
    half = "一、元旦:1月1日(周五)至3日(周日)放假调休,共3天.\n2月20日(周六)上班"
    a, b = parse_notice(full, 2027), parse_notice(half.replace(".", "。"), 2027)
    assert [(d.day, d.kind) for d in a.days] == [(d.day, d.kind) for d in b.days]
    assert len(a.days) == 4 and a.problems == ()


def test_cross_month_range_and_a_comma_inside_the_brackets() -> None:
    notice = parse_notice(
        "春节：2月15日（农历腊月二十八，周日）至23日（农历正月初七，周一）放假调休，共9天。\n"
        "国庆节：9月29日至10月6日放假调休，共8天，与中秋节连休。",
        2026,
    )
    assert notice.problems == ()
    national = [d.day for d in notice.rest_days if d.holiday == "国庆节"]
    assert national[0] == date(2026, 9, 29) and national[-1] == date(2026, 10, 6)
    assert len(national) == 8


def test_a_wrong_weekday_is_a_problem_and_the_day_is_still_shown() -> None:
    notice = parse_notice("元旦：1月1日（周四）至3日（周日）放假调休，共3天。", 2027)
    [problem] = notice.problems
    assert (problem.code, problem.day, problem.stated, problem.actual) == (
        "weekday",
        date(2027, 1, 1),
        "周四",
        "周五",
    )
    assert len(notice.rest_days) == 3


def test_a_wrong_count_is_a_problem() -> None:
    notice = parse_notice("劳动节：5月1日至5日放假调休，共4天。", 2027)
    [problem] = notice.problems
    assert (problem.code, problem.stated, problem.actual) == ("count", "4", "5")
    single = parse_notice("肉孜节：3月20日放假2天。", 2026)
    assert [p.code for p in single.problems] == ["count"]


def test_regional_one_line_notices() -> None:
    notice = parse_notice("肉孜节：3月20日放假1天\n古尔邦节：5月26日至28日放假，共3天", 2026)
    assert notice.problems == ()
    assert [(d.day, d.holiday) for d in notice.days] == [
        (date(2026, 3, 20), "肉孜节"),
        (date(2026, 5, 26), "古尔邦节"),
        (date(2026, 5, 27), "古尔邦节"),
        (date(2026, 5, 28), "古尔邦节"),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("春节：2月30日放假", "bad_date"),
        ("春节：2月10日至3日放假", "range"),
        ("春节：1月1日至3月1日放假", "range"),
        ("春节：2月10日放假。2月10日上班。", "conflict"),
        ("春节：初一至初七放假。正月初八（2月17日）上班。", "unread"),
        ("国务院办公厅关于2026年部分节假日安排的通知", "year"),
    ],
)
def test_what_cannot_be_taken_is_named(text: str, code: str) -> None:
    notice = parse_notice(text, 2027)
    assert code in [p.code for p in notice.problems]


def test_a_conflicting_day_keeps_its_first_reading() -> None:
    notice = parse_notice("春节：2月10日放假。2月10日上班。", 2027)
    assert [(d.day, d.kind) for d in notice.days] == [(date(2027, 2, 10), REST)]


def test_the_year_the_notice_states() -> None:
    assert stated_year(notices.STATE_COUNCIL_2025) == 2025  # not "2024年11月修订"
    assert stated_year(notices.XINJIANG_2025) == 2025
    assert stated_year("元旦：1月1日放假") is None


def test_a_list_of_working_days_with_the_month_left_out() -> None:
    notice = parse_notice("2月4日（星期日）、18日（星期日）上班", 2024)
    assert [d.day for d in notice.work_days] == [date(2024, 2, 4), date(2024, 2, 18)]
    assert notice.problems == ()


def test_nothing_in_nothing_out() -> None:
    notice = parse_notice("", 2027)
    assert (notice.days, notice.problems, notice.skipped) == ((), (), ())
