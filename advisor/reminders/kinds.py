"""Every kind of reminder: who gets it and what it says, rendered in the reader's language
when it is sent (the texts are English msgids with Chinese translations)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from advisor.formats import date_text, period_text

Audience = Literal["advisor", "bureau", "school"]


@dataclass(frozen=True, slots=True)
class Kind:
    key: str
    audience: Audience
    label: LazyString
    subject: str  # msgid, formatted with the reminder's params
    body: str  # msgid, formatted with the reminder's params
    in_app: bool = True  # False when the app already told the user at the moment
    # The param holding the date the reminder is about (the review's due date, the day a
    # contract or appointment ends, ...) as 2026-03-02; None when it is about no one day.
    due_param: str | None = None


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "new_contract",
            "advisor",
            _l("A new contract to review"),
            "New contract to review: %(title)s",
            "%(school)s submitted %(title)s for review; the opinion is due by %(due)s.",
            in_app=False,
            due_param="due",
        ),
        Kind(
            "due_tomorrow",
            "advisor",
            _l("A review due tomorrow"),
            "Due tomorrow: %(title)s",
            "The opinion on %(title)s from %(school)s is due tomorrow, %(due)s.",
            due_param="due",
        ),
        Kind(
            "due_today",
            "advisor",
            _l("A review due today"),
            "Due today: %(title)s",
            "The opinion on %(title)s from %(school)s is due today, %(due)s.",
            due_param="due",
        ),
        Kind(
            "overdue",
            "advisor",
            _l("An overdue review (daily until done)"),
            "Overdue: %(title)s",
            "The opinion on %(title)s from %(school)s was due on %(due)s and is not issued yet.",
            due_param="due",
        ),
        Kind(
            "overdue_digest",
            "bureau",
            _l("Overdue reviews (one daily digest)"),
            "%(count)s overdue reviews",
            "Reviews past their due date today: %(list)s",
        ),
        Kind(
            "no_advisor",
            "bureau",
            _l("Schools without an advisor"),
            "%(count)s schools have no advisor",
            "These schools have no primary advisor assigned: %(list)s",
        ),
        Kind(
            "appointment_ending",
            "bureau",
            _l("Advisor appointments ending within 30 days"),
            "Appointment ending: %(advisor)s",
            "The appointment of %(advisor)s (%(firm)s) ends on %(ends)s.",
            due_param="ends",
        ),
        Kind(
            "calendar_missing",
            "bureau",
            _l("A year with no working-day calendar yet"),
            "Enter the %(year)s working-day calendar",
            "No holidays and make-up working days are known for %(year)s yet; due dates in"
            " %(year)s count only weekends as rest days until the calendar is entered.",
        ),
        Kind(
            "returned_waiting",
            "school",
            _l("A returned contract still waiting for its revision"),
            "Waiting for your revision: %(title)s",
            "%(title)s was returned for changes on %(returned)s; upload the revised version"
            " so that the review can go on.",
        ),
        Kind(
            "contract_ending",
            "school",
            _l("A contract ending within 30 days"),
            "Contract ending: %(title)s",
            "%(title)s with %(counterparty)s ends on %(ends)s. If it is to be renewed, submit"
            " the renewal for review in time.",
            due_param="ends",
        ),
        Kind(
            "evaluation_calendar",
            "advisor",  # or the bureau: see planning._evaluation_calendar
            _l("The evaluation calendar"),
            "%(event)s: %(period)s",
            "%(event)s, for the evaluation of %(period)s, on %(day)s.",
            due_param="day",
        ),
        Kind(
            "ledger_anchor",
            "bureau",
            _l("The ledger's daily anchor (its latest hash)"),
            "Ledger anchor %(day)s",
            "The work ledger had %(seq)s entries at the end of %(day)s; the latest hash is"
            " %(hash)s. Keep this message: if the ledger were ever rewritten as a whole,"
            " `flask ledger verify` would show a different hash for that entry.",
        ),
        Kind(
            "objections_closing",
            "advisor",
            _l("The last day to object to an evaluation"),
            "Last day to object: evaluation %(period)s",
            "Today, %(until)s, is the last day to object to your evaluation for %(period)s.",
            due_param="until",
        ),
    )
}


# Params stored as ISO days (2026-03-02), written as people read them when rendered; the
# overdue digest's list holds one such day per contract. An evaluation period ("2026",
# "2026-Q1") reads 2026年度, 2026年第一季度.
DAY_PARAMS = frozenset({"due", "ends", "returned", "day", "until"})
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def render(kind: str, params: Mapping[str, Any], locale: str) -> tuple[str, str]:
    """The subject and text of a reminder in ``locale``; a param given as
    ``{"zh": ..., "en": ...}`` is taken in that language, a day as 2026年3月2日
    (2 Mar 2026), an evaluation period as 2026年度."""
    found = KINDS[kind]
    with force_locale(locale):
        values = {
            k: _readable(k, v.get(locale, v.get("zh", "")) if isinstance(v, dict) else v, locale)
            for k, v in params.items()
        }
        return gettext(found.subject, **values), gettext(found.body, **values)


def _readable(key: str, value: Any, locale: str) -> Any:
    if isinstance(value, str) and key == "period":
        return period_text(value, locale)
    if not isinstance(value, str) or (key not in DAY_PARAMS and key != "list"):
        return value
    return _ISO_DAY.sub(lambda m: _day_text(m.group(0), locale), value)


def _day_text(text: str, locale: str) -> str:
    try:
        return date_text(date.fromisoformat(text), locale)
    except ValueError:
        return text


# The msgids above, marked for extraction (they are formatted at send time).
_MARKERS = (
    _l("New contract to review: %(title)s"),
    _l("%(school)s submitted %(title)s for review; the opinion is due by %(due)s."),
    _l("Due tomorrow: %(title)s"),
    _l("The opinion on %(title)s from %(school)s is due tomorrow, %(due)s."),
    _l("Due today: %(title)s"),
    _l("The opinion on %(title)s from %(school)s is due today, %(due)s."),
    _l("Overdue: %(title)s"),
    _l("The opinion on %(title)s from %(school)s was due on %(due)s and is not issued yet."),
    _l("%(count)s overdue reviews"),
    _l("Reviews past their due date today: %(list)s"),
    _l("%(count)s schools have no advisor"),
    _l("These schools have no primary advisor assigned: %(list)s"),
    _l("Appointment ending: %(advisor)s"),
    _l("The appointment of %(advisor)s (%(firm)s) ends on %(ends)s."),
    _l("Enter the %(year)s working-day calendar"),
    _l(
        "No holidays and make-up working days are known for %(year)s yet; due dates in"
        " %(year)s count only weekends as rest days until the calendar is entered."
    ),
    _l("Waiting for your revision: %(title)s"),
    _l(
        "%(title)s was returned for changes on %(returned)s; upload the revised version"
        " so that the review can go on."
    ),
    _l("Contract ending: %(title)s"),
    _l(
        "%(title)s with %(counterparty)s ends on %(ends)s. If it is to be renewed, submit"
        " the renewal for review in time."
    ),
    _l("%(event)s: %(period)s"),
    _l("%(event)s, for the evaluation of %(period)s, on %(day)s."),
    _l("Ledger anchor %(day)s"),
    _l(
        "The work ledger had %(seq)s entries at the end of %(day)s; the latest hash is"
        " %(hash)s. Keep this message: if the ledger were ever rewritten as a whole,"
        " `flask ledger verify` would show a different hash for that entry."
    ),
    _l("Last day to object: evaluation %(period)s"),
    _l("Today, %(until)s, is the last day to object to your evaluation for %(period)s."),
)


def due_date(kind: str, params: Mapping[str, Any]) -> date | None:
    """The date a reminder is about (see ``Kind.due_param``), or None: not the day it is
    sent, which is the reminder's own ``due_at``."""
    found = KINDS.get(kind)
    value = params.get(found.due_param) if found and found.due_param else None
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def subject_text(kind: str, params: Mapping[str, Any]) -> str:
    """A reminder's subject in the current language (for the pages)."""
    if kind not in KINDS:
        return kind
    return render(kind, params, str(get_locale() or "zh"))[0]
