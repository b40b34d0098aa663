"""Issue 20 item 6, the review page as one place to work: one handler per outcome, the
form shown again with every choice made, the marks counted as shown, and a dismissal
carried to the next version when the hit's text is unchanged."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import Contract, ContractEvent, Status
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit
from advisor.reviews import services
from tests.factories import NOW
from tests.factories.contracts import current_contract, submit_contract, submit_revision
from tests.factories.people import holder
from tests.factories.reviews import FINDINGS, issue_review, start_review

BLANK = "第五条 交货地点：甲方食堂，每周____上午送达。"
BOTH = "第四条 争议解决：双方可向乌苏市仲裁委员会申请仲裁，也可向人民法院起诉。"
BOTH_CHANGED = "第四条 争议解决：双方可向克拉玛依仲裁委员会申请仲裁，也可向人民法院起诉。"
HEAD = [
    "食堂食材采购合同",
    "甲方：乌苏市第一中学  住所：乌苏市学府路1号",
    "乙方：乌苏市丰收食品有限公司",
    "第一条 标的：大米、面粉、食用油等食材，数量以每周订单为准。",
    "第二条 价款：人民币壹万贰仟元整（¥12,000.00）。",
    "第三条 违约责任：乙方逾期交货的，按日支付合同价款千分之一的违约金。",
]
SEAL = "甲方（盖章）：            乙方（盖章）："
LINES = [*HEAD, BOTH, BLANK, SEAL]

REVIEW = "/contracts/{id}/review"


def form_data(**extra: str) -> dict[str, str]:
    data = {
        "outcome": "approve",
        "summary": "见审查意见。",
        "minutes_spent": "30",
        "lock_version": "",
        "findings-0-id": "",
        "findings-0-dimension": "legality",
        "findings-0-severity": "medium",
        "findings-0-clause": "第五条",
        "findings-0-problem": "交货时间未填写。",
        "findings-0-suggestion": "写明每周几送达。",
        "findings-0-legal_basis": "",
    }
    return {**data, **extra}


def by_rule(session: orm.Session, contract: Contract) -> dict[str, PrecheckHit]:
    return {hit.rule: hit for hit in precheck.hits_for(session, contract)}


@pytest.fixture()
def reviewing(app: Flask, session: orm.Session) -> Contract:
    """A contract of school 1 with a blank and a two-way dispute clause, under review."""
    contract = submit_contract(app, session, 1, lines=LINES)
    start_review(session, contract)
    session.commit()
    return contract


def blank_and_both(session: orm.Session, contract: Contract) -> tuple[PrecheckHit, PrecheckHit]:
    hits = precheck.hits_for(session, contract)
    blank = [h for h in hits if "____" in h.excerpt]
    both = [h for h in hits if "仲裁" in h.excerpt and "法院" in h.excerpt]
    assert blank and both, [(h.rule, h.excerpt) for h in hits]
    return blank[0], both[0]


# --- one handler per outcome --------------------------------------------------------------


def test_issue_refuses_a_return_and_changes_nothing(
    advisor1: FlaskClient, reviewing: Contract, session: orm.Session
) -> None:
    response = advisor1.post(
        REVIEW.format(id=reviewing.id) + "/issue", data=form_data(outcome="return")
    )
    assert response.status_code == 422
    assert current_contract(session, reviewing.id).status == Status.IN_REVIEW
    assert services.issued_reviews(session, reviewing) == []


def test_return_returns_whatever_the_outcome_says(
    advisor1: FlaskClient, reviewing: Contract, session: orm.Session
) -> None:
    response = advisor1.post(REVIEW.format(id=reviewing.id) + "/return", data=form_data())
    assert response.status_code == 302
    assert current_contract(session, reviewing.id).status == Status.RETURNED
    [review] = services.issued_reviews(session, reviewing)
    assert review.outcome == "return"


def test_the_page_offers_no_return_outcome_and_two_buttons(
    advisor1: FlaskClient, reviewing: Contract
) -> None:
    root = lxml.html.fromstring(advisor1.get(REVIEW.format(id=reviewing.id)).get_data(as_text=True))
    assert "return" not in root.xpath('//select[@name="outcome"]/option/@value')
    issue = root.xpath('//button[@data-testid="issue"]')[0]
    back = root.xpath('//button[@data-testid="return"]')[0]
    assert issue.get("formaction").endswith("/review/issue")
    assert back.get("formaction").endswith("/review/return")
    assert issue.text_content() != back.text_content()


# --- the form shown again keeps every choice ----------------------------------------------


def returned_and_revised(app: Flask, session: orm.Session, contract: Contract) -> list[int]:
    """Return ``contract`` with two findings, upload a revision, start again: the earlier
    findings' ids."""
    review = issue_review(session, contract, "return", findings=FINDINGS[:2])
    submit_revision(app, session, contract, lines=LINES)
    start_review(session, contract)
    session.commit()
    return [finding.id for finding in review.findings]


def answers(response: Any) -> dict[str, str]:
    root = lxml.html.fromstring(response.get_data(as_text=True))
    shown = {}
    for select in root.xpath('//select[starts-with(@name, "resolved-")]'):
        chosen = select.xpath("option[@selected]/@value")
        shown[select.get("name")] = chosen[0] if chosen else ""
    return shown


