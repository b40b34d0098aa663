"""The contract workflow as data: one table of (status, action) -> status with the roles allowed.

DESIGN.md draws it; this table is the only place it is defined. ``transition`` in
contracts.services applies it, writes the audit event and bumps the lock version.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from advisor.accounts.models import Role
from advisor.contracts.models import Status


class Action(enum.StrEnum):
    START = "start"
    RETURN = "return"
    ISSUE = "issue"
    REVISE = "revise"
    CLOSE = "close"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Step:
    to: Status
    roles: frozenset[str]


def _step(to: Status, *roles: str) -> Step:
    return Step(to, frozenset(roles))


TRANSITIONS: dict[tuple[Status, Action], Step] = {
    (Status.SUBMITTED, Action.START): _step(Status.IN_REVIEW, Role.ADVISOR),
    (Status.IN_REVIEW, Action.RETURN): _step(Status.RETURNED, Role.ADVISOR),
    (Status.IN_REVIEW, Action.ISSUE): _step(Status.REVIEWED, Role.ADVISOR),
    (Status.RETURNED, Action.REVISE): _step(Status.SUBMITTED, Role.SCHOOL),
    (Status.REVIEWED, Action.REVISE): _step(Status.SUBMITTED, Role.SCHOOL),
    (Status.REVIEWED, Action.CLOSE): _step(Status.CLOSED, Role.SCHOOL),
    (Status.SUBMITTED, Action.WITHDRAW): _step(Status.WITHDRAWN, Role.SCHOOL),
    (Status.IN_REVIEW, Action.WITHDRAW): _step(Status.WITHDRAWN, Role.SCHOOL),
    (Status.RETURNED, Action.WITHDRAW): _step(Status.WITHDRAWN, Role.SCHOOL),
}

# Statuses in which the contract is still with the advisor or the school, so the
# bureau may hand it to another advisor.
OPEN = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED})


def next_status(status: str, action: str, role: str) -> Status | None:
    """The status ``action`` leads to for ``role``, or None where the table forbids it."""
    try:
        step = TRANSITIONS[(Status(status), Action(action))]
    except (KeyError, ValueError):
        return None
    return step.to if role in step.roles else None


def roles_for(action: str) -> frozenset[str]:
    """Every role that may take ``action`` from some status."""
    return frozenset(
        role for (_, a), step in TRANSITIONS.items() if a == action for role in step.roles
    )


def actions_for(status: str, role: str) -> list[Action]:
    """What ``role`` may do to a contract in ``status`` (for buttons; not the check)."""
    return [a for (s, a), step in TRANSITIONS.items() if s == status and role in step.roles]
