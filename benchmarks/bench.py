"""Every goal of issue 19 measured by one command, one table of goals met or missed.

    make bench                                   # SQLite: instance/bench-province.db
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/advisor_bench make bench
    .venv/bin/python -m benchmarks.bench [--database-url URL] [--skip ledger,export]
        [--quick] [--output bench-results.json]

The database is BENCH_DATABASE_URL (PostgreSQL, its name must contain "bench") or a SQLite
file, instance/bench-province.db by default. It is migrated (``flask db upgrade``) and,
when it holds no contract, filled with ``flask demo generate --scale province`` (2,000
schools, 200,000 contracts, 2,000,000 ledger entries: about 20 minutes on PostgreSQL).
Then each benchmark runs in its own process and writes its goals with ``--json``:

- pages: benchmarks.pages, every page's 95th percentile (≤ 300 ms) and SQL statements
  (≤ 20);
- load: benchmarks.load, each page's requests a second under gunicorn with 20
  connections (≥ 200 or ≥ 50) and no error, the bare-route baseline beside them;
- upload: benchmarks.upload, a 50-page upload over pypdf reading it (≤ 1.3);
- ledger: benchmarks.ledger_verify on a database of its own (on PostgreSQL the bench
  database's name + "_ledger", created when missing and emptied; on SQLite a file under
  /tmp): the full verification of 2,000,000 entries (≤ 30 s), the incremental (≤ 2 s);
- export: benchmarks.export, the whole ledger as .xlsx in the background (first progress
  ≤ 2 s, total ≤ 120 s, RSS ≤ 300 MB, disk ≤ 2× the file).

``--skip`` leaves out the benchmarks named; ``--quick`` tries the whole run in a few
minutes (fewer requests, shorter loads, 200,000 ledger entries): its figures are not the
goals'. Prints one table (name, measured, goal, unit, met or MISSED) and writes it to
``--output`` (bench-results.json at the repository's root) as
``{"database": ..., "goals": [{"name", "measured", "goal", "unit", "met"}, ...]}``.
A benchmark that fails is reported as a missed goal "<benchmark>: finished". Exits 1
when any goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks import goals

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ("pages", "load", "upload", "ledger", "export")
DEFAULT_SQLITE = ROOT / "instance" / "bench-province.db"


def database_url(given: str | None) -> str:
    """The database to measure, as SQLAlchemy takes it (psycopg 3 for PostgreSQL)."""
    url = given or f"sqlite:///{DEFAULT_SQLITE}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql") and "bench" not in (sa.make_url(url).database or ""):
        sys.exit(f"BENCH_DATABASE_URL must name a database containing 'bench' (got {url!r})")
    return url


def contracts(url: str) -> int:
    """The contracts the database holds (0 when it has no schema yet)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("contract"):
                return 0
            return int(conn.scalar(sa.text("SELECT count(*) FROM contract")) or 0)
    finally:
        engine.dispose()


