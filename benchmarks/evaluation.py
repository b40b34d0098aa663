"""Time an evaluation on a year of synthetic data: the measures query and the whole run.

    .venv/bin/python -m benchmarks.evaluation [--database-url URL] [--advisors 400]
        [--schools 4000] [--reviews 50000] [--entries 1000000] [--year 2025]
        [--quarter 2] [--repeat 3] [--seed 6] [--explain] [--keep]

Builds a fresh database with the migrations (a temporary SQLite file by default; with
--database-url a PostgreSQL database whose name contains "bench", emptied first), fills
it straight through the tables in batches — law firms, advisors and their users,
schools and a user each, one contract with one version per review, reviews issued
across the year (some late, a few still drafts), school ratings on part of them, and
ledger entries of every kind (some recorded late, some corrected) with a sequence
number and hash each and the ledger head set to match — then times, several times
each, ``evaluation.measures.compute`` and the whole ``evaluation.services.run_evaluation``
(measures, scoring, storing and ranking; rolled back after each run) for the year and
for one quarter. The chain hashes are random-looking, not a verifiable chain.

Prints the load time of each table, the rows in the database, what the year's and the
quarter's measures found, each of compute's queries run again on its own with its time
(with --explain also its plan: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY
PLAN on SQLite), and a table of the minimum and median seconds of compute and of the run.

On PostgreSQL the tables are ANALYZEd after loading (autovacuum would do the same
soon after such a load); SQLite gets no ANALYZE, as the application never runs one.
Loading the defaults takes about 3 minutes on either database.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import logging
import random
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from advisor import create_app
from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract, ContractType, ContractVersion, Status
from advisor.demo.synthetic import reset_sequences
from advisor.directory.models import Advisor, LawFirm, School, SchoolLevel
from advisor.evaluation import measures, services
from advisor.extensions import alembic, db
from advisor.ledger.models import GENESIS, Kind, LedgerEntry, LedgerHead, Mode
from advisor.reviews.models import Feedback, Review
from advisor.workdays import BEIJING, Period, parse_period
from benchmarks.databases import reset_postgres
from config import Config

BATCH = 10_000
DRAFT_SHARE = 0.02  # reviews still drafts (not counted by the evaluation)
LATE_REVIEW_SHARE = 0.10  # issued after the due date
RATED_SHARE = 0.60  # issued reviews the school rated
LATE_ENTRY_SHARE = 0.12  # ledger entries recorded more than 7 days after the work
CORRECTION_SHARE = 0.01  # ledger entries that supersede an earlier one
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (3, 7, 20, 40, 30)
KIND_WEIGHTS = {
    "contract_review": 30,
    "consultation": 30,
    "lecture": 8,
    "dispute_mediation": 7,
    "document_drafting": 10,
    "training": 8,
    "other": 7,
}
assert set(KIND_WEIGHTS) == {k.value for k in Kind}
MODES = tuple(m.value for m in Mode)
CONTRACT_TYPES = tuple(t.value for t in ContractType)
LEVELS = tuple(level.value for level in SchoolLevel)
FILES = [hashlib.sha256(f"bench-file-{n}".encode()).hexdigest() for n in range(5)]
# Not a real hash: nobody signs in to the benchmark database.
PASSWORD_HASH = "bench$not-a-password-hash"


# --- building the database -------------------------------------------------------


def _app(database_url: str, instance: Path) -> Flask:
    config = Config(
        secret_key="benchmark", database_url=database_url, instance_path=instance, testing=True
    )
    return create_app(config)


def _beijing(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of ``hour:minute`` on a Beijing ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(engine: sa.Engine, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` in batches of BATCH (executemany), one transaction; return the count."""
    count = 0
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # 256 MB of page cache for the load: the random hashes' unique index thrashes
            # the default 2 MB. The engine is disposed before timing, so the application's
            # own settings are what the timings see.
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
        for batch in _batches(rows):
            conn.execute(table.insert(), batch)
            count += len(batch)
    return count


