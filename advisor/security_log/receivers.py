"""What the security log records of the accounts domain's signals: sign-ins, lock-outs,
sign-outs, own password changes and own API tokens.

create_app imports this module, which connects the receivers. A signal of something
done is recorded into the sender's session, so the event commits with the action; a
signal of something refused comes after the action was rolled back, so the event is
noted (committed on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import orm

from advisor.accounts import signals
from advisor.accounts.models import ApiToken, User
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind, Outcome
from advisor.security_log.services import record


@signals.signed_in.connect
def _signed_in(sender: Any, *, session: orm.Session, user: User, now: datetime) -> None:
    record(session, EventKind.LOGIN, outcome=Outcome.SUCCESS, user=user, now=now)


@signals.sign_in_failed.connect
def _sign_in_failed(sender: Any, *, session: orm.Session, account: str, now: datetime) -> None:
    record(session, EventKind.LOGIN, outcome=Outcome.FAILURE, account=account, now=now)


@signals.signed_out.connect
def _signed_out(sender: Any, *, session: orm.Session, user: User, now: datetime) -> None:
    record(session, EventKind.LOGOUT, outcome=Outcome.SUCCESS, user=user, now=now)


@signals.password_changed.connect
def _password_changed(sender: Any, *, session: orm.Session, user: User, now: datetime) -> None:
    record(session, EventKind.PASSWORD_CHANGE, outcome=Outcome.SUCCESS, user=user, now=now)


@signals.token_created.connect
def _token_created(
    sender: Any, *, session: orm.Session, user: User, token: ApiToken, now: datetime
) -> None:
    record(
        session,
        EventKind.TOKEN_CREATE,
        outcome=Outcome.SUCCESS,
        user=user,
        subject=f"token:{token.id}",
        detail={"name": token.name, "expires": token.expires_at.date().isoformat()},
        now=now,
    )


@signals.token_revoked.connect
def _token_revoked(
    sender: Any, *, session: orm.Session, user: User, token_id: int, now: datetime
) -> None:
    record(
        session,
        EventKind.TOKEN_REVOKE,
        outcome=Outcome.SUCCESS,
        user=user,
        subject=f"token:{token_id}",
        now=now,
    )


# Refused: the request's session was rolled back; note() records into it and commits.


@signals.sign_in_locked_out.connect
def _sign_in_locked_out(sender: Any, *, session: orm.Session, account: str, now: datetime) -> None:
    note(EventKind.LOCKOUT, outcome=Outcome.DENIED, account=account, now=now)


@signals.password_change_refused.connect
def _password_change_refused(
    sender: Any, *, session: orm.Session, user: User, fields: Sequence[str], now: datetime
) -> None:
    note(
        EventKind.PASSWORD_CHANGE,
        outcome=Outcome.FAILURE,
        user=user,
        detail={"fields": ",".join(fields)},
        now=now,
    )


@signals.token_creation_refused.connect
def _token_creation_refused(
    sender: Any, *, session: orm.Session, user: User, fields: Sequence[str], now: datetime
) -> None:
    note(
        EventKind.TOKEN_CREATE,
        outcome=Outcome.FAILURE,
        user=user,
        detail={"fields": ",".join(fields)},
        now=now,
    )
