"""Logging for operators: one configuration for the web, CLI and scheduler processes,
a request id on every line, and one access line per request.

``configure_logging`` puts one handler on the root logger, writing text or JSON lines
(``LOG_FORMAT``) at ``LOG_LEVEL`` to stderr. It is not ``logging.config.dictConfig``:
that replaces the root logger's handlers and closes every handler in the process, which
would take the capture handlers from pytest (caplog). Ours is added once, under its name,
and replaced when the app is built again. In tests (``config.testing``) it writes only
when a stream is given. Under gunicorn, gunicorn.conf.py installs it in the arbiter too
and sends gunicorn's own error log through it (gunicorn's access log is off: the line
per request is ours), so every line the web process writes has the same form.

Every line carries the time (in ``TIMEZONE``, to the millisecond), the level, the logger,
the request id and the user id: ``-`` outside a request or before sign-in. The request
id is the proxy's ``X-Request-ID`` when it looks like one (1-64 of ``A-Z a-z 0-9 . _ -``,
so nobody can forge lines by sending a line break), else a fresh one; it is returned
on the response. Structured values go in ``extra={"fields": {...}}``: JSON lines carry
them as keys, text lines carry the message, which says the same in words.

What is never logged: passwords, API tokens, session ids or cookies, request headers,
query strings (the path only), e-mail addresses and webhook URLs in the lines written
here (ids instead).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context, request

from config import Config

HANDLER_NAME = "advisor"
REQUEST_ID_HEADER = "X-Request-ID"
FORMATS = ("text", "json")
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_PATH = 1000
_ID_KEY = "advisor.request_id"
_STARTED_KEY = "advisor.request_started"

access_log = logging.getLogger("advisor.requests")


def request_id() -> str:
    """This request's id (taken from the proxy or made once per request), or ``-``."""
    if not has_request_context():
        return "-"
    # On the request, not on g: a test may hold one app context across requests.
    current: str | None = request.environ.get(_ID_KEY)
    if current is None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        current = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.environ[_ID_KEY] = current
    return current


def request_user_id() -> str:
    """The id of the request's API token owner or signed-in user, or ``-``.

    Only users the request has already loaded count (nothing is queried here), and the
    id comes from the identity map, so a user expired by a rollback is not reloaded.
    """
    if not has_request_context():
        return "-"
    user = g.get("api_user") or g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    identity = getattr(state, "identity", None)
    return str(identity[0]) if identity else "-"


class RequestContext(logging.Filter):
    """Put ``request_id`` and ``user_id`` on every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = request_id()
            record.user_id = request_user_id()
        except Exception:  # a log line must never break the request that writes it
            record.request_id = getattr(record, "request_id", "-")
            record.user_id = "-"
        return True


class _Formatter(logging.Formatter):
    def __init__(self, timezone: str) -> None:
        super().__init__()
        self.zone = ZoneInfo(timezone)

    def when(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, self.zone)
        return moment.isoformat(timespec="milliseconds")

    def details(self, record: logging.LogRecord) -> str:
        """The traceback and stack, as the standard formatter writes them, or ''."""
        parts = []
        if record.exc_info:
            parts.append(self.formatException(record.exc_info))
        elif record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return "\n".join(parts)


class TextFormatter(_Formatter):
    """``2026-11-16T09:00:00.123+08:00 INFO [req=abc123 user=3] advisor.requests: ...``;
    the message on one line (control characters escaped), a traceback below it."""

    def format(self, record: logging.LogRecord) -> str:
        message = _CONTROL.sub(_escape, record.getMessage())
        request_tag = getattr(record, "request_id", "-")
        user_tag = getattr(record, "user_id", "-")
        line = (
            f"{self.when(record)} {record.levelname} [req={request_tag} user={user_tag}]"
            f" {record.name}: {message}"
        )
        details = self.details(record)
        return f"{line}\n{details}" if details else line


class JsonFormatter(_Formatter):
    """One JSON object per line: time, level, logger, message, request_id, user_id, the
    record's ``fields`` and, for an exception, ``traceback``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.when(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        fields = getattr(record, "fields", None)
        for key, value in fields.items() if isinstance(fields, dict) else ():
            line.setdefault(key, value)  # a field cannot pass itself off as the time or level
        details = self.details(record)
        if details:
            line["traceback"] = details
        return json.dumps(line, ensure_ascii=False, default=str)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def level_of(name: str) -> int:
    """``LOG_LEVEL`` as a number; a name logging does not know stops the process."""
    level = logging.getLevelNamesMapping().get(name.strip().upper())
    if level is None:
        raise SystemExit(
            f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {name!r}."
        )
    return level


def configure_logging(config: Config, *, stream: IO[str] | None = None) -> logging.Handler | None:
    """Install (or replace) Advisor's handler on the root logger and set the root level.

    Writes to ``stream``, by default stderr (the journal under systemd). Returns the
    handler, or None in tests when no stream is given. Other handlers are left alone.
    """
    if config.log_format not in FORMATS:
        raise SystemExit(f"LOG_FORMAT must be text or json, not {config.log_format!r}.")
    level = level_of(config.log_level)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    if config.testing and stream is None:
        return None
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    formatter = JsonFormatter if config.log_format == "json" else TextFormatter
    handler.setFormatter(formatter(config.timezone))
    handler.addFilter(RequestContext())
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def init_request_logging(app: Flask) -> None:
    """Give each request its id (returned in ``X-Request-ID``) and one access line.

    Register it first, so that the clock starts before any other hook runs. Static
    files are logged at DEBUG, everything else at INFO.
    """

    @app.before_request
    def _start() -> None:
        request.environ[_STARTED_KEY] = time.perf_counter()
        request_id()

    @app.after_request
    def _access_line(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        started = request.environ.get(_STARTED_KEY)
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        path = request.path[:MAX_PATH]
        level = logging.DEBUG if request.endpoint == "static" else logging.INFO
        access_log.log(
            level,
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            "-" if duration is None else f"{duration:.1f}",
            extra={
                "fields": {
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration,
                }
            },
        )
        return response
