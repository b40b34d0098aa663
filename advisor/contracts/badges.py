"""A contract's status and due-date badges as markup, Jinja filters of the lists, the
homes and the contract page: ``{{ c.status|status_badge(statuses) }}``,
``{{ c|due_badge(today) }}``. Written in Python rather than as Jinja macros, and called
as filters rather than functions: Jinja calls a filter directly but a macro or a
function through its context, which cost a list page of 50 contracts about 1.5 ms of its
rows (issue 19, item 3)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from advisor.contracts.models import Contract
from advisor.contracts.queries import due_badge as due_kind

COLOURS = {
    "submitted": "primary",
    "in_review": "info",
    "returned": "warning",
    "reviewed": "success",
    "closed": "secondary",
    "withdrawn": "light",
}


def status_badge(status: str, statuses: Mapping[Any, Any]) -> Markup:
    """The status in words (``statuses``: the labels, translated or lazy) on its colour."""
    colour = COLOURS.get(status, "secondary")
    return Markup(  # nosec B704: the label is escaped
        f'<span class="badge text-bg-{colour}" data-testid="status">'
        f"{escape(str(statuses[status]))}</span>"
    )


def due_badge(contract: Contract, today: date) -> Markup:
    """The "Overdue" or "Due soon" badge while the advisor holds the contract
    (queries.due_badge), else nothing."""
    kind = due_kind(contract, today)
    if kind == "overdue":
        label, colour, testid = _("Overdue"), "danger", "overdue"
    elif kind == "due_soon":
        label, colour, testid = _("Due soon"), "warning", "due-soon"
    else:
        return Markup("")
    return Markup(  # nosec B704: the label is escaped
        f'<span class="badge text-bg-{colour}" data-testid="{testid}">{escape(label)}</span>'
    )
