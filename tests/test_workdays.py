"""Working-day arithmetic: national calendar, bureau entries and the fallback for unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from advisor import workdays
from advisor.workdays import (
    BureauCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
    years_needing_entry,
)


def _days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))


XINJIANG_2025 = BureauCalendar(
    rest_days=_days(date(2025, 3, 29), date(2025, 3, 31))
    | _days(date(2025, 6, 6), date(2025, 6, 10))
)


def test_national_day_week_is_skipped() -> None:
    assert add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_adjusted_working_sunday_counts() -> None:
    assert is_working_day(date(2025, 9, 28))
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)


def test_xinjiang_regional_rest_days_entered_by_the_bureau() -> None:
    assert add_working_days(date(2025, 6, 5), 5) == date(2025, 6, 12)
    assert add_working_days(date(2025, 6, 5), 5, XINJIANG_2025) == date(2025, 6, 17)


def test_start_on_a_rest_day_does_not_count() -> None:
    assert add_working_days(date(2025, 6, 7), 1) == date(2025, 6, 9)  # Saturday
    assert add_working_days(date(2025, 10, 1), 1) == date(2025, 10, 9)  # National Day


def test_start_on_a_working_day_does_not_count() -> None:
    assert add_working_days(date(2025, 10, 11), 1) == date(2025, 10, 13)  # adjusted Saturday


def test_one_working_day_after_friday_is_monday() -> None:
    assert add_working_days(date(2025, 6, 13), 1) == date(2025, 6, 16)


def test_urgent_two_working_days() -> None:
    assert add_working_days(date(2025, 9, 30), 2) == date(2025, 10, 10)
    assert add_working_days(date(2025, 6, 12), 2) == date(2025, 6, 16)


def test_bureau_extra_working_day_counts() -> None:
    saturday = date(2025, 6, 14)
    calendar = BureauCalendar(work_days=frozenset({saturday}))
    assert not is_working_day(saturday)
    assert is_working_day(saturday, calendar)
    assert add_working_days(date(2025, 6, 13), 1, calendar) == saturday


def test_bureau_rest_day_beats_its_own_work_day() -> None:
    day = date(2025, 6, 16)
    calendar = BureauCalendar(rest_days=frozenset({day}), work_days=frozenset({day}))
    assert not is_working_day(day, calendar)


def test_unknown_year_falls_back_to_monday_to_friday() -> None:
    assert is_working_day(date(2027, 1, 1))  # a Friday; the package does not know 2027
    assert not is_working_day(date(2027, 1, 2))
    assert add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_bureau_rest_day_in_unknown_year_is_honoured() -> None:
    calendar = BureauCalendar(
        rest_days=frozenset({date(2027, 1, 4)}), entered_years=frozenset({2027})
    )
    assert not is_working_day(date(2027, 1, 4), calendar)
    assert add_working_days(date(2027, 1, 1), 1, calendar) == date(2027, 1, 5)


def test_years_needing_entry() -> None:
    assert years_needing_entry([2026, 2027], None) == [2027]
    assert years_needing_entry([2028, 2026, 2027, 2027], BureauCalendar()) == [2027, 2028]
    entered = BureauCalendar(entered_years=frozenset({2027}))
    assert years_needing_entry([2026, 2027], entered) == []


def test_unknown_year_is_probed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    real = chinese_calendar.is_workday

    def counting(day: date) -> bool:
        calls.append(day)
        return bool(real(day))

    workdays.is_year_known.cache_clear()
    monkeypatch.setattr(chinese_calendar, "is_workday", counting)
    try:
        add_working_days(date(2027, 1, 1), 20)
        years_needing_entry([2027], None)
    finally:
        workdays.is_year_known.cache_clear()
    assert calls == [date(2027, 1, 1)]


@pytest.mark.parametrize("calendar", [None, XINJIANG_2025], ids=["national", "xinjiang"])
def test_working_days_between_inverts_add_working_days(calendar: BureauCalendar | None) -> None:
    starts = _days(date(2025, 1, 1), date(2025, 12, 31)) | _days(
        date(2026, 12, 1), date(2027, 1, 15)
    )
    for start in sorted(starts):
        for n in range(1, 8):
            due = add_working_days(start, n, calendar)
            assert working_days_between(start, due, calendar) == n, (start, n)
            assert working_days_between(start, due - timedelta(days=1), calendar) == n - 1


def test_working_days_between_is_zero_when_end_not_after_start() -> None:
    assert working_days_between(date(2025, 6, 16), date(2025, 6, 16)) == 0
    assert working_days_between(date(2025, 6, 16), date(2025, 6, 1)) == 0


@pytest.mark.parametrize("n", [0, -1])
def test_n_below_one_is_rejected(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2025, 6, 16), n)


def test_a_year_of_rest_days_raises_instead_of_hanging() -> None:
    calendar = BureauCalendar(rest_days=_days(date(2025, 1, 1), date(2025, 12, 31)))
    with pytest.raises(ValueError, match="no working day"):
        add_working_days(date(2024, 12, 31), 1, calendar)
