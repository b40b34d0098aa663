"""Journeys through a real Chromium: signing in per role, switching language, adding a school."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from advisor.demo.bureau import DEMO_PASSWORD
from tests.browser.conftest import PageFactory

BUREAU_LINKS = [
    "首页",
    "合同",
    "工作台账",
    "学校",
    "法律顾问",
    "律师事务所",
    "导入",
    "账户管理",
    "考核",
    "年度数据",
    "用印登记",
]
ADVISOR_LINKS = ["首页", "待审合同", "工作台账", "合同范本", "我服务的学校", "我的资料", "我的考核"]
SCHOOL_LINKS = ["首页", "本校合同", "提交合同", "合同范本", "用印登记", "本校", "本校法律顾问"]
ALL_LINKS = {*BUREAU_LINKS, *ADVISOR_LINKS, *SCHOOL_LINKS}
ZH_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the Chinese login form and wait for the signed-in navigation
    (on a phone it is folded behind the menu button, so it is there but not shown)."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("nav")).to_be_attached()


def choose_language(page: Page, label: str) -> None:
    """Choose on the language switch once the page has loaded: the switch sends itself
    through static/js/app.js (data-autosubmit), which a fast choice could beat."""
    page.wait_for_load_state("load")
    page.get_by_test_id("language").select_option(label=label)


def test_login_page_renders_chinese(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title("登录 · 学校法律顾问管理系统")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_label("电子邮箱")).to_be_visible()
    expect(page.get_by_label("密码", exact=True)).to_be_visible()
    expect(page.get_by_test_id("language")).to_have_value("zh")
    expect(page.get_by_test_id("nav")).to_have_count(0)
    expect(page.get_by_test_id("logout")).to_have_count(0)


def test_wrong_password_is_refused_in_chinese(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("电子邮箱").fill("nobody@demo.local")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("电子邮箱或密码错误。")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_test_id("nav")).to_have_count(0)


ROLES = [
    pytest.param("bureau@demo.local", "乌苏市教科局法规科", BUREAU_LINKS, r"/$", id="bureau"),
    pytest.param("advisor01@demo.local", "张伟", ADVISOR_LINKS, r"/$", id="advisor"),
    pytest.param("school01@demo.local", "乌苏市第一中学经办人", SCHOOL_LINKS, r"/$", id="school"),
]


@pytest.mark.parametrize(("email", "name", "links", "home"), ROLES)
def test_each_role_sees_its_own_navigation(
    page: Page, email: str, name: str, links: list[str], home: str
) -> None:
    sign_in(page, email)
    expect(page).to_have_url(re.compile(home))
    nav = page.get_by_test_id("nav")
    expect(nav.get_by_role("link")).to_have_text(links)
    for other in sorted(ALL_LINKS - set(links)):
        expect(nav.get_by_role("link", name=other, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("account-link")).to_have_text(name)

    for label in links:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.get_by_test_id("nav").get_by_role("link")).to_have_text(links)

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_have_text("您已退出登录。")
    expect(page.get_by_test_id("nav")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_english_browser_gets_english_login(new_page: PageFactory) -> None:
    page = new_page(locale="en-US")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_test_id("language")).to_have_value("en")


def test_language_switch_is_remembered(page: Page, new_page: PageFactory) -> None:
    sign_in(page, "advisor02@demo.local")
    nav = page.get_by_test_id("nav")
    expect(nav.get_by_role("link")).to_have_text(ADVISOR_LINKS)
    expect(page.get_by_test_id("language")).to_have_value("zh")

    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Home",
            "Review queue",
            "Work ledger",
            "Model contracts",
            "My schools",
            "My profile",
            "My evaluation",
        ]
    )
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    expect(page.get_by_test_id("language")).to_have_value("en")

    page.reload()
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Home",
            "Review queue",
            "Work ledger",
            "Model contracts",
            "My schools",
            "My profile",
            "My evaluation",
        ]
    )
    nav.get_by_role("link", name="My schools").click()
    expect(page).to_have_url(re.compile(r"/schools$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My schools")
    expect(page.get_by_test_id("language")).to_have_value("en")

    # The choice is kept on the account: a new browser, still Chinese before sign-in,
    # turns English once this advisor signs in.
    other = new_page()
    sign_in(other, "advisor02@demo.local")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    expect(other.get_by_test_id("nav").get_by_role("link")).to_have_text(
        [
            "Home",
            "Review queue",
            "Work ledger",
            "Model contracts",
            "My schools",
            "My profile",
            "My evaluation",
        ]
    )

    choose_language(other, "中文")
    expect(other.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(other.get_by_test_id("nav").get_by_role("link")).to_have_text(ADVISOR_LINKS)
    other.reload()
    expect(other.get_by_test_id("nav").get_by_role("link")).to_have_text(ADVISOR_LINKS)
    expect(other.get_by_test_id("logout")).to_have_text("退出登录")


def test_language_chosen_before_sign_in_is_kept(page: Page) -> None:
    # Only an account without a language takes the one chosen before sign-in, so this
    # uses school03, whom no other browser test signs in.
    page.goto("/login")
    choose_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("E-mail").fill("school03@demo.local")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("nav").get_by_role("link")).to_have_text(
        [
            "Home",
            "Our contracts",
            "Submit a contract",
            "Model contracts",
            "Seal uses",
            "My school",
            "Our advisors",
        ]
    )
    choose_language(page, "中文")
    expect(page.get_by_test_id("nav").get_by_role("link")).to_have_text(SCHOOL_LINKS)


def test_bureau_adds_school_and_assigns_primary_advisor(page: Page) -> None:
    code = f"bt{secrets.token_hex(4)}"
    name = f"浏览器测试学校{code.upper()}"
    sign_in(page, "bureau@demo.local")
    page.get_by_test_id("nav").get_by_role("link", name="学校", exact=True).click()

    page.get_by_test_id("new-school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增学校")
    form = page.get_by_test_id("school-form")
    form.get_by_label("学校代码").fill(code)
    form.get_by_label("学校名称").fill(name)
    form.get_by_label("所属区域").fill("乌苏市")
    form.get_by_label("学校类型").select_option(label="小学")
    form.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/schools/\d+$"))
    expect(page.get_by_role("alert")).to_have_text(f"学校“{name}”已保存。")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("dd").first).to_have_text(code.upper())  # codes are upper-cased
    expect(page.get_by_test_id("primary")).to_have_text("未指派")
    history = page.get_by_test_id("history").locator("tbody tr")
    expect(history).to_have_text(["尚未指派任何法律顾问。"])

    assign = page.get_by_test_id("assign-form")
    assign.get_by_label("顾问类型").select_option(label="主法律顾问")
    assign.get_by_label("法律顾问", exact=True).select_option(label="王芳（新疆明正律师事务所）")
    assign.get_by_role("button", name="指派").click()

    expect(page.get_by_role("alert")).to_have_text("已指派 王芳。")
    expect(page.get_by_test_id("primary").get_by_role("link")).to_have_text("王芳")
    expect(history).to_have_count(1)
    expect(history.first.locator("td")).to_have_text(
        ["王芳", "新疆明正律师事务所", "主法律顾问", ZH_DATE, "至今"]
    )

    # Replacing the primary advisor closes the previous assignment; history keeps both.
    assign.get_by_label("顾问类型").select_option(label="主法律顾问")
    assign.get_by_label("法律顾问", exact=True).select_option(label="张伟（新疆天山律师事务所）")
    assign.get_by_role("button", name="指派").click()

    expect(page.get_by_role("alert")).to_have_text("已指派 张伟。")
    expect(page.get_by_test_id("primary").get_by_role("link")).to_have_text("张伟")
    expect(history).to_have_count(2)
    expect(history.nth(0).locator("td")).to_have_text(
        ["张伟", "新疆天山律师事务所", "主法律顾问", ZH_DATE, "至今"]
    )
    expect(history.nth(1).locator("td")).to_have_text(
        ["王芳", "新疆明正律师事务所", "主法律顾问", ZH_DATE, ZH_DATE]
    )

    page.get_by_test_id("nav").get_by_role("link", name="学校", exact=True).click()
    page.get_by_placeholder("搜索名称或代码").fill(code)
    page.get_by_role("button", name="搜索").click()
    rows = page.get_by_test_id("schools").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(
        [code.upper(), name, "乌苏市", "小学", "张伟", "—"]
    )
