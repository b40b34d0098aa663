"""How dates, times, evaluation periods, counts and sums of money read on pages and in
messages: 2026年12月9日, 2026年12月9日 14:05, 2026年度考核, 152,354, 1.48亿元 in Chinese;
9 Dec 2026, 9 Dec 2026 14:05, 2026 evaluation, 152,354, ¥148 million in English.

Pure functions of the value and the language ("zh" or "en"; anything else reads as
Chinese); i18n.py hands them the request's language as Jinja filters. Machines keep ISO
dates and plain figures (API, CSV and spreadsheet cells, ``datetime=`` and ``value=``
attributes): nothing here is for them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime

from advisor.workdays import parse_period

_DATE = {"zh": "y年M月d日", "en": "d MMM y"}
_TIME = {"zh": "y年M月d日 HH:mm", "en": "d MMM y HH:mm"}
_BABEL = {"zh": "zh_Hans_CN", "en": "en"}
_QUARTERS_ZH = "一二三四"
HUNDREDTH = Decimal("0.01")

# Summary sums: the size of each unit and its name, largest first.
_UNITS_ZH = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_UNITS_EN = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def _language(locale: str | None) -> str:
    return "en" if str(locale or "").startswith("en") else "zh"


@lru_cache(maxsize=4096)
def date_text(value: date, locale: str) -> str:
    """A day: 2026年12月9日 / 9 Dec 2026. Cached: a list of 50 rows shows a few days, and
    Babel takes 30-100 µs each time it writes one."""
    language = _language(locale)
    return str(format_date(value, _DATE[language], locale=_BABEL[language]))


def datetime_text(value: datetime, locale: str, zone: tzinfo) -> str:
    """A moment in ``zone`` to the minute: 2026年12月9日 14:05 / 9 Dec 2026 14:05. A naive
    value is UTC, as the database stores it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    minute = value.astimezone(zone).replace(second=0, microsecond=0)
    return _minute_text(minute, zone, _language(locale))


@lru_cache(maxsize=4096)
def _minute_text(minute: datetime, zone: tzinfo, language: str) -> str:
    # Cached by the minute shown, as date_text by the day: a contract's page and a list
    # show many moments of a few minutes. The zone is part of the key because aware
    # datetimes of one instant in two zones are equal.
    return str(format_datetime(minute, _TIME[language], tzinfo=zone, locale=_BABEL[language]))


def month_text(month: str, locale: str) -> str:
    """A month written "2026-01" as people read it: 2026年1月, Jan 2026. Other text is
    returned as it is."""
    try:
        first = date.fromisoformat(f"{month}-01") if len(month) == 7 else None
    except ValueError:
        first = None
    if first is None:
        return month
    if _language(locale) == "en":
        return str(format_date(first, "MMM y", locale=_BABEL["en"]))
    return f"{first.year}年{first.month}月"


def number_text(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """A count or measure with thousands separators, the same in both languages:
    152,354; 1,234.5 with ``decimals=1``. None is ""."""
    if value is None:
        return ""
    if isinstance(value, int) and not decimals:
        return f"{value:,}"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{rounded:,}"


def money_text(value: Decimal | int | None) -> str:
    """An exact amount in yuan to the fen with separators: 12,000.00. None is ""."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(HUNDREDTH, ROUND_HALF_UP):,}"


def sum_text(value: Decimal | int | float | None, locale: str) -> str:
    """A sum of money as a summary reads it, two decimals at most in the largest unit that
    fits: 1.48亿元, 152.35万元, 9,999元, 9,999.50元; in English ¥148 million, ¥1.2 billion,
    ¥152,354. A value that rounds up to the next unit is written in it (99,999,999 is
    1亿元, not 10,000万元). None is ""."""
    if value is None:
        return ""
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    sign = "-" if amount < 0 else ""
    figure, unit = _scaled(abs(amount), _UNITS_EN if _language(locale) == "en" else _UNITS_ZH)
    if _language(locale) == "en":
        return f"{sign}¥{figure} {unit}" if unit else f"{sign}¥{figure}"
    return f"{sign}{figure}{unit}元"


def _scaled(amount: Decimal, units: tuple[tuple[Decimal, str], ...]) -> tuple[str, str]:
    """``amount`` in the largest unit it reaches, as text, and that unit ("" below them
    all, to the fen). Rounding that reaches the unit above moves the amount up to it."""
    steps = (*units, (Decimal(1), ""))
    for index, (size, unit) in enumerate(steps):
        if amount < size and size > 1:
            continue
        scaled = (amount / size).quantize(HUNDREDTH, ROUND_HALF_UP)
        if index and scaled * size >= steps[index - 1][0]:
            size, unit = steps[index - 1]
            scaled = (amount / size).quantize(HUNDREDTH, ROUND_HALF_UP)
        if unit:
            return _trimmed(scaled), unit
        whole = scaled == scaled.to_integral_value()
        return (f"{scaled:,.0f}" if whole else f"{scaled:,}"), ""
    raise AssertionError("the last step takes every amount")  # pragma: no cover


def _trimmed(value: Decimal) -> str:
    """1.50 -> 1.5, 2.00 -> 2, 10000.00 -> 10,000."""
    text = f"{value:,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def period_text(period: str, locale: str) -> str:
    """An evaluation period ("2026", "2026-Q1") as people write it: 2026年度, 2026年第一季度;
    in English 2026, Q1 2026. Text that is no period is returned as it is."""
    try:
        parsed = parse_period(period)
    except ValueError:
        return period
    if _language(locale) == "en":
        return str(parsed.year) if parsed.quarter is None else f"Q{parsed.quarter} {parsed.year}"
    if parsed.quarter is None:
        return f"{parsed.year}年度"
    return f"{parsed.year}年第{_QUARTERS_ZH[parsed.quarter - 1]}季度"


def evaluation_title(period: str, locale: str) -> str:
    """An evaluation by its period: 2026年度考核, 2026年第一季度考核; in English
    Evaluation 2026, Evaluation Q1 2026."""
    if _language(locale) == "en":
        return f"Evaluation {period_text(period, locale)}"
    return f"{period_text(period, locale)}考核"
