"""ledger: the verifications that passed, so that the daily one checks only what is new

Revision ID: 1795775000
Revises: 1795774000
Create Date: 2026-12-03 10:00:00

``flask ledger verify --since-last`` and the daily job start after the entry the latest
verification reached; ``flask ledger verify`` still recomputes the whole chain.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795775000"
down_revision: str | Sequence[str] | None = "1795774000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("is_full", sa.Boolean(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_ledger_verification_seq")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_verification")),
    )


def downgrade() -> None:
    op.drop_table("ledger_verification")
