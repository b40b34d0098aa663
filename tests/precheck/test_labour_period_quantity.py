"""The quantity of a labour contract for one worker is its work period (共三十七天)."""

from __future__ import annotations

from advisor.precheck import Hit
from tests.precheck import checking


def check(text: str, contract_type: str = "employment") -> list[Hit]:
    return checking.check("missing_clause:quantity", text, contract_type)


def test_the_work_period_of_a_labour_contract_is_its_quantity() -> None:
    text = "（一）本合同以完成寒假校园值守任务为期限，自2026年1月17日起至2026年2月22日止，共三十七天。\n"
    assert check(text) == []


def test_a_vague_amount_of_work_still_fires_in_a_labour_contract() -> None:
    text = "劳动者承担若干课时的体育教学，具体课时量以学校教学需要为准，聘期共五个月。\n"
    assert check(text)


def test_a_period_is_no_quantity_of_goods() -> None:
    assert check("乙方供应办公桌椅，合同签订后共十五天内交货。\n", "procurement")
