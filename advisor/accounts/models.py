"""Users with exactly one role, their login sessions, API tokens and login attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, utcnow


class Role(enum.StrEnum):
    SCHOOL = "school"
    ADVISOR = "advisor"
    BUREAU = "bureau"


class User(Base):
    """A person who signs in. A school user belongs to one school, an advisor user
    to one advisor record; bureau users belong to neither. Users are deactivated,
    never deleted, so that everything they did keeps its author."""

    __tablename__ = "user"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'school' AND school_id IS NOT NULL AND advisor_id IS NULL)"
            " OR (role = 'advisor' AND advisor_id IS NOT NULL AND school_id IS NULL)"
            " OR (role = 'bureau' AND school_id IS NULL AND advisor_id IS NULL)",
            name="role_link",
        ),
        sa.CheckConstraint("role IN ('school', 'advisor', 'bureau')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16))
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)
    advisor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("advisor.id"), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # The reminder kinds this user also gets by e-mail; None: every kind.
    email_reminders: Mapped[list[str] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[LoginSession]] = orm.relationship(back_populates="user")
    tokens: Mapped[list[ApiToken]] = orm.relationship(back_populates="user")

    # Not a column: the browser session this user object was loaded for. The session
    # cookie carries that id, not the user id, so ending the row ends the session.
    __allow_unmapped__ = True
    login_session_id: str | None = None
    # Not a column either: the unread notices counted with the session (the bell's
    # number; accounts.services.unread_count), None where they were not counted.
    unread: int | None = None

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        if self.login_session_id is None:
            raise RuntimeError("log users in through accounts.services.start_session")
        return self.login_session_id

    @property
    def is_bureau(self) -> bool:
        return self.role == Role.BUREAU

    @property
    def is_school(self) -> bool:
        return self.role == Role.SCHOOL

    @property
    def is_advisor(self) -> bool:
        return self.role == Role.ADVISOR


class LoginSession(Base):
    """One browser sign-in. Its random id is what the session cookie carries, so a
    new id is issued at every login and revoking the row ends that browser's session.
    It ends at ``expires_at`` however busy, and sooner when unused for the idle limit;
    ``last_seen_at`` is recorded at most once a minute."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User] = orm.relationship(back_populates="sessions")


class ApiToken(Base):
    """A bearer token for the JSON API. Only the SHA-256 of the token is kept. It works
    until ``expires_at`` unless revoked: by its owner, or with every token of the user
    when the password, the role or the linked school or advisor changes, or the account
    is deactivated or reactivated.
    ``last_used_at`` is recorded at most once a minute."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = orm.relationship(back_populates="tokens")


class LoginAttempt(Base):
    """A password login attempt, kept for throttling; the e-mail is stored as typed
    (lower-cased) whether or not such an account exists."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]


class Notification(Base):
    """A message in a user's in-app inbox. The text is made from ``kind`` and ``params``
    when shown, so each reader gets it in their own language."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class FormDraft(Base):
    """What a user typed into a form that arrived after their session had ended (or from
    a page too old to send): put back into the form once they are signed in again
    (advisor.accounts.drafts). Never passwords or files; it goes after its short time."""

    __tablename__ = "form_draft"

    # Random (secrets.token_urlsafe): the address of the restored form carries it.
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # The path of the page the form was on; the draft fills forms on that page only.
    page: Mapped[str] = mapped_column(sa.String(500))
    # The posted fields as [name, value] pairs, in order (a name may repeat).
    fields: Mapped[list[list[str]]] = mapped_column(sa.JSON)
    # Names of the file fields that had a file chosen: files are not kept.
    files: Mapped[list[str]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
