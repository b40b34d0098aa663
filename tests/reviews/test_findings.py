"""A review's findings are edited in place, never rebuilt, because pre-check hits point at
them: a hit taken into the review keeps its finding through every save and the issue; a
finding the advisor removes is deleted and its hit is undecided again. The review page
and the API both name the findings they edit by id. A database fault on the way is a 500
logged with its traceback, never passed off as someone else's edit."""

from __future__ import annotations

import logging
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError

from advisor.contracts.models import Contract, Status
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit
from advisor.reviews import services
from advisor.reviews.models import Finding, Review
from advisor.reviews.services import FindingData
from tests.factories import NOW, TODAY
from tests.factories.contracts import current_contract
from tests.factories.people import holder, token_headers
from tests.factories.reviews import FINDINGS, review_data, start_review
from tests.pages import text_of, zh
from tests.precheck.test_in_use import blank_hit, submit_with_blank

# What the advisor makes of the blank the pre-check found, first as taken, then edited.
TAKEN = FindingData(
    dimension="clarity",
    severity="medium",
    clause="每周____日上午",
    problem="存在未填写的空白。",
)
EDITED = "第五条交货日未填写，应写明每周一上午八时前送达。"


def started(app: Flask, session: orm.Session) -> tuple[Contract, PrecheckHit]:
    """A contract under review whose upload left a blank, and the pre-check's hit on it."""
    contract_id = submit_with_blank(app, session)
    found = current_contract(session, contract_id)
    start_review(session, found)
    session.commit()
    return found, blank_hit(session, contract_id)


def save(session: orm.Session, found: Contract, findings: list[FindingData]) -> Review:
    return services.save_draft(
        session,
        actor=holder(session, found),
        contract=found,
        data=review_data(None, findings=findings),
        now=NOW,
    )


def take(session: orm.Session, found: Contract, hit: PrecheckHit) -> Finding:
    """What 纳入审查意见 does: the hit's finding added last to the draft, the hit linked to it."""
    draft = services.get_draft(session, found)
    kept = [edit(f) for f in draft.findings] if draft else []
    draft = services.take_hit(
        session,
        actor=holder(session, found),
        contract=found,
        data=review_data(None, findings=[*kept, TAKEN]),
        hit=hit,
        now=NOW,
    )
    return draft.findings[-1]


def edit(finding: Finding, **changes: Any) -> FindingData:
    """A saved finding as the form sends it back: its id, its values, the changes."""
    values: dict[str, Any] = {
        "id": finding.id,
        "dimension": finding.dimension,
        "severity": finding.severity,
        "clause": finding.clause,
        "problem": finding.problem,
        "suggestion": finding.suggestion,
        "legal_basis": finding.legal_basis,
    }
    return FindingData(**{**values, **changes})


def hit_state(session: orm.Session, hit: PrecheckHit) -> tuple[str, int | None, bool]:
    session.expire_all()
    fresh = session.get_one(PrecheckHit, hit.id)
    return fresh.status, fresh.finding_id, fresh.decided_at is not None


# --- the services -------------------------------------------------------------------------


def test_editing_a_taken_finding_keeps_the_hit_linked_to_it(
    app: Flask, session: orm.Session
) -> None:
    found, hit = started(app, session)
    save(session, found, FINDINGS[:1])
    taken = take(session, found, hit)
    first = services.get_draft(session, found)
    assert first is not None
    ids = [f.id for f in first.findings]
    assert ids[-1] == taken.id

    save(session, found, [edit(first.findings[0]), edit(taken, problem=EDITED)])
    save(session, found, [edit(first.findings[0]), edit(taken, problem=EDITED, severity="high")])

    assert hit_state(session, hit) == ("taken", taken.id, True)
    draft = services.get_draft(session, found)
    assert draft is not None and [f.id for f in draft.findings] == ids
    assert [(f.position, f.problem, f.severity) for f in draft.findings] == [
        (1, FINDINGS[0].problem, FINDINGS[0].severity),
        (2, EDITED, "high"),
    ]


