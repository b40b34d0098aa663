"""precheck: versions whose pre-check runs after the upload's answer

Revision ID: 1795782000
Revises: 1795781000
Create Date: 2026-12-04 02:00:00

Issue 19, item 4 ("uploads at the speed of the parser"). The web process pre-checks an
upload after sending its answer; ``precheck_pending`` holds each version whose pre-check
has not run yet (added with the version, removed with its hits stored), so the pages say
it is still running and the scheduler runs whatever a stopped process left. Versions
uploaded before this revision were pre-checked in their upload's transaction: none is
pending.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795782000"
down_revision: str | Sequence[str] | None = "1795781000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "precheck_pending",
        sa.Column("version_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["contract_version.id"],
            name=op.f("fk_precheck_pending_version_id_contract_version"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_precheck_pending_contract_id_contract")
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_precheck_pending")),
    )
    op.create_index(op.f("ix_precheck_pending_contract_id"), "precheck_pending", ["contract_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_precheck_pending_contract_id"), table_name="precheck_pending")
    op.drop_table("precheck_pending")
