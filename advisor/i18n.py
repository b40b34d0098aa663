"""Language choice (user setting, then session, then Accept-Language) and display filters.
Below every domain: the names pages call that come from a domain are template_globals.py's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from advisor.extensions import babel
from advisor.workdays import today_local

LOCALES = ("zh", "en")
K = TypeVar("K")


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
    return _long_date(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _long_date(value: date, locale: str) -> str:
    """A day in the locale's long form, written once per process: a list of 50 entries
    shows a few days, and Babel takes 30-100 µs each time it writes one."""
    return str(format_date(value, "long"))


def translated(labels: Mapping[K, Any]) -> dict[K, str]:
    """``labels`` (lazy strings) in the request's language, translated once: a list page
    that looks each row's label up would translate it again for every row."""
    return {key: str(label) for key, label in labels.items()}


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
