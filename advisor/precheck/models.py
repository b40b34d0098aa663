"""Pre-check hits as stored for each uploaded version, what the advisor did with them, and
which rules the bureau switched off."""

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
