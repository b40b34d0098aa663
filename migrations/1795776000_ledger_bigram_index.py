"""ledger: a bigram index of the descriptions, for text search of two-character terms

Revision ID: 1795776000
Revises: 1795775000
Create Date: 2026-12-03 10:30:00

Every distinct two-character piece of each entry's description (ASCII letters in lower
case) with the entry's date and sequence number, in the list's order, filled here from
the entries there are; advisor.ledger.search keeps it current.
A plain LIKE read every entry for a rare term (1.6 s over 2,000,000 entries on
PostgreSQL), and FTS5 trigram and pg_trgm cannot serve the two-character terms most
searches are. On PostgreSQL the table is filled before its keys are made (2,000,000
entries: about five minutes on two cores).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1795776000"
down_revision: str | Sequence[str] | None = "1795775000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPPER, LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
# SQLite's lower() changes ASCII letters only; PostgreSQL's would change others too.
FILL = {
    "sqlite": (
        "INSERT INTO ledger_bigram (gram, entry_on, seq, entry_id)"
        " WITH RECURSIVE piece(entry_on, seq, entry_id, text, i) AS ("
        "  SELECT entry_on, seq, id, lower(description), 1 FROM ledger_entry"
        "  WHERE length(description) >= 2"
        "  UNION ALL"
        "  SELECT entry_on, seq, entry_id, text, i + 1 FROM piece WHERE i + 1 < length(text))"
        " SELECT DISTINCT substr(text, i, 2), entry_on, seq, entry_id FROM piece"
    ),
    "postgresql": (
        "INSERT INTO ledger_bigram (gram, entry_on, seq, entry_id)"
        " SELECT DISTINCT substr(e.folded, i, 2), e.entry_on, e.seq, e.id"
        f" FROM (SELECT id, entry_on, seq, translate(description, '{UPPER}', '{LOWER}') AS folded"
        "       FROM ledger_entry) AS e,"
        " generate_series(1, length(e.folded) - 1) AS i"
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    keys = [
        sa.PrimaryKeyConstraint(
            "gram", "entry_on", "seq", "entry_id", name=op.f("pk_ledger_bigram")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
            name=op.f("fk_ledger_bigram_entry_id_ledger_entry"),
            ondelete="CASCADE",
        ),
    ]
    op.create_table(
        "ledger_bigram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("entry_on", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        *([] if postgresql else keys),
        sqlite_with_rowid=False,
    )
    if postgresql:
        # Sorting millions of bigrams for DISTINCT and for the key's index: in memory.
        op.execute("SET LOCAL work_mem = '256MB'")
        op.execute("SET LOCAL maintenance_work_mem = '512MB'")
    op.execute(FILL[bind.dialect.name])
    if postgresql:
        op.create_primary_key(
            op.f("pk_ledger_bigram"), "ledger_bigram", ["gram", "entry_on", "seq", "entry_id"]
        )
        op.create_foreign_key(
            op.f("fk_ledger_bigram_entry_id_ledger_entry"),
            "ledger_bigram",
            "ledger_entry",
            ["entry_id"],
            ["id"],
            ondelete="CASCADE",
        )
        op.execute("ANALYZE ledger_bigram")  # the planner's figures for each bigram


def downgrade() -> None:
    op.drop_table("ledger_bigram")
