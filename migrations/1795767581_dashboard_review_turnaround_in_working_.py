"""dashboard: review turnaround in working days; covering indexes for the dashboard and ledger totals

Revision ID: 1795767581
Revises: 1795759678
Create Date: 2026-11-27 08:19:41.240122

"""
from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from advisor.workdays import BureauCalendar, today_local, working_days_between

# revision identifiers, used by Alembic.
revision: str = '1795767581'
down_revision: str | Sequence[str] | None = '1795759678'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upgrade() -> None:
    # Covering indexes: the dashboard's passes over a year read no table rows.
    op.create_index(
        'ix_contract_submitted',
        'contract',
        ['submitted_at', 'status', 'contract_type', 'outcome', 'school_id', 'advisor_id'],
    )
    op.add_column('review', sa.Column('working_days', sa.Integer(), nullable=True))
    op.create_index(
        'ix_review_issued',
        'review',
        [
            'issued_at', 'status', 'outcome', 'advisor_id', 'working_days', 'due_on',
            'minutes_spent', 'contract_id',
        ],
    )
    op.create_index('ix_finding_review_kind', 'finding', ['review_id', 'dimension', 'severity'])
    op.drop_index('ix_ledger_entry_on', table_name='ledger_entry')
    op.create_index(
        'ix_ledger_entry_on', 'ledger_entry', ['entry_on', 'kind', 'minutes', 'headcount']
    )
    op.drop_index('ix_precheck_hit_contract', table_name='precheck_hit')
    op.create_index(
        'ix_precheck_hit_contract', 'precheck_hit', ['contract_id', 'version_id', 'rule']
    )

    # Reviews issued before this revision: count their turnaround on today's calendar.
    connection = op.get_bind()
    days = connection.execute(sa.text('SELECT day, kind FROM calendar_day')).all()
    years = connection.execute(sa.text('SELECT year FROM calendar_year')).scalars().all()
    calendar = BureauCalendar(
        rest_days=frozenset(_day(d) for d, kind in days if kind == 'rest'),
        work_days=frozenset(_day(d) for d, kind in days if kind == 'work'),
        entered_years=frozenset(years),
    )
    rows = connection.execute(
        sa.text(
            'SELECT review.id, contract_version.uploaded_at, review.issued_at FROM review'
            ' JOIN contract_version ON contract_version.id = review.version_id'
            " WHERE review.status = 'issued' AND review.issued_at IS NOT NULL"
        )
    ).all()
    for review_id, uploaded_at, issued_at in rows:
        connection.execute(
            sa.text('UPDATE review SET working_days = :days WHERE id = :id'),
            {
                'id': review_id,
                'days': working_days_between(
                    today_local(_aware(uploaded_at)), today_local(_aware(issued_at)), calendar
                ),
            },
        )


def downgrade() -> None:
    op.drop_index('ix_precheck_hit_contract', table_name='precheck_hit')
    op.create_index('ix_precheck_hit_contract', 'precheck_hit', ['contract_id', 'version_id'])
    op.drop_index('ix_finding_review_kind', table_name='finding')
    op.drop_index('ix_ledger_entry_on', table_name='ledger_entry')
    op.create_index('ix_ledger_entry_on', 'ledger_entry', ['entry_on'])
    op.drop_index('ix_review_issued', table_name='review')
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of the table would be refused
    # by the foreign keys that point at the reviews.
    op.drop_column('review', 'working_days')
    op.drop_index('ix_contract_submitted', table_name='contract')
