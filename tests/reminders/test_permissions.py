"""Which reminder kinds each role may receive."""

from __future__ import annotations

import pytest

from advisor.reminders import kinds, permissions
from tests.roles import WHO, person, rules_of

ROLE_OF = {
    "bureau": "bureau",
    "advisor": "advisor",
    "other_advisor": "advisor",
    "school": "school",
    "other_school": "school",
}


@pytest.mark.parametrize("key", sorted(kinds.KINDS))
@pytest.mark.parametrize("who", WHO)
def test_a_kind_goes_to_its_audience(key: str, who: str) -> None:
    kind = kinds.KINDS[key]
    expected = kind.audience == ROLE_OF[who] or (key == "evaluation_calendar" and who == "bureau")
    assert permissions.can_receive(person(who), kind) is expected


def test_the_bureau_also_gets_the_evaluation_calendar() -> None:
    assert kinds.KINDS["evaluation_calendar"].audience == "advisor"
    assert permissions.can_receive(person("bureau"), kinds.KINDS["evaluation_calendar"])


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == {"can_receive"}
