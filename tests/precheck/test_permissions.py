"""Pre-check rules for every role, on a contract held by the own advisor."""

from __future__ import annotations

import pytest

from advisor.contracts.models import Contract, Status
from advisor.precheck import permissions
from tests.roles import OWN_ADVISOR_ID, OWN_SCHOOL_ID, person, rules_of, table

EXPECTED = {
    "can_see_hits": ("bureau", "advisor", "other_advisor"),
    "can_decide_hit": ("advisor",),
    "can_switch_rules": ("bureau",),
}


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_rule(rule: str, who: str, allowed: bool) -> None:
    check = getattr(permissions, rule)
    contract = Contract(school_id=OWN_SCHOOL_ID, advisor_id=OWN_ADVISOR_ID, status=Status.IN_REVIEW)
    args = () if rule == "can_switch_rules" else (contract,)
    assert check(person(who), *args) is allowed


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == set(EXPECTED)
