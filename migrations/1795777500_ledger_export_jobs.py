"""ledger: export jobs, for exports too large to answer in the request

Revision ID: 1795777500
Revises: 1795776000
Create Date: 2026-12-03 12:45:00

An export over the threshold (Config.export_job_threshold) is queued here and written by
the scheduler process; its progress and file are read from here by any web process.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795777500"
down_revision: str | Sequence[str] | None = "1795776000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_export_job_status")
        ),
        sa.CheckConstraint("file_format IN ('xlsx')", name=op.f("ck_export_job_file_format")),
        sa.CheckConstraint("rows_done >= 0", name=op.f("ck_export_job_rows_done")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_export_job_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_job")),
    )
    op.create_index("ix_export_job_status_created", "export_job", ["status", "created_at"])
    op.create_index(op.f("ix_export_job_user_id"), "export_job", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_export_job_user_id"), table_name="export_job")
    op.drop_index("ix_export_job_status_created", table_name="export_job")
    op.drop_table("export_job")