def test_reordering_findings_moves_them_and_keeps_their_rows(
    app: Flask, session: orm.Session
) -> None:
    found, hit = started(app, session)
    save(session, found, FINDINGS[:2])
    taken = take(session, found, hit)
    draft = services.get_draft(session, found)
    assert draft is not None
    a, b, c = draft.findings
    save(session, found, [edit(c), edit(a), FINDINGS[2], edit(b)])
    session.expire_all()
    draft = services.get_draft(session, found)
    assert draft is not None
    assert [(f.position, f.id) for f in draft.findings][:2] == [(1, c.id), (2, a.id)]
    assert [f.position for f in draft.findings] == [1, 2, 3, 4]
    assert draft.findings[2].problem == FINDINGS[2].problem and draft.findings[3].id == b.id
    assert hit_state(session, hit) == ("taken", taken.id, True)


def test_removing_the_taken_finding_reopens_its_hit(app: Flask, session: orm.Session) -> None:
    found, hit = started(app, session)
    save(session, found, FINDINGS[:1])
    taken = take(session, found, hit)
    draft = services.get_draft(session, found)
    assert draft is not None
    kept = draft.findings[0]

    save(session, found, [edit(kept)])  # the advisor removed the taken finding

    assert hit_state(session, hit) == ("open", None, False)
    assert session.get(Finding, taken.id) is None
    draft = services.get_draft(session, found)
    assert draft is not None and [(f.id, f.position) for f in draft.findings] == [(kept.id, 1)]
    # Undecided again: the advisor may take it anew (or dismiss it).
    again = take(session, found, session.get_one(PrecheckHit, hit.id))
    assert hit_state(session, hit) == ("taken", again.id, True)


def test_issuing_keeps_the_taken_finding_and_reviews_the_contract(
    app: Flask, session: orm.Session
) -> None:
    found, hit = started(app, session)
    taken = take(session, found, hit)
    review = services.issue_review(
        session,
        actor=holder(session, found),
        contract=found,
        data=review_data("approve_with_changes", findings=[edit(taken, problem=EDITED)]),
        today=TODAY,
        now=NOW,
    )
    assert hit_state(session, hit) == ("taken", taken.id, True)
    issued = session.get_one(Finding, taken.id)
    assert issued.review_id == review.id and issued.problem == EDITED
    assert (
        review.status == "issued" and current_contract(session, found.id).status == Status.REVIEWED
    )


def test_an_id_that_is_not_the_drafts_adds_a_finding_and_touches_nothing_else(
    app: Flask, session: orm.Session
) -> None:
    found, hit = started(app, session)
    taken = take(session, found, hit)
    other = current_contract(session, 2)
    start_review(session, other)
    foreign = save(session, other, FINDINGS[:1]).findings[0]
    session.commit()

    # Another tab removed the taken finding meanwhile; this one still names it.
    save(session, found, [])
    save(session, found, [edit(taken, problem=EDITED), edit(foreign, problem="改写")])

    draft = services.get_draft(session, found)
    assert draft is not None
    assert [f.problem for f in draft.findings] == [EDITED, "改写"]
    assert {f.id for f in draft.findings}.isdisjoint({taken.id, foreign.id})
    session.expire_all()
    untouched = session.get_one(Finding, foreign.id)
    assert (untouched.review_id, untouched.problem) == (foreign.review_id, FINDINGS[0].problem)
    assert hit_state(session, hit) == ("open", None, False)


# --- the review page ----------------------------------------------------------------------


def form_of(response: Any) -> dict[str, str]:
    """The review form's fields as a browser would send them back (no button pressed)."""
    [form] = lxml.html.fromstring(text_of(response)).xpath('//form[@data-testid="review-form"]')
    values = dict(form.form_values())
    for area in form.xpath(".//textarea"):  # a browser drops the newline after <textarea>
        values[area.name] = values[area.name].removeprefix("\r\n").removeprefix("\n")
    return values


