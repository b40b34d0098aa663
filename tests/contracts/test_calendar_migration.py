"""The calendar-scope migration keeps the bureau's entries, and its downgrade keeps one
entry per day: the narrowest scope's."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from advisor import create_app
from advisor.extensions import alembic, db
from tests.conftest import make_config

BEFORE, SCOPES = "1795767581", "1795770000"


def test_entries_become_bureau_days_and_come_back_one_per_day(tmp_path: Path) -> None:
    other = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/calendar.db"))
    with other.app_context():
        alembic.upgrade(BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO calendar_day (day, kind, note) VALUES"
                    " ('2025-06-06', 'rest', '古尔邦节'), ('2027-02-20', 'work', '补班')"
                )
            )
        alembic.upgrade(SCOPES)
        with db.engine.begin() as connection:
            found = connection.execute(
                sa.text("SELECT day, scope, kind FROM calendar_day ORDER BY day")
            ).all()
            assert [tuple(r) for r in found] == [
                ("2025-06-06", "bureau", "rest"),
                ("2027-02-20", "bureau", "work"),
            ]
            connection.execute(
                sa.text(
                    "INSERT INTO calendar_day (day, scope, kind, note) VALUES"
                    " ('2027-02-20', 'national', 'work', '春节'),"
                    " ('2027-03-10', 'national', 'work', ''),"
                    " ('2027-03-10', 'regional', 'rest', '肉孜节')"
                )
            )
        alembic.downgrade(BEFORE)
        with db.engine.begin() as connection:
            found = connection.execute(
                sa.text("SELECT day, kind, note FROM calendar_day ORDER BY day")
            ).all()
        assert [tuple(r) for r in found] == [
            ("2025-06-06", "rest", "古尔邦节"),
            ("2027-02-20", "work", "补班"),
            ("2027-03-10", "rest", "肉孜节"),
        ]
        alembic.upgrade(SCOPES)
        db.engine.dispose()
