"""calendar: every entry has a scope (national notice, regional notice, single bureau day)

Revision ID: 1795770000
Revises: 1795767581
Create Date: 2026-11-28 09:00:00

The primary key becomes (day, scope), so a regional notice's day and the national
notice's day are kept side by side. Entries made before are single bureau days.
Downgrading keeps one entry per day, the narrowest scope's.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '1795770000'
down_revision: str | Sequence[str] | None = '1795767581'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calendar_day') as batch_op:
        batch_op.add_column(
            sa.Column('scope', sa.String(length=8), nullable=False, server_default='bureau')
        )
    with op.batch_alter_table('calendar_day') as batch_op:
        batch_op.drop_constraint('pk_calendar_day', type_='primary')
        batch_op.create_primary_key('pk_calendar_day', ['day', 'scope'])
        batch_op.create_check_constraint(
            'scope', "scope IN ('national', 'regional', 'bureau')"
        )
        batch_op.alter_column('scope', existing_type=sa.String(length=8), server_default=None)


def downgrade() -> None:
    # One entry per day again: the bureau's own wins over the region's over the nation's.
    connection = op.get_bind()
    for narrower, wider in (('bureau', 'regional'), ('bureau', 'national'), ('regional', 'national')):
        connection.execute(
            sa.text(
                'DELETE FROM calendar_day WHERE scope = :wider AND day IN'
                ' (SELECT day FROM calendar_day WHERE scope = :narrower)'
            ),
            {'narrower': narrower, 'wider': wider},
        )
    with op.batch_alter_table('calendar_day') as batch_op:
        batch_op.drop_constraint(op.f('ck_calendar_day_scope'), type_='check')
        batch_op.drop_constraint('pk_calendar_day', type_='primary')
        batch_op.create_primary_key('pk_calendar_day', ['day'])
    with op.batch_alter_table('calendar_day') as batch_op:
        batch_op.drop_column('scope')