def buttons(response: Any, testid: str) -> list[str]:
    """Where the review form's buttons ``testid`` post it (their formaction), in order."""
    [form] = lxml.html.fromstring(text_of(response)).xpath('//form[@data-testid="review-form"]')
    return [str(b.get("formaction")) for b in form.xpath(f'.//button[@data-testid="{testid}"]')]


def button(response: Any, testid: str) -> str:
    """Where the review form's one button ``testid`` posts it, as a browser sends it."""
    [url] = buttons(response, testid)
    return url


def taken_row(form: dict[str, str], finding_id: int) -> str:
    """The form's row number of the saved finding ``finding_id`` (its hidden id field)."""
    [row] = [k.split("-")[1] for k, v in form.items() if k.endswith("-id") and v == str(finding_id)]
    return row


def test_the_review_page_keeps_a_taken_hit_through_saves_and_the_issue(
    app: Flask, session: orm.Session, advisor1: FlaskClient
) -> None:
    found, hit = started(app, session)
    url = f"/contracts/{found.id}/review"
    page = advisor1.get(url)
    assert advisor1.post(button(page, f"take-{hit.id}"), data=form_of(page)).status_code == 302
    _, finding_id, _ = hit_state(session, hit)
    assert finding_id is not None

    # The form carries each finding's id; saving the edited text keeps the hit's link.
    page = advisor1.get(url)
    form = form_of(page)
    form[f"findings-{taken_row(form, finding_id)}-problem"] = EDITED
    saved = advisor1.post(button(page, "save-draft"), data={**form, "summary": "修改后可以签订。"})
    assert saved.status_code == 302, text_of(saved)[:500]
    assert hit_state(session, hit) == ("taken", finding_id, True)
    assert session.get_one(Finding, finding_id).problem == EDITED

    page = advisor1.get(url)
    form = form_of(page)
    form["outcome"] = "approve_with_changes"
    issued = advisor1.post(button(page, "issue"), data=form)
    assert issued.status_code == 302, text_of(issued)[:500]
    assert current_contract(session, found.id).status == Status.REVIEWED
    assert hit_state(session, hit) == ("taken", finding_id, True)
    assert EDITED in text_of(advisor1.get(f"/contracts/{found.id}/opinion"))


def test_removing_the_taken_finding_on_the_page_reopens_the_hit(
    app: Flask, session: orm.Session, advisor1: FlaskClient
) -> None:
    found, hit = started(app, session)
    url = f"/contracts/{found.id}/review"
    page = advisor1.get(url)
    advisor1.post(button(page, f"take-{hit.id}"), data=form_of(page))
    _, finding_id, _ = hit_state(session, hit)
    assert finding_id is not None
    page = advisor1.get(url)
    form = form_of(page)

    removing = buttons(page, "remove-finding")[int(taken_row(form, finding_id))]
    removed = advisor1.post(removing, data=form)
    assert removed.status_code == 200  # the form again, without it; nothing saved yet
    assert hit_state(session, hit) == ("taken", finding_id, True)
    saved = advisor1.post(button(removed, "save-draft"), data=form_of(removed))
    assert saved.status_code == 302
    assert hit_state(session, hit) == ("open", None, False)
    # The page comes back at the hit (the fragment) once it is taken.
    taking = f"{url}/hits/{hit.id}/take#hit-{hit.id}"
    assert button(advisor1.get(url), f"take-{hit.id}") == taking


# --- the API ------------------------------------------------------------------------------


def api_finding(finding: Finding | FindingData, **changes: Any) -> dict[str, Any]:
    keys = ("dimension", "severity", "clause", "problem", "suggestion", "legal_basis")
    values = {k: getattr(finding, k) for k in keys}
    if isinstance(finding, Finding):
        values["id"] = finding.id
    return {**values, **changes}


