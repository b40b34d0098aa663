"""Every export or download of ledger, evaluation and contract files, on the pages and
through the API, leaves one security event naming who took what."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.evaluation import services as evaluation
from tests.factories import NOW, TODAY
from tests.factories.contracts import current_contract
from tests.factories.people import token_headers, user
from tests.factories.reviews import issue_review, start_review
from tests.security_log.helpers import events_since, mark, only_event


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ledger_export_on_the_page_records_the_format_and_the_filters(
    session: orm.Session, bureau: FlaskClient, file_format: str
) -> None:
    since = mark(session)
    response = bureau.get(f"/ledger/export.{file_format}?kind=lecture&school_id=3")
    assert response.status_code == 200
    response.get_data()  # the stream runs to its end
    event = only_event(session, since, "ledger_export")
    assert (event.outcome, event.user_id, event.subject) == (
        "success",
        user(session, "bureau@demo.local").id,
        "ledger",
    )
    assert event.detail == f"format={file_format} filters=kind=lecture&school_id=3"
    assert (event.method, event.path) == ("GET", f"/ledger/export.{file_format}")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ledger_export_through_the_api_records_the_token_owner(
    app: Flask, session: orm.Session, file_format: str
) -> None:
    sent = token_headers(session, "advisor01@demo.local")
    since = mark(session)
    response = app.test_client().get(f"/api/v1/ledger/export.{file_format}", headers=sent)
    assert response.status_code == 200
    response.get_data()
    event = only_event(session, since, "ledger_export")
    assert event.user_id == user(session, "advisor01@demo.local").id
    assert event.path == f"/api/v1/ledger/export.{file_format}"


def test_contract_file_downloads_on_the_page_and_through_the_api(
    app: Flask, session: orm.Session, school1: FlaskClient
) -> None:
    sent = token_headers(session, "advisor01@demo.local")
    since = mark(session)
    assert school1.get("/contracts/1/versions/1/file").status_code == 200
    assert (
        app.test_client().get("/api/v1/contracts/1/versions/1/file", headers=sent).status_code
        == 200
    )
    found = events_since(session, since, "contract_download")
    assert [(e.user_id, e.subject, e.path) for e in found] == [
        (user(session, "school01@demo.local").id, "contract:1/v1", "/contracts/1/versions/1/file"),
        (
            user(session, "advisor01@demo.local").id,
            "contract:1/v1",
            "/api/v1/contracts/1/versions/1/file",
        ),
    ]
    assert found[0].detail == "file=合同.pdf"


def test_a_refused_download_is_a_denial_or_nothing_never_a_download(
    session: orm.Session, school1: FlaskClient
) -> None:
    since = mark(session)
    assert school1.get("/contracts/2/versions/1/file").status_code == 404
    assert school1.get("/reports/year/2026.xlsx").status_code == 403
    assert [e.kind for e in events_since(session, since)] == ["forbidden"]


def test_opinion_letter_downloads_are_recorded_like_contract_downloads(
    app: Flask, session: orm.Session, school1: FlaskClient
) -> None:
    contract = current_contract(session, 1)
    start_review(session, contract)
    review = issue_review(session, contract)
    session.commit()
    sent = token_headers(session, "advisor01@demo.local")
    since = mark(session)
    assert school1.get("/contracts/1/opinion.docx").status_code == 200
    assert (
        app.test_client().get("/api/v1/contracts/1/opinion.docx", headers=sent).status_code == 200
    )
    found = events_since(session, since, "opinion_download")
    assert [(e.user_id, e.subject, e.detail) for e in found] == [
        (user(session, "school01@demo.local").id, "contract:1", f"letter={review.number}"),
        (user(session, "advisor01@demo.local").id, "contract:1", f"letter={review.number}"),
    ]


def test_evaluation_rules_and_yearly_figures_exports(
    session: orm.Session, bureau: FlaskClient
) -> None:
    bureau_user = user(session, "bureau@demo.local")
    draft = evaluation.run_evaluation(
        session,
        actor=bureau_user,
        period_text="2026-Q1",
        today=TODAY,
        now=NOW,
    )
    session.commit()
    since = mark(session)
    assert bureau.get(f"/evaluations/{draft.id}/export.xlsx").status_code == 200
    assert bureau.get(f"/evaluations/rules/{draft.rule_set_id}/export.json").status_code == 200
    assert bureau.get("/reports/year/2026.xlsx").status_code == 200
    found = events_since(session, since)
    assert [(e.kind, e.user_id, e.subject) for e in found] == [
        ("evaluation_export", bureau_user.id, f"evaluation:{draft.id}"),
        ("ruleset_export", bureau_user.id, f"ruleset:{draft.rule_set_id}"),
        ("figures_export", bureau_user.id, "figures:2026"),
    ]
    assert found[0].detail == "period=2026-Q1"
