"""An average school rating reads with the word of its nearest point of the scale, in a
real Chromium (issue 20, item 7): 4 分（满意） on the year's figures and the advisor's
profile, 4 (Satisfied) in English — not a bare 4.00.

The contracts are test_accessibility's; WS001's school rates contract 5's opinion 满意.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from advisor.contracts.models import Contract
from advisor.extensions import db
from advisor.reviews import services as reviews
from tests.browser.conftest import serve_demo
from tests.browser.test_accessibility import _seed, _user
from tests.browser.test_phone import LAPTOP, open_as
from tests.test_access import EMAILS


def _rated(app: Flask) -> None:
    _seed(app)
    reviews.give_feedback(
        db.session,
        actor=_user(EMAILS["school"]),
        contract=db.session.get_one(Contract, 5),
        rating=4,
        comment="",
        now=datetime(2026, 3, 4, 2, tzinfo=UTC),
    )
    db.session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("ratings"), _rated) as address:
        yield address


def test_the_years_average_rating_reads_with_its_word(browser: Browser, server: str) -> None:
    page = open_as(browser, server, "bureau", LAPTOP)
    page.goto("/reports/year/2026")
    expect(page.get_by_test_id("rating")).to_have_text("4 分（满意） · 共1次评价")
    page.context.close()

    english = open_as(browser, server, "bureau", LAPTOP, "en-US")
    if english.locator("html").get_attribute("lang") != "en":
        with english.expect_navigation():
            english.get_by_test_id("language").select_option("en")
    english.goto("/reports/year/2026")
    expect(english.get_by_test_id("rating")).to_have_text(
        re.compile(r"^4 \(Satisfied\) · 1 ratings?$")
    )
    english.context.close()


def test_the_advisors_profile_reads_the_average_with_its_word(
    browser: Browser, server: str
) -> None:
    page = open_as(browser, server, "advisor", LAPTOP)
    page.get_by_role("link", name="我的资料").click()
    expect(page.get_by_test_id("rating-average")).to_have_text("4 分（满意） · 1 条评价")
    page.context.close()
