"""Content-addressed file store outside the web root: files are named by their SHA-256.

A file is written to a temporary name, flushed to disk and renamed into place, so a
reader never sees half a file. ``pending()`` removes the files it created when the
surrounding work fails, so a rolled-back upload leaves nothing behind; a file that
already existed (the same content uploaded before) is never removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{64}$")


# Files created by the current unit of work (per thread / task, so concurrent
# requests in one process never remove each other's files).
_created: ContextVar[list[Path] | None] = ContextVar("created_files", default=None)


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
        if target.is_file():
            return digest
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
        created = _created.get()
        if created is not None:
            created.append(target)
        return digest

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @contextmanager
    def pending(self) -> Iterator[None]:
        """Files created inside the block are removed if the block raises."""
        created: list[Path] = []
        token = _created.set(created)
        try:
            yield
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise
        finally:
            _created.reset(token)

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
