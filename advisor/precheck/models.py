"""Pre-check hits as stored for each uploaded version, what the advisor did with them, the
versions whose pre-check has not run yet, and which rules the bureau switched off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from advisor.db import Base


class PrecheckHit(Base):
    """One rule's hit on one version: where it is and, once the advisor decides, whether it
    became a finding of the review or was dismissed (with the reason)."""

    __tablename__ = "precheck_hit"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'taken', 'dismissed')", name="status"),
        sa.Index("ix_precheck_hit_contract", "contract_id", "version_id", "rule"),
        sa.Index("ix_precheck_hit_rule_status", "rule", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_version.id"))
    rule: Mapped[str] = mapped_column(sa.String(60))
    severity: Mapped[str] = mapped_column(sa.String(8))
    page: Mapped[int | None]
    start: Mapped[int | None]
    end: Mapped[int | None]
    excerpt: Mapped[str] = mapped_column(sa.Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    reason: Mapped[str | None] = mapped_column(sa.Text)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("finding.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]


class PrecheckRuleSwitch(Base):
    """A rule the bureau switched off (or on again); a rule with no row is on."""

    __tablename__ = "precheck_rule_switch"

    rule: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    enabled: Mapped[bool]
    changed_at: Mapped[datetime]
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


# Runs of a pending pre-check that may fail before it is given up: a rule that raises on
# a text raises again, and the page then says so instead of "still running" for ever.
MAX_ATTEMPTS = 3


class PrecheckPending(Base):
    """A version whose pre-check has not run yet. Added in the transaction that adds the
    version, removed in the one that stores its hits, so the two are never both missing
    or both present: until then the pages say the pre-check is still running, never that
    it found nothing. ``attempts`` counts the runs that failed; at MAX_ATTEMPTS the
    pre-check is given up and the pages say it could not be completed."""

    __tablename__ = "precheck_pending"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contract_version.id"), primary_key=True, autoincrement=False
    )
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    queued_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def has_failed(self) -> bool:
        return self.attempts >= MAX_ATTEMPTS
