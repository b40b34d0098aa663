"""Health for load balancers and monitors: ``/healthz`` (the process answers) and
``/readyz`` (it can do its work).

``/readyz`` runs four checks and names each ``ok`` or ``failed``, nothing more (no
versions, paths or error texts: anybody may ask):

- ``database``: a ``SELECT 1`` answers;
- ``migrations``: the database's ``alembic_version`` holds exactly the migration
  scripts' head(s), read once per process;
- ``files``: a file can be created and removed in the files folder;
- ``scheduler``: some scheduler job started or finished (``job_run``) less than twice
  the shortest job interval ago (``send_due``: every minute, so 2 minutes). Only when
  ``SCHEDULER_EXPECTED`` (default on); an installation that runs no scheduler against
  this database turns it off and the check is left out. A scheduler that has never
  run fails it (its first jobs run as soon as it starts).

Both answer 200 or 503 with ``Cache-Control: no-store`` and never need a login, a CSRF
token or the signed-in user (auth skips loading one here), so they work while the
database is down; the rate limits apply to the API only and the security log records
403s only.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from advisor.extensions import alembic, db
from advisor.reminders.models import JobRun
from advisor.reminders.scheduler import JOBS

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

OK, FAILED = "ok", "failed"


def heartbeat_limit() -> timedelta:
    """Twice the shortest scheduler interval: older than this, the scheduler is stuck."""
    return 2 * min(timedelta(**interval) for interval in JOBS.values())


@bp.get("/healthz")
def healthz() -> Any:
    """The process answers; nothing else is looked at."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    """Database, migrations, files folder and scheduler: 200 when all are ok, else 503."""
    config = current_app.config["ADVISOR"]
    checks: dict[str, str] = {}
    database = _database_ok()
    checks["database"] = _word(database)
    checks["migrations"] = _word(database and _migrations_ok())
    checks["files"] = _word(files_writable(config.files_dir))
    if config.scheduler_expected:
        checks["scheduler"] = _word(database and _scheduler_ok(datetime.now(UTC)))
    _end_transaction()
    ready = all(value == OK for value in checks.values())
    status = 200 if ready else 503
    return jsonify(status="ready" if ready else "not ready", checks=checks), status


def _word(passed: bool) -> str:
    return OK if passed else FAILED


def _database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as error:
        log.warning("readiness: the database does not answer: %s", _first_line(error))
        return False
    return True


def _first_line(error: BaseException) -> str:
    """The cause for the log, without the traceback a probe every few seconds would repeat."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@cache
def _script_heads(script_location: str) -> frozenset[str]:
    """The migration scripts' heads: they change only with a new release (a restart)."""
    return frozenset(alembic.script_directory.get_heads())


def _migrations_ok() -> bool:
    try:
        heads = _script_heads(current_app.config["ALEMBIC"]["script_location"])
        applied = frozenset(
            db.session.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
        )
    except Exception as error:
        log.warning("readiness: the migration state cannot be read: %s", _first_line(error))
        return False
    if applied != heads:
        log.warning("readiness: database at %s, scripts at %s", sorted(applied), sorted(heads))
        return False
    return True


def files_writable(folder: Path) -> bool:
    """A file can be created (and is removed again) in ``folder``, made if missing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError as error:
        log.warning("readiness: the files folder is not writable: %s", error)
        return False
    return True


def _scheduler_ok(now: datetime) -> bool:
    try:
        newest = db.session.execute(
            sa.select(sa.func.max(JobRun.started_at), sa.func.max(JobRun.finished_at))
        ).one()
    except Exception as error:
        log.warning("readiness: the scheduler's runs cannot be read: %s", _first_line(error))
        return False
    stamps = [_aware(stamp) for stamp in newest if stamp is not None]
    if not stamps:
        log.warning("readiness: the scheduler has never run")
        return False
    if max(stamps) < now - heartbeat_limit():
        log.warning("readiness: the scheduler's last run was at %s", max(stamps).isoformat())
        return False
    return True


def _aware(stamp: datetime | str) -> datetime:
    """An aggregate bypasses the column type: SQLite gives text, PostgreSQL an aware time."""
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _end_transaction() -> None:
    try:
        db.session.rollback()  # read only; the connection goes back to the pool clean
    except Exception as error:
        log.warning("readiness: rollback failed: %s", _first_line(error))
