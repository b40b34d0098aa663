"""Every answer of the API, checked against the served OpenAPI document (issue 17, item 1).

A pytest plugin: while a test runs, each response an application gives under /api/v1
is checked against what the document says that operation answers with that status (its
JSON Schema, resolved within the document). An answer with a status the operation does
not document, or a JSON body that does not match, fails the test after it ran, naming
the request and what differs. A JSON error from a path that is no operation (an unknown
path, a route the test made up), and a 500 (a bug, which no operation documents), must
still have the documented Error shape.

tests/conftest.py turns it on for the whole suite, so every test that calls the API,
wherever it lives, checks the answers it gets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from flask import Flask, Response, request, request_finished
from jsonschema_rs import Draft202012Validator

from advisor.api.openapi import spec

PREFIX = "/api/v1"
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@cache
def document() -> dict[str, Any]:
    """The document as served: the description, through JSON."""
    served: dict[str, Any] = json.loads(json.dumps(spec()))
    return served


@cache
def _validator(schema_json: str) -> Draft202012Validator:
    """A validator of one schema of the document, its references resolved within it.
    (jsonschema-rs: the pure-Python jsonschema takes 2 s to import, in every worker.)"""
    root = {**json.loads(schema_json), "components": document()["components"]}
    return Draft202012Validator(root, validate_formats=True)


def _json_schema(answer: dict[str, Any]) -> dict[str, Any] | None:
    content = answer.get("content", {}).get("application/json")
    return None if content is None else content["schema"]


ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}


def problems_of(method: str, rule: str | None, response: Response) -> list[str]:
    """What is wrong with ``response`` to ``method`` on the route ``rule``, by the document."""
    path = _CONVERTER.sub(r"{\1}", rule[len(PREFIX) :]) if rule else None
    operation = document()["paths"].get(path, {}).get(method.lower()) if path else None
    body = response.get_json(silent=True) if response.is_json else None
    # A 500 is a bug, never documented; it still answers in the Error shape.
    if operation is None or response.status_code == 500:
        if response.status_code >= 400 and body is not None:
            return _mismatches(ERROR_SCHEMA, body)
        return []
    answer = operation["responses"].get(str(response.status_code))
    if answer is None:
        documented = ", ".join(operation["responses"])
        return [f"status {response.status_code} is not documented (documented: {documented})"]
    schema = _json_schema(answer)
    if schema is None:
        return []
    if body is None:
        return [f"documented as JSON, answered {response.mimetype}"]
    return _mismatches(schema, body)


def _mismatches(schema: dict[str, Any], body: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.instance_path) or '(body)'}: {error.message}"
        for error in _validator(json.dumps(schema, sort_keys=True)).iter_errors(body)
    ]


@pytest.fixture(autouse=True)
def _answers_as_documented() -> Iterator[None]:
    """Checks every API answer of the test; fails the test after it ran on a mismatch."""
    found: list[str] = []

    def check(sender: Flask, response: Response, **_: Any) -> None:
        if not request.path.startswith(PREFIX + "/"):
            return
        rule = request.url_rule.rule if request.url_rule is not None else None
        for problem in problems_of(request.method, rule, response):
            found.append(
                f"{request.method} {request.full_path.rstrip('?')} → {response.status_code}: {problem}"
            )

    request_finished.connect(check)
    try:
        yield
    finally:
        request_finished.disconnect(check)
    if found:
        pytest.fail("Answers unlike the OpenAPI document:\n" + "\n".join(found), pytrace=False)
