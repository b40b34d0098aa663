"""Stored rule-set versions, evaluations of a period and each advisor's frozen result."""

from __future__ import annotations

from datetime import datetime
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
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)

    evaluation: Mapped[Evaluation] = orm.relationship(back_populates="results")
