"""Language choice (user setting, then session, then Accept-Language) and display filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from advisor.accounts.forms import ROLE_CHOICES
from advisor.accounts.services import unread_count
from advisor.directory.labels import KIND_LABELS
from advisor.extensions import babel, db
from advisor.workdays import today_local

LOCALES = ("zh", "en")


def select_locale() -> str:
    try:
        saved = current_user.locale if current_user.is_authenticated else None
    except Exception:  # an error page must still render when the user cannot be loaded
        saved = None
    if saved in LOCALES:
        return str(saved)
    chosen = session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    return request.accept_languages.best_match(LOCALES) or LOCALES[0]


def fmt_date(value: date | datetime | None) -> str:
    """2025年10月14日 in Chinese, October 14, 2025 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return str(format_datetime(value, "medium"))
    return str(format_date(value, "long"))


def fmt_day(value: datetime | None) -> str:
    """The Beijing calendar day of a timestamp, written as a date."""
    if value is None:
        return ""
    return fmt_date(today_local(value))


def fmt_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(format_decimal(value, "#,##0.00"))


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


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["money"] = fmt_money
    app.jinja_env.filters["day"] = fmt_day
    app.jinja_env.globals.update(
        role_label=role_label,
        role_choices=role_choices,
        kind_label=kind_label,
        get_locale=get_locale,
        unread_notifications=unread_notifications,
    )