class Synthetic:
    """Deterministic rows for one year; ids are given explicitly so rows can refer to each
    other without reading anything back. School ``s`` is served by advisor
    ``(s - 1) % advisors + 1``; user 1 is the bureau, advisor ``a``'s user is ``1 + a``,
    school ``s``'s user is ``1 + advisors + s``."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.year: int = args.year
        self.advisors: int = args.advisors
        self.schools: int = max(args.schools, args.advisors)
        self.reviews: int = args.reviews
        self.entries: int = args.entries
        self.firms = max(1, args.advisors // 10)
        self.rng = random.Random(args.seed)
        self.start = date(self.year, 1, 1)
        self.days = (date(self.year + 1, 1, 1) - self.start).days
        self.now = _beijing(date(self.year + 1, 1, 15), 10)
        # Some advisors are far busier than others; a few hardly record anything.
        self.activity = [self.rng.lognormvariate(0, 0.6) for _ in range(self.advisors)]
        self.issued: list[tuple[int, int, int, datetime]] = []  # review, contract, advisor, at

    def advisor_user(self, advisor: int) -> int:
        return 1 + advisor

    def school_user(self, school: int) -> int:
        return 1 + self.advisors + school

    def advisor_of(self, school: int) -> int:
        return (school - 1) % self.advisors + 1

    def school_of(self, advisor: int) -> int:
        """One of the advisor's schools, at random."""
        count = (self.schools - advisor) // self.advisors + 1
        return advisor + self.advisors * self.rng.randrange(count)

    def day(self) -> date:
        return self.start + timedelta(days=self.rng.randrange(self.days))

    def law_firms(self) -> Iterator[dict[str, Any]]:
        for n in range(1, self.firms + 1):
            yield {
                "id": n,
                "name": f"基准测试第{n}律师事务所",
                "credit_code": f"31654202MB{n:08d}",
                "address": f"乌苏市测试路{n}号",
                "contact_name": "王主任",
                "contact_phone": f"0992-85{n:05d}",
                "created_at": self.now,
            }

    def advisor_rows(self) -> Iterator[dict[str, Any]]:
        for n in range(1, self.advisors + 1):
            yield {
                "id": n,
                "name": f"顾问{n:04d}",
                "law_firm_id": (n - 1) % self.firms + 1,
                "licence_no": f"1654220251{n:07d}",
                "phone": f"139{n:08d}",
                "email": f"advisor{n:04d}@bench.local",
                "appointed_on": date(self.year - 1, 12, 1),
                "appointment_ends_on": None,
                "specialties": "合同",
                "is_active": True,
                "created_at": self.now,
            }

    def school_rows(self) -> Iterator[dict[str, Any]]:
        for n in range(1, self.schools + 1):
            yield {
                "id": n,
                "code": f"BS{n:05d}",
                "name": f"基准测试第{n}学校",
                "district": f"第{n % 20 + 1}片区",
                "level": LEVELS[n % len(LEVELS)],
                "address": "",
                "contact_name": "李老师",
                "contact_phone": "",
                "is_active": True,
                "created_at": self.now,
            }

    def users(self) -> Iterator[dict[str, Any]]:
        common = {
            "password_hash": PASSWORD_HASH,
            "is_active": True,
            "locale": None,
            "created_at": self.now,
            "password_changed_at": self.now,
        }
        yield {
            "id": 1,
            "email": "bureau@bench.local",
            "name": "教科局",
            "role": Role.BUREAU.value,
            "school_id": None,
            "advisor_id": None,
            **common,
        }
        for a in range(1, self.advisors + 1):
            yield {
                "id": self.advisor_user(a),
                "email": f"advisor{a:04d}@bench.local",
                "name": f"顾问{a:04d}",
                "role": Role.ADVISOR.value,
                "school_id": None,
                "advisor_id": a,
                **common,
            }
        for s in range(1, self.schools + 1):
            yield {
                "id": self.school_user(s),
                "email": f"school{s:05d}@bench.local",
                "name": f"学校{s:05d}",
                "role": Role.SCHOOL.value,
                "school_id": s,
                "advisor_id": None,
                **common,
            }

    def contracts_and_reviews(
        self,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """One contract, one version and one review per review: submitted on a day of the
        year, due 7 days later, issued by then or (some) 8-20 days after submission."""
        contracts, versions, reviews = [], [], []
        for n in range(1, self.reviews + 1):
            school = self.rng.randrange(1, self.schools + 1)
            advisor = self.advisor_of(school)
            submitted = self.day()
            submitted_at = _beijing(submitted, self.rng.randrange(8, 18), self.rng.randrange(60))
            due = submitted + timedelta(days=7)
            draft = self.rng.random() < DRAFT_SHARE
            if draft:
                issued_at = None
            else:
                late = self.rng.random() < LATE_REVIEW_SHARE
                after = self.rng.randrange(8, 21) if late else self.rng.randrange(0, 8)
                issued_day = submitted + timedelta(days=after)
                issued_at = _beijing(issued_day, self.rng.randrange(8, 22), self.rng.randrange(60))
                issued_at = max(issued_at, submitted_at + timedelta(minutes=30))
            kind = self.rng.choice(CONTRACT_TYPES)
            title = f"{kind}合同 第{n}号"
            contracts.append(
                {
                    "id": n,
                    "title": title,
                    "counterparty": f"乌苏市第{n % 300}供应商有限公司",
                    "contract_type": kind,
                    "amount": Decimal(self.rng.randrange(1_000, 2_000_000)),
                    "start_on": submitted,
                    "end_on": submitted + timedelta(days=365),
                    "is_urgent": False,
                    "note": "",
                    "school_id": school,
                    "advisor_id": advisor,
                    "submitted_by_id": self.school_user(school),
                    "status": (Status.IN_REVIEW if draft else Status.REVIEWED).value,
                    "due_on": due,
                    "days_left": None,
                    "submitted_at": submitted_at,
                    "outcome": None if draft else "approve",
                    "result": None,
                    "search_text": title,
                    "created_at": submitted_at,
                    "lock_version": 1,
                }
            )
            versions.append(
                {
                    "id": n,
                    "contract_id": n,
                    "number": 1,
                    "sha256": FILES[n % len(FILES)],
                    "size": 120_000,
                    "file_name": "合同.pdf",
                    "media_type": "pdf",
                    "pages": 6,
                    "has_text": True,
                    "extractor": "pdfium",
                    "note": "",
                    "is_signed": False,
                    "uploaded_at": submitted_at,
                    "uploaded_by_id": self.school_user(school),
                }
            )
            reviews.append(
                {
                    "id": n,
                    "contract_id": n,
                    "version_id": n,
                    "advisor_id": advisor,
                    "author_id": self.advisor_user(advisor),
                    "status": "draft" if draft else "issued",
                    "outcome": None if draft else "approve",
                    "summary": "",
                    "minutes_spent": self.rng.randrange(30, 240),
                    "number": None if draft else f"B{self.year}-{n:07d}",
                    "due_on": None if draft else due,
                    "created_at": submitted_at,
                    "updated_at": issued_at or submitted_at,
                    "issued_at": issued_at,
                }
            )
            if issued_at is not None:
                self.issued.append((n, n, advisor, issued_at))
        return contracts, versions, reviews

    def feedback(self) -> Iterator[dict[str, Any]]:
        n = 0
        for review, contract, advisor, issued_at in self.issued:
            if self.rng.random() >= RATED_SHARE:
                continue
            n += 1
            school = self.rng.randrange(1, self.schools + 1)  # any school user will do
            yield {
                "id": n,
                "review_id": review,
                "contract_id": contract,
                "advisor_id": advisor,
                "rating": self.rng.choices(RATINGS, RATING_WEIGHTS)[0],
                "comment": "",
                "created_by_id": self.school_user(school),
                "created_at": issued_at + timedelta(days=self.rng.randrange(1, 15)),
            }

    def _per_day(self) -> list[int]:
        """How many entries are about work on each day of the year: ``entries`` in all,
        a weekend day getting a third of a working day's share."""
        weights = [
            0.3 if (self.start + timedelta(days=d)).weekday() >= 5 else 1.0
            for d in range(self.days)
        ]
        total = sum(weights)
        counts = [int(self.entries * w / total) for w in weights]
        for d in self.rng.sample(range(self.days), self.entries - sum(counts)):
            counts[d] += 1
        return counts

    def ledger(self, head: list[Any]) -> Iterator[dict[str, Any]]:
        """``entries`` entries in the order they were recorded, as the ledger appends them
        (so ids and sequence numbers follow created_at, and entry_on roughly); ``head``
        receives the last (seq, hash). Work on a day is recorded 0-3 days later, or (late)
        8-40 days later; a correction supersedes a recently recorded entry and is
        recorded in its place. Written for speed (a million rows): random() instead of
        randrange, days and times precomputed."""
        rand = self.rng.random
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(itertools.accumulate(KIND_WEIGHTS.values()))
        advisors = range(1, self.advisors + 1)
        activity = list(itertools.accumulate(self.activity))
        pick = self.rng.choices
        late_days = 41
        days = [self.start + timedelta(days=d) for d in range(self.days + late_days)]
        midnights = [_beijing(d, 0) for d in days]  # as UTC instants
        minutes = [timedelta(minutes=m) for m in range(24 * 60)]
        described = {kind: f"{kind} 工作记录" for kind in kinds}
        schools = [0] + [(self.schools - a) // self.advisors + 1 for a in advisors]
        per_advisor = self.advisors
        # Entries waiting to be recorded, by the day they are: (minute, advisor, day, kind).
        waiting: list[list[tuple[int, int, int, str]]] = [[] for _ in days]
        recent: list[tuple[int, int, int, str]] = []  # id, advisor, day, kind
        superseded: set[int] = set()
        prev, n = GENESIS, 0
        per_day = self._per_day()
        for today in range(len(days)):
            for _ in range(per_day[today] if today < self.days else 0):
                late = rand() < LATE_ENTRY_SHARE
                recorded = today + (8 + int(rand() * 33) if late else int(rand() * 4))
                waiting[recorded].append(
                    (
                        480 + int(rand() * 900),  # recorded between 08:00 and 23:00
                        pick(advisors, cum_weights=activity)[0],
                        today,
                        pick(kinds, cum_weights=kind_weights)[0],
                    )
                )
            recorded_today, waiting[today] = sorted(waiting[today]), []
            for minute, advisor, day, kind in recorded_today:
                n += 1
                supersedes = None
                if recent and rand() < CORRECTION_SHARE:
                    old = recent[int(rand() * len(recent))]
                    if old[0] not in superseded:
                        supersedes, advisor, day, kind = old
                        superseded.add(supersedes)
                lecture = kind == "lecture"
                digest = hashlib.sha256(b"bench-ledger-%d" % n).hexdigest()
                yield {
                    "id": n,
                    "seq": n,
                    "entry_on": days[day],
                    "advisor_id": advisor,
                    "school_id": None
                    if kind in ("training", "other")
                    else advisor + per_advisor * int(rand() * schools[advisor]),
                    "kind": kind,
                    "description": described[kind],
                    "service_mode": "on_site" if lecture else MODES[int(rand() * len(MODES))],
                    "minutes": 15 + int(rand() * 226),
                    "outcome": "",
                    "audience": "全体教职工" if lecture else "",
                    "headcount": 20 + int(rand() * 280) if lecture else None,
                    "contract_id": None,
                    "review_id": None,
                    "supersedes_id": supersedes,
                    "on_behalf": False,
                    "created_at": midnights[today] + minutes[minute],
                    "created_by_id": advisor + 1,
                    "prev_hash": prev,
                    "hash": digest,
                }
                prev = digest
                recent.append((n, advisor, day, kind))
                if len(recent) > 5_000:
                    del recent[:2_500]
        head[:] = [n, prev]


TABLES = (LawFirm, Advisor, School, User, Contract, ContractVersion, Review, Feedback, LedgerEntry)


def build(app: Flask, args: argparse.Namespace) -> dict[str, int]:
    """Migrate and fill the database; return the rows inserted per table."""
    data = Synthetic(args)
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        alembic.upgrade()
        engine = db.engine
        counts: dict[str, int] = {}

        def load(model: type[Any], rows: Iterable[dict[str, Any]]) -> None:
            start = time.perf_counter()
            counts[model.__tablename__] = _insert(engine, model.__table__, rows)
            print(
                f"  {model.__tablename__:18} {counts[model.__tablename__]:>9,} rows"
                f" {time.perf_counter() - start:7.1f} s",
                flush=True,
            )

        load(LawFirm, data.law_firms())
        load(Advisor, data.advisor_rows())
        load(School, data.school_rows())
        load(User, data.users())
        contracts, versions, reviews = data.contracts_and_reviews()
        load(Contract, contracts)
        load(ContractVersion, versions)
        load(Review, reviews)
        del contracts, versions, reviews
        load(Feedback, data.feedback())
        head: list[Any] = []
        load(LedgerEntry, data.ledger(head))
        with engine.begin() as conn:
            if head:
                conn.execute(
                    sa.update(LedgerHead)
                    .where(LedgerHead.id == 1)
                    .values(seq=head[0], last_hash=head[1])
                )
            reset_sequences(conn, TABLES)
        with engine.connect() as conn:
            counts = {
                name: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0
                for name in counts
            }
        if engine.dialect.name == "postgresql":
            start = time.perf_counter()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
            print(f"  ANALYZE {time.perf_counter() - start:.1f} s")
        engine.dispose()  # timings start on fresh connections
    return counts


# --- timing ----------------------------------------------------------------------


def _timed(
    repeat: int, action: Callable[[], Any], then: Callable[[Any], Any] = lambda r: r
) -> tuple[list[float], Any]:
    """Seconds of each of ``repeat`` calls of ``action``, each rolled back afterwards, and
    ``then`` of the last call's result (worked out before its rollback, not timed)."""
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        done = action()
        seconds.append(time.perf_counter() - start)
        result = then(done)
        db.session.rollback()
    return seconds, result


class Statements:
    """The SELECT statements, with their parameters, executed while installed."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []

    def __enter__(self) -> Statements:
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.seen.append((statement, parameters))


def _label(statement: str) -> str:
    """A short name for one of compute's queries: its table and first columns."""
    text = " ".join(statement.split())
    found = re.search(r" FROM (\w+)( |$)", text)
    return f"{found[1] if found else '?'}: {text[7:][:70]}"


def breakdown(
    engine: sa.Engine, session: Any, period: Period, today: date, *, explain: bool
) -> None:
    """Run each of compute's queries again on its own, rows fetched, and print its time
    (and with ``explain`` its plan: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN
    QUERY PLAN on SQLite)."""
    with Statements(engine) as statements:
        measures.compute(session, period, today=today)
    session.rollback()
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        for statement, parameters in statements.seen:
            start = time.perf_counter()
            rows = conn.exec_driver_sql(statement, parameters).fetchall()
            seconds = time.perf_counter() - start
            print(f"  {seconds:8.3f} s {len(rows):>6} rows  {_label(statement)}")
            if explain:
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                plan = conn.exec_driver_sql(prefix + statement, parameters).fetchall()
                print(" ".join(statement.split()))
                for row in plan:
                    print("      " + " | ".join(str(v) for v in row))


def measure(app: Flask, args: argparse.Namespace, counts: dict[str, int]) -> list[str]:
    """Time compute and run_evaluation for the year and one quarter; return table lines."""
    today = date(args.year + 1, 1, 15)
    now = _beijing(today, 10)
    lines = []
    with app.test_request_context():
        session = db.session
        services.ensure_default_rule_set(session)
        session.commit()
        bureau = session.get(User, 1)
        assert bureau is not None
        dialect = db.engine.dialect.name
        for period_text in (str(args.year), f"{args.year}-Q{args.quarter}"):
            period = parse_period(period_text)
            compute_s, measured = _timed(
                args.repeat, lambda p=period: measures.compute(session, p, today=today)
            )
            run_s, stored = _timed(
                args.repeat,
                lambda p=period_text: services.run_evaluation(
                    session, actor=bureau, period_text=p, today=today, now=now
                ),
                lambda evaluation: len(evaluation.results),
            )
            figures = [m.figures for m in measured.values()]
            print(
                f"\n{period_text}: {len(measured)} advisors measured, {stored} results stored;"
                f" found {sum(f['issued'] for f in figures):,} reviews issued"
                f" ({sum(f['issued'] - f['on_time'] for f in figures):,} late),"
                f" {sum(f['rated'] for f in figures):,} ratings,"
                f" {sum(f['entries'] for f in figures):,} current ledger entries"
                f" ({sum(f['entries'] - f['timely'] for f in figures):,} recorded late)"
            )
            print("  compute's queries, each run again on its own (rows fetched):")
            breakdown(db.engine, session, period, today, explain=args.explain)
            lines.append(
                f"{dialect:10} {period_text:8} {len(measured):>8} {counts['review']:>8,}"
                f" {counts['ledger_entry']:>10,}"
                f" {min(compute_s):>9.2f} {statistics.median(compute_s):>8.2f}"
                f" {min(run_s):>9.2f} {statistics.median(run_s):>8.2f}"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.evaluation",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--database-url", help="a PostgreSQL database named *bench* (emptied)")
    parser.add_argument("--advisors", type=int, default=400)
    parser.add_argument("--schools", type=int, default=4000)
    parser.add_argument("--reviews", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), default=2)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each of compute's queries"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args(argv)
    if args.advisors < 1 or args.repeat < 1:
        parser.error("--advisors and --repeat must be at least 1")

    if args.database_url:
        reset_postgres(args.database_url)
    instance = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.db'}"
    try:
        app = _app(url, instance)
        print(f"database: {sa.make_url(url).render_as_string(hide_password=True)}")
        start = time.perf_counter()
        counts = build(app, args)
        print(f"loaded in {time.perf_counter() - start:.1f} s")
        lines = measure(app, args, counts)
        with app.app_context():
            db.engine.dispose()
    finally:
        if args.keep and not args.database_url:
            print(f"kept {instance / 'bench.db'}")
        else:
            shutil.rmtree(instance, ignore_errors=True)

    print("\nrows inserted: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    print(
        f"\n{'database':10} {'period':8} {'advisors':>8} {'reviews':>8} {'entries':>10}"
        f" {'compute s':>9} {'median':>8} {'run s':>9} {'median':>8}"
    )
    print(f"{'':10} {'':8} {'':>8} {'':>8} {'':>10} {'(min)':>9} {'':>8} {'(min)':>9} {'':>8}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
