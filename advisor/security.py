"""Security headers on every response (issue 15, item 2; OWASP ASVS 5.0, V3.4).

One after-request hook, so a new route, an error page or an export gets them without
asking. The policy allows nothing inline: styles live in ``static/css``, scripts in
``static/js`` and the vendored Bootstrap, and behaviour is wired from ``data-*``
attributes (``static/js/app.js``). ``img-src`` also allows ``data:`` because Bootstrap's
stylesheet draws its select arrows and check marks as ``data:`` SVG images.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.serving import WSGIRequestHandler

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "script-src 'self'",
        "style-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "same-origin",
}
# Two years, as browsers' preload lists ask; sent only when the site is served over HTTPS.
HSTS = "max-age=63072000; includeSubDomains"


def secure_headers(response: Response) -> Response:
    """Add the policy headers; pages, API answers and exports are never stored by a cache.

    Static assets keep Flask's revalidated caching: they hold nobody's data. A ``Server``
    header set by the application is dropped; the one a WSGI server writes itself is
    that server's (see ``plain_server_name``).
    """
    response.headers.update(HEADERS)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    # HSTS follows the secure session cookie: both say the site is only served over HTTPS.
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers.pop("Server", None)
    return response


SERVER_NAME = "Advisor"


def _server_name(handler: object) -> str:
    return SERVER_NAME


def plain_server_name() -> None:
    """Werkzeug's development server (``make run``) writes ``Server: Werkzeug/3.1.3
    Python/3.11.7`` itself, after the application has answered: a version an attacker
    can look up. Make it name no version. Gunicorn writes ``Server: gunicorn`` without
    one; a reverse proxy in front should say as little."""
    WSGIRequestHandler.version_string = _server_name  # type: ignore[method-assign,assignment]


def init_security(app: Flask) -> None:
    """Register the hook; it runs for every response, error pages and static files included."""
    app.after_request(secure_headers)
    plain_server_name()
