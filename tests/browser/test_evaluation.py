"""The evaluation in a real Chromium, as issue 6's "done when" reads: the bureau computes
the year under the default rules, reads an advisor's explained scores, adjusts one item
with a reason, publishes, and the advisor objects and reads the bureau's answer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in

ADVISOR = "advisor09@demo.local"  # no other browser test signs in as advisor09


def test_compute_adjust_publish_object_answer(page: Page, new_page: PageFactory) -> None:
    bureau = page
    sign_in(bureau, "bureau@demo.local")
    bureau.get_by_test_id("nav").get_by_role("link", name="考核", exact=True).click()
    bureau.get_by_role("button", name="计算考核草稿").click()
    expect(bureau.get_by_role("alert").filter(has_text="考核草稿")).to_have_count(1)
    expect(bureau.get_by_test_id("status")).to_have_text("草稿")
    ranking = bureau.get_by_test_id("ranking")
    expect(ranking.locator("tbody tr")).to_have_count(35)
    expect(bureau.get_by_test_id("firms").locator("tbody tr")).to_have_count(5)

    # advisor09's result: every item with its points and its basis, in Chinese.
    ranking.locator("tbody tr").filter(has=bureau.locator('[data-testid="total-9"]')).get_by_role(
        "link"
    ).click()
    items = bureau.get_by_test_id("items")
    expect(items.locator("tbody tr")).to_have_count(7)
    # Each basis is a sentence a bureau official reads aloud, with no formula in it.
    discipline = "有效投诉数（教育局录入）：尚未录入，按细则无数据时计 10 分（满分 10 分）"
    expect(bureau.get_by_test_id("item-discipline").get_by_test_id("basis")).to_have_text(
        discipline
    )
    # (the demo's period may hold no review or rating for advisor09: then the item is not
    # counted, and says so)
    none = r"\d{4}年度 (未出具审查意见|无学校评价)，本项不计分，其余项目按比例折算"
    expect(bureau.get_by_test_id("item-on_time").get_by_test_id("basis")).to_have_text(
        re.compile(
            rf"^(\d+ 件审查意见中 \d+ 件按期出具（[\d.]+%），得 [\d.]+ 分（满分 25 分）|{none})$"
        )
    )
    expect(bureau.get_by_test_id("item-rating").get_by_test_id("basis")).to_have_text(
        re.compile(
            r"^(学校评价 \d+ 次，平均 [\d.]+ 分（5 分制），平均 1 分得 0 分、5 分得满分，"
            rf"得 [\d.]+ 分（满分 30 分）|{none})$"
        )
    )
    expect(bureau.get_by_test_id("item-lectures").get_by_test_id("basis")).to_have_text(
        re.compile(
            r"^台账记载法治讲座 \d+ 次，每次 2 分，(最多计 10 分，)?得 \d+ 分（满分 10 分）$"
        )
    )
    expect(items).not_to_contain_text(re.compile(r"[×÷=]"))
    # The figures still lead to the records behind them.
    expect(bureau.get_by_test_id("item-matters").get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/ledger\?advisor_id=9&from=\d{4}-01-01&to=\d{4}-12-31$")
    )
    before = bureau.get_by_test_id("total").inner_text()

    # No reason: refused, the typed points kept.
    form = bureau.get_by_test_id("adjust-points")
    form.get_by_label("考核项目", exact=True).select_option("discipline")
    form.get_by_label("分值（留空：恢复计算得分）").fill("5")
    form.get_by_role("button", name="保存并重新计分").click()
    expect(bureau.get_by_test_id("form-error")).to_have_text("请填写调整理由。")
    form = bureau.get_by_test_id("adjust-points")
    expect(form.get_by_label("分值（留空：恢复计算得分）")).to_have_value("5")
    form.get_by_label("原因", exact=True).fill("学期内一次迟到家长会，已核实")
    form.get_by_role("button", name="保存并重新计分").click()
    expect(bureau.get_by_test_id("item-discipline").get_by_test_id("basis")).to_have_text(
        f"教育局调整为 5 分（满分 10 分）。原计算：{discipline}"
    )
    expect(bureau.get_by_test_id("adjustments")).to_contain_text("学期内一次迟到家长会，已核实")
    expect(bureau.get_by_test_id("total")).not_to_have_text(before)

    bureau.get_by_role("link", name=re.compile(r"^\d{4}年(度|第.季度)考核$")).click()
    bureau.once("dialog", lambda dialog: dialog.accept())
    bureau.get_by_test_id("publish").get_by_role("button", name="发布").click()
    expect(bureau.get_by_test_id("status")).to_have_text("已发布")

    # The advisor is notified, reads the result and objects.
    advisor = new_page()
    sign_in(advisor, ADVISOR)
    expect(advisor.get_by_test_id("bell")).to_contain_text("1")
    advisor.get_by_test_id("nav").get_by_role("link", name="我的考核").click()
    advisor.get_by_test_id("evaluations").get_by_role("link").first.click()
    expect(advisor.get_by_test_id("item-discipline")).to_contain_text(
        "教育局调整为 5 分（满分 10 分）"
    )
    expect(advisor.get_by_test_id("adjust-points")).to_have_count(0)
    objection = advisor.get_by_test_id("objection-form")
    objection.get_by_role("textbox").fill("家长会当天在法院出庭，已提前报备。")
    objection.get_by_role("button", name="提交异议").click()
    expect(advisor.get_by_test_id("objection")).to_contain_text("待答复")
    expect(advisor.get_by_test_id("objection-form")).to_have_count(0)

    # The bureau answers and restores the points.
    bureau.reload()
    expect(bureau.get_by_test_id("open-objections")).to_contain_text("1")
    bureau.get_by_test_id("ranking").locator("tbody tr").filter(
        has=bureau.locator('[data-testid="total-9"]')
    ).get_by_role("link").click()
    answer = bureau.get_by_test_id("answer-form")
    answer.get_by_label("答复", exact=True).fill("经核实确有报备，恢复满分。")
    answer.get_by_label("调整以下项目的分值（可选）").select_option("discipline")
    answer.get_by_label("得分", exact=True).fill("10")
    answer.get_by_role("button", name="提交答复").click()
    expect(bureau.get_by_test_id("item-discipline")).to_contain_text(
        "教育局调整为 10 分（满分 10 分）"
    )

    advisor.reload()
    expect(advisor.get_by_test_id("answer")).to_contain_text("经核实确有报备，恢复满分。")
