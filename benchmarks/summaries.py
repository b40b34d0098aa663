"""Time the summary refresh: by cells after a handful of writes, and of every table.

    .venv/bin/python -m benchmarks.summaries [--database-url URL] [--repeat 3] [--seed 1]

On a database already holding generated work at the head revision (``make run``'s
instance/advisor.db by default; a generated province, on PostgreSQL a database whose
name contains "bench"). If the summaries were never refreshed, refreshes every table
once and commits that. Then, ``repeat`` times, in a transaction rolled back afterwards:
ten writes of contracts, reviews, findings and the ledger chosen at random over the three
years (so that each most likely marks a month and school of its own, more than the
writes of five minutes usually touch), then the refresh of their cells, timed; and once
the refresh of every table, timed and rolled back. Prints the cells, rows and seconds of
each, and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor import create_app
from advisor.contracts.models import Contract
from advisor.extensions import db
from advisor.ledger import services as ledger
from advisor.ledger.models import LedgerEntry
from advisor.reports import summary, summary_cells, summary_refresh
from advisor.reviews.models import Finding, Review
from config import PROJECT_ROOT, Config


def _pick(
    session: orm.Session, rng: random.Random, column: orm.InstrumentedAttribute[int], n: int
) -> list[int]:
    top = session.scalar(sa.select(sa.func.max(column))) or 0
    return [rng.randint(1, top) for _ in range(n)]


def write(session: orm.Session, rng: random.Random) -> None:
    """Ten writes: three contracts' amounts, three reviews' minutes, two findings'
    severities, two ledger entries."""
    for id_ in _pick(session, rng, Contract.id, 3):
        session.execute(
            sa.update(Contract).where(Contract.id == id_).values(amount=Contract.amount + 1)
        )
    for id_ in _pick(session, rng, Review.id, 3):
        session.execute(
            sa.update(Review).where(Review.id == id_).values(minutes_spent=Review.minutes_spent + 1)
        )
    for id_ in _pick(session, rng, Finding.id, 2):
        finding = session.get(Finding, id_)
        if finding is not None:
            finding.severity = "high" if finding.severity != "high" else "low"
    for id_ in _pick(session, rng, LedgerEntry.id, 2):
        earlier = session.get_one(LedgerEntry, id_)
        ledger.record_work(  # another entry of the same advisor, month and school
            session,
            entry_on=earlier.entry_on,
            advisor_id=earlier.advisor_id,
            school_id=earlier.school_id,
            kind="consultation",
            description="benchmarks.summaries",
            minutes=30,
        )
    session.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{PROJECT_ROOT}/instance/advisor.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.database_url.startswith("postgresql") and "bench" not in args.database_url:
        parser.error("on PostgreSQL, name a database whose name contains 'bench'")
    with tempfile.TemporaryDirectory(prefix="bench-summaries-") as instance:
        app = create_app(
            Config(
                secret_key="benchmark", database_url=args.database_url, instance_path=Path(instance)
            )
        )
        measure(app, args.repeat, random.Random(args.seed))


def measure(app: Flask, repeat: int, rng: random.Random) -> None:
    """Refresh by cells after ten writes, ``repeat`` times, then every table; print."""
    with app.app_context():
        session = db.session
        if summary.last_refresh(session) is None:
            done = summary_refresh.refresh(session, datetime.now(UTC))
            session.commit()
            print(f"never refreshed: {summary_refresh.describe(done)} (committed)")
        cells: list[float] = []
        for _ in range(repeat):
            write(session, rng)
            marked = summary_cells.pending(session)
            started = time.perf_counter()
            done = summary_refresh.refresh(session, datetime.now(UTC))
            cells.append(time.perf_counter() - started)
            print(f"10 writes, {marked} marks: {summary_refresh.describe(done)}")
            session.rollback()
        started = time.perf_counter()
        done = summary_refresh.refresh(session, datetime.now(UTC), full=True)
        full = time.perf_counter() - started
        session.rollback()
        print(f"full: {summary_refresh.describe(done)}")
        median = statistics.median(cells)
        print(
            f"by cells (median of {repeat}): {median:.3f} s; every table: {full:.2f} s;"
            f" every table / by cells = {full / median:.1f}"
        )


if __name__ == "__main__":
    main()
