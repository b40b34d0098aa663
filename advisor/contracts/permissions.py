"""Who may see and act on a contract, and who narrows contract lists: pure rules.

The workflow table (``workflow``) says which role takes which action from which status;
these rules add whose contract it is. Views, the API and the services ask these.
"""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract
from advisor.contracts.workflow import OPEN


def can_see_all_contracts(user: User) -> bool:
    """The bureau sees every contract; a school its own, an advisor those it holds."""
    return user.role == Role.BUREAU


def can_see_contract(user: User, contract: Contract) -> bool:
    """The bureau any contract; a school its own; an advisor the contracts it holds."""
    if can_see_all_contracts(user):
        return True
    return is_party_to(user, contract)


def is_party_to(user: User, contract: Contract) -> bool:
    """The school that submitted the contract, or the advisor who holds it."""
    if user.role == Role.SCHOOL:
        return user.school_id is not None and user.school_id == contract.school_id
    if user.role == Role.ADVISOR:
        return user.advisor_id is not None and user.advisor_id == contract.advisor_id
    return False


def can_submit_contract(user: User) -> bool:
    """Only a school's staff submit contracts, for their own school."""
    return user.role == Role.SCHOOL and user.school_id is not None


def can_reassign_contracts(user: User) -> bool:
    """Only the bureau hands contracts from one advisor to another."""
    return user.role == Role.BUREAU


def can_reassign_contract(user: User, contract: Contract) -> bool:
    """The bureau hands a contract that is still open to another advisor."""
    return can_reassign_contracts(user) and contract.status in OPEN


def can_filter_by_district(user: User) -> bool:
    """The bureau narrows lists by district, level and law firm; others see only their own."""
    return user.role == Role.BUREAU


def can_filter_by_school(user: User) -> bool:
    """Advisors and the bureau narrow lists by school; a school sees only its own."""
    return user.role != Role.SCHOOL


def can_filter_by_advisor(user: User) -> bool:
    """The bureau narrows lists by advisor; an advisor sees only its own work anyway."""
    return user.role == Role.BUREAU


def can_manage_calendar(user: User) -> bool:
    """The bureau keeps the working-day calendar (and is told of years it lacks)."""
    return user.role == Role.BUREAU
