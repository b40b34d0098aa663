"""Scope and dates of ledger entries (issue 15, item 5): the page and the API share one
rule in the ledger service:  its advisor served (primary or
backup) on that date, and is dated neither in the future nor in a published period."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.ledger.models import LedgerEntry
from tests.factories.people import token_headers

# advisor01 张伟: primary for WS001 (id 1) and WS036 (36), backup for WS054 (54), since
# 2025-01-01; WS003 (3) is someone else's. The suite's today is 2026-11-16.
SERVED = (1, 36, 54)
NOT_SERVED = 3


def entry(**changes: Any) -> dict[str, Any]:
    return {
        "date": "2026-11-10",
        "school_id": 1,
        "kind": "consultation",
        "description": "电话咨询合同条款",
        "minutes": 30,
        **changes,
    }


def count(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0


@pytest.mark.parametrize("school_id", SERVED)
def test_the_advisor_records_work_for_a_school_they_serve(
    client: FlaskClient, session: orm.Session, school_id: int
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post("/api/v1/ledger", json=entry(school_id=school_id), headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["school_id"] == school_id


def test_the_api_refuses_a_school_the_advisor_does_not_serve(
    client: FlaskClient, session: orm.Session
) -> None:
    before = count(session)
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post("/api/v1/ledger", json=entry(school_id=NOT_SERVED), headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {
        "school_id": "The advisor did not serve this school (as primary or backup) on that date."
    }
    assert count(session) == before


def test_the_bureau_on_behalf_may_name_any_school_as_on_the_page(
    client: FlaskClient, session: orm.Session, bureau: FlaskClient
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    done = client.post(
        "/api/v1/ledger", json=entry(advisor_id=1, school_id=NOT_SERVED), headers=headers
    )
    assert done.status_code == 201 and done.json["on_behalf"] is True
    page = bureau.get("/ledger/new")
    assert f'<option value="{NOT_SERVED}"' in page.get_data(as_text=True)


def test_a_school_still_cannot_record_work(client: FlaskClient, session: orm.Session) -> None:
    headers = token_headers(session, "school01@demo.local")
    assert client.post("/api/v1/ledger", json=entry(), headers=headers).status_code == 403


def test_before_the_assignment_started_the_school_was_not_served(
    client: FlaskClient, session: orm.Session
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post("/api/v1/ledger", json=entry(date="2024-12-31"), headers=headers)
    assert response.status_code == 422
    assert "school_id" in response.json["error"]["fields"]


def test_the_page_refuses_a_school_not_served(advisor1: FlaskClient, session: orm.Session) -> None:
    before = count(session)
    response = advisor1.post(
        "/ledger/new",
        data={**entry(school_id=NOT_SERVED), "entry_on": "2026-11-10"},
    )
    assert response.status_code == 422
    assert count(session) == before


def test_work_in_the_future_is_refused(client: FlaskClient, session: orm.Session) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post("/api/v1/ledger", json=entry(date="2026-11-17"), headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"entry_on": "The work cannot be in the future."}


def test_work_in_a_published_period_is_refused(client: FlaskClient, session: orm.Session) -> None:
    bureau = token_headers(session, "bureau@demo.local")
    created = client.post("/api/v1/evaluations", json={"period": "2026-Q3"}, headers=bureau)
    assert created.status_code == 201, created.json
    headers = token_headers(session, "advisor01@demo.local")
    before = client.post("/api/v1/ledger", json=entry(date="2026-09-30"), headers=headers)
    assert before.status_code == 201, "a draft evaluation closes nothing"
    published = client.post(f"/api/v1/evaluations/{created.json['id']}/publish", headers=bureau)
    assert published.status_code == 200, published.json
    for day in ("2026-09-30", "2026-01-05"):
        refused = client.post("/api/v1/ledger", json=entry(date=day), headers=headers)
        assert refused.status_code == 422, refused.json
        assert refused.json["error"]["fields"] == {
            "entry_on": "Work up to 30 Sep 2026 is in a published evaluation; "
            "record work after that date."
        }
    after = client.post("/api/v1/ledger", json=entry(date="2026-10-01"), headers=headers)
    assert after.status_code == 201, after.json
    on_behalf = client.post(
        "/api/v1/ledger", json=entry(date="2026-09-01", advisor_id=1), headers=bureau
    )
    assert on_behalf.status_code == 422
