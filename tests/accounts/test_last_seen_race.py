"""A page whose session's last-seen time could not be written, because another
connection wrote first, is still answered (issue 19: under a 20-connection load on
SQLite, one request in a run failed). On SQLite a reading request begins a deferred
transaction; when the minute is up it writes the session's last-seen time, and if
another connection committed a write since its read began, WAL refuses the write at once
("database is locked", whatever the busy timeout). Here the other connection's write is
made, for real, at that very moment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask

from advisor.accounts.models import LoginSession
from advisor.extensions import db
from advisor.reviews.models import Setting
from tests.conftest import SUITE_NOW, login
from tests.factories import create_user
from tests.factories.apps import separate_app

PASSWORD = "secret-pass-1"


@pytest.fixture()
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[Flask, str]]:
    with separate_app(database_url, tmp_path, "lastseen") as (app, url):
        with app.app_context():
            create_user(db.session, role="bureau", email="race@test.local", password=PASSWORD)
            db.session.commit()
        yield app, url


def test_a_page_is_answered_when_another_connection_wrote_first(
    world: tuple[Flask, str],
) -> None:
    app, url = world
    other = sa.create_engine(url)
    written: list[str] = []

    def write_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Just before this request writes its last-seen time, another connection
        # commits a write (another request's, say) after this request began reading.
        if statement.startswith("UPDATE login_session") and not written:
            written.append(statement)
            with other.begin() as elsewhere:
                elsewhere.execute(sa.insert(Setting).values(key="elsewhere", value="1"))

    with time_machine.travel(SUITE_NOW, tick=False) as clock:
        client = login(app.test_client(), "race@test.local", PASSWORD)
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=2))  # the last-seen time is due to be written
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", write_first)
        try:
            page = client.get("/account")
        finally:
            with app.app_context():
                sa.event.remove(db.engine, "before_cursor_execute", write_first)
        assert written, "the request wrote its last-seen time"
        assert page.status_code == 200 and "race@test.local" in page.get_data(as_text=True)
        # Still signed in; a later request records the time.
        clock.shift(timedelta(minutes=2))
        assert client.get("/account").status_code == 200
    with other.connect() as conn:
        seen = conn.scalar(sa.select(sa.func.max(LoginSession.last_seen_at)))
    other.dispose()
    assert seen is not None and seen >= SUITE_NOW + timedelta(minutes=4)
