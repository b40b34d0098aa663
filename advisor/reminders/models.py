"""Reminders as rows: each message that should go out, planned from the data with a key
that makes it unique, then sent once by whichever sender claims it first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, utcnow

CHANNELS = ("app", "email", "wecom", "dingtalk")
STATUSES = ("pending", "sending", "sent", "failed")


class Webhook(Base):
    """A WeCom (企业微信) or DingTalk (钉钉) group robot: the bureau's (no school) or a
    school's. DingTalk's optional signing secret is kept to sign each request."""

    __tablename__ = "webhook"
    __table_args__ = (sa.CheckConstraint("kind IN ('wecom', 'dingtalk')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(200), default="")
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """One message to one recipient (a user in the app or by e-mail, or a group robot)
    about one subject on one occasion. ``key`` is unique: planning the same reminder
    twice adds nothing, so neither a restart nor a second scheduler sends it again."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.CheckConstraint("channel IN ('app', 'email', 'wecom', 'dingtalk')", name="channel"),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        sa.Index("ix_reminder_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(10))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    webhook_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook.id"))
    subject: Mapped[str] = mapped_column(sa.String(40))  # e.g. "contract:12", "school:3"
    occasion: Mapped[str] = mapped_column(sa.String(80))  # e.g. "2026-03-02", "2026-W10"
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str] = mapped_column(sa.String(200), default="")
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    webhook: Mapped[Webhook | None] = orm.relationship()


class JobRun(Base):
    """When each scheduler job last ran and how it ended, for ``scheduler status``."""

    __tablename__ = "job_run"

    job: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(sa.String(200), default="")
