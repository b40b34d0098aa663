"""Classes of error found on the second corpus's fourteenth held-out batch (and two left
from the twelfth): times of other events read as the time of the performance (the
contract's signing date, a book's publication date, a notice of a change, a replacement
as a remedy), a lease's term called 租用期限, and a contract number left to be filled in."""

from __future__ import annotations

import pytest

from tests.precheck.checking import check

PLACE = "二、交货地点：甲方校内指定库房。\n"


@pytest.mark.parametrize(
    "other_time",
    [
        "签订时间：2026年6月30日\n",  # the signing date in the header
        "三、图书出版时间在2023年1月1日以后的不少于80%。\n",  # a quality of the books
        "四、一方变更地址或联系电话的，应在变更后3日内书面通知对方。\n",  # a notice
        "四、甲方对不称职的人员要求撤换的，乙方应在3日内撤换。\n",  # a remedy
    ],
)
def test_the_time_of_another_event_is_no_time_of_performance(other_time: str) -> None:
    text = "一、乙方向甲方供应运动服装300套。\n" + PLACE + other_time
    assert [hit.rule for hit in check("missing_clause:performance", text)] == [
        "missing_clause:performance"
    ]
    delivered = text + "五、乙方应于合同签订后10日内将货物送至甲方校内。\n"
    assert check("missing_clause:performance", delivered) == []


def test_a_lease_term_called_zuyong_qixian_is_a_lease_term() -> None:
    text = "二、租用期限为三十年，自2026年1月1日起至2055年12月31日止。\n"
    assert [hit.rule for hit in check("lease_over_20_years", text, "lease")] == [
        "lease_over_20_years"
    ]
    assert check("lease_over_20_years", text.replace("三十年", "十年"), "lease") == []


def test_a_contract_number_left_to_be_filled_in_is_a_blank() -> None:
    text = "合同编号：FTCXD2-JZ-2026-____\n第一条 捐赠财产\n甲方向乙方捐赠课桌椅50套。\n"
    assert [hit.rule for hit in check("blank_field", text, "donation")] == ["blank_field"]
    # an X in a model number is still part of the number, not a blank
    model = "第一条 货物\n投影仪，型号XX2000，共10台。\n"
    assert check("blank_field", model) == []
