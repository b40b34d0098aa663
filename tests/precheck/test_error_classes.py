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


def test_exemption_words_about_something_else_than_the_injury_are_no_exemption() -> None:
    text = "2. 自行承担员工工资和社会保险，员工作业中发生伤害的，按照法律规定由责任方承担责任。"
    assert check("injury_exemption", text, "service") == []
    text = "乙方自行承担本项目的交通费用，学生在活动中受伤的，由过错方依法承担责任。"
    assert check("injury_exemption", text, "service") == []


@pytest.mark.parametrize(
    "text",
    [
        "学生在活动中受伤的，由学生监护人自行承担。",
        "乙方对学生在校期间发生的意外伤害不承担任何责任。",
        "如发生人身伤害事故，甲方概不负责。",
    ],
)
def test_exemption_words_about_the_injury_still_fire(text: str) -> None:
    assert len(check("injury_exemption", text, "service")) == 1
