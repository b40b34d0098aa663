"""API tokens expire and record their last use; sessions record when they were last seen

Revision ID: 1795772000
Revises: 1795770000
Create Date: 2026-12-02 16:00:00

Tokens made before this revision expire 90 days after the upgrade runs, not 90 days
after they were made: counting from their creation would switch off, without warning,
every integration older than three months on the day of the upgrade, while counting
from the upgrade gives their owners the same 90 days a new token gets, with the date
shown on the account page, and still bounds every token's life. Tokens of deactivated
accounts are revoked, since a later reactivation must not bring them back.

Open sessions count as seen at the upgrade, so nobody is signed out by it; they still
end at their 12 hours.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from advisor.db import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "1795772000"
down_revision: str | Sequence[str] | None = "1795770000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))

    # Bound through the app's UTC type, so SQLite gets the same text as the app writes.
    now = datetime.now(UTC)
    token = sa.table(
        "api_token",
        sa.column("user_id", sa.Integer),
        sa.column("expires_at", UTCDateTime()),
        sa.column("revoked_at", UTCDateTime()),
    )
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("is_active", sa.Boolean))
    login_session = sa.table("login_session", sa.column("last_seen_at", UTCDateTime()))
    op.execute(token.update().values(expires_at=now + timedelta(days=EXISTING_TOKEN_DAYS)))
    op.execute(
        token.update()
        .where(
            token.c.revoked_at.is_(None),
            token.c.user_id.in_(sa.select(user.c.id).where(user.c.is_active.is_(False))),
        )
        .values(revoked_at=now)
    )
    op.execute(login_session.update().values(last_seen_at=now))

    with op.batch_alter_table("api_token") as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.alter_column(
            "last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    # Without an expiry column a token would live for ever: end the expired ones first.
    token = sa.table(
        "api_token",
        sa.column("expires_at", UTCDateTime()),
        sa.column("revoked_at", UTCDateTime()),
    )
    now = datetime.now(UTC)
    op.execute(
        token.update()
        .where(token.c.revoked_at.is_(None), token.c.expires_at <= now)
        .values(revoked_at=now)
    )
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.drop_column("last_seen_at")
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")
