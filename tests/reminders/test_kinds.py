"""A reminder's text in the reader's language, its days as people write them."""

from __future__ import annotations

from flask import Flask

from advisor.reminders.kinds import render


def test_days_in_a_reminder_read_as_people_write_them(app: Flask) -> None:
    params = {"title": "校服采购合同", "school": "乌苏市第二中学", "due": "2026-04-27"}
    with app.app_context():
        subject, body = render("overdue", params, "zh")
        assert subject.startswith("已超期：")
        assert (
            body
            == "乌苏市第二中学 的《校服采购合同》审查意见应于 2026年4月27日 出具，至今尚未出具。"
        )
        _, english = render("overdue", params, "en")
        assert "was due on 27 Apr 2026 and" in english
        # The digest's list carries one day per contract.
        listed = {"count": 2, "list": "甲 (一中, 2026-04-27); 2026-05-01 合同 (二中, 2026-05-06)"}
        _, digest = render("overdue_digest", listed, "zh")
        assert "甲 (一中, 2026年4月27日); 2026年5月1日 合同 (二中, 2026年5月6日)" in digest
        # A param that is no day, or not a date-bearing param, is left as it is.
        _, other = render("overdue", {**params, "due": "尽快", "title": "2026-04-27"}, "zh")
        assert "2026-04-27" in other and "应于 尽快 出具" in other
        _, ended = render(
            "contract_ending", {"title": "T", "counterparty": "C", "ends": "2026-12-31"}, "en"
        )
        assert "ends on 31 Dec 2026." in ended
        last = {"period": "2025", "until": "2026-01-09"}
        subject, body = render("objections_closing", last, "zh")
        assert subject == "异议期最后一天：2025年度考核"
        assert "2026年1月9日" in body and "2026-01-09" not in body
        subject, _ = render("objections_closing", {**last, "period": "2025-Q4"}, "en")
        assert subject == "Last day to object: evaluation Q4 2025"
