"""Dates, sums, counts and evaluation periods as people read them, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel import dates as babel_dates
from flask import Flask, render_template_string

from advisor import formats
from advisor.formats import (
    date_text,
    datetime_text,
    evaluation_title,
    money_text,
    month_text,
    number_text,
    period_text,
    sum_text,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_day_reads_as_people_write_it() -> None:
    assert date_text(date(2026, 12, 9), "zh") == "2026年12月9日"
    assert date_text(date(2026, 1, 1), "zh") == "2026年1月1日"
    assert date_text(date(2026, 12, 9), "en") == "9 Dec 2026"
    assert date_text(date(2026, 12, 9), "fr") == "2026年12月9日"  # Chinese unless English


def test_a_moment_reads_to_the_minute_in_beijing_time() -> None:
    moment = datetime(2026, 12, 9, 6, 5, 59, tzinfo=UTC)
    assert datetime_text(moment, "zh", BEIJING) == "2026年12月9日 14:05"
    assert datetime_text(moment, "en", BEIJING) == "9 Dec 2026 14:05"
    # Naive values are UTC as stored; late UTC evening is the next Beijing day.
    assert datetime_text(datetime(2026, 12, 9, 20, 0), "zh", BEIJING) == "2026年12月10日 04:00"
    other = datetime(2026, 12, 9, 14, 5, tzinfo=timezone(timedelta(hours=8)))
    assert datetime_text(other, "zh", UTC) == "2026年12月9日 06:05"


def test_moments_of_one_minute_are_written_once_in_each_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[datetime] = []

    def counted(value: datetime, *args: Any, **kwargs: Any) -> str:
        written.append(value)
        return str(babel_dates.format_datetime(value, *args, **kwargs))

    monkeypatch.setattr(formats, "format_datetime", counted)
    seconds = [datetime(2031, 5, 6, 7, 8, s, 1000 * s, tzinfo=UTC) for s in range(0, 60, 7)]
    assert {datetime_text(m, "zh", BEIJING) for m in seconds} == {"2031年5月6日 15:08"}
    assert len(written) == 1  # Babel costs 30-100 µs a moment; a page shows dozens
    # One instant in another zone is another text, though the datetimes are equal.
    assert datetime_text(seconds[0], "zh", UTC) == "2031年5月6日 07:08"
    assert datetime_text(seconds[0], "en", BEIJING) == "6 May 2031 15:08"
    assert len(written) == 3


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("148000000"), "1.48亿元", "¥148 million"),
        (Decimal("148234567.89"), "1.48亿元", "¥148.23 million"),
        (Decimal("1523540"), "152.35万元", "¥1.52 million"),
        (Decimal("152354"), "15.24万元", "¥152,354"),
        (Decimal("15000"), "1.5万元", "¥15,000"),
        (Decimal("10000"), "1万元", "¥10,000"),
        (Decimal("9999"), "9,999元", "¥9,999"),
        (Decimal("9999.5"), "9,999.50元", "¥9,999.50"),
        (Decimal("0.5"), "0.50元", "¥0.50"),
        (Decimal("0"), "0元", "¥0"),
        (0, "0元", "¥0"),
        (Decimal("-148000000"), "-1.48亿元", "-¥148 million"),
        (Decimal("-12000"), "-1.2万元", "-¥12,000"),
        # Rounding that reaches the next unit is written in it.
        (Decimal("99999999"), "1亿元", "¥100 million"),
        (Decimal("99994999"), "9,999.5万元", "¥99.99 million"),
        (Decimal("9999.995"), "1万元", "¥10,000"),
        (Decimal("999999.999"), "100万元", "¥1 million"),
        (Decimal("100000000"), "1亿元", "¥100 million"),
        (Decimal("1000000000"), "10亿元", "¥1 billion"),
        (Decimal("999999999999.99"), "10,000亿元", "¥1,000 billion"),
        (Decimal("123456789012345"), "1,234,567.89亿元", "¥123,456.79 billion"),
        (1.5, "1.50元", "¥1.50"),
        (None, "", ""),
    ],
)
def test_a_summary_sum_reads_in_the_largest_unit(value: Decimal | None, zh: str, en: str) -> None:
    assert sum_text(value, "zh") == zh
    assert sum_text(value, "en") == en


def test_counts_and_exact_amounts_have_thousands_separators() -> None:
    assert number_text(152354) == "152,354"
    assert number_text(0) == "0"
    assert number_text(-1234) == "-1,234"
    assert number_text(None) == ""
    assert number_text(1234.56, 1) == "1,234.6"
    assert number_text(Decimal("0.05"), 1) == "0.1"
    assert number_text(2.5) == "3"  # half up, not to even
    assert number_text(10**15) == "1,000,000,000,000,000"
    assert money_text(Decimal("12000")) == "12,000.00"
    assert money_text(Decimal("999999999999.99")) == "999,999,999,999.99"
    assert money_text(Decimal("-0.5")) == "-0.50"
    assert money_text(0) == "0.00"
    assert money_text(None) == ""


def test_a_month_of_a_chart_reads_as_a_month() -> None:
    assert month_text("2026-01", "zh") == "2026年1月"
    assert month_text("2026-12", "en") == "Dec 2026"
    assert month_text("2026-13", "zh") == "2026-13"
    assert month_text("2026-Q1", "zh") == "2026-Q1"
    assert month_text("", "zh") == ""


def test_evaluation_periods_read_as_the_bureau_writes_them() -> None:
    assert period_text("2026", "zh") == "2026年度"
    assert period_text("2026-Q1", "zh") == "2026年第一季度"
    assert period_text("2026-q4", "zh") == "2026年第四季度"
    assert period_text("2026", "en") == "2026"
    assert period_text("2026-Q3", "en") == "Q3 2026"
    assert period_text("autumn", "zh") == "autumn"
    assert evaluation_title("2026", "zh") == "2026年度考核"
    assert evaluation_title("2026-Q2", "zh") == "2026年第二季度考核"
    assert evaluation_title("2026", "en") == "Evaluation 2026"


def test_the_filters_write_in_the_request_language(app: Flask) -> None:
    template = (
        "{{ day|date }}|{{ moment|date }}|{{ moment|day }}|{{ total|sum_yuan }}|"
        "{{ exact|money }}|{{ count|num }}|{{ '2026'|period }}|{{ '2026-Q1'|evaluation_title }}|"
        "{{ '2026-12-09'|date }}|{{ 'soon'|date }}|{{ none|date }}|{{ '2026-01'|month }}"
    )
    values = {
        "day": date(2026, 12, 9),
        "moment": datetime(2026, 12, 9, 17, 30, tzinfo=UTC),
        "total": Decimal("148000000"),
        "exact": Decimal("12000"),
        "count": 152354,
    }
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert render_template_string(template, **values) == (
            "2026年12月9日|2026年12月10日 01:30|2026年12月10日|1.48亿元|12,000.00|152,354|"
            "2026年度|2026年第一季度考核|2026年12月9日|soon||2026年1月"
        )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(template, **values) == (
            "9 Dec 2026|10 Dec 2026 01:30|10 Dec 2026|¥148 million|12,000.00|152,354|"
            "2026|Evaluation Q1 2026|9 Dec 2026|soon||Jan 2026"
        )
