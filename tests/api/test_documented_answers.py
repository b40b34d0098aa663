"""The check that holds every API answer to the OpenAPI document catches what differs."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask.testing import FlaskClient

from tests.api.answers_as_documented import document, problems_of

ME = {"id": 1, "email": "a@b.cn", "name": "甲", "role": "school", "school_id": 3}


def answer(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def test_the_checked_document_is_the_served_one(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").json == document()


def test_a_documented_answer_passes() -> None:
    assert problems_of("GET", "/api/v1/me", answer(ME)) == []
    error = {"error": {"code": "unauthorized", "message": "Send a token."}}
    assert problems_of("GET", "/api/v1/me", answer(error, 401)) == []


def test_a_member_of_the_wrong_type_or_value_fails() -> None:
    assert problems_of("GET", "/api/v1/me", answer({**ME, "id": "1"}))
    assert problems_of("GET", "/api/v1/me", answer({**ME, "role": "parent"}))
    missing = {k: v for k, v in ME.items() if k != "email"}
    assert problems_of("GET", "/api/v1/me", answer(missing))


def test_an_undocumented_status_fails() -> None:
    (problem,) = problems_of("GET", "/api/v1/me", answer({"error": {}}, 409))
    assert "409 is not documented" in problem


def test_an_error_that_is_not_the_error_shape_fails() -> None:
    assert problems_of("GET", "/api/v1/schools/<int:school_id>", answer({"oops": 1}, 404))
    assert problems_of("GET", None, answer({"error": "nope"}, 404))
    assert problems_of("GET", None, answer({"error": {"code": "x", "message": "y"}}, 404)) == []


def test_a_nested_model_is_checked_through_its_reference() -> None:
    page = {"items": [{"id": 1}], "total": 1, "page": 1, "per_page": 50}
    problems = problems_of("GET", "/api/v1/ledger", answer(page))
    assert any(problem.startswith("items/0") for problem in problems)
