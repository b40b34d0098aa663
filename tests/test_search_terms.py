"""Search boxes (issue 15, item 9): what is typed is searched for as one clean line of at
most 200 characters, with % and _ meaning themselves, on every list, page and API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.extensions import db
from advisor.text import LINE, search_term
from tests.factories.people import token_headers

HUGE = "乌苏" + "x" * 100_000


def test_a_search_term_is_one_clean_bounded_line() -> None:
    assert search_term("  乌苏\t一小\u202e\x00 ") == "乌苏 一小"
    assert len(search_term(HUGE)) == LINE
    assert search_term(None) == ""


def test_the_api_searches_the_first_200_characters_only(
    client: FlaskClient, session: orm.Session
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    everything = client.get("/api/v1/schools", headers=headers).json["total"]
    assert everything > 2
    hits = client.get("/api/v1/schools", query_string={"q": "第一"}, headers=headers)
    assert 0 < hits.json["total"] < everything
    huge = client.get("/api/v1/schools", query_string={"q": HUGE}, headers=headers)
    assert huge.status_code == 200 and huge.json["total"] == 0


def test_wildcards_are_literal(client: FlaskClient, session: orm.Session) -> None:
    headers = token_headers(session, "bureau@demo.local")
    for wildcard in ("%", "_", "%%", "\\"):
        response = client.get("/api/v1/schools", query_string={"q": wildcard}, headers=headers)
        assert response.status_code == 200
        assert response.json["total"] == 0, f"{wildcard!r} matched every school"
    ledger = client.get("/api/v1/ledger", query_string={"q": "%\\_"}, headers=headers)
    assert ledger.status_code == 200 and ledger.json["total"] == 0


def test_pages_bound_the_search_too(app: Flask, bureau: FlaskClient) -> None:
    """No statement the list pages run carries more than 200 characters of the term."""
    sent: list[Any] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        sent.extend(v for v in values if isinstance(v, str))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for path in ("/schools", "/advisors", "/contracts", "/ledger", "/users"):
            assert bureau.get(path, query_string={"q": HUGE}).status_code == 200, path
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    searched = [v for v in sent if "乌苏x" in v]
    assert len(searched) >= 5, "every page searched"
    assert max(len(v) for v in searched) <= LINE + 2  # the term, and the LIKE's two %
