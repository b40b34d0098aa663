"""Classes of error found on the second corpus's dev split, each fixed in general: a date
read as a term, an exemption word about something other than the injury, numbers that are
not a count of the subject, a subject only in a missing annex, a time that is not the
time of the performance, and the quality of an insurance cover."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor.precheck import RULES, Hit
from advisor.precheck.base import make_context


def check(rule: str, text: str, contract_type: str = "procurement") -> list[Hit]:
    ctx = make_context((text,), contract_type, Decimal("1000"))
    return RULES[rule].check(ctx)


@pytest.mark.parametrize(
    "text",
    [
        "（一）租赁期限：2026年5月12日至2026年5月14日，共3天。",
        "租期：2027年9月1日起至2028年8月31日止。",
        "租赁期限为2026年5月至2026年7月。",
        "租赁期：2026-05-12至2026-05-14。",
        "租期 2030 年 1 月 1 日开始。",
    ],
)
def test_a_calendar_year_is_a_date_not_a_lease_term(text: str) -> None:
    assert check("lease_over_20_years", text, "lease") == []


def test_a_term_in_years_or_by_dates_over_twenty_years_still_fires() -> None:
    assert check("lease_over_20_years", "租赁期限：25年。", "lease")
    assert check("lease_over_20_years", "租期：2026年1月1日至2050年12月31日。", "lease")

