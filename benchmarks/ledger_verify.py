"""Time the ledger's verification on a chain of millions of entries: full and incremental.

    .venv/bin/python -m benchmarks.ledger_verify [--entries 2000000] [--database-url URL]
        [--append 2000] [--advisors 300] [--schools 2000] [--seed 5] [--reuse] [--keep]
        [--json FILE]

Builds a database with the migrations (a new SQLite file under /tmp by default; with
--database-url a PostgreSQL database whose name contains "bench", emptied first) and
fills it straight through the tables: a law firm, advisors, schools and their users, then
``--entries`` ledger entries of every kind over three years, each hashed onto the one
before it with the chain's own encoder, so that the chain verifies — precomputed rows
inserted in batches (COPY on PostgreSQL), the head set to the last one. With --reuse an
existing database (a run's kept with --keep) is timed as it is.

Then times, each on new connections, with the wall time, the CPU time and the load
average (the machine may be shared: CPU time is the work itself):

1. ``verify_chain`` over the whole chain, in this process, ``--repeat`` times;
2. ``--append`` more entries (a province's day of work) appended the same way, then the
   incremental ``verify_since_last`` (after the verification of step 1);
3. the command itself, ``flask ledger verify``, in a new process (its start-up, timed
   on its own first, included);
4. ``--append`` more, then ``flask ledger verify --since-last`` in a new process.

Goal (issue 19, item 5): the full verification of 2,000,000 entries within 30 s on both
databases, the incremental one within 2 s. ``--json FILE`` writes each timing's goal in
benchmarks/goals.py's form.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import logging
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask

from advisor import create_app
from advisor.accounts.models import User
from advisor.demo.synthetic import DESCRIPTIONS, TITLES, reset_sequences
from advisor.directory.models import Advisor, LawFirm, School
from advisor.extensions import alembic, db
from advisor.ledger import services
from advisor.ledger.chain import FIELDS, Verification, canonical_values
from advisor.ledger.models import GENESIS, LedgerEntry, LedgerHead, Mode
from benchmarks import goals
from benchmarks.databases import reset_postgres
from benchmarks.evaluation import Synthetic
from config import PROJECT_ROOT, Config

BATCH = 10_000
GOAL_FULL = 30.0  # seconds, for 2,000,000 entries
GOAL_INCREMENTAL = 2.0
# The columns filled, in this order: the FIELDS in the middle, as canonical_values takes them.
COLUMNS = ("id", *FIELDS, "prev_hash", "hash")
KINDS = ("contract_review", *DESCRIPTIONS)
KIND_WEIGHTS = (30, 30, 8, 7, 10, 8, 7)  # as benchmarks.evaluation, in KINDS' order
MODES = tuple(m.value for m in Mode)
OUTCOMES = ("", "", "", "已书面答复", "已电话答复，学校表示认可", "建议学校补充证据后再议")
AUDIENCES = ("全体教职工", "高一年级学生", "家长委员会", "学校中层干部")
COUNTERPARTIES = ("乌苏市丰收食品有限公司", "新疆天山建设工程有限公司", "某某“阳光”物业服务公司")
DAYS = 3 * 365


def _config(database_url: str, instance: Path) -> Config:
    return Config(
        secret_key="benchmark",
        database_url=database_url,
        instance_path=instance,
        anchor_path=instance / "ledger-anchors.log",
        testing=True,
    )


# --- the chain --------------------------------------------------------------------------


class Entries:
    """Entries of a province's three years, in the order they were appended, each chained
    to the one before: ``rows(n)`` continues from where the previous call stopped."""

    def __init__(self, args: argparse.Namespace, seq: int, prev: str) -> None:
        self.rng = random.Random(args.seed + seq)
        self.advisors: int = args.advisors
        self.schools: int = args.schools
        self.seq, self.prev = seq, prev
        self.total = max(args.entries, 1)
        self.start = datetime(2023, 9, 1, 0, 0, tzinfo=UTC)
        self.first_day = date(2023, 9, 1)

    def rows(self, count: int) -> Iterator[tuple[Any, ...]]:
        """``count`` entries as tuples in COLUMNS order (the id is the sequence number)."""
        rand = self.rng.random
        pick = self.rng.choices
        kind_weights = list(itertools.accumulate(KIND_WEIGHTS))
        titles = list(TITLES.values())
        step = timedelta(seconds=DAYS * 86_400 / self.total)
        for _ in range(count):
            self.seq += 1
            seq = self.seq
            at = self.start + step * seq + timedelta(microseconds=int(rand() * 1_000_000))
            advisor = 1 + int(rand() * self.advisors)
            kind = pick(KINDS, cum_weights=kind_weights)[0]
            lecture = kind == "lecture"
            if kind == "contract_review":
                title = titles[int(rand() * len(titles))]
                party = COUNTERPARTIES[int(rand() * len(COUNTERPARTIES))]
                description = f"审查《{title}》（相对方：{party}）"
            else:
                description = DESCRIPTIONS[kind]
            values = (
                seq,
                (at + timedelta(hours=8)).date() - timedelta(days=int(rand() * 4)),
                advisor,
                None if kind in ("training", "other") else 1 + int(rand() * self.schools),
                kind,
                description,
                "written" if kind == "contract_review" else MODES[int(rand() * len(MODES))],
                15 + int(rand() * 180),
                OUTCOMES[int(rand() * len(OUTCOMES))],
                AUDIENCES[int(rand() * len(AUDIENCES))] if lecture else "",
                20 + int(rand() * 300) if lecture else None,
                None,
                None,
                None,
                rand() < 0.03,
                at,
                1 + advisor,  # benchmarks.evaluation's user of the advisor
            )
            digest = hashlib.sha256(canonical_values(values, self.prev)).hexdigest()
            yield (seq, *values, self.prev, digest)
            self.prev = digest


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


def append(engine: sa.Engine, entries: Entries, count: int) -> None:
    """``count`` entries appended in bulk, and the head moved to the last one."""
    table = cast(sa.Table, LedgerEntry.__table__)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            raw: Any = conn.connection.driver_connection
            columns = ", ".join(COLUMNS)
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f"COPY ledger_entry ({columns}) FROM STDIN"  # our own column names  # nosec B608
                ) as copy,
            ):
                for row in entries.rows(count):
                    copy.write_row(row)
        else:
            conn.exec_driver_sql("PRAGMA cache_size = -262144")  # the random hashes' index
            for batch in _batches(entries.rows(count)):
                conn.execute(
                    table.insert(), [dict(zip(COLUMNS, row, strict=True)) for row in batch]
                )
        conn.execute(
            sa.update(LedgerHead)
            .where(LedgerHead.id == 1)
            .values(seq=entries.seq, last_hash=entries.prev)
        )


def build(app: Flask, args: argparse.Namespace) -> None:
    """Migrate, then the directory the entries refer to, then the chain."""
    people = Synthetic(
        argparse.Namespace(
            year=2025,
            advisors=args.advisors,
            schools=args.schools,
            reviews=0,
            entries=0,
            seed=args.seed,
        )
    )
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        alembic.upgrade()
        engine = db.engine
        with engine.begin() as conn:
            for model, rows in (
                (LawFirm, people.law_firms()),
                (Advisor, people.advisor_rows()),
                (School, people.school_rows()),
                (User, people.users()),
            ):
                conn.execute(cast(sa.Table, model.__table__).insert(), list(rows))
        started = time.perf_counter()
        entries = Entries(args, 0, GENESIS)
        for done in range(0, args.entries, 500_000):
            append(engine, entries, min(500_000, args.entries - done))
            print(
                f"  {entries.seq:>10,} entries {time.perf_counter() - started:7.1f} s", flush=True
            )
        with engine.begin() as conn:
            reset_sequences(conn, (LawFirm, Advisor, School, User, LedgerEntry))
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum leaves a settled table
        engine.dispose()


# --- timing -------------------------------------------------------------------------------


def _head(app: Flask) -> tuple[int, str]:
    with app.app_context():
        head = db.session.get_one(LedgerHead, 1)
        seq, digest = head.seq, head.last_hash
        db.engine.dispose()
    return seq, digest


def _append_more(app: Flask, args: argparse.Namespace) -> None:
    seq, prev = _head(app)
    with app.app_context():
        append(db.engine, Entries(args, seq, prev), args.append)
        db.engine.dispose()


def _timed_service(app: Flask, since_last: bool) -> tuple[float, float, Verification]:
    """Wall and CPU seconds of one verification in this process; a pass is kept."""
    with app.app_context():
        wall, cpu = time.perf_counter(), time.process_time()
        if since_last:
            result, since = services.verify_since_last(db.session)
        else:
            result, since = services.verify_chain(db.session), None
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if not result.ok:
            sys.exit(f"the chain does not verify: {result}")
        services.record_verification(db.session, result, since=since, now=datetime.now(UTC))
        db.session.commit()
        db.engine.dispose()
    return wall, cpu, result


def _timed_command(config: Config, *options: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of ``flask ledger verify`` in a new process, and what it said."""
    env = {
        # Compiled modules cached, as where the command runs for real (this shell may
        # say otherwise): start-up is then the application's, not the compiler's.
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "DATABASE_URL": config.database_url,
        "ADVISOR_INSTANCE_PATH": str(config.instance_path),
        "ANCHOR_PATH": str(config.anchor_file),
        "SECRET_KEY": "benchmark",
        "SCHEDULER_IN_PROCESS": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "advisor", "ledger", "verify", *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # nosec B603 (our own command line)
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[2:])} failed:\n{done.stdout}{done.stderr}")
    said = [line for line in done.stdout.splitlines() if "intact" in line or "Usage" in line]
    return wall, cpu, said[0] if said else done.stdout.strip()


