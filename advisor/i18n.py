"""Language choice (user setting, then session, then Accept-Language) and display filters.
Below every domain: the names pages call that come from a domain are template_globals.py's."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from advisor.extensions import babel
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


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["money"] = fmt_money
    app.jinja_env.filters["day"] = fmt_day
    app.jinja_env.globals["get_locale"] = get_locale
