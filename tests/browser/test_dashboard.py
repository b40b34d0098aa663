"""The homes in a real Chromium: the bureau's dashboard draws its charts without any
network, filters by year, prints without the menu, and leads to the records behind a
figure; a school's home names its advisors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in


def test_the_bureau_dashboard(page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, "bureau@demo.local")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^工作概览 · \d{4}年度$"))
    # Ten charts; a chart with nothing to count says so instead of drawing empty axes.
    expect(page.locator("figure.chart")).to_have_count(10)
    drawn = page.locator("figure.chart svg[role=img]").count()
    empty = page.locator("figure.chart", has_text="当前筛选条件下没有数据").count()
    assert drawn + empty == 10
    for testid in ("chart-status", "chart-monthly", "chart-outcome"):
        expect(page.get_by_test_id(testid).locator("svg")).to_be_visible()
    expect(page.get_by_test_id("chart-monthly-table").locator("tbody tr")).to_have_count(12)
    # Nothing came from anywhere but this server.
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    assert all(url.startswith(origin.group(0)) for url in requests), requests

    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"year=2025"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作概览 · 2025年度")
    expect(page.get_by_test_id("chart-monthly-table").locator("tbody tr").first).to_contain_text(
        "2025年1月"
    )

    page.emulate_media(media="print")
    expect(page.get_by_test_id("nav")).to_be_hidden()
    expect(page.get_by_test_id("filters")).to_be_hidden()
    expect(page.get_by_test_id("chart-status").locator("svg")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_test_id("kf-overdue").click()
    expect(page).to_have_url(re.compile(r"/contracts\?overdue=1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("合同")


def test_a_school_home_names_its_advisors(new_page: PageFactory) -> None:
    page = new_page()
    sign_in(page, "school05@demo.local")
    expect(page.get_by_role("heading", level=1)).to_have_text("本校合同概览")
    primary = page.get_by_test_id("advisor-primary")
    expect(primary).to_contain_text("主法律顾问")
    expect(primary.get_by_role("link").first).to_have_attribute("href", re.compile(r"^tel:"))
    page.get_by_test_id("submit-contract").click()
    expect(page).to_have_url(re.compile(r"/contracts/new$"))
