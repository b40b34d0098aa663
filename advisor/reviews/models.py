"""Reviews of contracts (drafts and issued opinions), their findings, school feedback, closing."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, in_values, utcnow


class Outcome(enum.StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CHANGES = "approve_with_changes"
    REJECT = "reject"
    RETURN = "return"


class Dimension(enum.StrEnum):
    LEGALITY = "legality"
    CLARITY = "clarity"
    OPERABILITY = "operability"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Adoption(enum.StrEnum):
    FULLY = "fully"
    PARTLY = "partly"
    NOT = "not"


class Review(Base):
    """An advisor's review of one version: a draft until issued. An issued review with
    outcome ``return`` sends the contract back; the others are the opinion."""

    __tablename__ = "review"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'issued')", name="status"),
        sa.CheckConstraint(f"outcome IS NULL OR {in_values('outcome', Outcome)}", name="outcome"),
        sa.CheckConstraint("minutes_spent >= 0", name="minutes"),
        sa.Index(
            "uq_review_one_draft_per_contract",
            "contract_id",
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        ),
        sa.Index("ix_review_contract", "contract_id", "id"),
        sa.Index("ix_review_advisor_issued", "advisor_id", "issued_at"),
        # Likewise the dashboard's pass over the reviews issued in a year.
        sa.Index(
            "ix_review_issued",
            "issued_at",
            "status",
            "outcome",
            "advisor_id",
            "working_days",
            "due_on",
            "minutes_spent",
            "contract_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_version.id"))
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(8), default="draft")
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_spent: Mapped[int] = mapped_column(default=0)
    number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    # The contract's due date when the review was issued (it moves with revisions), so
    # "issued on time" can be judged later by the ledger export and the evaluation.
    due_on: Mapped[date | None]
    # Working days from the Beijing date the reviewed version arrived to the date this
    # review was issued, counted on the bureau's calendar as it stood then (the
    # dashboard's turnaround; set when issued).
    working_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    # The bureau's finding that this opinion has to be redone, with its reason; it counts
    # against the advisor in the evaluation (measure ``redone_reviews``).
    redo_reason: Mapped[str | None] = mapped_column(sa.Text)
    redo_marked_at: Mapped[datetime | None]
    redo_marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    findings: Mapped[list[Finding]] = orm.relationship(
        back_populates="review", order_by="Finding.position", cascade="all, delete-orphan"
    )


class Finding(Base):
    """One point of a review: the clause, the problem, the suggested revision, the basis."""

    __tablename__ = "finding"
    __table_args__ = (
        sa.CheckConstraint(in_values("dimension", Dimension), name="dimension"),
        sa.CheckConstraint(in_values("severity", Severity), name="severity"),
        sa.Index("ix_finding_review", "review_id", "position"),
        sa.Index("ix_finding_review_kind", "review_id", "dimension", "severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id"))
    position: Mapped[int]
    dimension: Mapped[str] = mapped_column(sa.String(16))
    severity: Mapped[str] = mapped_column(sa.String(8))
    clause: Mapped[str] = mapped_column(sa.String(200), default="")
    problem: Mapped[str] = mapped_column(sa.Text)
    suggestion: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    # Set when the advisor checks a revision: was this returned point fixed?
    resolved: Mapped[bool | None]

    review: Mapped[Review] = orm.relationship(back_populates="findings")


class Feedback(Base):
    """The school's rating of an opinion, once per issued review."""

    __tablename__ = "feedback"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id"), unique=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"), index=True)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Closing(Base):
    """How the school closed the contract: signed or abandoned, and whether it took the advice."""

    __tablename__ = "closing"
    __table_args__ = (
        sa.CheckConstraint("result IN ('signed', 'abandoned')", name="result"),
        sa.CheckConstraint(
            f"adoption IS NULL OR {in_values('adoption', Adoption)}", name="adoption"
        ),
    )

    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), primary_key=True)
    result: Mapped[str] = mapped_column(sa.String(16))
    adoption: Mapped[str | None] = mapped_column(sa.String(8))
    adoption_note: Mapped[str] = mapped_column(sa.Text, default="")
    signed_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract_version.id"))
    # Why the copy signed differs from the version the opinion was issued on ("" if it does not)
    difference_reason: Mapped[str] = mapped_column(
        sa.Text, default="", server_default=sa.text("''")
    )
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))


class Seal(enum.StrEnum):
    OFFICIAL = "official"  # 公章
    CONTRACT = "contract"  # 合同专用章


class SealUse(Base):
    """The seal use (用印登记) recorded with a signing: which seal, who approved it, when,
    how many copies. The signed copy itself is the closing's signed version."""

    __tablename__ = "seal_use"
    __table_args__ = (
        sa.CheckConstraint(in_values("seal", Seal), name="seal"),
        sa.CheckConstraint("copies BETWEEN 1 AND 99", name="copies"),
        sa.Index("ix_seal_use_school_used_on", "school_id", "used_on"),
        sa.Index("ix_seal_use_used_on", "used_on"),
    )

    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"))
    seal: Mapped[str] = mapped_column(sa.String(16))
    approved_by: Mapped[str] = mapped_column(sa.String(50))
    used_on: Mapped[date]
    copies: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))


class Setting(Base):
    """A bureau-wide switch, such as whether advisors see who rated them."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))
