"""Recording security events and finding them again.

``record`` is the one way in: it writes the structured log line on the
``advisor.security`` logger and adds the row inside a savepoint of the caller's
session, so the event commits with the action it describes. Recording never raises:
a log that cannot be written must not turn the user's request into an error, so a
failure is logged and the action goes on. Nothing here changes or removes a row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.db import utcnow
from advisor.security_log.models import Outcome, SecurityEvent
from advisor.workdays import BEIJING

log = logging.getLogger("advisor.security")
_faults = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from and what it asked for."""

    address: str = ""
    method: str = ""
    path: str = ""

    @classmethod
    def of_request(cls) -> Origin:
        """The current request's origin; empty outside a request (commands, jobs).

        ``remote_addr`` is the address sign-in throttling counts too: the peer, or
        behind ``TRUST_PROXY`` the forwarded client that ProxyFix put there."""
        if not has_request_context():
            return cls()
        return cls(request.remote_addr or "", request.method, request.path)


def detail_text(detail: Mapping[str, object] | str | None) -> str:
    """``{"format": "csv", "school_id": 3}`` as ``format=csv school_id=3``."""
    if detail is None:
        return ""
    if isinstance(detail, str):
        return detail
    return " ".join(f"{key}={value}" for key, value in detail.items() if value not in (None, ""))


def record(
    session: orm.Session,
    kind: str,
    *,
    outcome: str,
    user: User | None = None,
    account: str = "",
    subject: str = "",
    detail: Mapping[str, object] | str | None = None,
    now: datetime | None = None,
    origin: Origin | None = None,
) -> SecurityEvent | None:
    """Log one event and add its row (flushed, in a savepoint); the caller commits.

    ``user`` is the actor; ``account`` the account concerned when there is no actor
    (the e-mail typed at a failed sign-in). The origin defaults to the current
    request's. Returns the row, or None when it could not be written (logged)."""
    origin = origin or Origin.of_request()
    try:
        event = SecurityEvent(
            at=now or utcnow(),
            kind=str(kind),
            outcome=str(outcome),
            user_id=user.id if user is not None else None,
            account=account.strip()[:254],
            address=origin.address[:45],
            method=origin.method[:8],
            path=origin.path[:300],
            subject=subject[:100],
            detail=detail_text(detail)[:500],
        )
    except Exception:
        _faults.exception("security event %s/%s could not be made", kind, outcome)
        return None
    _log_line(event)
    try:
        with session.begin_nested():
            session.add(event)
    except Exception:
        _faults.exception("security event %s/%s could not be recorded", kind, outcome)
        return None
    return event


def event_fields(event: SecurityEvent) -> dict[str, object]:
    """What the structured log line says about an event."""
    return {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "outcome": event.outcome,
        "user_id": event.user_id,
        "account": event.account,
        "address": event.address,
        "method": event.method,
        "path": event.path,
        "subject": event.subject,
        "detail": event.detail,
    }


def _log_line(event: SecurityEvent) -> None:
    fields = event_fields(event)
    level = logging.INFO if event.outcome == Outcome.SUCCESS else logging.WARNING
    log.log(
        level,
        "security_event %s",
        json.dumps(fields, ensure_ascii=False, sort_keys=True),
        extra={"security_event": fields},
    )


# --- finding events ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """The bureau page's search: every field empty means every event."""

    kind: str = ""
    outcome: str = ""
    who: str = ""  # part of the actor's e-mail or name, or of the account typed
    address: str = ""  # the start of an address: "10.1." finds a whole subnet
    date_from: date | None = None  # Beijing dates, both included
    date_to: date | None = None


def _beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), BEIJING)


def list_events(filters: Filters) -> sa.Select[SecurityEvent, str, str]:
    """Events matching ``filters``, newest first, each with its actor's e-mail and name."""
    stmt = (
        sa.select(SecurityEvent, User.email, User.name)
        .outerjoin(User, User.id == SecurityEvent.user_id)
        .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    )
    if filters.kind:
        stmt = stmt.where(SecurityEvent.kind == filters.kind)
    if filters.outcome:
        stmt = stmt.where(SecurityEvent.outcome == filters.outcome)
    if who := filters.who.strip():
        stmt = stmt.where(
            sa.or_(
                User.email.icontains(who, autoescape=True),
                User.name.icontains(who, autoescape=True),
                SecurityEvent.account.icontains(who, autoescape=True),
            )
        )
    if address := filters.address.strip():
        stmt = stmt.where(SecurityEvent.address.startswith(address, autoescape=True))
    if filters.date_from:
        stmt = stmt.where(SecurityEvent.at >= _beijing_midnight(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(SecurityEvent.at < _beijing_midnight(filters.date_to + timedelta(days=1)))
    return stmt
