"""Who sees the bureau-wide figures and who has an advisor's home, for every role."""

from __future__ import annotations

import pytest

from advisor.reports import permissions
from tests.roles import person, rules_of, table

EXPECTED = {
    "can_see_dashboard": ("bureau",),
    "has_advisor_home": ("advisor", "other_advisor"),
}


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_rule(rule: str, who: str, allowed: bool) -> None:
    assert getattr(permissions, rule)(person(who)) is allowed


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == set(EXPECTED)
