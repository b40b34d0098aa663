"""Files kept between a submission form sent back and its next sending.

A school that chose its contract file and mistyped a date should not have to find the
file again. When the form is sent back, the file (once it has passed the quick checks:
size, not empty, PDF or Word by its content) is kept: its bytes in a content-addressed
store of its own (``<files>/kept``, apart from the contracts' files, so the file check
and the backups never see it), a row naming its owner, and a random id that the form
carries in a hidden field. Only the owner finds it by that id; it is forgotten once
submitted or replaced by a newly chosen file, and after KEPT_FOR at most.

Nothing piles up: every keep first forgets the kept files whose time is over and leaves
each user at most PER_USER, and a file goes from the store as soon as no row keeps it
(``drop_unkept_files``, called after the commit that forgot the rows). ``flask files
prune`` also forgets the expired ones and removes the files no row names (those of a
keep whose commit failed), after its grace period. These functions add, delete and
flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.files import FileStore
from advisor.contracts.models import KeptUpload

# As long as a signed-in session may last: a form sent back is not kept past it.
KEPT_FOR = timedelta(hours=12)
PER_USER = 3
ID_LENGTH = 43  # secrets.token_urlsafe(32)


def kept_store(files_dir: Path) -> FileStore:
    return FileStore(files_dir / "kept")


def keep_upload(
    session: orm.Session,
    store: FileStore,
    *,
    owner: User,
    file_name: str,
    data: bytes,
    now: datetime,
    replaces: str | None = None,
) -> tuple[KeptUpload, list[str]]:
    """Keep ``data`` for ``owner``; return the row and the files of the rows forgotten
    meanwhile (expired ones, the one it ``replaces``, the owner's beyond PER_USER), for
    ``drop_unkept_files`` after the commit. Writes the file (``InsufficientStorage``)."""
    forgotten = forget_expired(session, now)
    if replaces and (old := get_kept_upload(session, owner, replaces, now)) is not None:
        forgotten.append(forget_kept_upload(session, old))
    kept = KeptUpload(
        id=secrets.token_urlsafe(32),
        user_id=owner.id,
        file_name=file_name,
        sha256=store.put(data),
        size=len(data),
        created_at=now,
    )
    session.add(kept)
    session.flush()
    surplus = session.scalars(
        sa.select(KeptUpload)
        .where(KeptUpload.user_id == owner.id)
        .order_by(KeptUpload.created_at.desc(), KeptUpload.id)
        .offset(PER_USER)
    ).all()
    forgotten += [forget_kept_upload(session, row) for row in surplus if row is not kept]
    return kept, forgotten


def get_kept_upload(
    session: orm.Session, owner: User, kept_id: str, now: datetime
) -> KeptUpload | None:
    """The owner's kept file of this id while its time lasts; None for anyone else's."""
    if not kept_id or len(kept_id) != ID_LENGTH:
        return None
    return session.scalar(
        sa.select(KeptUpload).where(
            KeptUpload.id == kept_id,
            KeptUpload.user_id == owner.id,
            KeptUpload.created_at > now - KEPT_FOR,
        )
    )


def read_kept(store: FileStore, kept: KeptUpload) -> bytes | None:
    """The kept bytes, or None when the file is gone (removed by a concurrent forget)."""
    try:
        return store.read(kept.sha256)
    except (FileNotFoundError, ValueError):
        return None


def forget_kept_upload(session: orm.Session, kept: KeptUpload) -> str:
    """Forget one kept file; return its SHA-256 for ``drop_unkept_files``."""
    digest = kept.sha256
    session.delete(kept)
    session.flush()
    return digest


def forget_expired(session: orm.Session, now: datetime) -> list[str]:
    """Forget every kept file older than KEPT_FOR; return their SHA-256s."""
    expired = session.scalars(
        sa.select(KeptUpload).where(KeptUpload.created_at <= now - KEPT_FOR)
    ).all()
    return [forget_kept_upload(session, row) for row in expired]


def is_kept(session: orm.Session, sha256: str) -> bool:
    """Whether a kept-file row still names these bytes."""
    return (
        session.scalar(sa.select(KeptUpload.id).where(KeptUpload.sha256 == sha256).limit(1))
        is not None
    )


def kept_digests(session: orm.Session) -> list[str]:
    return list(session.scalars(sa.select(KeptUpload.sha256).distinct()))


def drop_unkept_files(session: orm.Session, store: FileStore, digests: Iterable[str]) -> None:
    """Remove from the store the files of ``digests`` that no row keeps any more.

    Called after the commit that forgot them. A concurrent keep of the same bytes that
    commits just after the check loses its file; its owner is then asked to choose the
    file again (``read_kept`` finds nothing), which is all a lost race costs."""
    for digest in sorted(set(digests)):
        still = session.scalar(sa.select(KeptUpload.id).where(KeptUpload.sha256 == digest).limit(1))
        if still is None:
            store.path(digest).unlink(missing_ok=True)
