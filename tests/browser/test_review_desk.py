"""Issue 20 item 6 in Chromium: the review page is one place to work. The contract text
with its marks stands beside the findings (stacked on a phone) and says how many marks it
shows; taking or dismissing a hit, adding or removing a finding brings the page back where
the advisor was with every choice kept; returning and issuing are two buttons; a hit
dismissed on one version stays dismissed on the next when its text is unchanged."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.test_journeys import sign_in
from tests.browser.test_precheck import LINES, submit_with_hits
from tests.browser.test_review_loop import expect_flash, fill_finding
from tests.documents import make_pdf

# No other browser test signs in as these schools or their advisors.
DESK_SCHOOL, DESK_ADVISOR = "school13@demo.local", "advisor13@demo.local"
LOOP_SCHOOL, LOOP_ADVISOR = "school14@demo.local", "advisor14@demo.local"
BLANK = "存在未填写的空白"
BOTH = "既可仲裁又可诉讼"
FINDING = {
    "审查维度": "明确性",
    "风险等级": "中",
    "条款": "第五条",
    "问题": "交货日期留空。",
    "修改建议": "写明每周一上午送达。",
}


def hit(page: Page, text: str) -> Locator:
    return page.get_by_test_id("precheck").locator("[data-testid^=hit-]").filter(has_text=text)


def top(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["y"]


def expect_marks_counted(page: Page, text: Locator) -> None:
    """The "N 处" above the text is the number of marks in it."""
    marks = text.locator("mark")
    expect(marks.first).to_be_attached()
    note = page.get_by_test_id("precheck-note").inner_text()
    assert f"（{marks.count()} 处）" in note, (marks.count(), note)


def put_at(page: Page, locator: Locator, y: int) -> None:
    """Scroll the window so the top of ``locator`` stands ``y`` pixels from the top (less
    than where it stands with the page at its top, so the page must scroll)."""
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    # Scrolled again at each poll until it stays: a smooth scroll still running (the
    # click on a mark glides to its hit) could carry the page past a single scroll.
    page.wait_for_function(
        """([id, y]) => {
            const dy = document.getElementById(id).getBoundingClientRect().top - y;
            if (Math.abs(dy) < 2) return true;
            window.scrollBy({top: dy, behavior: 'instant'});
            return false;
        }""",
        arg=[locator.get_attribute("id"), y],
        timeout=5000,
        polling=100,
    )
    assert abs(top(locator) - y) < 2, "the page is too short to scroll there"


def expect_at(page: Page, locator: Locator, y: int) -> None:
    """Wait until the top of ``locator`` (an element with an id) stands ``y`` pixels from
    the top of the window, within 3 (the page scrolls smoothly); fail after 5 s."""
    page.wait_for_function(
        """([id, y]) => {
            const element = document.getElementById(id);
            return element && Math.abs(element.getBoundingClientRect().top - y) < 3;
        }""",
        arg=[locator.get_attribute("id"), y],
        timeout=5000,
    )


def test_text_beside_findings_marks_counted_and_the_place_kept(
    page: Page, new_page: PageFactory
) -> None:
    contract_url = submit_with_hits(page, DESK_SCHOOL)
    advisor = new_page()
    advisor.set_viewport_size({"width": 1280, "height": 600})
    sign_in(advisor, DESK_ADVISOR)
    advisor.goto(contract_url)
    expect_marks_counted(advisor, advisor.locator(".contract-text"))
    advisor.get_by_test_id("start-review").click()
    advisor.get_by_test_id("write-review").click()

    # The text with its marks beside the form, counted as shown; a mark leads to its hit.
    text = advisor.get_by_test_id("review-text")
    form = advisor.get_by_test_id("review-form")
    expect(text).to_be_visible()
    text_box, form_box = text.bounding_box(), form.bounding_box()
    assert text_box is not None and form_box is not None
    assert text_box["x"] >= form_box["x"] + form_box["width"] - 1, (text_box, form_box)
    assert text_box["y"] < form_box["y"] + 200, (text_box, form_box)
    expect_marks_counted(advisor, text)
    mark = text.get_by_test_id("mark").filter(has_text="____")
    target = mark.get_attribute("href")
    assert target is not None and target.startswith("#hit-"), target
    mark.click()
    expect(advisor.locator(target)).to_be_in_viewport()
    expect(advisor.locator(target)).to_contain_text(BLANK)

    # Choices made, then a dismissal further down: back at the same place, nothing lost.
    advisor.get_by_label("审查结论").select_option(label="修改后签订")
    advisor.get_by_label("总体意见").fill("第五条留有空白，填写后可以签订。")
    both = hit(advisor, BOTH)
    put_at(advisor, both, 40)
    both.get_by_placeholder("不适用的原因").fill("学校已确认改为仲裁。")
    both.get_by_role("button", name="排除").click()
    expect_flash(advisor, "已排除，原因已记录。")
    expect(both).to_contain_text("已排除：学校已确认改为仲裁。")
    expect_at(advisor, both, 40)
    expect(advisor.get_by_label("审查结论")).to_have_value("approve_with_changes")
    expect(advisor.get_by_label("总体意见")).to_have_value("第五条留有空白，填写后可以签订。")

    # Taken into the review: the same.
    blank = hit(advisor, BLANK)
    put_at(advisor, blank, 60)
    blank.get_by_role("button", name="纳入审查意见").click()
    expect_flash(advisor, "已作为审查问题纳入审查意见，草稿已保存。")
    expect(blank).to_contain_text("已纳入审查意见")
    expect_at(advisor, blank, 60)
    expect(advisor.get_by_label("审查结论")).to_have_value("approve_with_changes")

    # On a phone the text and the form are stacked, each the width of the screen.
    advisor.set_viewport_size({"width": 390, "height": 844})
    advisor.reload()
    text_box, form_box = text.bounding_box(), form.bounding_box()
    assert text_box is not None and form_box is not None
    assert text_box["y"] + text_box["height"] <= form_box["y"] + 1, (text_box, form_box)
    assert text_box["width"] <= 390 and form_box["width"] <= 390


def test_return_and_issue_are_two_buttons_and_a_dismissal_carries_over(
    page: Page, new_page: PageFactory
) -> None:
    school = page
    contract_url = submit_with_hits(school, LOOP_SCHOOL)
    advisor = new_page()
    sign_in(advisor, LOOP_ADVISOR)
    advisor.goto(contract_url)
    advisor.get_by_test_id("start-review").click()
    advisor.get_by_test_id("write-review").click()

    # One button per outcome, each with its own words; the outcomes to choose are the
    # opinion's.
    expect(advisor.get_by_test_id("issue")).to_have_text("出具意见")
    expect(advisor.get_by_test_id("return")).to_have_text("退回补正")
    outcome = advisor.get_by_label("审查结论")
    expect(outcome.locator("option")).to_have_text(["—", "同意签订", "修改后签订", "不建议签订"])

    hit(advisor, BLANK).get_by_placeholder("不适用的原因").fill("学校说明每周一送达。")
    hit(advisor, BLANK).get_by_role("button", name="排除").click()
    expect_flash(advisor, "已排除，原因已记录。")
    fill_finding(advisor.get_by_test_id("finding").nth(0), FINDING)
    advisor.get_by_label("总体意见").fill("请补充交货时间后重新提交。")
    advisor.get_by_test_id("return").click()
    expect(advisor).to_have_url(contract_url)
    expect_flash(advisor, "已退回学校补正。")
    expect(advisor.get_by_test_id("status")).to_have_text("退回补正")

    # The school changes the dispute clause only; the blank's line is as it was.
    school.reload()
    changed = [line.replace("也可向人民法院起诉", "仲裁裁决为终局裁决") for line in LINES]
    assert changed != LINES
    revision = school.locator('form[action$="/versions"]')
    revision.locator("input[type=file]").set_input_files(
        {"name": "合同（修改稿）.pdf", "mimeType": "application/pdf", "buffer": make_pdf([changed])}
    )
    revision.get_by_placeholder("修改内容").fill("已改为仲裁")
    revision.get_by_role("button", name="上传").click()
    expect(school.get_by_test_id("status")).to_have_text("待审查")

    advisor.reload()
    advisor.get_by_test_id("start-review").click()
    advisor.get_by_test_id("write-review").click()
    expect(hit(advisor, BLANK)).to_contain_text("已排除：学校说明每周一送达。")
    expect(hit(advisor, BLANK).get_by_role("button", name="排除")).to_have_count(0)

    # Choices on the returned findings survive adding and removing a finding.
    fixed = advisor.get_by_test_id("earlier-findings").get_by_label("是否已修改")
    expect(fixed).to_have_count(1)
    fixed.select_option(label="已修改")
    advisor.get_by_test_id("add-finding").click()
    findings = advisor.get_by_test_id("finding")
    expect(findings).to_have_count(2)
    expect(fixed).to_have_value("1")
    findings.nth(1).get_by_role("button", name="删除此要点").click()
    expect(findings).to_have_count(1)
    expect(fixed).to_have_value("1")

    # Issued as the opinion with the outcome chosen.
    fill_finding(findings.nth(0), FINDING)
    outcome.select_option(label="修改后签订")
    advisor.get_by_label("总体意见").fill("已补充交货时间，可以签订。")
    advisor.get_by_test_id("issue").click()
    expect(advisor).to_have_url(contract_url)
    expect_flash(advisor, "已出具意见。")
    expect(advisor.get_by_test_id("status")).to_have_text("已出具意见")
    expect(advisor.locator("body")).to_contain_text(re.compile("修改后签订"))