Figure = tuple[str, float, float, float]  # what, wall seconds, CPU seconds, goal


def measure(config: Config, args: argparse.Namespace) -> list[Figure]:
    """Each timing: (what, wall seconds, CPU seconds of this process or the command's)."""
    app = create_app(config)
    entries = _head(app)[0]
    figures: list[Figure] = []

    def report(what: str, wall: float, cpu: float, goal: float, said: str = "") -> None:
        load = os.getloadavg()[0]
        print(f"{what}: {wall:.2f} s, {cpu:.2f} s CPU (load {load:.1f}) {said}".rstrip())
        figures.append((what, wall, cpu, goal))

    _timed_command(config, "--help")  # compiles what is not compiled yet
    wall, cpu, _ = _timed_command(config, "--help")
    print(f"start-up of a flask command (ledger verify --help): {wall:.2f} s, {cpu:.2f} s CPU")
    for n in range(args.repeat):
        wall, cpu, result = _timed_service(app, since_last=False)
        what = f"full, {result.checked:,} entries, in process"
        report(what + (f" (run {n + 1})" if args.repeat > 1 else ""), wall, cpu, GOAL_FULL)
    _append_more(app, args)
    wall, cpu, result = _timed_service(app, since_last=True)
    report(f"incremental, {result.checked:,} new entries, in process", wall, cpu, GOAL_INCREMENTAL)
    wall, cpu, said = _timed_command(config)
    report(f"flask ledger verify, {entries + args.append:,} entries", wall, cpu, GOAL_FULL, said)
    _append_more(app, args)
    wall, cpu, said = _timed_command(config, "--since-last")
    what = f"flask ledger verify --since-last, {args.append:,} new"
    report(what, wall, cpu, GOAL_INCREMENTAL, said)
    return figures


