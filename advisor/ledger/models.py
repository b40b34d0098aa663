"""The advisors' work ledger (工作台账): append-only, one entry per piece of work, hash-chained.

Each entry stores the SHA-256 of its canonical content and the previous entry's
hash, so altering, removing or reordering any entry breaks the chain from there
on. ``LedgerHead`` is the single row that serialises appends (sequence number and
last hash); database triggers refuse UPDATE and DELETE on the entries.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, in_values, utcnow

GENESIS = "0" * 64


class Kind(enum.StrEnum):
    CONTRACT_REVIEW = "contract_review"
    CONSULTATION = "consultation"
    LECTURE = "lecture"
    DISPUTE_MEDIATION = "dispute_mediation"
    DOCUMENT_DRAFTING = "document_drafting"
    TRAINING = "training"
    OTHER = "other"


class Mode(enum.StrEnum):
    ON_SITE = "on_site"
    PHONE = "phone"
    ONLINE = "online"
    WRITTEN = "written"


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint(in_values("kind", Kind), name="kind"),
        sa.CheckConstraint(
            f"service_mode IS NULL OR {in_values('service_mode', Mode)}", name="mode"
        ),
        sa.CheckConstraint("minutes >= 0", name="minutes"),
        sa.CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
        # kind and created_at too, so that the evaluation's per-advisor aggregate over a
        # year is answered from the index alone (benchmarks/evaluation.py: 3.7 s -> 1.2 s
        # on SQLite for a million entries).
        sa.Index("ix_ledger_entry_advisor_on", "advisor_id", "entry_on", "kind", "created_at"),
        # An advisor's and a school's list in its order, minutes too: the page and its
        # totals are read from the index alone (migration 1795783000).
        sa.Index("ix_ledger_entry_advisor_list", "advisor_id", "entry_on", "seq", "minutes"),
        sa.Index("ix_ledger_entry_school_list", "school_id", "entry_on", "seq", "minutes"),
        # kind, minutes and head counts too: the list's totals and the yearly figures come
        # from the index alone.
        sa.Index("ix_ledger_entry_on", "entry_on", "kind", "minutes", "headcount"),
        # The list's order: a page of the newest entries is read from it, not sorted.
        sa.Index("ix_ledger_entry_on_seq", "entry_on", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    entry_on: Mapped[date]
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    description: Mapped[str] = mapped_column(sa.Text)
    service_mode: Mapped[str | None] = mapped_column(sa.String(8))
    minutes: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.String(200), default="")
    headcount: Mapped[int | None]
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review.id"), unique=True)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entry.id"), unique=True)
    on_behalf: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class LedgerHead(Base):
    """The chain's end: one row, updated first by every append, which serialises them."""

    __tablename__ = "ledger_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default=GENESIS)


class LedgerVerification(Base):
    """A verification of the chain that passed: the entry it verified up to (sequence
    number and hash), when, and whether it recomputed the whole chain or only what was
    added since the verification before it.

    ``flask ledger verify --since-last`` (and the daily job) starts after the latest one.
    A row here saves work; it proves nothing on its own, since whoever can rewrite entries
    can rewrite it too: the full verification and the anchors kept outside the database
    are what catch that.
    """

    __tablename__ = "ledger_verification"
    __table_args__ = (sa.CheckConstraint("seq > 0", name="seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    verified_at: Mapped[datetime]
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
    is_full: Mapped[bool]
    checked: Mapped[int]  # entries recomputed


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(Base):
    """A ledger export too large to answer in the request, written in the background.

    Who asked and with which filters (the file holds what that user could see, read when
    the job runs), its progress (``rows_done`` of ``rows_total``, counted when it
    starts) and the file when done, kept under the instance folder and named by
    ``file_name``. Progress is in the database, so any web process answers a poll.
    ``heartbeat_at`` moves while the job runs: a running job whose heartbeat stopped was
    interrupted (advisor.ledger.export_jobs).
    """

    __tablename__ = "export_job"
    __table_args__ = (
        sa.CheckConstraint(in_values("status", ExportStatus), name="status"),
        sa.CheckConstraint("file_format IN ('xlsx')", name="file_format"),
        sa.CheckConstraint("rows_done >= 0", name="rows_done"),
        sa.Index("ix_export_job_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    file_format: Mapped[str] = mapped_column(sa.String(8))
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default=ExportStatus.QUEUED)
    rows_total: Mapped[int | None]
    rows_done: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    file_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
