"""What the benchmarks share about the databases they fill."""

from __future__ import annotations

import sys

import sqlalchemy as sa


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL database at ``url`` for a benchmark to fill. Only a database
    whose name contains "bench" is emptied: anything else ends the run with a message."""
    name = sa.make_url(url).database or ""
    if "bench" not in name:
        sys.exit(
            f"--database-url points at {name!r}; its name must contain 'bench' (it is emptied)"
        )
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    except sa.exc.OperationalError as error:
        sys.exit(f"cannot use {name!r} ({error.orig}); create it first, e.g. createdb {name}")
    finally:
        engine.dispose()
