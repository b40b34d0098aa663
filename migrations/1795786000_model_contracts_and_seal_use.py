"""model contracts (合同范本库), the contract's template fill, seal use at signing

Revision ID: 1795786000
Revises: 1795784000
Create Date: 2026-12-04 10:00:00

Issue 21. ``model_contract`` and ``model_contract_version``: the bureau's templates, each
version a Word file in the file store with the fields and clauses read from it (JSON);
``template_fill``: what a school typed into a version's fields, and the contract it
became (the link is kept there: the contract table, with its triggers, is not altered).
``seal_use``: the seal use (用印登记) recorded with a signing; ``closing.difference_reason``:
why the copy signed differs from the version the opinion was issued on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795786000"
down_revision: str | Sequence[str] | None = "1795784000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTRACT_TYPES = (
    "'procurement', 'construction', 'service', 'lease', 'catering', 'uniform', 'school_bus', "
    "'cooperation', 'employment', 'insurance', 'donation', 'other'"
)


def upgrade() -> None:
    op.create_table(
        "model_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("contract_type", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"contract_type IN ({CONTRACT_TYPES})", name=op.f("ck_model_contract_contract_type")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_model_contract_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_contract")),
    )
    op.create_table(
        "model_contract_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'withdrawn')",
            name=op.f("ck_model_contract_version_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_model_contract_version_created_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["model_contract_id"],
            ["model_contract.id"],
            name=op.f("fk_model_contract_version_model_contract_id_model_contract"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_contract_version")),
        sa.UniqueConstraint(
            "model_contract_id",
            "number",
            name=op.f("uq_model_contract_version_model_contract_id_number"),
        ),
    )
    op.create_index(op.f("ix_model_contract_version_sha256"), "model_contract_version", ["sha256"])
    op.create_table(
        "template_fill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_template_fill_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_template_fill_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["model_contract_version.id"],
            name=op.f("fk_template_fill_version_id_model_contract_version"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_template_fill_contract_id_contract")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_fill")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_template_fill_contract_id")),
    )
    op.create_index(op.f("ix_template_fill_school_id"), "template_fill", ["school_id"])
    op.add_column(
        "closing",
        sa.Column("difference_reason", sa.Text(), nullable=False, server_default=sa.text("''")),
    )
    op.create_table(
        "seal_use",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("seal", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.String(length=50), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("copies BETWEEN 1 AND 99", name=op.f("ck_seal_use_copies")),
        sa.CheckConstraint("seal IN ('official', 'contract')", name=op.f("ck_seal_use_seal")),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_seal_use_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_seal_use_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_seal_use_school_id_school")
        ),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_seal_use")),
    )
    op.create_index("ix_seal_use_school_used_on", "seal_use", ["school_id", "used_on"])
    op.create_index("ix_seal_use_used_on", "seal_use", ["used_on"])


def downgrade() -> None:
    op.drop_index("ix_seal_use_used_on", table_name="seal_use")
    op.drop_index("ix_seal_use_school_used_on", table_name="seal_use")
    op.drop_table("seal_use")
    op.drop_column("closing", "difference_reason")  # in place, also on SQLite: no copy
    op.drop_index(op.f("ix_template_fill_school_id"), table_name="template_fill")
    op.drop_table("template_fill")
    op.drop_index(op.f("ix_model_contract_version_sha256"), table_name="model_contract_version")
    op.drop_table("model_contract_version")
    op.drop_table("model_contract")
