"""ledger: an advisor's and a school's entries indexed in the list's order, with minutes

Revision ID: 1795783000
Revises: 1795782000
Create Date: 2026-12-04 01:40:00

An advisor's or a school's ledger page shows its entries newest first (date, then
sequence number) under their count and minutes. The indexes on (advisor_id, entry_on,
…) and (school_id, entry_on) found the entries but not their minutes, so the totals read
every entry of the advisor from the table: 3,589 rows in 3,497 pages, 6.6 ms of the
advisor's 8 ms of SQL at province scale (issue 19, item 3). With the sequence number and
the minutes in the index, the page is read in order and the totals from the index alone.
The school's index gains the same columns in place of its own (a prefix of the new one);
the advisor's keeps its own, which the evaluation reads with kind and created_at.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795783000"
down_revision: str | Sequence[str] | None = "1795782000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ledger_entry_advisor_list",
        "ledger_entry",
        ["advisor_id", "entry_on", "seq", "minutes"],
        unique=False,
    )
    op.drop_index("ix_ledger_entry_school_on", table_name="ledger_entry")
    op.create_index(
        "ix_ledger_entry_school_list",
        "ledger_entry",
        ["school_id", "entry_on", "seq", "minutes"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_school_list", table_name="ledger_entry")
    op.create_index(
        "ix_ledger_entry_school_on", "ledger_entry", ["school_id", "entry_on"], unique=False
    )
    op.drop_index("ix_ledger_entry_advisor_list", table_name="ledger_entry")
