"""Apps on databases of their own (tests/separate_db.py), for tests whose processes
really commit: a scheduler, senders, the production topology."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from advisor import create_app
from advisor.extensions import alembic, db
from tests.conftest import make_config
from tests.separate_db import separate_database


@contextmanager
def separate_app(database_url: str, tmp: Path, suffix: str) -> Iterator[tuple[Flask, str]]:
    """An app (the suite's settings, instance folder ``tmp``) on a fresh database beside
    the suite's, made by the migrations and empty; yields the app and the database URL,
    and closes the app's connections before the database is dropped."""
    with separate_database(database_url, tmp, suffix) as url:
        app = create_app(make_config(tmp, url))
        with app.app_context():
            alembic.upgrade()
        try:
            yield app, url
        finally:
            with app.app_context():
                db.engine.dispose()
