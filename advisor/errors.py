"""Domain errors and how errors reach the user: JSON under /api/, pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """A refusal the user can act on. ``fields`` maps a field name to its message;
    ``retry_after`` (seconds) is sent as Retry-After when the same request may succeed later."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: Any,
        *,
        fields: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        self.retry_after = retry_after


class ValidationError(AppError):
    status = 422
    code = "validation_error"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Conflict(AppError):
    status = 409
    code = "conflict"


class PreconditionRequired(AppError):
    """A write that must name the version it was based on (``lock_version``) did not."""

    status = 428
    code = "precondition_required"


class Unsupported(AppError):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"


class InsufficientStorage(Exception):
    """The files folder refused a write (full, read-only, gone): nothing was saved.

    Not an ``AppError``: no form can correct it, so views that show a refused upload
    on the form let it through, to an error page (or JSON) of its own."""

    status = 507
    code = "insufficient_storage"

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
    507: "insufficient_storage",
}

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in or send a valid API token."),
    403: _l("You do not have permission to do this."),
    404: _l("This page or record does not exist, or you cannot see it."),
    405: _l("This method is not allowed here."),
    409: _l("The record has changed in the meantime. Reload and try again."),
    413: _l("The upload is too large."),
    415: _l("This file type is not accepted."),
    422: _l("Some values are not valid."),
    429: _l("Too many attempts. Wait 15 minutes and try again."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again."),
    503: _l(
        "The database cannot be reached at the moment. Nothing was saved;"
        " try again in a few seconds."
    ),
}

# How long a client is asked to wait while the database is unreachable (Retry-After).
RETRY_AFTER_SECONDS = 5
# PostgreSQL: class 08 (connection exception) and the server shutting down or starting
# (admin_shutdown, crash_shutdown, cannot_connect_now; "terminating connection ...").
_CONNECTION_SQLSTATE_CLASS = "08"
_SHUTDOWN_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def is_database_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached, as opposed to refusing or
    failing one statement: a connection SQLAlchemy found broken; psycopg failing to
    connect or losing the connection (its client-side errors carry no SQLSTATE) or the
    server shutting down; SQLite unable to open its file (folder missing, path a
    folder). SQLite's "database is locked" is not one: it is a lost race (409)."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if getattr(orig, "sqlite_errorname", None) == "SQLITE_CANTOPEN":
        return True
    if "unable to open database file" in str(orig):
        return True
    if type(orig).__module__.startswith("psycopg") and isinstance(error, OperationalError):
        sqlstate = getattr(orig, "sqlstate", None)
        return (
            sqlstate is None
            or sqlstate.startswith(_CONNECTION_SQLSTATE_CLASS)
            or sqlstate in _SHUTDOWN_SQLSTATES
        )
    return False


PAGES_WITH_TEMPLATE = {403, 404, 429, 500}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(
    status: int, message: Any, code: str | None = None, fields: dict[str, Any] | None = None
) -> tuple[Response, int]:
    body: dict[str, Any] = {
        "code": code or HTTP_CODES.get(status, "error"),
        "message": str(message),
    }
    if fields:
        body["fields"] = {k: str(v) for k, v in fields.items()}
    return jsonify({"error": body}), status


def _page(status: int, message: Any) -> tuple[str, int]:
    template = f"errors/{status}.html" if status in PAGES_WITH_TEMPLATE else "errors/other.html"
    try:
        return render_template(template, status=status, message=message), status
    except Exception:  # the page itself needs the database or the session; say it plainly
        log.exception("error page %s could not be rendered", status)
        return FALLBACK_PAGE.format(status=status), status


FALLBACK_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>{status}</title><link rel="stylesheet" href="/static/css/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<body class="fallback-page">
<h1>系统暂时无法处理您的请求（{status}）</h1><p>请稍后重试；如果问题持续，请联系教科局。</p>
<p>The system could not handle your request ({status}). Please try again later.</p>
<p><a href="/">返回首页 / Back to the start page</a></p></body></html>"""


def _rollback() -> None:
    from advisor.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the session may already be unusable; the request is ending anyway
        log.exception("rollback after error failed")


def register_error_handlers(app: Flask) -> None:
    """Every error ends in a clear message: JSON in API.md's format or a page."""

    @app.errorhandler(AppError)
    def handle_app_error(error: AppError) -> Any:
        _rollback()
        response: tuple[Any, int] = (
            json_error(error.status, error.message, error.code, error.fields)
            if wants_json()
            else _page(error.status, error.message)
        )
        if error.retry_after is None:
            return response
        answered = app.make_response(response)
        answered.headers["Retry-After"] = str(error.retry_after)
        return answered

    @app.errorhandler(StaleDataError)
    def handle_race(error: Exception) -> Any:
        # Two people changed the same record at once (a row's version counter moved);
        # the later one is refused whole. A broken constraint (IntegrityError) is not
        # this: it is a fault, answered by handle_unexpected with a 500 and logged with
        # its traceback. Where a constraint backs a race (two first drafts of a review,
        # two corrections of a ledger entry) the service queues the writers on a row
        # lock, so the later one finds the earlier's work instead of breaking it.
        _rollback()
        log.info("concurrent change refused: %s", error)
        if wants_json():
            return json_error(409, HTTP_MESSAGES[409])
        return _page(409, HTTP_MESSAGES[409])

    @app.errorhandler(InsufficientStorage)
    def handle_storage(error: InsufficientStorage) -> Any:
        _rollback()
        if wants_json():
            return json_error(error.status, error.message, error.code)
        return _page(error.status, error.message)

    @app.errorhandler(DBAPIError)
    def handle_database(error: DBAPIError) -> Any:
        # The database away (restarting, unreachable) is a 503 to retry, wherever it
        # showed: the user loader, the API token check or a view. SQLite answers a write
        # that lost a race against another writer with "database is locked"; that is
        # the same conflict as a stale lock version. Anything else is a real failure.
        if is_database_outage(error):
            return database_unavailable(error)
        if isinstance(error, OperationalError) and "database is locked" in str(error.orig):
            return handle_race(error)
        return handle_unexpected(error)

    def database_unavailable(error: DBAPIError) -> Any:
        log.warning(
            "database unreachable on %s %s: %s",
            request.method,
            request.path,
            str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else "",
        )
        _rollback()
        # The page is drawn for nobody: the signed-in user cannot be loaded, and one
        # loaded before the outage was expired by the rollback.
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        response = (
            json_error(503, HTTP_MESSAGES[503]) if wants_json() else _page(503, HTTP_MESSAGES[503])
        )
        answered = app.make_response(response)
        answered.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answered

    # A refused CSRF token (CSRFError) is answered by advisor.auth.rescue_form: a page too
    # old to send, or sent after its session ended, keeps what was typed.

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException) -> Any:
        status = error.code or 500
        if status == 413:  # the body passed MAX_CONTENT_LENGTH before any view read it
            log.info(
                "upload refused: too_large (%s bytes)",
                request.content_length,
                extra={"fields": {"reason": "too_large", "size": request.content_length}},
            )
        if status >= 500:
            _rollback()
        if wants_json():
            response = json_error(status, HTTP_MESSAGES.get(status, error.description))
            if status == 405 and error.get_response().headers.get("Allow"):
                response[0].headers["Allow"] = error.get_response().headers["Allow"]
            return response
        return _page(status, HTTP_MESSAGES.get(status, error.description))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        _rollback()
        if wants_json():
            return json_error(500, HTTP_MESSAGES[500])
        return _page(500, HTTP_MESSAGES[500])
