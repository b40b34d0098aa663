"""Who sees which figures: the bureau-wide dashboard and reports, or one's own home."""

from __future__ import annotations

from advisor.accounts.models import Role, User


def can_see_dashboard(user: User) -> bool:
    """The bureau sees the bureau-wide dashboard, reports and exports."""
    return user.role == Role.BUREAU


def has_advisor_home(user: User) -> bool:
    """An advisor's account opens on its own queue and figures."""
    return user.role == Role.ADVISOR and user.advisor_id is not None
