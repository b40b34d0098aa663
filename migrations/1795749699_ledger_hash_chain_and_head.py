"""ledger hash chain and head

Revision ID: 1795749699
Revises: 1795749263
Create Date: 2026-11-27 03:21:39.423146

"""
from typing import Sequence, Union

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from advisor.ledger.chain import FIELDS, entry_hash
from advisor.ledger.models import GENESIS

# The ledger is append-only in the database itself, whatever the application does.
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry"
        " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        "CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry"
        " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
        "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry"
        " FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER IF EXISTS ledger_entry_no_update",
               "DROP TRIGGER IF EXISTS ledger_entry_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry",
                   "DROP FUNCTION IF EXISTS ledger_entry_append_only()"],
}


# revision identifiers, used by Alembic.
revision: str = '1795749699'
down_revision: Union[str, Sequence[str], None] = '1795749263'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Chain the ledger: sequence numbers, hashes, the head row, append-only triggers.

    Entries written before this revision (reviews) are chained in id order first.
    """
    op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_ledger_head_single')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('service_mode', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('audience', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('on_behalf', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    entries = sa.table(
        'ledger_entry', *(sa.column(name) for name in (
            'id', 'seq', 'prev_hash', 'hash', *FIELDS)),
    )
    prev, seq = GENESIS, 0
    for row in bind.execute(sa.select(entries).order_by(entries.c.id)).mappings().all():
        seq += 1
        values = dict(row)
        values['seq'] = seq
        created = values['created_at']
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        values['created_at'] = created if created.tzinfo else created.replace(tzinfo=UTC)
        values['on_behalf'] = bool(values['on_behalf'])
        digest = entry_hash(values, prev)
        bind.execute(entries.update().where(entries.c.id == row['id']).values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    op.bulk_insert(sa.table('ledger_head', sa.column('id'), sa.column('seq'), sa.column('last_hash')),
                   [{'id': 1, 'seq': seq, 'last_hash': prev}])

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('audience', existing_type=sa.String(length=200), server_default=None)
        batch_op.alter_column('on_behalf', existing_type=sa.Boolean(), server_default=None)
        batch_op.create_index('ix_ledger_entry_on', ['entry_on'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_ledger_entry_hash'), ['hash'])
        batch_op.create_unique_constraint(batch_op.f('uq_ledger_entry_seq'), ['seq'])
        batch_op.create_unique_constraint(batch_op.f('uq_ledger_entry_supersedes_id'), ['supersedes_id'])
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_supersedes_id_ledger_entry'), 'ledger_entry', ['supersedes_id'], ['id'])

    for statement in APPEND_ONLY.get(bind.dialect.name, ()):
        op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_supersedes_id_ledger_entry'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ledger_entry_supersedes_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_ledger_entry_seq'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_ledger_entry_hash'), type_='unique')
        batch_op.drop_index('ix_ledger_entry_on')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('on_behalf')
        batch_op.drop_column('supersedes_id')
        batch_op.drop_column('headcount')
        batch_op.drop_column('audience')
        batch_op.drop_column('service_mode')
        batch_op.drop_column('seq')

    op.drop_table('ledger_head')
    # ### end Alembic commands ###
