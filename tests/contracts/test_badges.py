"""A contract's status and due-date badges, the Jinja filters of the lists, the homes and
the contract page (advisor/contracts/badges.py)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask, render_template_string

from advisor.contracts.models import Contract, Status
from tests.pages import zh

TODAY = date(2025, 10, 10)


def test_a_status_is_its_label_on_its_colour_escaped(app: Flask) -> None:
    with app.test_request_context():
        html = render_template_string(
            "{{ s|status_badge(statuses) }}", s="returned", statuses={"returned": "<退回>"}
        )
    assert html == ('<span class="badge text-bg-warning" data-testid="status">&lt;退回&gt;</span>')


@pytest.mark.parametrize(
    ("status", "due", "testid", "colour", "label"),
    [
        (Status.SUBMITTED, date(2025, 10, 9), "overdue", "danger", "Overdue"),
        (Status.IN_REVIEW, date(2025, 10, 11), "due-soon", "warning", "Due soon"),
    ],
)
def test_a_contract_due_soon_or_overdue_has_its_badge_in_the_users_language(
    app: Flask, status: Status, due: date, testid: str, colour: str, label: str
) -> None:
    contract = Contract(status=status, due_on=due)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        html = render_template_string("{{ c|due_badge(today) }}", c=contract, today=TODAY)
    assert html == (
        f'<span class="badge text-bg-{colour}" data-testid="{testid}">{zh(app, label)}</span>'
    )


@pytest.mark.parametrize(
    ("status", "due"),
    [(Status.SUBMITTED, date(2025, 10, 12)), (Status.RETURNED, date(2025, 10, 1))],
)
def test_a_contract_neither_due_soon_nor_overdue_has_none(
    app: Flask, status: Status, due: date
) -> None:
    with app.test_request_context():
        html = render_template_string(
            "[{{ c|due_badge(today) }}]", c=Contract(status=status, due_on=due), today=TODAY
        )
    assert html == "[]"
