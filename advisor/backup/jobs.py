"""The scheduler's daily backup: into BACKUP_PATH/<UTC time>, keeping the newest
BACKUP_KEEP; nothing when BACKUP_PATH is not set."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.backup.services import (
    STAMP_FORMAT,
    create_backup,
    prune_backups,
    scheduled_backups,
)
from advisor.contracts.files import FileStore

log = logging.getLogger(__name__)

# The job fires daily and once when the scheduler starts; a restart within this long
# of the last backup does not make another.
MIN_GAP = timedelta(hours=20)


def make_daily_backup(session: orm.Session, now: datetime, config: Any) -> str:
    """Back up the database and its files unless BACKUP_PATH is unset or the newest
    backup there is younger than MIN_GAP, then remove all but the newest BACKUP_KEEP."""
    root = config.backup_path
    if root is None:
        return "off (BACKUP_PATH is not set)"
    backups = scheduled_backups(root)
    if backups:
        last = datetime.strptime(backups[-1].name, STAMP_FORMAT).replace(tzinfo=UTC)
        if now - last < MIN_GAP:
            return f"skipped: the last backup, {backups[-1].name}, is recent"
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    target = root / now.astimezone(UTC).strftime(STAMP_FORMAT)
    manifest = create_backup(engine, FileStore(config.files_dir), target, now=now)
    removed = prune_backups(root, keep=config.backup_keep)
    summary = (
        f"backup {target}: {sum(manifest.counts.values())} rows, {len(manifest.files)} files,"
        f" ledger at {manifest.ledger_head['seq']}; {len(removed)} old removed"
    )
    if manifest.missing_files:
        log.error("backup %s lacks %d missing files", target, len(manifest.missing_files))
        return f"INCOMPLETE {summary}; {len(manifest.missing_files)} files missing"
    return summary
