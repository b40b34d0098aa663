"""The API fuzzed from its own served OpenAPI description (issue 15, item 4) with
schemathesis, in-process, as the bureau, an advisor and a school: no server error, and
every answer is one the description documents, in its documented shape.

Bounded: FUZZ_EXAMPLES examples per operation (default 8), each sent with the three
roles' tokens, derandomized so a run is repeatable. Run with ``make fuzz-api``
(``FUZZ_API=1``); the ordinary suite does not collect it (tests/conftest.py).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi import checks as openapi_checks
from sqlalchemy import orm

from tests.factories.people import token_headers

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ROLES = ("bureau@demo.local", "advisor01@demo.local", "school01@demo.local")
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def operations(app: Flask) -> list[Any]:
    """Every operation of the description the app serves."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_api_answers_as_documented(app: Flask, session: orm.Session) -> None:
    """Each operation with FUZZ_EXAMPLES generated requests, each sent as all three roles;
    the failures of every operation are gathered and reported together."""
    headers = [token_headers(session, email) for email in ROLES]
    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    found = operations(app)
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            for role in headers:
                response = case.call_and_validate(headers=role, checks=CHECKS)
                statuses[response.status_code] += 1

        try:
            run()
        except Exception as error:  # gather, report every operation at the end
            failures[operation.label] = str(error)[:2000]
    print(
        f"\nAPI fuzz: {len(found)} operations, {sum(statuses.values())} requests, "
        f"{EXAMPLES} examples per operation x {len(ROLES)} roles; statuses "
        + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        + f"; {len(failures)} operations failed"
    )
    assert len(found) >= 30, "the served description lost its operations"
    assert statuses and max(statuses) < 500
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
