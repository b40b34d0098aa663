"""A long read on SQLite goes through the page cache, not the file mapped into memory
(advisor.db.file_not_mapped; issue 19, item 6: the ledger export peaked at 1,143 MB of
resident memory, most of it the mapped database file)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.db import SQLITE_MAP_BYTES, configure_sqlite, file_not_mapped


def mapped_bytes(session: orm.Session) -> int:
    return int(session.connection().exec_driver_sql("PRAGMA mmap_size").scalar_one())


def test_a_read_unmaps_the_file_for_its_transaction_and_maps_it_again(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mapped.db'}", poolclass=sa.pool.StaticPool)
    configure_sqlite(engine)
    with orm.Session(engine) as session:
        assert mapped_bytes(session) == SQLITE_MAP_BYTES  # every connection maps its file
        session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        session.execute(sa.text("INSERT INTO t VALUES (1), (2)"))
        with file_not_mapped(session):
            assert mapped_bytes(session) == 0
            assert session.execute(sa.text("SELECT sum(x) FROM t")).scalar_one() == 3
        assert mapped_bytes(session) == SQLITE_MAP_BYTES  # before it goes back to the pool
        session.commit()
    with orm.Session(engine) as session:  # the same connection, from the pool
        assert mapped_bytes(session) == SQLITE_MAP_BYTES
    engine.dispose()


def test_an_error_inside_still_maps_the_file_again(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mapped.db'}", poolclass=sa.pool.StaticPool)
    configure_sqlite(engine)
    with orm.Session(engine) as session:
        try:
            with file_not_mapped(session):
                raise LookupError("the export stopped")
        except LookupError:
            pass
        assert mapped_bytes(session) == SQLITE_MAP_BYTES
    engine.dispose()
