"""Review pages through the test client, JavaScript off: the review form (add and remove
findings, drafts, stale lock, errors by finding), the contract page after an opinion,
rating and its anonymity, the advisor's average, notices, closing with a signed copy."""

from __future__ import annotations

import io
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts import services as contracts
from advisor.contracts.models import Contract, Status
from advisor.directory.models import Advisor
from advisor.reviews import services
from advisor.reviews.models import Feedback, Review
from tests.conftest import login
from tests.documents import make_pdf
from tests.factories import NOW
from tests.factories.contracts import current_contract, submit_contract, submit_revision
from tests.factories.people import bureau_user
from tests.factories.reviews import FINDINGS, SUMMARY, issue_review, start_review
from tests.pages import text_of, zh

Row = dict[str, str]

ROWS: list[Row] = [
    {
        "dimension": f.dimension,
        "severity": f.severity,
        "clause": f.clause,
        "problem": f.problem,
        "suggestion": f.suggestion,
        "legal_basis": f.legal_basis,
    }
    for f in FINDINGS
]
EMPTY: Row = {
    "dimension": "legality",
    "severity": "medium",
    "clause": "",
    "problem": "",
    "suggestion": "",
    "legal_basis": "",
}
FIELDS = ("dimension", "severity", "clause", "problem", "suggestion", "legal_basis")


# Where each button of contract 1's review form posts it.
SAVE = "/contracts/1/review"
ISSUE = "/contracts/1/review/issue"
RETURN = "/contracts/1/review/return"
ADD = "/contracts/1/review/findings/new"


def remove(row: int) -> str:
    return f"/contracts/1/review/findings/{row}/remove"


# --- helpers ----------------------------------------------------------------------------


def tree(response: Any) -> Any:
    return lxml.html.fromstring(response.get_data(as_text=True))


def by_testid(root: Any, testid: str) -> list[Any]:
    return root.xpath(f'//*[@data-testid="{testid}"]')


def one_text(root: Any, testid: str) -> str:
    [element] = by_testid(root, testid)
    return " ".join(element.text_content().split())


def alerts(response: Any) -> list[str]:
    return [" ".join(a.text_content().split()) for a in tree(response).xpath('//*[@role="alert"]')]


def posted(
    rows: list[Row],
    *,
    outcome: str = "approve_with_changes",
    summary: str = SUMMARY,
    minutes: str = "90",
    lock: int | str = "",
) -> dict[str, str]:
    """The review form as a browser without JavaScript sends it, to the URL of the button
    pressed (SAVE, ISSUE, ADD, remove(row): the buttons' formaction)."""
    data = {
        "outcome": outcome,
        "summary": summary,
        "minutes_spent": minutes,
        "lock_version": str(lock),
    }
    for i, row in enumerate(rows):
        for name in FIELDS:
            data[f"findings-{i}-{name}"] = row[name]
    return data


def shown_rows(response: Any) -> list[Row]:
    """The findings the form shows, in order, as their fields' values."""
    rows = []
    for card in by_testid(tree(response), "finding"):
        named = card.xpath('.//*[starts-with(@name, "findings-")]')
        fields = {e.get("name").rsplit("-", 1)[1]: e for e in named}
        rows.append({name: (fields[name].value or "").strip() for name in FIELDS})
    return rows


def field_value(response: Any, name: str) -> str:
    [element] = tree(response).xpath(f'//*[@name="{name}"]')
    return (element.value or "").strip()


def errors_by_finding(response: Any) -> list[list[str]]:
    return [
        [
            " ".join(e.text_content().split())
            for e in card.xpath('.//*[contains(@class, "invalid-feedback")]')
        ]
        for card in by_testid(tree(response), "finding")
    ]


@pytest.fixture()
def under_review(session: orm.Session) -> Contract:
    """Contract 1, which advisor01 has started to review."""
    found = current_contract(session)
    start_review(session, found)
    session.commit()
    return found


