"""ledger: the advisor/date index also covers kind and created_at, for the evaluation

Revision ID: 1795757000
Revises: 1795756079
Create Date: 2026-11-27 05:50:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '1795757000'
down_revision: Union[str, Sequence[str], None] = '1795756079'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_ledger_entry_advisor_on', table_name='ledger_entry')
    op.create_index(
        'ix_ledger_entry_advisor_on',
        'ledger_entry',
        ['advisor_id', 'entry_on', 'kind', 'created_at'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_ledger_entry_advisor_on', table_name='ledger_entry')
    op.create_index('ix_ledger_entry_advisor_on', 'ledger_entry', ['advisor_id', 'entry_on'], unique=False)