def verify_goals(figures: list[Figure]) -> list[goals.Entry]:
    """One goal per timing: its wall seconds against its goal."""
    return [
        goals.at_most(f"ledger verify: {what}", wall, goal, "s") for what, wall, _, goal in figures
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ledger_verify",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--database-url", help="a PostgreSQL database named *bench* (emptied)")
    parser.add_argument("--append", type=int, default=2_000, help="entries added per day")
    parser.add_argument("--advisors", type=int, default=300)
    parser.add_argument("--schools", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="full verifications in process")
    parser.add_argument("--reuse", action="store_true", help="time the database as it is")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--json", type=Path, default=None, help="write the goals to this file")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="ledger-verify-", dir="/tmp"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    if args.reuse and not args.database_url:
        sys.exit("--reuse needs --database-url (a SQLite file kept with --keep, or PostgreSQL)")
    config = _config(url, folder / "instance")
    try:
        if not args.reuse:
            if args.database_url and url.startswith("postgresql"):
                reset_postgres(url)
            started = time.perf_counter()
            print(f"Filling {sa.make_url(url).render_as_string(hide_password=True)}:")
            build(create_app(config), args)
            print(f"  filled in {time.perf_counter() - started:.0f} s")
        figures = measure(config, args)
    finally:
        if args.keep or args.reuse:
            print(f"kept: {url}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"{'what':56} {'wall s':>7} {'CPU s':>7} {'goal':>5}  met")
    for what, wall, cpu, goal in figures:
        met = "yes" if wall <= goal else "NO"
        print(f"{what:56} {wall:7.2f} {cpu:7.2f} {goal:5.0f}  {met}")
    print("(CPU: this process's, or the command's; PostgreSQL's own work is not in it)")
    if args.json:
        goals.write(args.json, goals.database_name(url), verify_goals(figures))


if __name__ == "__main__":
    main()