def opinion_issued(session: orm.Session, contract_id: int = 1) -> Review:
    found = current_contract(session, contract_id)
    start_review(session, found)
    review = issue_review(session, found)
    session.commit()
    return review


# --- the review form --------------------------------------------------------------------


def test_a_new_review_starts_with_one_empty_finding(
    advisor1: FlaskClient, under_review: Contract
) -> None:
    response = advisor1.get("/contracts/1/review")
    assert response.status_code == 200
    assert shown_rows(response) == [EMPTY]
    assert field_value(response, "lock_version") == str(under_review.lock_version)


def test_add_gives_an_empty_row_and_keeps_what_was_typed(
    advisor1: FlaskClient, under_review: Contract, session: orm.Session
) -> None:
    response = advisor1.post(ADD, data=posted(ROWS[:2], summary="初步意见"))
    assert response.status_code == 200
    assert shown_rows(response) == [*ROWS[:2], EMPTY]
    assert field_value(response, "summary") == "初步意见"
    assert field_value(response, "outcome") == "approve_with_changes"
    # Nothing is saved by adding a row.
    assert services.get_draft(session, current_contract(session)) is None


def test_remove_drops_that_row_and_keeps_the_others(
    advisor1: FlaskClient, under_review: Contract
) -> None:
    response = advisor1.post(remove(0), data=posted(ROWS))
    assert response.status_code == 200
    assert shown_rows(response) == ROWS[1:]
    middle = advisor1.post(remove(1), data=posted(ROWS))
    assert shown_rows(middle) == [ROWS[0], ROWS[2]]
    assert field_value(middle, "summary") == SUMMARY


