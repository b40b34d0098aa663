"""Quality stated only as a promise to satisfy the buyer (保证服务质量符合甲方要求) is vague,
even under a heading 服务质量; the condition of leased premises as handed over
(交付时墙面、地面、门窗完好) is the quality of a lease."""

from __future__ import annotations

from advisor.precheck import Hit
from tests.precheck import checking


def check(text: str, contract_type: str) -> list[Hit]:
    return checking.check("missing_clause:quality", text, contract_type)


def test_a_clause_headed_service_quality_that_only_promises_to_satisfy_the_buyer_is_vague() -> None:
    text = (
        "（一）服务项目\n乙方向甲方派驻保安员四名，负责大门值守。\n（三）服务质量\n"
        "乙方应加强对派驻保安员的管理，保证服务质量符合甲方要求；甲方认为派驻人员不适合岗位的，"
        "乙方应予更换。\n"
    )
    hits = check(text, "service")
    assert len(hits) == 1
    assert "符合甲方要求" in hits[0].excerpt


def test_a_service_standard_under_the_heading_is_still_quality() -> None:
    text = "（三）服务质量\n保安员须持证上岗，每两小时巡查一次，来访登记率达到百分之百。\n"
    assert check(text, "service") == []


def test_the_condition_of_leased_premises_as_handed_over_is_quality() -> None:
    text = (
        "【一】租赁房屋\n甲方将门面房一间出租给乙方，建筑面积一百二十八平方米。"
        "房屋交付时墙面、地面、门窗完好，消防设施经检验合格。\n"
    )
    assert check(text, "lease") == []
