"""The names every page may call that come from a domain: role names and choices
(accounts), directory kinds, a contract's badges, an average rating in words (reviews),
the bell's unread count. Registered by create_app, so that i18n and the other helpers
below the domains import none of them."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from advisor.accounts.forms import ROLE_CHOICES
from advisor.accounts.services import unread_count
from advisor.contracts.badges import due_badge, status_badge
from advisor.directory.labels import KIND_LABELS
from advisor.extensions import db
from advisor.forms import option_tags
from advisor.reviews.labels import rating_in_words


def role_label(role: str) -> str:
    return str(dict(ROLE_CHOICES).get(role, role))


def role_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in ROLE_CHOICES]


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))  # type: ignore[call-overload]


def unread_notifications() -> int:
    """The bell's number for the signed-in user (0 for visitors)."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(db.session, current_user)


def init_template_globals(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=role_label,
        role_choices=role_choices,
        kind_label=kind_label,
        unread_notifications=unread_notifications,
        option_tags=option_tags,
        rating_in_words=rating_in_words,
    )
    app.jinja_env.filters.update(status_badge=status_badge, due_badge=due_badge)
