"""Letters inside an identifier (合同编号 XX-2025-BJ-031) are part of the number, not a blank."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check


@pytest.mark.parametrize(
    "text",
    [
        "合同编号：XX-2025-BJ-031\n",
        "采购编号：KLMY-2026-XX-011\n",
        "设备型号：XX2000\n",
        "车牌号：新A-XX123\n",
    ],
)
def test_letters_in_an_identifier_are_not_a_blank(text: str) -> None:
    assert check("blank_field", text) == []


@pytest.mark.parametrize(
    "text", ["合同编号：XX\n", "联系人：XX，电话：xx\n", "签订日期：2025-XX-XX\n"]
)
def test_xx_standing_alone_is_still_a_blank(text: str) -> None:
    assert check("blank_field", text)
