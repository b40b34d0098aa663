"""Who may see the pre-check's hits, decide on them and switch its rules: pure rules."""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract


def can_see_hits(user: User, contract: Contract) -> bool:
    """Advisors and the bureau see a contract's pre-check hits; the school does not."""
    return user.role in (Role.ADVISOR, Role.BUREAU)


def can_decide_hit(user: User, contract: Contract) -> bool:
    """Only the advisor reviewing the contract takes a hit into the review or dismisses it."""
    return (
        user.role == Role.ADVISOR
        and user.advisor_id is not None
        and user.advisor_id == contract.advisor_id
    )


def can_switch_rules(user: User) -> bool:
    """The bureau switches pre-check rules off and on."""
    return user.role == Role.BUREAU
