"""The security event log: an append-only table of sign-ins, account changes, tokens,
refusals and file exports

Revision ID: 1795773000
Revises: 1795772000
Create Date: 2026-12-03 10:00:00

Like the ledger, the table is append-only in the database itself: triggers refuse
UPDATE and DELETE whatever the application does. The table is made with create_table,
never a batch rebuild, since rebuilding a SQLite table drops its triggers; a later
migration that must change it on SQLite recreates them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795773000"
down_revision: str | Sequence[str] | None = "1795772000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_event"
        " BEGIN SELECT RAISE(ABORT, 'security events are append-only'); END",
        "CREATE TRIGGER security_event_no_delete BEFORE DELETE ON security_event"
        " BEGIN SELECT RAISE(ABORT, 'security events are append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION security_event_append_only() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'security events are append-only'; END $$",
        "CREATE TRIGGER security_event_append_only BEFORE UPDATE OR DELETE ON security_event"
        " FOR EACH ROW EXECUTE FUNCTION security_event_append_only()",
        # TRUNCATE fires no row trigger; refuse it with a statement trigger.
        "CREATE TRIGGER security_event_no_truncate BEFORE TRUNCATE ON security_event"
        " FOR EACH STATEMENT EXECUTE FUNCTION security_event_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS security_event_no_update",
        "DROP TRIGGER IF EXISTS security_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS security_event_no_truncate ON security_event",
        "DROP TRIGGER IF EXISTS security_event_append_only ON security_event",
        "DROP FUNCTION IF EXISTS security_event_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("account", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('success', 'failure', 'denied')", name=op.f("ck_security_event_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_security_event_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    op.create_index("ix_security_event_at", "security_event", ["at"])
    op.create_index("ix_security_event_kind_at", "security_event", ["kind", "at"])
    op.create_index("ix_security_event_user_at", "security_event", ["user_id", "at"])
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    op.drop_index("ix_security_event_user_at", table_name="security_event")
    op.drop_index("ix_security_event_kind_at", table_name="security_event")
    op.drop_index("ix_security_event_at", table_name="security_event")
    op.drop_table("security_event")
