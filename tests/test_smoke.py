"""The application starts, and the front door sends each visitor to the right place."""

from __future__ import annotations

import inspect
from unittest.mock import patch

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm


def test_anonymous_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/login")


def test_each_role_has_its_own_home(
    bureau: FlaskClient, school1: FlaskClient, advisor1: FlaskClient
) -> None:
    """The bureau's home is the dashboard, an advisor's their desk, a school's its contracts."""
    page = bureau.get("/").get_data(as_text=True)
    assert 'data-testid="key-figures"' in page and 'data-testid="workload"' in page
    page = advisor1.get("/").get_data(as_text=True)
    assert 'data-testid="queue"' in page and 'data-testid="key-figures"' not in page
    page = school1.get("/").get_data(as_text=True)
    assert 'data-testid="our-advisors"' in page and 'data-testid="workload"' not in page


def test_no_request_ends_with_an_async_teardown(app: Flask, bureau: FlaskClient) -> None:
    """Flask runs an ``async def`` teardown through asgiref, in a new thread at the end of
    every request: Advisor has no async database session to close, so none is registered,
    and the database session is still closed at the end of each request."""
    assert not [f for f in app.teardown_appcontext_funcs if inspect.iscoroutinefunction(f)]
    closed: list[object] = []
    with patch.object(orm.Session, "close", autospec=True, side_effect=closed.append):
        assert bureau.get("/contracts").status_code == 200
    assert closed, "the request's session was not closed"
