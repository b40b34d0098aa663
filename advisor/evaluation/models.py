"""Stored rule-set versions, evaluations of a period and each advisor's frozen result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base, utcnow

NAME_LENGTH = 100


class RuleSetVersion(Base):
    """One version of the evaluation rules as validated JSON; a version never changes,
    an edit is saved as the next version of the same name."""

    __tablename__ = "rule_set_version"
    __table_args__ = (sa.UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class Evaluation(Base):
    """An evaluation of every active advisor for a period under one rule-set version."""

    __tablename__ = "evaluation"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'published')", name="status"),
        sa.Index("ix_evaluation_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(8))
    rule_set_id: Mapped[int] = mapped_column(sa.ForeignKey("rule_set_version.id"))
    status: Mapped[str] = mapped_column(sa.String(12), default="draft")
    computed_on: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The last day (Beijing) on which an advisor may object; set when published.
    objections_until: Mapped[date | None]
    lock_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))

    rule_set: Mapped[RuleSetVersion] = orm.relationship()
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012

    results: Mapped[list[EvaluationResult]] = orm.relationship(
        back_populates="evaluation", order_by="EvaluationResult.rank"
    )


class EvaluationResult(Base):
    """One advisor's result: the inputs and every item's points and basis, stored as
    computed so that later ledger entries or rule edits never change it."""

    __tablename__ = "evaluation_result"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "advisor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation.id"))
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"), index=True)
    total: Mapped[str] = mapped_column(sa.String(12))
    grade: Mapped[str] = mapped_column(sa.String(20))
    rank: Mapped[int]
    vetoed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # The advisor's self-evaluation as it stood when the evaluation was published.
    self_evaluation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    evaluation: Mapped[Evaluation] = orm.relationship(back_populates="results")
    adjustments: Mapped[list[Adjustment]] = orm.relationship(
        back_populates="result", order_by="Adjustment.id"
    )
    objections: Mapped[list[Objection]] = orm.relationship(
        back_populates="result", order_by="Objection.id"
    )


class Adjustment(Base):
    """A change the bureau made to one result, always with a written reason, never edited.

    ``kind`` says what changed: ``points`` overrides an item's points (value None goes
    back to the computed points), ``measure`` enters a manual measure (spot check,
    complaints, ...), ``veto`` sets ("1") or lifts ("0") a veto item. The newest
    adjustment of each (kind, target) is the one in force."""

    __tablename__ = "evaluation_adjustment"
    __table_args__ = (sa.CheckConstraint("kind IN ('points', 'measure', 'veto')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_result.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    target: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    objection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluation_objection.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    result: Mapped[EvaluationResult] = orm.relationship(back_populates="adjustments")


class Objection(Base):
    """An advisor's objection to their published result and the bureau's answer."""

    __tablename__ = "evaluation_objection"
    __table_args__ = (sa.CheckConstraint("status IN ('open', 'answered')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_result.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    result: Mapped[EvaluationResult] = orm.relationship(back_populates="objections")
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012


class SelfEvaluation(Base):
    """An advisor's own account of a period: a text and the points they propose per item."""

    __tablename__ = "self_evaluation"
    __table_args__ = (sa.UniqueConstraint("advisor_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("advisor.id"))
    period: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)
    scores: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012
