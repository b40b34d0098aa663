"""The scheduler's job store is made by the migrations

Revision ID: 1795774000
Revises: 1795773000
Create Date: 2026-12-02 21:00:00

APScheduler's SQLAlchemyJobStore created ``apscheduler_jobs`` itself when a scheduler
started; two schedulers starting on a fresh database raced to create it and one crashed.
The table is now made here, exactly as APScheduler 3 defines it (so its own
create-if-missing finds it), and left alone where a scheduler already made it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795774000"
down_revision: str | Sequence[str] | None = "1795773000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("apscheduler_jobs"):
        return
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25)),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])


def downgrade() -> None:
    op.drop_table("apscheduler_jobs")
