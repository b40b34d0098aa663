"""contracts and ledger: indexes in the order their lists are shown

Revision ID: 1795780000
Revises: 1795779000
Create Date: 2026-12-03 18:10:00

The contract list shows the contracts whose clock runs first, then by due date, the
newest first among equals (advisor.contracts.queries.OPEN_FIRST); the ledger shows the
newest entries first, by date and then sequence number. Without an index in either order
a page of the bureau's list sorted all 200,000 contracts of a province (147 ms), or every
entry of the last days (34 ms of 2,000,000).

The contracts' index is on the same expression, with the same literals, as the list's
ORDER BY: an index on an expression serves only that expression. ``status`` at its end
lets PostgreSQL answer a page's keys from the index alone. It is not in the models
(advisor.db.UNMODELLED): autogenerate cannot compare an index on an expression, and
SQLite's batch mode does not copy one, so a later batch migration of the contract table
on SQLite must make it again.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795780000"
down_revision: str | Sequence[str] | None = "1795779000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_FIRST = "(CASE WHEN status IN ('submitted', 'in_review') THEN 0 ELSE 1 END)"


def upgrade() -> None:
    op.execute(
        f"CREATE INDEX ix_contract_list_order ON contract ({OPEN_FIRST}, due_on, id DESC, status)"
    )
    op.create_index("ix_ledger_entry_on_seq", "ledger_entry", ["entry_on", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_on_seq", table_name="ledger_entry")
    op.execute("DROP INDEX ix_contract_list_order")
