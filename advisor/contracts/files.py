"""Content-addressed file store outside the web root: files are named by their SHA-256.

A file is written to a temporary name, flushed to disk and renamed into place, so a
reader never sees half a file. ``pending()`` removes the files it created when the
surrounding work fails, so a rolled-back upload leaves nothing behind; a file that
already existed, or that a concurrent upload of the same content committed, stays.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l

from advisor.errors import InsufficientStorage

log = logging.getLogger(__name__)

_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class _Put:
    digest: str
    path: Path
    data: bytes
    created: bool


# Files stored by the current unit of work (per thread / task, so concurrent
# requests in one process keep separate lists).
_puts: ContextVar[list[_Put] | None] = ContextVar("stored_files", default=None)


@dataclass(frozen=True)
class FileStore:
    root: Path

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> str:
        """Store ``data`` (atomically, durably) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        created = False
        if target.is_file():
            # Fresh again: prune() leaves young files alone, and this one is about to be
            # referenced by the upload that stores it.
            now = time.time()
            try:
                os.utime(target, (now, now))
            except OSError as error:
                raise storage_failure(error) from error
        else:
            self._write(target, data)
            created = True
        puts = _puts.get()
        if puts is not None:
            puts.append(_Put(digest, target, data, created))
        return digest

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        """Write ``data`` durably to ``target``; a refusal of the disk (full, read-only,
        folder gone) is an ``InsufficientStorage`` and leaves no partial file."""
        try:
            FileStore._write_durably(target, data)
        except OSError as error:
            raise storage_failure(error) from error

    @staticmethod
    def _write_durably(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @contextmanager
    def pending(self, referenced: Callable[[str], bool] | None = None) -> Iterator[None]:
        """Undo the block's new files if it raises; make sure they exist if it succeeds.

        On failure a file this block created is removed unless ``referenced(sha256)``
        says a committed row uses it (another upload of the same content may have
        committed meanwhile). On success every file the block stored is checked again
        and rewritten if a failing concurrent upload removed it in between, so a
        committed row never points at a missing file.
        """
        puts: list[_Put] = []
        token = _puts.set(puts)
        try:
            yield
        except BaseException:
            for put in puts:
                if put.created and not (referenced and referenced(put.digest)):
                    put.path.unlink(missing_ok=True)
            raise
        else:
            for put in puts:
                if not put.path.is_file():
                    self._write(put.path, put.data)
        finally:
            _puts.reset(token)

    def stored(self) -> Iterator[str]:
        """Every SHA-256 in the store."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir():
                for item in sorted(folder.iterdir()):
                    if _SHA.match(item.name):
                        yield item.name

    def check(self, referenced: Iterable[str]) -> tuple[list[str], list[str]]:
        """(orphans: stored but referenced by no row, missing: referenced but not stored)."""
        wanted = set(referenced)
        present = set(self.stored())
        return sorted(present - wanted), sorted(wanted - present)

    def prune(
        self,
        referenced: Iterable[str],
        *,
        still_referenced: Callable[[str], bool],
        older_than: timedelta,
        now: datetime,
    ) -> list[Path]:
        """Remove orphaned files (and temporary files of interrupted writes) last written
        before ``now - older_than``; return what was removed.

        An upload stores its file before its row commits, so a young orphan may be a file
        about to be referenced: the grace period leaves it alone (``put`` refreshes the
        time of a file it finds already stored, for the same reason). Each old orphan is
        asked about once more (``still_referenced``) just before it goes.
        """
        cutoff = (now - older_than).timestamp()
        orphans, _ = self.check(referenced)
        removed: list[Path] = []
        for digest in orphans:
            path = self.path(digest)
            if _older(path, cutoff) and not still_referenced(digest):
                path.unlink(missing_ok=True)
                removed.append(path)
        if self.root.is_dir():
            for leftover in sorted(self.root.glob("*/.upload-*")):
                if _older(leftover, cutoff):
                    leftover.unlink(missing_ok=True)
                    removed.append(leftover)
        return removed


FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def storage_failure(error: OSError) -> InsufficientStorage:
    """What the user is told when the files folder refuses a write: full, or unwritable.
    The operator gets the cause in the log; the answer names no path."""
    log.error("the files folder refused a write: %s", error)
    if error.errno in FULL:
        return InsufficientStorage(
            _l("The file store is full. Nothing was saved; please tell the bureau's administrator.")
        )
    return InsufficientStorage(
        _l(
            "Files cannot be stored at the moment. Nothing was saved;"
            " please tell the bureau's administrator."
        )
    )


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False
