"""Directory rules for every role, on records built in memory."""

from __future__ import annotations

import pytest

from advisor.directory import permissions
from advisor.directory.models import Advisor, School
from tests.roles import OWN_ADVISOR_ID, OWN_SCHOOL_ID, person, rules_of, table

EXPECTED = {
    "can_see_all_schools": ("bureau",),
    "can_see_all_advisors": ("bureau",),
    "can_manage_advisor": ("bureau", "advisor"),
    "can_see_served_school": ("bureau", "advisor", "other_advisor", "school"),
    "can_filter_by_law_firm": ("bureau",),
}


def ask(rule: str, who: str) -> bool:
    user = person(who)
    if rule == "can_manage_advisor":
        return permissions.can_manage_advisor(user, Advisor(id=OWN_ADVISOR_ID))
    if rule == "can_see_served_school":
        return permissions.can_see_served_school(user, School(id=OWN_SCHOOL_ID))
    return bool(getattr(permissions, rule)(user))


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_rule(rule: str, who: str, allowed: bool) -> None:
    assert ask(rule, who) is allowed


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == set(EXPECTED)
