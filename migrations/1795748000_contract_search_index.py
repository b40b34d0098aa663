"""Substring search index on contracts: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL.

Chinese has no word boundaries, so contracts are searched by substring. Both
indexes serve LIKE-style matching of three or more characters; shorter queries
fall back to a plain LIKE (see contracts.queries.search_contracts).

SQLite keeps the FTS table in step with triggers. A later batch migration that
recreates the contract table on SQLite must recreate these triggers.

Revision ID: 1795748000
Revises: 1795747280
"""

from typing import Sequence, Union

from alembic import op

revision: str = "1795748000"
down_revision: Union[str, Sequence[str], None] = "1795747280"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE contract_fts USING fts5("
    "search_text, content='contract', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER contract_fts_ai AFTER INSERT ON contract BEGIN"
    " INSERT INTO contract_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER contract_fts_ad AFTER DELETE ON contract BEGIN"
    " INSERT INTO contract_fts(contract_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER contract_fts_au AFTER UPDATE OF search_text ON contract BEGIN"
    " INSERT INTO contract_fts(contract_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO contract_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO contract_fts(contract_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS contract_fts_au",
    "DROP TRIGGER IF EXISTS contract_fts_ad",
    "DROP TRIGGER IF EXISTS contract_fts_ai",
    "DROP TABLE IF EXISTS contract_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_contract_search_trgm ON contract USING gin (search_text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_contract_search_trgm"]


def upgrade() -> None:
    name = op.get_bind().dialect.name
    for statement in SQLITE_UP if name == "sqlite" else POSTGRES_UP if name == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    name = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if name == "sqlite" else POSTGRES_DOWN if name == "postgresql" else []:
        op.execute(statement)
