"""The year-end routine on a phone: the bureau pastes a holiday notice, checks the
preview and saves it, in a couple of minutes. (2028, which no other test uses.)"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_journeys import sign_in

NOTICE_2028 = """国务院办公厅关于2028年部分节假日安排的通知

一、元旦：1月1日（周六）至3日（周一）放假，共3天。

二、春节：1月25日（农历除夕、周二）至2月1日（农历正月初七、周二）放假调休，共8天。1月23日（周日）、2月5日（周六）上班。

国务院办公厅
2027年11月4日
"""


def test_the_bureau_pastes_a_notice_checks_it_and_saves_it_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "bureau@demo.local")
    page.goto("/settings/calendar?year=2028")
    page.get_by_label("年度", exact=True).fill("2028")
    page.get_by_label("通知的发布机关").select_option(label="全国通知（国务院办公厅）")
    page.get_by_label("通知全文").fill(NOTICE_2028)
    page.get_by_role("button", name="预览").click()

    preview = page.get_by_test_id("notice-preview")
    expect(preview).to_contain_text("共识别放假日 11 天、调休上班日 2 天。")
    days = page.get_by_test_id("notice-days")
    expect(days.get_by_role("row").nth(1)).to_contain_text("2028年1月1日")
    expect(days.get_by_role("row").nth(1)).to_contain_text("星期六")
    expect(days.get_by_role("row").filter(has_text="2028年2月5日")).to_contain_text("调休上班")
    expect(page.get_by_test_id("notice-problems")).to_have_count(0)
    # Nothing is saved by looking.
    expect(page.get_by_test_id("calendar-days")).to_contain_text("本年度暂无记录")

    page.get_by_role("button", name="保存这 13 天").click()
    expect(page.get_by_role("alert").first).to_contain_text("2028 年：已保存 13 天。")
    saved = page.get_by_test_id("calendar-days")
    expect(saved.get_by_role("row")).to_have_count(14)  # header and 13 days
    # Line breaks survived the round trip: each item keeps its own holiday's name.
    expect(saved.get_by_role("row").filter(has_text="2028年1月3日")).to_contain_text("元旦")
    expect(saved.get_by_role("row").filter(has_text="2028年1月23日")).to_contain_text("春节")
