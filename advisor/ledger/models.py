"""The advisors' work ledger (工作台账): one entry per piece of work.

This is the minimal form the review workflow needs; the ledger issue adds the
append-only rules, the hash chain and the exports.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, utcnow


class Kind(enum.StrEnum):
    CONTRACT_REVIEW = "contract_review"
    CONSULTATION = "consultation"
    LECTURE = "lecture"
    DISPUTE_MEDIATION = "dispute_mediation"
    DOCUMENT_DRAFTING = "document_drafting"
    TRAINING = "training"
    OTHER = "other"


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k.value) for k in Kind)})", name="kind"),
        sa.CheckConstraint("minutes >= 0", name="minutes"),
        sa.Index("ix_ledger_entry_advisor_on", "advisor_id", "entry_on"),
        sa.Index("ix_ledger_entry_school_on", "school_id", "entry_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_on: Mapped[date]
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    description: Mapped[str] = mapped_column(sa.Text)
    minutes: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
