"""A canteen hand-over needs the canteen or its operation handed to the other party: a party
called 委托方 or a canteen the school runs itself (自主经营) is none."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


@pytest.mark.parametrize(
    "text",
    [
        "委托方校内食堂仅供教职工就餐，由委托方自主经营。",
        "委托人食堂由委托人自行经营，受托方仅负责配送午餐。",
        "受托方为委托方在校学生提供午餐的加工、配送服务。",
    ],
)
def test_a_party_called_entruster_is_no_canteen_hand_over(text: str) -> None:
    assert check("catering_outsourced", text, "catering") == []


@pytest.mark.parametrize(
    "text",
    ["甲方将学校食堂委托乙方经营管理。", "甲方食堂委托给乙方经营。", "学校食堂实行承包经营。"],
)
def test_the_canteen_handed_over_still_fires(text: str) -> None:
    assert check("catering_outsourced", text, "catering")
