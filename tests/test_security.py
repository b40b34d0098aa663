"""Security headers on every response (issue 15, item 2): every GET route of the URL map,
anonymous and signed in as the bureau, answers with the policy; nothing but static files
may be stored by a cache; the templates hold nothing the policy would refuse."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from advisor.accounts import services as accounts
from advisor.errors import FALLBACK_PAGE
from advisor.extensions import db
from config import PROJECT_ROOT
from tests.conftest import login
from tests.test_access import API, PAGES, Case

GETS = [case for case in PAGES + API if case.method == "GET"]
UNKNOWN = [
    Case("", "GET", "/no-such-page", (404, 404, 404, 404)),
    Case("", "GET", "/api/v1/no-such-thing", (404, 404, 404, 404)),
]
ROLES = ("anonymous", "bureau")


def assert_secure(response: TestResponse, static: bool = False) -> None:
    """The headers every response carries, whoever asked and whatever the status."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default
    assert not re.search(r"\d", response.headers.get("Server", ""))
    cache = response.headers.get("Cache-Control", "")
    if static:
        assert "no-store" not in cache  # a stylesheet holds nobody's data
    else:
        assert cache == "no-store", cache


def _client(app: Flask, role: str, case: Case) -> tuple[FlaskClient, dict[str, str]]:
    client = app.test_client()
    if role == "anonymous":
        return client, {}
    if not case.path.startswith("/api/"):
        return login(client, "bureau@demo.local"), {}
    with app.app_context():
        user = accounts.get_user_by_email(db.session, "bureau@demo.local")
        assert user is not None
        _token, clear = accounts.create_token(db.session, user, "headers")
        db.session.commit()
    return client, {"Authorization": f"Bearer {clear}"}


def test_every_get_route_is_walked(app: Flask) -> None:
    served = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    assert served == {case.endpoint for case in GETS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", GETS + UNKNOWN, ids=lambda c: c.id)
def test_every_response_carries_the_headers(app: Flask, case: Case, role: str) -> None:
    client, headers = _client(app, role, case)
    response = client.get(case.path, headers=headers)
    # The page answered as the access matrix says, so its headers are the page's own.
    assert response.status_code == case.expect[0 if role == "anonymous" else 3]
    assert_secure(response, static=case.endpoint == "static")


def test_an_export_is_never_stored(bureau: FlaskClient) -> None:
    response = bureau.get("/ledger/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert_secure(response)


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_hsts_when_the_session_cookie_is_https_only(make_app: Callable[..., Flask]) -> None:
    app = make_app(session_cookie_secure=True)
    client = app.test_client()
    for path in ("/login", "/static/css/app.css", "/api/v1/me"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains"
        ), path


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_a_server_header_set_by_the_app_is_dropped(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    app.add_url_rule("/boast", "boast", lambda: ("", 204, {"Server": "Advisor/1.2 Flask/3.1"}))
    response = app.test_client().get("/boast")
    assert response.status_code == 204
    assert "Server" not in response.headers


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_an_unexpected_error_page_carries_the_headers(make_app: Callable[..., Flask]) -> None:
    app = make_app()

    def fail() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/fail", "fail", fail)
    response = app.test_client().get("/fail")
    assert response.status_code == 500
    assert_secure(response)


INLINE = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["'{]""", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "script without src": re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.I),
    "javascript: address": re.compile(r"javascript:", re.I),
}


def inline_code(text: str) -> list[str]:
    """What in ``text`` a policy without 'unsafe-inline' would refuse."""
    return [
        f"{name}: {match.group(0)!r}"
        for name, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]


def test_the_check_finds_inline_code() -> None:
    found = inline_code(
        '<p style="color:red" onclick="x()"><script>x()</script><style>p{}</style>'
        "<a href=\"javascript:x()\"><svg style='max-width: 3px'>"
        '<script src="/static/js/app.js"></script>'
    )
    assert len(found) == 6, found


def test_no_template_holds_inline_styles_or_scripts() -> None:
    found = {
        str(path.relative_to(PROJECT_ROOT)): hits
        for path in sorted((PROJECT_ROOT / "templates").rglob("*.html"))
        if (hits := inline_code(path.read_text(encoding="utf-8")))
    }
    assert found == {}
    assert inline_code(FALLBACK_PAGE) == []


@pytest.mark.usefixtures("app")  # the test's transaction, for make_app
def test_the_development_server_names_no_version(make_app: Callable[..., Flask]) -> None:
    """``make run`` serves with Werkzeug's server, which wrote ``Werkzeug/x Python/y``."""
    app = make_app()
    app.add_url_rule("/ping", "ping", lambda: ("", 204))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/ping") as response:
            assert response.status == 204
            assert response.headers["Server"] == "Advisor"
    finally:
        server.shutdown()
        thread.join()
