"""reports: summary tables behind the dashboard and the yearly figures

Revision ID: 1795779000
Revises: 1795777500
Create Date: 2026-12-03 14:40:00

The base rows grouped by Beijing month, school and advisor, with their bureau-wide sums
(school and advisor NULL), rebuilt together by the scheduler's "summaries" job
(advisor.reports.summary), and the time of the last rebuild. No keys: the tables are
deleted and filled again every few minutes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795779000"
down_revision: str | Sequence[str] | None = "1795777500"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTHLY = ("summary_contract", "summary_review", "summary_precheck_hit", "summary_finding")


def upgrade() -> None:
    op.create_table(
        "summary_contract",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("contract_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
    )
    op.create_table(
        "summary_review",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
    )
    op.create_table(
        "summary_precheck_hit",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "summary_finding",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "summary_reviewed_contract",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
    )
    op.create_table(
        "summary_ledger",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
    )
    for table in (*MONTHLY, "summary_ledger"):
        op.create_index(f"ix_{table}_advisor_id_month", table, ["advisor_id", "month"])
    for table in MONTHLY:
        op.create_index(f"ix_{table}_school_id_month", table, ["school_id", "month"])
    op.create_index(
        op.f("ix_summary_reviewed_contract_year"), "summary_reviewed_contract", ["year"]
    )
    op.create_table(
        "summary_refresh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_refresh")),
    )


def downgrade() -> None:
    op.drop_table("summary_refresh")
    op.drop_index(op.f("ix_summary_reviewed_contract_year"), table_name="summary_reviewed_contract")
    for table in MONTHLY:
        op.drop_index(f"ix_{table}_school_id_month", table_name=table)
    for table in (*MONTHLY, "summary_ledger"):
        op.drop_index(f"ix_{table}_advisor_id_month", table_name=table)
    for table in ("summary_ledger", "summary_reviewed_contract", *reversed(MONTHLY)):
        op.drop_table(table)
