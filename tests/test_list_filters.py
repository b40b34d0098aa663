"""The chips of a list's active filters (advisor.list_filters): one for each filter with a
value, each linking to the list without it alone; a filter on by default is turned off
rather than dropped; one link clears them all."""

from __future__ import annotations

from unittest.mock import ANY
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from advisor.contracts.labels import STATUS_LABELS
from advisor.list_filters import active_filters, list_url, worded

ARGS = MultiDict(
    [("q", "食堂"), ("law_firm_id", "3"), ("status", ""), ("per_page", "20"), ("page", "4")]
)


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_a_chip_a_filter_with_a_value_each_removing_that_filter_alone(app: Flask) -> None:
    with app.test_request_context():
        active = active_filters(
            "contracts.index",
            [
                ("q", "搜索", "食堂"),
                ("status", "状态", ""),  # sent empty by the form: no filter
                ("law_firm_id", "律师事务所", "新疆天山律师事务所"),
            ],
            args=ARGS,
        )
    assert [(c.key, c.label, c.value) for c in active.chips] == [
        ("q", "搜索", "食堂"),
        ("law_firm_id", "律师事务所", "新疆天山律师事务所"),
    ]
    q, firm = active.chips
    # Each link keeps the other filters and the page size, and starts at page 1.
    assert urlsplit(q.remove_url).path == "/contracts"
    assert query(q.remove_url) == [("law_firm_id", "3"), ("per_page", "20")]
    assert query(firm.remove_url) == [("q", "食堂"), ("per_page", "20")]
    assert query(active.clear_url) == [("per_page", "20")]


def test_a_filter_on_by_default_is_turned_off_not_dropped(app: Flask) -> None:
    with app.test_request_context():
        active = active_filters(
            "contracts.index",
            [("open", "状态", "未办结"), ("q", "搜索", "食堂")],
            off={"open": "0"},
            args=MultiDict([("q", "食堂")]),  # open by default: no argument says so
        )
    still_open, q = active.chips
    assert query(still_open.remove_url) == [("q", "食堂"), ("open", "0")]
    assert query(q.remove_url) == []  # the default stays on
    assert query(active.clear_url) == [("open", "0")]


def test_no_chip_and_the_plain_list_when_nothing_narrows(app: Flask) -> None:
    with app.test_request_context():
        active = active_filters("ledger.index", [("kind", "事项类型", "")], args=MultiDict())
        assert active.chips == ()
        assert active.clear_url == "/ledger"
        # The endpoint's own values (a report's year) stay in the address.
        findings = active_filters(
            "reports.year_findings",
            [("severity", "风险等级", "高")],
            args=MultiDict([("severity", "high")]),
            year=2025,
        )
    assert findings.chips[0].remove_url == "/reports/year/2025/findings"


def test_a_filter_the_form_knows_no_word_for_still_shows(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert worded(STATUS_LABELS, "withdrawn") == "已撤回"
        assert worded(STATUS_LABELS, "castle") == "castle"
        assert list_url("contracts.index", MultiDict([("status", "a&b")]), put={"open": "1"}) == (
            "/contracts?status=a%26b&open=1"
        )


# --- the lists that use them ------------------------------------------------------------


def page_chips(client: FlaskClient, path: str) -> dict[str, tuple[str, str]]:
    """Each chip of the page at ``path``: argument -> (visible words, address without it)."""
    root = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    return {
        a.get("data-testid")[len("filter-") :]: (
            " ".join(a.xpath("string(./text())").split()),
            a.get("href"),
        )
        for a in root.xpath('//*[@data-testid="active-filters"]/a')
        if a.get("data-testid", "").startswith("filter-")
    }


def test_the_ledger_shows_the_filters_a_report_link_sets(bureau: FlaskClient) -> None:
    chips = page_chips(
        bureau, "/ledger?kind=lecture&from=2025-01-01&to=2025-12-31&advisor_id=1&history=1"
    )
    assert chips == {
        "advisor_id": ("法律顾问：张伟（新疆天山律师事务所）", ANY),
        "kind": ("事项类型：法治讲座", ANY),
        "from": ("起始日期：2025年1月1日", ANY),
        "to": ("截止日期：2025年12月31日", ANY),
        "history": ("包括已被更正的记录", ANY),
    }
    assert chips["kind"][1] == "/ledger?from=2025-01-01&to=2025-12-31&advisor_id=1&history=1"


def test_the_years_findings_show_their_filters(bureau: FlaskClient) -> None:
    chips = page_chips(bureau, "/reports/year/2025/findings?dimension=legality&severity=high")
    assert chips == {
        "dimension": ("审查维度：合法性", "/reports/year/2025/findings?severity=high"),
        "severity": ("风险等级：高", "/reports/year/2025/findings?dimension=legality"),
    }


def test_the_directory_lists_show_their_filters(bureau: FlaskClient) -> None:
    assert page_chips(bureau, "/advisors?law_firm_id=1") == {
        "law_firm_id": ("律师事务所：新疆天山律师事务所", "/advisors")
    }
    assert page_chips(bureau, "/schools?district=乌苏市&active=0&level=") == {
        "district": ("所属区域：乌苏市", "/schools?active=0"),
        "active": ("状态：已停用", "/schools?district=%E4%B9%8C%E8%8B%8F%E5%B8%82"),
    }
