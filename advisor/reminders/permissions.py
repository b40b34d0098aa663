"""Which reminders a user may receive (and so choose to get by e-mail): pure rules."""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.reminders.kinds import Kind


def can_receive(user: User, kind: Kind) -> bool:
    """A kind goes to its audience; the evaluation calendar also to the bureau (its events
    after a period ends are the bureau's)."""
    return kind.audience == user.role or (
        kind.key == "evaluation_calendar" and user.role == Role.BUREAU
    )
