"""Time the ledger's background .xlsx export on a province's ledger (issue 19, item 6).

    .venv/bin/python -m benchmarks.export --database-url URL [--email bureau@demo.local]
        [--json FILE]

Runs on a database that holds the ledger already (``flask demo generate --scale
province``: 2,000,000 entries) and is migrated to the current schema. Queues one export
of the whole ledger as the bureau sees it and runs it through the worker's own code
(advisor.ledger.export_jobs.run_pending) in this process, while a second connection
polls the job as the progress page does, ten times a second. Prints:

- time to first progress: from the job queued to the first rows recorded as written;
- total seconds: from the job queued to done;
- peak RSS of this process (resource.getrusage), the worker included;
- the largest disk the exports folder used while writing, against the file's size.

Writes only the job's row, which it deletes at the end with the file (the instance
folder is a temporary directory). Goal: ready in 120 s with 300 MB of memory at most and
temporary disk no more than twice the file's size. ``--json FILE`` writes these goals in
benchmarks/goals.py's form.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from advisor import create_app
from advisor.accounts.models import User
from advisor.db import utcnow
from advisor.extensions import db
from advisor.ledger import export_jobs, queries
from advisor.ledger.models import ExportJob, ExportStatus
from benchmarks import goals
from config import Config

FIRST_PROGRESS_S, TOTAL_S, RSS_MB, DISK_RATIO = 2.0, 120.0, 300.0, 2.0  # issue 19, item 6


def export_goals(
    *, done: bool, first: float | None, total: float, peak_mb: float, disk_ratio: float | None
) -> list[goals.Entry]:
    """The export's four goals; an export that did not finish misses them all."""
    return [
        goals.at_most("export: time to first progress", first, FIRST_PROGRESS_S, "s", ok=done),
        goals.at_most("export: total", total, TOTAL_S, "s", ok=done),
        goals.at_most("export: peak RSS", peak_mb, RSS_MB, "MB", ok=done),
        goals.at_most("export: exports folder ÷ file", disk_ratio, DISK_RATIO, "×", ok=done),
    ]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--email", default="bureau@demo.local")
    parser.add_argument("--json", type=Path, default=None, help="write the goals to this file")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")

    with tempfile.TemporaryDirectory(prefix="advisor-export-bench-") as instance:
        config = Config.from_env().but(
            database_url=url,
            instance_path=Path(instance),
            secret_key="benchmark-" + "x" * 32,
            scheduler_in_process=False,
        )
        app = create_app(config)
        exports = config.exports_dir
        with app.app_context():
            actor = db.session.scalar(sa.select(User).where(User.email == args.email))
            if actor is None:
                raise SystemExit(f"no user {args.email} in this database")
            job = export_jobs.queue_export(
                db.session, actor=actor, filters=queries.Filters(), now=utcnow()
            )
            db.session.commit()
            job_id = job.id
        queued = time.monotonic()
        seen: dict[str, float] = {}
        disk = [0]
        finished = threading.Event()
        engine = sa.create_engine(url)

        def watch() -> None:
            # As the progress page does: read the job from another connection.
            with engine.connect() as connection:
                while not finished.is_set():
                    done, status = connection.execute(
                        sa.select(ExportJob.rows_done, ExportJob.status).where(
                            ExportJob.id == job_id
                        )
                    ).one()
                    connection.rollback()
                    if done and "first" not in seen:
                        seen["first"] = time.monotonic() - queued
                    disk[0] = max(disk[0], folder_bytes(exports))
                    if status in (ExportStatus.DONE, ExportStatus.FAILED):
                        break
                    finished.wait(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        export_jobs.run_pending(app, stopping=finished.is_set)
        total = time.monotonic() - queued
        finished.set()
        watcher.join()
        with app.app_context():
            job = db.session.get_one(ExportJob, job_id)
            status, rows, error, size = job.status, job.rows_done, job.error, job.file_size
            disk[0] = max(disk[0], folder_bytes(exports))
            db.session.delete(job)
            db.session.commit()
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"status: {status}{f' ({error})' if error else ''}, rows: {rows:,}")
    print(f"time to first progress: {seen.get('first', float('nan')):.2f} s (goal 2 s)")
    print(f"total: {total:.1f} s (goal 120 s)")
    print(f"peak RSS: {peak:.0f} MB (goal 300 MB)")
    file_mb = (size or 0) / 2**20
    ratio = disk[0] / size if size else float("nan")
    print(
        f"file: {file_mb:.0f} MB; exports folder at most {disk[0] / 2**20:.0f} MB"
        f" = {ratio:.2f}x the file (goal 2x)"
    )
    if args.json:
        figures = export_goals(
            done=status == ExportStatus.DONE,
            first=seen.get("first"),
            total=total,
            peak_mb=peak,
            disk_ratio=disk[0] / size if size else None,
        )
        goals.write(args.json, goals.database_name(url), figures)


if __name__ == "__main__":
    main()
