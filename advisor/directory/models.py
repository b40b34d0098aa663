"""Schools, law firms, advisors, and the dated assignments of advisors to schools."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, in_values, utcnow


class SchoolLevel(enum.StrEnum):
    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    NINE_YEAR = "nine_year"
    VOCATIONAL = "vocational"
    SPECIAL = "special"


class AssignmentKind(enum.StrEnum):
    PRIMARY = "primary"
    BACKUP = "backup"


class School(Base):
    __tablename__ = "school"
    __table_args__ = (sa.CheckConstraint(in_values("level", SchoolLevel), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), index=True)
    district: Mapped[str] = mapped_column(sa.String(50), default="")
    level: Mapped[str] = mapped_column(sa.String(16))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(30), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignments: Mapped[list[Assignment]] = orm.relationship(
        back_populates="school", order_by="Assignment.starts_on.desc(), Assignment.id.desc()"
    )


class LawFirm(Base):
    __tablename__ = "law_firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(30), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    advisors: Mapped[list[Advisor]] = orm.relationship(back_populates="law_firm")


class Advisor(Base):
    """A lawyer on the bureau's panel. The e-mail is the one the advisor signs in with."""

    __tablename__ = "advisor"
    __table_args__ = (
        sa.CheckConstraint(
            "appointment_ends_on IS NULL OR appointment_ends_on >= appointed_on",
            name="appointment_dates",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), index=True)
    law_firm_id: Mapped[int] = mapped_column(sa.ForeignKey("law_firm.id"), index=True)
    licence_no: Mapped[str] = mapped_column(sa.String(17), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    appointed_on: Mapped[date]
    appointment_ends_on: Mapped[date | None]
    specialties: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    law_firm: Mapped[LawFirm] = orm.relationship(back_populates="advisors")
    assignments: Mapped[list[Assignment]] = orm.relationship(back_populates="advisor")


class Assignment(Base):
    """An advisor serving a school as primary or backup from ``starts_on`` through
    ``ends_on`` (inclusive; open while NULL). Reassignment closes the open row and
    adds a new one, so the history stays."""

    __tablename__ = "assignment"
    __table_args__ = (
        sa.CheckConstraint(in_values("kind", AssignmentKind), name="kind"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        sa.Index(
            "uq_assignment_open_school_kind",
            "school_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        ),
        sa.Index("ix_assignment_advisor_open", "advisor_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"))
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    school: Mapped[School] = orm.relationship(back_populates="assignments")
    advisor: Mapped[Advisor] = orm.relationship(back_populates="assignments")


class Absence(Base):
    """A period an advisor cannot take new contracts (leave, illness, a trial elsewhere)."""

    __tablename__ = "absence"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="dates"),
        sa.Index("ix_absence_advisor_dates", "advisor_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    advisor: Mapped[Advisor] = orm.relationship()


class ConflictDeclaration(Base):
    """An organisation the advisor's law firm acts for: contracts with it go to the backup."""

    __tablename__ = "conflict_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    advisor: Mapped[Advisor] = orm.relationship()
