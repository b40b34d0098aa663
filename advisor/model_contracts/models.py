"""Model contracts (合同范本): the bureau's templates, their versions, and what a school
typed into one. A version's file and its reading (fields, clauses) never change once
published: a contract started from it is compared against that version forever."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column

from advisor.contracts.models import ContractType
from advisor.db import Base, in_values, utcnow


class TemplateStatus(enum.StrEnum):
    DRAFT = "draft"  # the bureau is still marking it up: schools do not see it
    PUBLISHED = "published"  # schools may start from it
    WITHDRAWN = "withdrawn"  # no longer offered; contracts started from it keep it


class FieldKind(enum.StrEnum):
    TEXT = "text"
    AMOUNT = "amount"
    AMOUNT_WORDS = "amount_words"  # 大写: written from the amount when left empty
    DATE = "date"
    NUMBER = "number"


class ModelContract(Base):
    """One model contract of the bureau (食堂食材采购合同), with its versions."""

    __tablename__ = "model_contract"
    __table_args__ = (
        sa.CheckConstraint(in_values("contract_type", ContractType), name="contract_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    contract_type: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    versions: Mapped[list[ModelContractVersion]] = orm.relationship(
        back_populates="model", order_by="ModelContractVersion.number"
    )

    @property
    def published(self) -> ModelContractVersion | None:
        """The version schools start from: the latest published."""
        shown = [v for v in self.versions if v.status == TemplateStatus.PUBLISHED]
        return shown[-1] if shown else None


class ModelContractVersion(Base):
    """One text of a model contract: the bureau's Word file (in the file store, by its
    SHA-256), the fields found in it and, per top-level clause, whether a school may
    change it. ``fields`` is a list of {"label", "kind", "count"}; ``clauses`` a list of
    {"outline", "heading", "negotiable"} in the document's order."""

    __tablename__ = "model_contract_version"
    __table_args__ = (
        sa.UniqueConstraint("model_contract_id", "number"),
        sa.CheckConstraint(in_values("status", TemplateStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_contract_id: Mapped[int] = mapped_column(sa.ForeignKey("model_contract.id"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default=TemplateStatus.DRAFT)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    file_name: Mapped[str] = mapped_column(sa.String(255))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    clauses: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    model: Mapped[ModelContract] = orm.relationship(back_populates="versions")

    @property
    def negotiable(self) -> set[str]:
        return {c["outline"] for c in self.clauses if c.get("negotiable")}


class TemplateFill(Base):
    """What a school typed into a version's fields, and the contract it became once
    submitted (one fill, one contract). The filled document is made again from the
    version's file and these values, for the download and for the review's comparison.
    The link lives here, not on the contract, whose table stays as it was."""

    __tablename__ = "template_fill"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("model_contract_version.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contract.id"), unique=True)
    values: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # The filled document's text by page, read once as an upload is read: what the
    # review compares the contract's versions with.
    pages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    version: Mapped[ModelContractVersion] = orm.relationship()
