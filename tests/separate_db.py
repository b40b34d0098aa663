"""A database beside the test one, for tests that need real commits from several connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


@contextmanager
def separate_database(database_url: str, tmp: Path, suffix: str) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in ``tmp``, or on PostgreSQL
    ``<test database>_<suffix>`` created now and dropped afterwards. Yields its URL."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp / f'{suffix}.db'}"
        return
    url = sa.make_url(database_url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