def test_a_saved_draft_comes_back(
    app: Flask, advisor1: FlaskClient, under_review: Contract, session: orm.Session
) -> None:
    response = advisor1.post(SAVE, data=posted(ROWS, outcome="", minutes="40"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contracts/1/review")
    page = advisor1.get("/contracts/1/review")
    assert zh(app, "Draft saved.") in alerts(page)
    assert shown_rows(page) == ROWS
    assert field_value(page, "summary") == SUMMARY
    assert field_value(page, "minutes_spent") == "40"
    assert current_contract(session).status == Status.IN_REVIEW
    # The contract page offers to continue it.
    detail = tree(advisor1.get("/contracts/1"))
    assert one_text(detail, "write-review") == zh(app, "Continue the review")


def test_an_empty_row_is_not_saved(
    advisor1: FlaskClient, under_review: Contract, session: orm.Session
) -> None:
    response = advisor1.post(SAVE, data=posted([ROWS[0], EMPTY]))
    assert response.status_code == 302
    draft = services.get_draft(session, current_contract(session))
    assert draft is not None
    assert [f.problem for f in draft.findings] == [ROWS[0]["problem"]]


def test_issue_with_a_stale_lock_keeps_the_text_and_shows_the_news(
    app: Flask, advisor1: FlaskClient, under_review: Contract, session: orm.Session
) -> None:
    form = advisor1.get("/contracts/1/review")
    lock = field_value(form, "lock_version")
    # Meanwhile the bureau hands the contract to advisor02 and back: same status, newer row.
    found = current_contract(session)
    for advisor_id in (2, 1):
        advisor = session.get(Advisor, advisor_id)
        assert advisor is not None
        contracts.reassign(
            session,
            actor=bureau_user(session),
            contract=found,
            advisor=advisor,
            reason="请假",
            now=NOW,
        )
    session.commit()
    assert str(found.lock_version) != lock

    typed = "经审查，第三条违约金条款须修改后方可签订。"
    response = advisor1.post(ISSUE, data=posted(ROWS[:2], summary=typed, lock=lock))
    assert response.status_code == 409
    assert field_value(response, "summary") == typed
    assert shown_rows(response) == ROWS[:2]
    news = zh(
        app,
        "This contract was changed by someone else in the meantime (it is now: %(status)s)."
        " Reload it and try again.",
        status=zh(app, "Under review"),
    )
    assert news in alerts(response)
    found = current_contract(session)
    assert found.status == Status.IN_REVIEW
    assert services.issued_reviews(session, found) == []

    # Saving what was typed keeps it; the form then carries the current lock and issues.
    saved = advisor1.post(SAVE, data=posted(ROWS[:2], summary=typed, lock=lock))
    assert saved.status_code == 302
    again = advisor1.get("/contracts/1/review")
    assert field_value(again, "summary") == typed
    assert field_value(again, "lock_version") == str(current_contract(session).lock_version)
    issued = advisor1.post(
        ISSUE,
        data=posted(ROWS[:2], summary=typed, lock=field_value(again, "lock_version")),
    )
    assert issued.status_code == 302
    assert current_contract(session).status == Status.REVIEWED


def test_a_findings_error_is_shown_next_to_it(
    app: Flask, advisor1: FlaskClient, under_review: Contract, session: orm.Session
) -> None:
    no_problem = ROWS[1] | {"problem": ""}
    response = advisor1.post(ISSUE, data=posted([ROWS[0], no_problem]))
    assert response.status_code == 422
    assert errors_by_finding(response) == [[], [zh(app, "Describe the problem.")]]
    assert shown_rows(response) == [ROWS[0], no_problem]
    assert current_contract(session).status == Status.IN_REVIEW


def test_a_findings_error_is_shown_next_to_it_after_an_empty_row(
    app: Flask, advisor1: FlaskClient, under_review: Contract
) -> None:
    # The advisor added a row, left it empty and wrote only a clause in the next one:
    # the message belongs to the third row, the one with the clause.
    no_problem = ROWS[1] | {"problem": ""}
    response = advisor1.post(ISSUE, data=posted([ROWS[0], EMPTY, no_problem]))
    assert response.status_code == 422
    assert errors_by_finding(response) == [[], [], [zh(app, "Describe the problem.")]]


def test_the_form_refuses_a_missing_summary_by_field(
    app: Flask, advisor1: FlaskClient, under_review: Contract
) -> None:
    response = advisor1.post(ISSUE, data=posted(ROWS[:1], summary=""))
    assert response.status_code == 422
    [error] = tree(response).xpath(
        '//textarea[@name="summary"]/following-sibling::*[contains(@class, "invalid-feedback")]'
    )
    assert error.text_content().strip() == zh(app, "Write the summary opinion.")


def test_the_advisor_is_sent_back_from_a_submitted_contract(
    app: Flask, advisor1: FlaskClient
) -> None:
    response = advisor1.get("/contracts/1/review")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contracts/1")
    message = zh(
        app,
        "This cannot be done while the contract is %(status)s.",
        status=zh(app, "Awaiting review"),
    )
    [alert] = alerts(advisor1.get("/contracts/1"))
    assert alert.startswith(message)


def test_the_message_does_not_show_the_status_code(app: Flask, advisor1: FlaskClient) -> None:
    # The refusal names the status in words; its machine-readable field is for the API.
    advisor1.get("/contracts/1/review")
    [alert] = alerts(advisor1.get("/contracts/1"))
    assert "submitted" not in alert


@pytest.mark.parametrize(
    ("email", "status"),
    [("school01@demo.local", 403), ("bureau@demo.local", 403), ("advisor02@demo.local", 404)],
)
def test_only_the_holding_advisor_opens_the_form(
    app: Flask, under_review: Contract, email: str, status: int
) -> None:
    client = login(app.test_client(), email)
    assert client.get("/contracts/1/review").status_code == status
    assert client.post(ISSUE, data=posted(ROWS)).status_code == status
    # Every button's handler refuses them alike, before it looks at anything posted.
    hits = "/contracts/1/review/hits/999999"
    for url in (SAVE, ADD, remove(0), f"{hits}/take", f"{hits}/dismiss"):
        assert client.post(url, data=posted(ROWS)).status_code == status, url


def test_each_button_posts_the_form_to_its_own_handler(
    advisor1: FlaskClient, under_review: Contract
) -> None:
    # A browser without JavaScript sends the whole form to the pressed button's formaction;
    # the form's own action (the Enter key, a button without one) saves the draft.
    response = advisor1.post(ADD, data=posted(ROWS[:2]))
    [form] = by_testid(tree(response), "review-form")
    assert form.get("action") == SAVE
    buttons = form.xpath(".//button")
    # Enter submits with the first button: a hidden one that saves the draft.
    assert buttons[0].get("data-testid") == "enter-saves-draft"
    targets = {b.get("data-testid"): b.get("formaction") for b in buttons}
    assert targets.pop("enter-saves-draft") == SAVE
    assert targets.pop("save-draft") == SAVE
    assert targets.pop("issue") == ISSUE
    assert targets.pop("return") == RETURN
    # A button that brings the form back carries the place to come back to.
    assert targets.pop("add-finding") == f"{ADD}#finding-3"
    removes = [b.get("formaction") for b in by_testid(form, "remove-finding")]
    assert removes == [f"{remove(0)}#findings", f"{remove(1)}#finding-0", f"{remove(2)}#finding-1"]
    del targets["remove-finding"]
    # The pre-check's hits, each taken or dismissed by its own button.
    assert targets, "contract 1's upload has pre-check hits"
    for testid, url in targets.items():
        verb, hit_id = testid.split("-")
        assert verb in ("take", "dismiss")
        assert url == f"/contracts/1/review/hits/{hit_id}/{verb}#hit-{hit_id}"


# --- the contract page after an opinion -------------------------------------------------


def test_the_contract_page_shows_the_opinion(
    app: Flask,
    advisor1: FlaskClient,
    school1: FlaskClient,
    under_review: Contract,
    session: orm.Session,
) -> None:
    response = advisor1.post(
        ISSUE,
        data=posted(ROWS, lock=under_review.lock_version),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contracts/1")
    [review] = services.issued_reviews(session, current_contract(session))
    assert zh(app, "Opinion issued.") in alerts(advisor1.get("/contracts/1"))
    for client in (advisor1, school1):
        root = tree(client.get("/contracts/1"))
        assert one_text(root, "status") == zh(app, "Opinion issued")
        card = one_text(root, f"review-{review.id}")
        for row in ROWS:
            assert row["problem"] in card and row["suggestion"] in card
        assert zh(app, "Sign after changes") in card
        [link] = by_testid(root, "opinion-link")
        assert link.get("href") == "/contracts/1/opinion"
        [docx] = by_testid(root, f"docx-{review.id}")
        assert docx.get("href") == f"/contracts/1/opinion.docx?review={review.id}"


def test_a_return_shows_no_opinion_link(
    app: Flask,
    advisor1: FlaskClient,
    school1: FlaskClient,
    under_review: Contract,
    session: orm.Session,
) -> None:
    response = advisor1.post(RETURN, data=posted(ROWS[:1]))
    assert response.status_code == 302
    assert zh(app, "Returned to the school.") in alerts(advisor1.get("/contracts/1"))
    [review] = services.issued_reviews(session, current_contract(session))
    root = tree(school1.get("/contracts/1"))
    assert one_text(root, "status") == zh(app, "Returned for changes")
    card = one_text(root, f"review-{review.id}")
    assert ROWS[0]["problem"] in card and ROWS[0]["suggestion"] in card
    assert by_testid(root, "opinion-link") == []
    assert root.xpath('//a[contains(@href, "opinion.docx")]') == []


def test_the_rating_form_offers_the_words_of_the_scale(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    opinion_issued(session)
    [form] = by_testid(tree(school1.get("/contracts/1")), "feedback-form")
    radios = form.xpath('.//input[@type="radio"][@name="rating"]')
    labels = [
        " ".join(form.xpath(f'.//label[@for="{radio.get("id")}"]')[0].text_content().split())
        for radio in radios
    ]
    assert [radio.get("value") for radio in radios] == ["5", "4", "3", "2", "1"]
    assert labels == [
        "★★★★★ 非常满意",
        "★★★★ 满意",
        "★★★ 一般",
        "★★ 不满意",
        "★ 很不满意",
    ]
    # Sent without a choice: told what is missing, nothing stored.
    school1.post("/contracts/1/feedback", data={"comment": "很及时"})
    assert "请选择您对审查意见的满意程度。" in " ".join(alerts(school1.get("/contracts/1")))
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_the_school_rates_the_opinion_once(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    opinion_issued(session)
    assert len(by_testid(tree(school1.get("/contracts/1")), "feedback-form")) == 1
    response = school1.post("/contracts/1/feedback", data={"rating": "4", "comment": "很及时"})
    assert response.status_code == 302
    page = school1.get("/contracts/1")
    assert zh(app, "Thank you for rating the opinion.") in alerts(page)
    root = tree(page)
    assert by_testid(root, "feedback-form") == []
    assert one_text(root, "rating") == "★★★★☆ 满意 · 很及时"

    again = school1.post("/contracts/1/feedback", data={"rating": "1"})
    assert again.status_code == 302
    assert zh(app, "This opinion has already been rated.") in alerts(school1.get("/contracts/1"))
    assert [f.rating for f in session.scalars(sa.select(Feedback))] == [4]


@pytest.mark.parametrize(
    ("email", "status"), [("advisor01@demo.local", 403), ("school02@demo.local", 404)]
)
def test_only_the_school_rates(app: Flask, session: orm.Session, email: str, status: int) -> None:
    opinion_issued(session)
    client = login(app.test_client(), email)
    assert client.post("/contracts/1/feedback", data={"rating": "5"}).status_code == status
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_the_advisor_sees_ratings_only_when_anonymity_is_off(
    advisor1: FlaskClient, school1: FlaskClient, bureau: FlaskClient, session: orm.Session
) -> None:
    opinion_issued(session)
    school1.post("/contracts/1/feedback", data={"rating": "2", "comment": "回复太慢"})
    assert by_testid(tree(advisor1.get("/contracts/1")), "rating") == []
    assert one_text(tree(bureau.get("/contracts/1")), "rating") == "★★☆☆☆ 不满意 · 回复太慢"
    settings = tree(bureau.get("/settings/ratings"))
    assert settings.xpath('//input[@name="anonymous"]')[0].get("checked") is not None

    assert advisor1.post("/settings/ratings", data={}).status_code == 403
    assert by_testid(tree(advisor1.get("/contracts/1")), "rating") == []

    assert bureau.post("/settings/ratings", data={}).status_code == 302
    assert services.ratings_are_anonymous(session) is False
    settings = tree(bureau.get("/settings/ratings"))
    assert settings.xpath('//input[@name="anonymous"]')[0].get("checked") is None
    assert one_text(tree(advisor1.get("/contracts/1")), "rating") == "★★☆☆☆ 不满意 · 回复太慢"

    assert bureau.post("/settings/ratings", data={"anonymous": "1"}).status_code == 302
    assert by_testid(tree(advisor1.get("/contracts/1")), "rating") == []


def test_the_advisor_page_shows_the_average(
    app: Flask,
    advisor1: FlaskClient,
    bureau: FlaskClient,
    school1: FlaskClient,
    session: orm.Session,
) -> None:
    assert one_text(tree(advisor1.get("/advisors/1")), "rating-average") == "—"
    opinion_issued(session)
    second = submit_contract(app, session, 1)
    start_review(session, second)
    issue_review(session, second, "approve", findings=[])
    session.commit()
    school1.post("/contracts/1/feedback", data={"rating": "4"})
    school1.post(f"/contracts/{second.id}/feedback", data={"rating": "5"})
    expected = "4.5 分（满意） · " + zh(app, "%(n)d ratings", n=2)
    assert one_text(tree(advisor1.get("/advisors/1")), "rating-average") == expected
    assert one_text(tree(bureau.get("/advisors/1")), "rating-average") == expected
    # Other readers of the advisor's page do not see it.
    school_view = school1.get("/advisors/1")
    assert school_view.status_code == 200
    assert by_testid(tree(school_view), "rating-average") == []


def test_notices_of_each_step_are_listed(
    app: Flask, advisor1: FlaskClient, school1: FlaskClient, session: orm.Session
) -> None:
    found = current_contract(session)
    start_review(session, found)
    issue_review(session, found, "return", findings=FINDINGS[:1])
    submit_revision(app, session, found)
    start_review(session, found)
    issue_review(session, found, "approve", findings=[])
    session.commit()
    school1.post("/contracts/1/feedback", data={"rating": "5"})
    title = found.title

    school_page = text_of(school1.get("/notifications"))
    returned = zh(
        app,
        "%(title)s was returned for changes; see what to change and upload a revised version.",
        title=title,
    )
    assert returned in school_page
    assert zh(app, "The legal opinion on %(title)s has been issued.", title=title) in school_page
    assert zh(app, "The school rated your opinion on %(title)s.", title=title) not in school_page

    advisor_page = text_of(advisor1.get("/notifications"))
    assert zh(app, "The school rated your opinion on %(title)s.", title=title) in advisor_page
    assert zh(app, "Version %(n)s of %(title)s was uploaded.", n=2, title=title) in advisor_page
    assert returned not in advisor_page
    other = text_of(login(app.test_client(), "school02@demo.local").get("/notifications"))
    assert title not in other


# --- closing ----------------------------------------------------------------------------


def test_closing_with_a_signed_pdf_adds_a_signed_version(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    opinion_issued(session)
    root = tree(school1.get("/contracts/1"))
    assert len(by_testid(root, "close-form")) == 1
    signed = make_pdf([["食堂食材采购合同（双方已盖章）", "甲方（盖章）：乌苏市第一中学"]])
    response = school1.post(
        "/contracts/1/close",
        data={
            "result": "signed",
            "adoption": "partly",
            "note": "第三条按意见修改",
            "lock_version": str(current_contract(session).lock_version),
            "file": (io.BytesIO(signed), "食堂食材采购合同（已签订）.pdf"),
            # the seal use, and why the copy is not the reviewed text (test_seal_use.py)
            "seal": "official",
            "approved_by": "李校长",
            "used_on": "2026-11-13",
            "copies": "2",
            "difference_reason": "签订稿仅含盖章页",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = school1.get("/contracts/1")
    assert zh(app, "The contract is closed.") in alerts(page)
    root = tree(page)
    assert one_text(root, "status") == zh(app, "Closed")
    closing = one_text(root, "closing")
    assert zh(app, "Signed") in closing and zh(app, "Partly adopted") in closing
    assert "第三条按意见修改" in closing
    assert by_testid(root, "close-form") == []
    assert "食堂食材采购合同（已签订）.pdf" in one_text(root, "versions")

    found = current_contract(session)
    assert (found.status, found.result) == (Status.CLOSED, "signed")
    first, second = found.versions
    assert (first.is_signed, second.is_signed) == (False, True)
    assert second.size == len(signed)
    assert services.get_closing(session, found).signed_version_id == second.id  # type: ignore[union-attr]
    download = school1.get("/contracts/1/versions/2/file")
    assert download.status_code == 200 and download.data == signed


def test_closing_before_the_opinion_is_refused(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    response = school1.post("/contracts/1/close", data={"result": "signed", "adoption": ""})
    assert response.status_code == 302
    assert current_contract(session).status == Status.SUBMITTED
    assert services.get_closing(session, current_contract(session)) is None
    message = zh(
        app,
        "This cannot be done while the contract is %(status)s.",
        status=zh(app, "Awaiting review"),
    )
    assert any(message in a for a in alerts(school1.get("/contracts/1")))