def ledger_url(url: str) -> str | None:
    """On PostgreSQL, the database the ledger benchmark fills (created when missing);
    on SQLite None: the benchmark makes its own file."""
    if not url.startswith("postgresql"):
        return None
    target = sa.make_url(url)
    name = f"{target.database}_ledger"
    engine = sa.create_engine(
        target.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    try:
        with engine.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.exec_driver_sql(f"CREATE DATABASE {quoted}")  # nosec B608 (quoted name)
    finally:
        engine.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def _env(**more: str) -> dict[str, str]:
    """The benchmarks' environment: the application logs warnings only (every request
    logged would bury the figures), unless LOG_LEVEL says otherwise."""
    return {"LOG_LEVEL": "WARNING", **os.environ, **more}


def _flask(url: str, *args: str) -> None:
    env = _env(DATABASE_URL=url, SCHEDULER_IN_PROCESS="0")
    command = [sys.executable, "-m", "flask", "--app", "advisor", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)  # nosec B603
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed (exit {done.returncode})")


def prepare(url: str) -> None:
    """Migrate; generate the province into a database without contracts."""
    if url.startswith("sqlite"):
        DEFAULT_SQLITE.parent.mkdir(exist_ok=True)
    _flask(url, "db", "upgrade")
    if contracts(url):
        return
    print(
        "The database holds no contract: generating the province (2,000 schools, 200,000"
        " contracts, 2,000,000 ledger entries); this takes about 20 minutes on PostgreSQL.",
        flush=True,
    )
    started = time.monotonic()
    _flask(url, "demo", "generate", "--scale", "province")
    print(f"generated in {time.monotonic() - started:.0f} s", flush=True)


def commands(url: str, *, quick: bool, ledger: str | None) -> dict[str, list[str]]:
    """Each benchmark's command line, without its --json."""
    module = [sys.executable, "-m"]
    verify = ["--entries", "200000"] if quick else []
    return {
        "pages": [
            *module,
            "benchmarks.pages",
            "--database-url",
            url,
            "--requests",
            "5" if quick else "30",
        ],
        "load": [
            *module,
            "benchmarks.load",
            "--database-url",
            url,
            "--seconds",
            "3" if quick else "10",
        ],
        "upload": [*module, "benchmarks.upload", *(["--repeat", "3"] if quick else [])],
        "ledger": [
            *module,
            "benchmarks.ledger_verify",
            *verify,
            *(["--database-url", ledger] if ledger else []),
        ],
        "export": [*module, "benchmarks.export", "--database-url", url],
    }


def collect(name: str, report: Path, returncode: int) -> tuple[list[goals.Entry], dict[str, Any]]:
    """A benchmark's goals from its --json file, and the rest of that file. A benchmark
    that failed or wrote nothing gives one missed goal "<name>: finished"."""
    document: dict[str, Any] = {}
    if report.is_file() and report.stat().st_size:
        document = json.loads(report.read_text(encoding="utf-8"))
    entries = list(document.pop("goals", []))
    if returncode != 0 or not entries:
        entries.append(goals.at_most(f"{name}: finished", returncode or None, 0, "exit code"))
    return entries, document


def _figure(value: float | None) -> str:
    if value is None:
        return "—"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _width(text: str) -> int:
    """Columns the text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(entries: list[goals.Entry]) -> str:
    """The goals as one table, a missed goal marked MISSED, and how many were met."""
    width = max([len("name"), *(_width(e["name"]) for e in entries)])
    lines = [f"{'name':{width}} {'measured':>10} {'goal':>8} {'unit':10} met"]
    for e in entries:
        name = e["name"] + " " * (width - _width(e["name"]))
        lines.append(
            f"{name} {_figure(e['measured']):>10} {_figure(e['goal']):>8}"
            f" {e['unit']:10} {'met' if e['met'] else 'MISSED'}"
        )
    met = sum(1 for e in entries if e["met"])
    lines.append(f"{met} of {len(entries)} goals met")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip", default="", help=f"comma-separated, of {','.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="fewer requests: a trial run")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results.json")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := skip - set(BENCHMARKS):
        parser.error(f"--skip: unknown {', '.join(sorted(unknown))} (of {', '.join(BENCHMARKS)})")
    url = database_url(args.database_url)
    database = goals.database_name(url)
    print(f"database: {database}", flush=True)
    prepare(url)
    ledger = ledger_url(url) if "ledger" not in skip else None
    lines = commands(url, quick=args.quick, ledger=ledger)
    entries: list[goals.Entry] = []
    extra: dict[str, Any] = {"quick": args.quick, "skipped": sorted(skip)}
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as folder:
        for name in BENCHMARKS:
            if name in skip:
                continue
            report = Path(folder) / f"{name}.json"
            command = [*lines[name], "--json", str(report)]
            print(f"\n== {name}: {' '.join(command[2:])}", flush=True)
            started = time.monotonic()
            done = subprocess.run(command, cwd=ROOT, env=_env(), check=False)  # nosec B603
            print(f"== {name}: {time.monotonic() - started:.0f} s", flush=True)
            found, rest = collect(name, report, done.returncode)
            entries += found
            if name == "load" and "baseline" in rest:
                extra["load_baseline_requests_per_second"] = rest["baseline"].get(
                    "requests_per_second"
                )
    print()
    print(table(entries))
    if "load_baseline_requests_per_second" in extra:
        print(f"(bare-route baseline: {extra['load_baseline_requests_per_second']} req/s)")
    goals.write(args.output, database, entries, **extra)
    print(f"written: {args.output}")
    return 0 if all(e["met"] for e in entries) else 1


if __name__ == "__main__":
    sys.exit(main())
