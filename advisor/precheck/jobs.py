"""Pending pre-checks run outside the upload's request: one version (what the web process's
runner does right after the upload's answer) and every stale one (the scheduler's
``precheck`` job, which picks up what a web process that stopped or crashed left pending).
Both are functions of a session and ``now``, so tests call them directly."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import orm

from advisor.db import deferred_reads, immediate_writes
from advisor.precheck import services

log = logging.getLogger(__name__)


def run_pending_precheck(session: orm.Session, version_id: int) -> bool:
    """Pre-check the version if it is still pending, and commit its hits. The text is read
    in a transaction that ends before the engine runs; the hits are stored in a short
    writing one. A failure is logged with its traceback and counted on the version
    (services.record_failed_run), never raised. Returns whether this run stored the hits."""
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    with deferred_reads():
        check = services.pending_check(session, version_id)
        session.rollback()  # the end of the read; nothing was written
    if check is None:
        return False
    try:
        hits = engine.run(
            check.pages,
            contract_type=check.contract_type,
            amount=check.amount,
            disabled=check.disabled,
        )
        with immediate_writes():
            stored = services.store_pending_hits(session, check, hits)
            session.commit()
    except Exception:
        session.rollback()
        log.exception("pre-check of version %s failed", version_id)
        with immediate_writes():
            attempts = services.record_failed_run(session, version_id)
            session.commit()
        log.error("pre-check of version %s: %d failed runs", version_id, attempts)
        return False
    return stored is not None


def run_pending_prechecks(session: orm.Session, now: datetime, config: Any) -> str:
    """The scheduler's ``precheck`` job: run every pending pre-check queued more than
    services.STALE_AFTER before ``now``, oldest first."""
    with deferred_reads():
        stale = services.stale_pending(session, queued_before=now - services.STALE_AFTER)
        session.rollback()
    done = sum(run_pending_precheck(session, version_id) for version_id in stale)
    return f"prechecked {done} of {len(stale)} pending"
