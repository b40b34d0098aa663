"""Contracts, their uploaded versions and page texts, the audit trail, time limits and calendar."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, in_values, utcnow

if TYPE_CHECKING:
    from advisor.directory.models import Advisor


class ContractType(enum.StrEnum):
    PROCUREMENT = "procurement"
    CONSTRUCTION = "construction"
    SERVICE = "service"
    LEASE = "lease"
    CATERING = "catering"
    UNIFORM = "uniform"
    SCHOOL_BUS = "school_bus"
    COOPERATION = "cooperation"
    EMPLOYMENT = "employment"
    INSURANCE = "insurance"
    DONATION = "donation"
    OTHER = "other"


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    REVIEWED = "reviewed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Contract(Base):
    """A contract a school submitted for review. ``lock_version`` is the optimistic lock:
    every update checks and bumps it, so two concurrent changes cannot both land."""

    __tablename__ = "contract"
    __table_args__ = (
        sa.CheckConstraint(in_values("status", Status), name="status"),
        sa.CheckConstraint(in_values("contract_type", ContractType), name="contract_type"),
        sa.CheckConstraint("amount >= 0", name="amount"),
        sa.CheckConstraint("end_on >= start_on", name="dates"),
        sa.Index("ix_contract_advisor_status_due", "advisor_id", "status", "due_on"),
        sa.Index("ix_contract_school_status", "school_id", "status"),
        sa.Index("ix_contract_status_due", "status", "due_on"),
        # The dashboard's pass over a year's contracts is answered from this index alone.
        sa.Index(
            "ix_contract_submitted",
            "submitted_at",
            "status",
            "contract_type",
            "outcome",
            "school_id",
            "advisor_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    counterparty: Mapped[str] = mapped_column(sa.String(200))
    contract_type: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    start_on: Mapped[date]
    end_on: Mapped[date]
    is_urgent: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"))
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.SUBMITTED)
    due_on: Mapped[date | None]
    days_left: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    result: Mapped[str | None] = mapped_column(sa.String(16))
    # Every page's text, lower-cased, for the list's search: only a search reads it, so
    # it is not loaded with the contract (a long contract holds tens of kilobytes here).
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012

    versions: Mapped[list[ContractVersion]] = orm.relationship(
        back_populates="contract", order_by="ContractVersion.number"
    )
    events: Mapped[list[ContractEvent]] = orm.relationship(
        back_populates="contract", order_by="ContractEvent.id"
    )
    # The advisor holding it, for reading only (it changes through advisor_id): the
    # contract page loads it with the contract.
    advisor: Mapped[Advisor] = orm.relationship(viewonly=True)


class ContractVersion(Base):
    """One uploaded file of a contract, never overwritten; the file lives in the file
    store under its SHA-256, the name the user gave it is kept here."""

    __tablename__ = "contract_version"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "number"),
        sa.CheckConstraint("media_type IN ('pdf', 'docx')", name="media_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    file_name: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(8))
    pages: Mapped[int]
    has_text: Mapped[bool]
    extractor: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    is_signed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    contract: Mapped[Contract] = orm.relationship(back_populates="versions")
    texts: Mapped[list[PageText]] = orm.relationship(order_by="PageText.page")


class PageText(Base):
    """The text extracted from one page of a version (a Word file is one page)."""

    __tablename__ = "page_text"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_version.id"), primary_key=True)
    page: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)


class ContractEvent(Base):
    """The audit trail: every transition, reassignment, upload and download."""

    __tablename__ = "contract_event"
    __table_args__ = (sa.Index("ix_contract_event_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(24))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    contract: Mapped[Contract] = orm.relationship(back_populates="events")


class TimeLimit(Base):
    """Working days an advisor has per contract type, set by the bureau (default 5 / 2)."""

    __tablename__ = "time_limit"
    __table_args__ = (
        sa.CheckConstraint("days BETWEEN 1 AND 60 AND urgent_days BETWEEN 1 AND 60", name="days"),
    )

    contract_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    days: Mapped[int]
    urgent_days: Mapped[int]


class CalendarScope(enum.StrEnum):
    """Where a calendar entry comes from; on one day the narrower scope wins."""

    NATIONAL = "national"  # the State Council's notice, pasted or imported
    REGIONAL = "regional"  # the region's notice (Xinjiang's 肉孜节, 古尔邦节)
    BUREAU = "bureau"  # a single day the bureau entered itself


class CalendarDay(Base):
    """A bureau calendar entry: a rest day or working day, from one scope. A day can be
    entered once per scope, so a regional notice never overwrites the national one."""

    __tablename__ = "calendar_day"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('rest', 'work')", name="kind"),
        sa.CheckConstraint(in_values("scope", CalendarScope), name="scope"),
    )

    day: Mapped[date] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8), primary_key=True, default=CalendarScope.BUREAU)
    kind: Mapped[str] = mapped_column(sa.String(8))
    note: Mapped[str] = mapped_column(sa.String(100), default="")


class CalendarYear(Base):
    """A year whose holidays the bureau has entered in full (the package did not know it)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeptUpload(Base):
    """A file a school chose on the submission form when the form was sent back for
    another field: kept so that it need not be chosen again (advisor.contracts.kept).
    Only its owner can name it; it goes once used, replaced or older than its time."""

    __tablename__ = "kept_upload"

    # Random (secrets.token_urlsafe): the form carries it in a hidden field.
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(index=True)
