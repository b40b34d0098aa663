"""Where the signature block begins, in the layouts a procurement centre's model contract
uses (the thirteenth batch): the roles on a line of their own and the places to seal and
sign on the lines below them. Such a contract has a place to sign, and the blanks on its
signing lines are no blank fields."""

from __future__ import annotations

from tests.precheck.checking import check

BODY = (
    "第一条 合同标的\n乙方向甲方供应课桌椅120套，合同总价人民币叁万陆仟元整（¥36,000.00）。\n"
    "第二条 其他\n本合同自双方签字盖章之日起生效。\n"
)
BLOCK = (
    "甲方（采购人）： | 乙方（供应商）：\n"
    "单位名称（盖章）：昌吉市第三中学 | 单位名称（盖章）：昌吉市华星教学设备有限公司\n"
    "法定代表人或授权代表（签字）：＿＿＿＿ | 法定代表人或授权代表（签字）：＿＿＿＿\n"
    "日期：＿＿年＿＿月＿＿日 | 日期：＿＿年＿＿月＿＿日\n"
)


def test_roles_on_their_own_line_above_the_seals_are_a_signature_block() -> None:
    assert check("no_signature_block", BODY + BLOCK) == []
    assert check("blank_field", BODY + BLOCK) == []


def test_a_sentence_about_signing_is_still_no_block() -> None:
    assert [hit.rule for hit in check("no_signature_block", BODY)] == ["no_signature_block"]


def test_a_parties_block_with_names_below_the_roles_is_no_signature_block() -> None:
    """甲方（采购人）⏎名称：…: the parties at the top, no place to seal."""
    text = (
        "甲方（采购人）\n名称：昌吉市第三中学\n乙方（供应商）\n名称：昌吉市华星教学设备有限公司\n"
    )
    assert [hit.rule for hit in check("no_signature_block", text + BODY)] == ["no_signature_block"]
