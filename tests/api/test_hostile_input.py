"""Hostile input gets a 4xx in the documented format, never a 500 (issue 15, item 4): ids
beyond 32 bits (an Integer column on PostgreSQL) in paths, JSON bodies too large, too deep, with lone surrogates or numbers
no column holds, points of 1e308."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.ledger.models import LedgerEntry
from tests.conftest import login
from tests.factories.people import token_headers

HUGE = "99999999999999999999999"
EMAILS = {
    "bureau": "bureau@demo.local",
    "advisor": "advisor01@demo.local",
    "school": "school01@demo.local",
}


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.json
    assert list(body) == ["error"] and body["error"]["message"]
    return dict(body["error"])


def entry(**changes: Any) -> dict[str, Any]:
    """A ledger entry of advisor01 at WS001 (school 1, which they serve as primary)."""
    return {
        "date": "2026-11-10",
        "school_id": 1,
        "kind": "consultation",
        "description": "电话咨询合同条款",
        "minutes": 30,
        **changes,
    }


# --- ids in paths ------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(EMAILS))
@pytest.mark.parametrize("number", [HUGE, str(2**63), str(2**31), "0"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/contracts/{}",
        "/api/v1/contracts/{}/versions/1/file",
        "/api/v1/contracts/1/versions/{}/file",
        "/api/v1/ledger/{}",
        "/api/v1/evaluations/{}",
        "/api/v1/schools/{}",
    ],
)
def test_an_id_out_of_range_is_the_api_404(
    client: FlaskClient, session: orm.Session, role: str, number: str, path: str
) -> None:
    headers = token_headers(session, EMAILS[role])
    error = error_of(client.get(path.format(number), headers=headers), 404)
    assert error["code"] == "not_found"


def test_the_largest_id_is_still_looked_up(client: FlaskClient, session: orm.Session) -> None:
    headers = token_headers(session, EMAILS["bureau"])
    error = error_of(client.get(f"/api/v1/contracts/{2**31 - 1}", headers=headers), 404)
    assert error["message"] == "No such contract."


@pytest.mark.parametrize("role", sorted(EMAILS))
@pytest.mark.parametrize(
    "path", ["/contracts/{}", "/ledger/{}", "/schools/{}", "/evaluations/{}/advisors/1"]
)
def test_an_id_out_of_range_is_a_404_page(app: Flask, role: str, path: str) -> None:
    """No record has such an id; a role the page is closed to is refused first (403)."""
    client = login(app.test_client(), EMAILS[role])
    response = client.get(path.format(HUGE))
    closed = role == "school" and path.startswith("/evaluations")
    assert response.status_code == (403 if closed else 404)
    assert response.mimetype == "text/html"


def test_an_id_out_of_range_is_a_404_whatever_the_method(
    client: FlaskClient, session: orm.Session
) -> None:
    """A POST to a path whose GET twin exists is a 404, not Werkzeug's 405."""
    headers = token_headers(session, EMAILS["advisor"])
    response = client.post(
        f"/api/v1/evaluations/{HUGE}/objections", json={"text": "异议"}, headers=headers
    )
    assert error_of(response, 404)["code"] == "not_found"


# --- JSON bodies -----------------------------------------------------------------------------


@pytest.fixture()
def advisor_headers(session: orm.Session) -> dict[str, str]:
    return token_headers(session, EMAILS["advisor"])


def ledger_count(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0


def post_raw(client: FlaskClient, headers: dict[str, str], data: str | bytes) -> Any:
    return client.post(
        "/api/v1/ledger", data=data, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"school_id": 10**20}, "school_id"),
        ({"minutes": -(10**30)}, "minutes"),
        ({"headcount": 2**40}, "headcount"),
        ({"school_id": 2**31}, "school_id"),
        ({"minutes": 2**40}, "minutes"),
    ],
)
def test_numbers_no_column_holds_are_422_naming_the_field(
    client: FlaskClient,
    session: orm.Session,
    advisor_headers: dict[str, str],
    changes: dict[str, Any],
    field: str,
) -> None:
    before = ledger_count(session)
    response = client.post("/api/v1/ledger", json=entry(**changes), headers=advisor_headers)
    error = error_of(response, 422)
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert ledger_count(session) == before


def test_numbers_that_are_not_finite_are_refused(
    client: FlaskClient, advisor_headers: dict[str, str]
) -> None:
    overflow = post_raw(client, advisor_headers, '{"date": "2026-11-10", "minutes": 1e999}')
    assert error_of(overflow, 422)["fields"] == {"minutes": "A number too large."}
    for literal in ("NaN", "Infinity", "-Infinity"):
        response = post_raw(client, advisor_headers, f'{{"minutes": {literal}}}')
        assert error_of(response, 400)["fields"] == {"body": "Not valid JSON."}


def test_a_lone_surrogate_is_422_naming_the_field(
    client: FlaskClient, session: orm.Session, advisor_headers: dict[str, str]
) -> None:
    before = ledger_count(session)
    body = '{"date": "2026-11-10", "school_id": 1, "kind": "consultation", "minutes": 30, '
    response = post_raw(client, advisor_headers, body + '"description": "\\ud800"}')
    assert error_of(response, 422)["fields"] == {"description": "Not valid Unicode text."}
    nested = client.post(
        "/api/v1/evaluations",
        data='{"period": "2026", "findings": [{"problem": "ok"}, {"clause": "\\udfff"}]}',
        content_type="application/json",
        headers=token_headers(session, EMAILS["bureau"]),
    )
    assert error_of(nested, 422)["fields"] == {"findings-1-clause": "Not valid Unicode text."}
    assert ledger_count(session) == before


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deep_nesting_is_a_400_before_parsing(
    client: FlaskClient, advisor_headers: dict[str, str], depth: int
) -> None:
    arrays = post_raw(client, advisor_headers, "[" * depth + "]" * depth)
    assert error_of(arrays, 400)["fields"] == {"body": "Nested deeper than 32 levels."}
    inside = post_raw(client, advisor_headers, '{"a": ' + "[" * depth + "]" * depth + "}")
    assert error_of(inside, 400)["code"] == "bad_request"


def test_brackets_inside_text_do_not_count_as_nesting(
    client: FlaskClient, advisor_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/ledger",
        json=entry(description='引用 "[[[[' + "[" * 100 + '" 与 \\ 结束'),
        headers=advisor_headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["description"].startswith('引用 "[[[[')


def test_a_body_over_a_megabyte_is_413(
    client: FlaskClient, advisor_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/ledger", json=entry(description="法" * 400_000), headers=advisor_headers
    )
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_points_of_1e308_in_an_adjustment_are_422(
    client: FlaskClient, session: orm.Session
) -> None:
    headers = token_headers(session, EMAILS["bureau"])
    created = client.post("/api/v1/evaluations", json={"period": "2026"}, headers=headers)
    assert created.status_code == 201, created.json
    result = created.json["results"][0]
    item = result["items"][0]["item"]
    for points, field in ((1e308, "value"), ("1e308", "value"), (10**30, "points")):
        response = client.post(
            f"/api/v1/evaluations/{created.json['id']}/adjust",
            json={
                "advisor_id": result["advisor_id"],
                "item": item,
                "points": points,
                "reason": "x",
            },
            headers=headers,
        )
        error = error_of(response, 422)
        assert field in error["fields"], error
