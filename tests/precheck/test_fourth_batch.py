"""Classes of error found on the second corpus's fourth held-out batch (761–998), each
fixed in general."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor.precheck import RULES, Hit
from advisor.precheck.base import make_context


def check(rule: str, text: str, contract_type: str = "procurement") -> list[Hit]:
    ctx = make_context((text,), contract_type, Decimal("1000"))
    return RULES[rule].check(ctx)


# --- parties: a role of the parties' own naming, labelled 甲方/乙方 in brackets -------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("订阅方", "服务方"), ("使用单位", "开发方"), ("主办方", "承办方"), ("借用人", "出借人")],
)
def test_a_role_labelled_by_a_known_designation_is_a_party(first: str, second: str) -> None:
    text = (
        f"{first}（甲方）：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        f"{second}（乙方）：北京智学未来教育科技有限公司\n地址：北京市海淀区中关村东路66号\n"
    )
    assert check("missing_clause:parties", text, "other") == []


def test_a_labelled_role_without_an_address_still_fires() -> None:
    text = (
        "订阅方（甲方）：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        "服务方（乙方）：北京智学未来教育科技有限公司\n"
    )
    assert check("missing_clause:parties", text, "other")


def test_a_contact_person_labelled_by_a_party_is_no_party() -> None:
    text = (
        "甲方：克拉玛依市第三中学\n地址：克拉玛依市大庆东路15号\n"
        "乙方：北京智学未来教育科技有限公司\n地址：北京市海淀区中关村东路66号\n"
        "联系人（甲方）：王老师\n"
    )
    assert check("missing_clause:parties", text, "other") == []