def test_the_api_edits_the_drafts_findings_in_place_by_id(
    app: Flask, session: orm.Session, client: FlaskClient
) -> None:
    found, hit = started(app, session)
    save(session, found, FINDINGS[:1])
    taken = take(session, found, hit)
    dropped = services.get_draft(session, found)
    assert dropped is not None
    dropped_id = dropped.findings[0].id
    session.commit()
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post(
        f"/api/v1/contracts/{found.id}/reviews",
        json={
            "outcome": "approve_with_changes",
            "summary": "修改后可以签订。",
            "lock_version": current_contract(session, found.id).lock_version,
            "findings": [api_finding(FINDINGS[1]), api_finding(taken, problem=EDITED)],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.json
    findings = response.json["findings"]
    assert [f["problem"] for f in findings] == [FINDINGS[1].problem, EDITED]
    assert findings[1]["id"] == taken.id and findings[0]["id"] not in (taken.id, dropped_id)
    assert hit_state(session, hit) == ("taken", taken.id, True)
    assert session.get(Finding, dropped_id) is None
    assert current_contract(session, found.id).status == Status.REVIEWED


@pytest.mark.parametrize("bad", ["7", 0, -3, 1.5, True, [1]])
def test_the_api_refuses_a_finding_id_that_is_not_an_id(
    session: orm.Session, client: FlaskClient, bad: object
) -> None:
    found = current_contract(session, 1)
    start_review(session, found)
    session.commit()
    response = client.post(
        f"/api/v1/contracts/{found.id}/reviews",
        json={
            "outcome": "approve_with_changes",
            "summary": "修改后可以签订。",
            "findings": [api_finding(FINDINGS[0], id=bad)],
        },
        headers=token_headers(session, "advisor01@demo.local"),
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"findings-0-id"}


# --- a fault is a fault, not an edit conflict ------------------------------------------------


@pytest.fixture()
def hits_left_dangling(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that forgets to reopen the hits of a removed finding: the foreign key then
    refuses the delete, a real IntegrityError."""
    monkeypatch.setattr(precheck, "reopen_hits", lambda session, finding_ids: [])


@pytest.mark.usefixtures("hits_left_dangling")
def test_a_broken_constraint_on_the_page_is_a_logged_500_not_a_conflict(
    app: Flask, session: orm.Session, advisor1: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    found, hit = started(app, session)
    taken = take(session, found, hit)
    session.commit()
    url = f"/contracts/{found.id}/review"
    form = {"outcome": "", "summary": "", "minutes_spent": "10"}  # no finding, saved
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = advisor1.post(url, data=form)
    assert response.status_code == 500
    text = text_of(response)
    assert zh(app, "Something went wrong on our side. Nothing was saved; please try again.") in text
    assert zh(app, "The record has changed in the meantime. Reload and try again.") not in text
    [record] = [r for r in caplog.records if r.name == "advisor.errors"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert isinstance(record.exc_info[1], IntegrityError)
    assert f"POST {url}" in record.getMessage()
    # Nothing was saved: the draft still has the taken finding, the hit still points to it.
    assert hit_state(session, hit) == ("taken", taken.id, True)


@pytest.mark.usefixtures("hits_left_dangling")
def test_a_broken_constraint_in_the_api_is_a_logged_500_not_a_conflict(
    app: Flask, session: orm.Session, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    found, hit = started(app, session)
    take(session, found, hit)
    session.commit()
    headers = token_headers(session, "advisor01@demo.local")
    with caplog.at_level(logging.INFO, logger="advisor"):
        response = client.post(
            f"/api/v1/contracts/{found.id}/reviews",
            json={
                "outcome": "approve",
                "summary": "同意签订。",
                "findings": [],
                "lock_version": current_contract(session, found.id).lock_version,
            },
            headers=headers,
        )
    assert response.status_code == 500
    assert response.json["error"] == {
        "code": "internal_error",
        "message": "Something went wrong on our side. Nothing was saved; please try again.",
    }
    [record] = [r for r in caplog.records if r.name == "advisor.errors"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert isinstance(record.exc_info[1], IntegrityError)
    assert current_contract(session, found.id).status == Status.IN_REVIEW
