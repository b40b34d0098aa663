"""Who may see and change what in the directory: pure rules on a user and a record.

Views, the API and the services ask these; the scoped queries in ``queries`` read the
same "sees everything" rules, so a rule lives in one place.
"""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.directory.models import Advisor, School


def can_see_all_schools(user: User) -> bool:
    """The bureau sees every school; others only the schools tied to them."""
    return user.role == Role.BUREAU


def can_see_all_advisors(user: User) -> bool:
    """The bureau sees every advisor; others only the advisors tied to them."""
    return user.role == Role.BUREAU


def can_manage_advisor(user: User, advisor: Advisor) -> bool:
    """The bureau, or the advisor themself, records absences and conflicts of interest."""
    return user.role == Role.BUREAU or (user.role == Role.ADVISOR and user.advisor_id == advisor.id)


def can_see_served_school(user: User, school: School) -> bool:
    """Of the schools an advisor serves, a school user sees only itself; others see all."""
    return user.role != Role.SCHOOL or user.school_id == school.id


def can_filter_by_law_firm(user: User) -> bool:
    """The bureau narrows lists by law firm; others see only their own advisors anyway."""
    return user.role == Role.BUREAU