@pytest.mark.parametrize("button", ["remove", "add", "dismiss"])
def test_the_form_shown_again_keeps_the_fixed_answers(
    app: Flask,
    advisor1: FlaskClient,
    reviewing: Contract,
    session: orm.Session,
    button: str,
) -> None:
    first, second = returned_and_revised(app, session, reviewing)
    chosen = {f"resolved-{first}": "1", f"resolved-{second}": "0"}
    base = REVIEW.format(id=reviewing.id)
    blank, _both = blank_and_both(session, current_contract(session, reviewing.id))
    url = {
        "remove": f"{base}/findings/0/remove",
        "add": f"{base}/findings/new",
        "dismiss": f"{base}/hits/{blank.id}/dismiss",
    }[button]
    reason = {f"dismiss-reason-{blank.id}": "学校已确认。"}
    response = advisor1.post(url, data=form_data(**chosen, **reason))
    assert response.status_code == 200
    assert answers(response) == chosen
    # Nothing was saved by showing the form again: the saved answers are still unsaid.
    assert answers(advisor1.get(base)) == {key: "" for key in chosen}


def test_taking_a_hit_keeps_the_fixed_answers(
    app: Flask, advisor1: FlaskClient, reviewing: Contract, session: orm.Session
) -> None:
    first, second = returned_and_revised(app, session, reviewing)
    chosen = {f"resolved-{first}": "1", f"resolved-{second}": "0"}
    base = REVIEW.format(id=reviewing.id)
    blank, _both = blank_and_both(session, current_contract(session, reviewing.id))
    response = advisor1.post(f"{base}/hits/{blank.id}/take", data=form_data(**chosen))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base}#hit-{blank.id}")
    assert answers(advisor1.get(base)) == chosen


# --- N 处 ------------------------------------------------------------------------------


def test_marks_merge_overlaps_and_are_counted_as_shown() -> None:
    def hit(hit_id: int, page: int | None, start: int | None, end: int | None) -> PrecheckHit:
        return PrecheckHit(id=hit_id, page=page, start=start, end=end, rule="r", excerpt="")

    hits = [hit(1, 1, 0, 4), hit(2, 1, 2, 6), hit(3, 1, 8, 9), hit(4, None, None, None)]
    pages = precheck.marked_pages(["abcdefghij"], hits)
    assert pages == [[("", []), ("abcdef", [1, 2]), ("gh", []), ("i", [3]), ("j", [])]]
    assert precheck.mark_count(pages) == 2  # four hits, one without a place, two overlapping


def test_the_count_above_the_text_is_the_number_of_marks(
    app: Flask, advisor1: FlaskClient, reviewing: Contract, session: orm.Session
) -> None:
    for url in (f"/contracts/{reviewing.id}", REVIEW.format(id=reviewing.id)):
        root = lxml.html.fromstring(advisor1.get(url).get_data(as_text=True))
        marks = len(root.xpath('//pre[contains(@class, "contract-text")]//mark'))
        [note] = root.xpath('//*[@data-testid="precheck-note"]')
        assert marks > 0
        assert f"（{marks} 处）" in note.text_content(), (url, note.text_content())


# --- a dismissal carried to the next version ----------------------------------------------


def test_a_dismissal_carries_to_the_next_version_when_the_text_is_unchanged(
    app: Flask, reviewing: Contract, session: orm.Session
) -> None:
    advisor = holder(session, reviewing)
    blank, both = blank_and_both(session, reviewing)
    for hit, reason in ((blank, "学校说明每周一送达。"), (both, "已与学校确认改为仲裁。")):
        precheck.dismiss(
            session, actor=advisor, contract=reviewing, hit=hit, reason=reason, now=NOW
        )
    issue_review(session, reviewing, "return", findings=FINDINGS[:1])
    version = submit_revision(app, session, reviewing, lines=[*HEAD, BOTH_CHANGED, BLANK, SEAL])
    session.commit()

    new_blank, new_both = blank_and_both(session, reviewing)
    assert new_blank.version_id == new_both.version_id == version.id
    # The blank's text is the same: dismissed again, by the same advisor, for the same reason.
    assert (new_blank.status, new_blank.reason) == ("dismissed", "学校说明每周一送达。")
    assert (new_blank.decided_by_id, new_blank.decided_at) == (advisor.id, blank.decided_at)
    # The dispute clause changed: the advisor reads it again.
    assert new_both.status == "open" and new_both.reason is None
    # The history says it was carried, when the version came, by nobody.
    [event] = session.scalars(
        sa.select(ContractEvent).where(
            ContractEvent.contract_id == reviewing.id, ContractEvent.action == "precheck_carried"
        )
    )
    assert event.actor_id is None and event.at == version.uploaded_at
    assert event.detail == {
        "version": version.number,
        "hits": [{"rule": blank.rule, "from_hit": blank.id, "to_hit": new_blank.id}],
    }


def test_a_taken_hit_is_not_carried(app: Flask, reviewing: Contract, session: orm.Session) -> None:
    advisor = holder(session, reviewing)
    blank, _both = blank_and_both(session, reviewing)
    precheck.mark_taken(
        session, actor=advisor, contract=reviewing, hit=blank, finding_id=None, now=NOW
    )
    issue_review(session, reviewing, "return", findings=FINDINGS[:1])
    submit_revision(app, session, reviewing, lines=LINES)
    session.commit()
    new_blank, _ = blank_and_both(session, reviewing)
    assert new_blank.status == "open"
    carried = sa.select(ContractEvent).where(ContractEvent.action == "precheck_carried")
    assert session.scalars(carried).all() == []
