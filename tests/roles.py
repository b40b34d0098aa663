"""Users of every role, built in memory for the pure permission rules (no database).

The records the rules are asked about belong to the "own" school and advisor; "other"
users belong to another school or are another advisor.
"""

from __future__ import annotations

import inspect
from types import ModuleType

from advisor.accounts.models import Role, User

OWN_SCHOOL_ID, OTHER_SCHOOL_ID = 1, 2
OWN_ADVISOR_ID, OTHER_ADVISOR_ID = 11, 12

WHO = ("bureau", "advisor", "other_advisor", "school", "other_school")


def person(who: str) -> User:
    """A fresh user for one of ``WHO``."""
    if who == "bureau":
        return User(role=Role.BUREAU)
    if who in ("advisor", "other_advisor"):
        advisor_id = OWN_ADVISOR_ID if who == "advisor" else OTHER_ADVISOR_ID
        return User(role=Role.ADVISOR, advisor_id=advisor_id)
    if who in ("school", "other_school"):
        school_id = OWN_SCHOOL_ID if who == "school" else OTHER_SCHOOL_ID
        return User(role=Role.SCHOOL, school_id=school_id)
    raise ValueError(who)


def table(expected: dict[str, tuple[str, ...]]) -> list[tuple[str, str, bool]]:
    """(rule, who, allowed) for every rule and every user; ``expected`` names who may."""
    return [(rule, who, who in allowed) for rule, allowed in expected.items() for who in WHO]


def rules_of(module: ModuleType) -> set[str]:
    """The rule functions a permissions module defines (not those it imports)."""
    return {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    }
