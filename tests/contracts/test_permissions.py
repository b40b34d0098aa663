"""Contract rules for every role, on a contract of the own school held by the own advisor."""

from __future__ import annotations

import pytest

from advisor.contracts import permissions
from advisor.contracts.models import Contract, Status
from tests.roles import OWN_ADVISOR_ID, OWN_SCHOOL_ID, person, rules_of, table

EXPECTED = {
    "can_see_all_contracts": ("bureau",),
    "can_see_contract": ("bureau", "advisor", "school"),
    "is_party_to": ("advisor", "school"),
    "can_submit_contract": ("school", "other_school"),
    "can_reassign_contracts": ("bureau",),
    "can_reassign_contract": ("bureau",),
    "can_filter_by_district": ("bureau",),
    "can_filter_by_school": ("bureau", "advisor", "other_advisor"),
    "can_filter_by_advisor": ("bureau",),
    "can_manage_calendar": ("bureau",),
}
ON_A_CONTRACT = {"can_see_contract", "is_party_to", "can_reassign_contract"}


def contract(status: Status = Status.SUBMITTED) -> Contract:
    return Contract(school_id=OWN_SCHOOL_ID, advisor_id=OWN_ADVISOR_ID, status=status)


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_rule(rule: str, who: str, allowed: bool) -> None:
    check = getattr(permissions, rule)
    args = (contract(),) if rule in ON_A_CONTRACT else ()
    assert check(person(who), *args) is allowed


@pytest.mark.parametrize("status", list(Status))
def test_only_an_open_contract_is_reassigned(status: Status) -> None:
    expected = status in (Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)
    assert permissions.can_reassign_contract(person("bureau"), contract(status)) is expected


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == set(EXPECTED)
