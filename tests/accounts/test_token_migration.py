"""The migration that gives tokens an expiry and sessions a last-seen time, on data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from advisor import create_app
from advisor.db import UTCDateTime, utcnow
from advisor.extensions import alembic, db
from tests.conftest import make_config

BEFORE = "1795770000"
REVISION = "1795772000"

user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("role", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("is_active", sa.Boolean),
    sa.column("created_at", UTCDateTime()),
    sa.column("password_changed_at", UTCDateTime()),
)
token = sa.table(
    "api_token",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("token_hash", sa.String),
    sa.column("prefix", sa.String),
    sa.column("created_at", UTCDateTime()),
    sa.column("revoked_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
)
login_session = sa.table(
    "login_session",
    sa.column("id", sa.String),
    sa.column("user_id", sa.Integer),
    sa.column("created_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
    sa.column("last_seen_at", UTCDateTime()),
)


def test_existing_tokens_get_90_days_from_the_upgrade_and_sessions_stay_open(
    tmp_path: Path,
) -> None:
    other = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/tokens.db"))
    now = utcnow()
    long_ago = now - timedelta(days=400)
    with other.app_context():
        alembic.upgrade(BEFORE)
        with db.engine.begin() as conn:
            for uid, active in ((1, True), (2, False)):
                conn.execute(
                    user.insert().values(
                        id=uid,
                        email=f"u{uid}@x.cn",
                        name="u",
                        role="bureau",
                        password_hash="x",
                        is_active=active,
                        created_at=long_ago,
                        password_changed_at=long_ago,
                    )
                )
                conn.execute(
                    token.insert().values(
                        id=uid,
                        user_id=uid,
                        name="t",
                        token_hash=f"{uid:064d}",
                        prefix="adv_",
                        created_at=long_ago,
                    )
                )
            conn.execute(
                login_session.insert().values(
                    id="s", user_id=1, created_at=now - timedelta(hours=5), expires_at=now
                )
            )
        alembic.upgrade(REVISION)
        with db.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(sa.select(token))}
            seen = conn.execute(sa.select(login_session.c.last_seen_at)).scalar_one()
        # From the upgrade, not from creation: an old integration keeps working 90 days.
        assert abs(rows[1].expires_at - (now + timedelta(days=90))) < timedelta(minutes=1)
        assert rows[1].revoked_at is None
        # A deactivated account's token must not come back with a reactivation.
        assert rows[2].revoked_at is not None
        assert abs(seen - now) < timedelta(minutes=1)

        # Downgrading cannot keep an expiry, so tokens already expired are revoked.
        with db.engine.begin() as conn:
            conn.execute(token.update().where(token.c.id == 1).values(expires_at=now))
        alembic.downgrade(BEFORE)
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(token.c.revoked_at).where(token.c.id == 1)).scalar_one()
        db.engine.dispose()
