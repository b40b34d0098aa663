"""Language choice (user setting, then session, then Accept-Language) and display filters
(how a value reads is formats.py's). Below every domain: the names pages call that come
from a domain are template_globals.py's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property
from typing import Any, TypeVar

import flask_babel
from babel import support
from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from wtforms.i18n import messages_path

from advisor import formats
from advisor.workdays import today_local

LOCALES = ("zh", "en")
K = TypeVar("K")


class RequestDomain(flask_babel.Domain):
    """Flask-Babel's message catalogue, found once per request and language: Flask-Babel
    finds it anew for each message (the request's globals looked up six times, the
    locale's name built), and a contract page translates about sixty."""

    def get_translations(self) -> support.NullTranslations:
        context = g.get("_flask_babel") if g else None
        if context is None:
            return super().get_translations()  # type: ignore[no-any-return]
        locale = getattr(context, "babel_locale", None)
        kept = getattr(context, "advisor_translations", None)
        # force_locale and refresh() set another locale object, which misses the kept one
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]  # type: ignore[no-any-return]
        translations = super().get_translations()
        context.advisor_translations = (getattr(context, "babel_locale", None), translations)
        return translations  # type: ignore[no-any-return]


class Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self) -> RequestDomain:
        return RequestDomain(domain=self.domain)


babel = Babel()


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


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WtformsMessages:
    """WTForms' own messages (a field's "This field is required.") in the request's
    language, as Flask-WTF gives them, but with each language's catalog read once per
    process: Flask-WTF reads it from disk anew for every request that builds a form."""

    def gettext(self, string: str) -> str:
        if not has_request_context():
            return string
        return str(_wtforms_catalog(_language()).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return str(_wtforms_catalog(_language()).ungettext(singular, plural, n))


WTFORMS_MESSAGES = WtformsMessages()


def fmt_date(value: date | datetime | str | None) -> str:
    """A day as 2026年12月9日 (9 Dec 2026); a moment as 2026年12月9日 14:05 in the
    configured time zone (Beijing). A day stored as text (a notification's 2026-12-09)
    is read first; other text is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return formats.datetime_text(value, _language(), get_timezone())
    return formats.date_text(value, _language())


def _language() -> str:
    return str(get_locale() or LOCALES[0])


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
    """An exact amount: 12,000.00."""
    return formats.money_text(value)


def fmt_sum(value: Decimal | int | None) -> str:
    """A summary sum: 1.48亿元, 152.35万元 (¥148 million, ¥1.52 million)."""
    return formats.sum_text(value, _language())


def fmt_month(month: str) -> str:
    """2026年1月 (Jan 2026) for "2026-01"."""
    return formats.month_text(month, _language())


def fmt_period(period: str) -> str:
    """2026年度, 2026年第一季度 (2026, Q1 2026)."""
    return formats.period_text(period, _language())


def fmt_evaluation(period: str) -> str:
    """2026年度考核, 2026年第一季度考核 (Evaluation 2026)."""
    return formats.evaluation_title(period, _language())


@pass_context
def _template_gettext(context: Context, string: str, /, **variables: Any) -> str:
    """Jinja's new-style gettext (escaping, then ``%`` with the variables) in one call:
    Jinja's own ``_`` calls its ``gettext``, which calls Flask-Babel's, each through the
    template context's call."""
    text = flask_babel.get_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # nosec B704: the template's own message; the values are escaped
    return text % variables  # type: ignore[no-any-return]


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = flask_babel.get_translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # nosec B704: the template's own message; the values are escaped
    return text % variables  # type: ignore[no-any-return]


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["money"] = fmt_money
    app.jinja_env.filters["day"] = fmt_day
    app.jinja_env.filters["sum_yuan"] = fmt_sum
    app.jinja_env.filters["num"] = formats.number_text
    app.jinja_env.filters["period"] = fmt_period
    app.jinja_env.filters["month"] = fmt_month
    app.jinja_env.filters["evaluation_title"] = fmt_evaluation
    app.jinja_env.globals["get_locale"] = get_locale
