"""Recording from the edge: the request's actor, an immediate commit, and every 403.

Views whose action has its own transaction call ``services.record`` before their
commit. These helpers are for the rest: downloads and exports (a read, so nothing else
commits), and refusals, whose transaction has been rolled back, so the event is
written after the rollback and committed on its own.

A download is a GET, and a GET should not write. The audit trail is the one accepted
exception (等保 2.0 asks who took which file out, and when): the write records the read
and changes nothing the user sees, so repeating the GET, or a browser prefetching it,
does no harm beyond one more line in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import cast

from flask import Flask, Response, g, request
from flask_login import current_user

from advisor.accounts.models import User
from advisor.extensions import db
from advisor.security_log.models import EventKind, Outcome
from advisor.security_log.services import record

_faults = logging.getLogger(__name__)


def current_actor() -> User | None:
    """The API token's owner under /api/, else the signed-in user, else None."""
    if request.blueprint == "api":
        return cast(User | None, g.get("api_user"))
    if current_user.is_authenticated:
        return cast(User, current_user._get_current_object())
    return None


def note(
    kind: str,
    *,
    outcome: str = Outcome.SUCCESS,
    user: User | None = None,
    account: str = "",
    subject: str = "",
    detail: Mapping[str, object] | str | None = None,
    now: datetime | None = None,
) -> None:
    """Record an event of this request (by ``user``, default the request's actor) and
    commit it now. Call it after the action's own commit or rollback. Never raises."""
    try:
        actor = user if user is not None else current_actor()
        record(
            db.session,
            kind,
            outcome=outcome,
            user=actor,
            account=account,
            subject=subject,
            detail=detail,
            now=now,
        )
        db.session.commit()
    except Exception:
        _faults.exception("security event %s/%s could not be committed", kind, outcome)
        try:
            db.session.rollback()
        except Exception:  # the session is unusable; the request ends anyway
            _faults.exception("rollback after a failed security event failed")


def init_security_log(app: Flask) -> None:
    """Every 403, on a page or the API, whichever check refused it, is recorded."""

    @app.after_request
    def _record_refusal(response: Response) -> Response:
        if response.status_code == 403:
            try:
                # Whatever the refused request had begun is not kept.
                db.session.rollback()
            except Exception:
                _faults.exception("rollback before recording a refusal failed")
            note(EventKind.FORBIDDEN, outcome=Outcome.DENIED)
        return response
