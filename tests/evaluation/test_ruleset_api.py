"""Storing a rule set through the API: 201 with the next version, 422 naming every problem
by its path, 409 for a stale or repeated save, 403 for anyone but the bureau."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.evaluation import services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.rulefile import from_json, to_json
from tests.factories.people import token_headers

# These read an installation before any rule set is stored.
pytestmark = pytest.mark.usefixtures("no_rules")


def count(session: orm.Session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(RuleSetVersion)) or 0


def rules(**changes: Any) -> dict[str, Any]:
    data = to_json(default_rule_set())
    data.update(changes)
    return data


def test_the_bureau_stores_the_next_version(session: orm.Session, client: FlaskClient) -> None:
    services.ensure_default_rule_set(session)
    session.commit()
    headers = token_headers(session, "bureau@demo.local")
    body = rules(bonus_cap="5")

    response = client.post("/api/v1/rulesets", json=body, headers=headers)

    assert response.status_code == 201, response.json
    created = response.json
    assert set(created) == {"id", "name", "version", "rules"}
    assert created["name"] == "学校法律顾问考核细则" and created["version"] == 2
    assert created["rules"]["bonus_cap"] == "5" and created["rules"]["version"] == 2
    fetched = client.get(f"/api/v1/rulesets/{created['id']}", headers=headers).json
    assert fetched == created
    assert from_json(created["rules"]).bonus_cap == 5
    listed = client.get("/api/v1/rulesets", headers=headers).json
    assert [r["version"] for r in listed["items"]] == [1, 2]
    assert listed["items"][0]["rules"] == to_json(default_rule_set())


def test_json_numbers_are_read_exactly(session: orm.Session, client: FlaskClient) -> None:
    headers = token_headers(session, "bureau@demo.local")
    text = json.dumps(rules(), ensure_ascii=False).replace('"bonus_cap": "10"', '"bonus_cap": 7.5')
    response = client.post(
        "/api/v1/rulesets", data=text.encode(), headers=headers, content_type="application/json"
    )
    assert response.status_code == 201, response.json
    assert response.json["version"] == 1 and response.json["rules"]["bonus_cap"] == "7.5"


def test_invalid_rules_are_refused_with_every_problem_by_path(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    body = rules()
    body["blocks"][0]["items"][0]["max_points"] = "-1"
    del body["blocks"][1]["label_zh"]
    body["grades"][3]["min_total"] = "10"
    body["name"] = "考" * 101

    response = client.post("/api/v1/rulesets", json=body, headers=headers)

    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {
        "name": "At most 100 characters.",
        "blocks[0].items[0].max_points": "Must not be negative.",
        "blocks[1].label_zh": "Required.",
        "grades[3].min_total": "The lowest grade must start at 0, not 10.",
    }
    assert "4 problem(s)" in error["message"]
    assert count(session) == 0


def test_malformed_bodies_are_refused(session: orm.Session, client: FlaskClient) -> None:
    headers = {**token_headers(session, "bureau@demo.local")}
    for data, status in (
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b"", 422),
        (b"{" + b" " * (256 * 1024) + b"}", 413),
    ):
        response = client.post(
            "/api/v1/rulesets", data=data, headers=headers, content_type="application/json"
        )
        assert response.status_code == status, data[:20]
        assert response.is_json and response.json["error"]["message"]
    assert count(session) == 0


def test_a_stale_or_repeated_save_is_a_conflict(session: orm.Session, client: FlaskClient) -> None:
    headers = token_headers(session, "bureau@demo.local")
    first = client.post("/api/v1/rulesets", json=rules(), headers=headers)
    assert first.status_code == 201 and first.json["version"] == 1

    repeated = client.post("/api/v1/rulesets", json=rules(), headers=headers)
    assert repeated.status_code == 409
    assert "same as version 1" in repeated.json["error"]["message"]

    second = client.post("/api/v1/rulesets", json=rules(bonus_cap="5"), headers=headers)
    assert second.status_code == 201 and second.json["version"] == 2
    # A client that read version 1 and did not see version 2 is told so.
    stale = client.post("/api/v1/rulesets", json=rules(bonus_cap="8", version=1), headers=headers)
    assert stale.status_code == 409
    assert stale.json["error"]["fields"] == {"version": "2"}
    fresh = client.post("/api/v1/rulesets", json=rules(bonus_cap="8", version=2), headers=headers)
    assert fresh.status_code == 201 and fresh.json["version"] == 3
    assert count(session) == 3


def test_only_the_bureau_stores_rules_and_advisors_still_read_them(
    session: orm.Session, client: FlaskClient
) -> None:

    services.ensure_default_rule_set(session)
    session.commit()
    for email in ("advisor01@demo.local", "school01@demo.local"):
        headers = token_headers(session, email)
        response = client.post("/api/v1/rulesets", json=rules(bonus_cap="5"), headers=headers)
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"
    advisor = token_headers(session, "advisor01@demo.local")
    assert client.get("/api/v1/rulesets", headers=advisor).json["total"] == 1
    assert count(session) == 1
