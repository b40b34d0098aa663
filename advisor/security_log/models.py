"""The security event log: one append-only row per sign-in, account change, token,
refusal and file export, saying who, what, when, from where and how it ended."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, in_values, utcnow


class EventKind(enum.StrEnum):
    # Names of events, not credentials: bandit's B105 reads "password"/"token" in the
    # names as a hard-coded secret.
    LOGIN = "login"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    PASSWORD_CHANGE = "password_change"  # an event's name, not a credential  # nosec B105
    PASSWORD_RESET = "password_reset"  # an event's name, not a credential  # nosec B105
    USER_CREATE = "user_create"
    USER_UPDATE = "user_update"
    USER_ACTIVATE = "user_activate"
    USER_DEACTIVATE = "user_deactivate"
    TOKEN_CREATE = "token_create"  # an event's name, not a credential  # nosec B105
    TOKEN_REVOKE = "token_revoke"  # an event's name, not a credential  # nosec B105
    FORBIDDEN = "forbidden"
    LEDGER_EXPORT = "ledger_export"
    EVALUATION_EXPORT = "evaluation_export"
    RULESET_EXPORT = "ruleset_export"
    FIGURES_EXPORT = "figures_export"
    SEAL_USE_EXPORT = "seal_use_export"
    CONTRACT_DOWNLOAD = "contract_download"
    OPINION_DOWNLOAD = "opinion_download"


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class SecurityEvent(Base):
    """One security-relevant event. Rows are only ever added: the application has no
    path that changes or removes one, and the database refuses UPDATE and DELETE
    (triggers made by the migration).

    ``user_id`` is the signed-in actor (or the API token's owner); ``account`` is the
    e-mail typed at a sign-in, or the account a command-line action concerned, when no
    actor is known. ``address`` is the client address as the app sees it (behind
    ``TRUST_PROXY``, the forwarded one). ``subject`` names the record acted on
    (``user:45``, ``contract:1/v2``); ``detail`` is a short text and never holds a
    password or a token. ``kind`` has no CHECK constraint so that a new kind needs no
    migration of this append-only table; ``EventKind`` is the list."""

    __tablename__ = "security_event"
    __table_args__ = (
        sa.CheckConstraint(in_values("outcome", Outcome), name="outcome"),
        sa.Index("ix_security_event_kind_at", "kind", "at"),
        sa.Index("ix_security_event_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    account: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.String(45), default="")
    method: Mapped[str] = mapped_column(sa.String(8), default="")
    path: Mapped[str] = mapped_column(sa.String(300), default="")
    subject: Mapped[str] = mapped_column(sa.String(100), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
