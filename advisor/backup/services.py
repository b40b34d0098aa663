"""Create, verify and restore a backup folder, and keep the newest scheduled ones.

A backup folder holds ``manifest.json``, the database copy (``database.sqlite3`` or
``database.dump``) and ``files/``, laid out as the file store is (``files/ab/ab12…``).
The manifest (format 1) says when and from what the backup was made (app version,
migration, database kind), how many rows each table had, the ledger head (sequence and
hash), the SHA-256 and size of the database copy and of every file rows refer to, and
the files rows referred to that were missing from the store when it was made.

``create_backup`` builds the folder under a hidden name beside the target and renames
it into place at the end, so a backup folder is either whole or absent. A file missing
from the store does not stop the backup (the rest is still worth keeping) but is listed
in the manifest, and the backup is reported incomplete. ``restore_backup`` refuses,
changing nothing, unless the backup verifies, its database kind is the target's, the
target database has no tables and the files folder holds no file. After loading, the
restored database is checked against the manifest: the row counts, the ledger chain,
the ledger head (sequence and hash) and the files.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.backup import database
from advisor.contracts.files import FileStore
from advisor.ledger.chain import Verification
from advisor.ledger.services import verify_chain

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """The backup or restore was not done and nothing was changed; the message says why."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    created_at: str
    app_version: str
    alembic_revision: str
    database: dict[str, Any]  # kind, file, sha256, size
    counts: dict[str, int]
    ledger_head: dict[str, Any]  # seq, hash
    files: list[StoredFile]
    missing_files: list[str] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ValueError(f"format {raw.get('format')!r}, this version reads {FORMAT}")
        raw["files"] = [StoredFile(**item) for item in raw["files"]]
        return cls(**raw)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        return version("advisor")
    except PackageNotFoundError:
        return "unknown"


def create_backup(engine: sa.Engine, store: FileStore, target: Path, *, now: datetime) -> Manifest:
    """Write a backup of ``engine``'s database and the files its rows refer to into
    ``target`` (absent or an empty folder). Raises BackupRefused if ``target`` holds
    anything, database.DatabaseError if the database cannot be copied. A file missing
    from ``store`` is listed in the manifest's ``missing_files``; the caller reports it.
    """
    kind = database.kind_of(engine)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(f"{target} is not an empty folder; choose a new one.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        dump_name = database.DUMP_NAMES[kind]
        facts = database.dump(engine, work / dump_name)
        copies = FileStore(work / FILES)
        files, missing = [], []
        for digest in facts.referenced:
            if not store.exists(digest):
                missing.append(digest)
                continue
            shutil.copyfile(store.path(digest), _placed(copies, digest))
            files.append(StoredFile(digest, copies.path(digest).stat().st_size))
        manifest = Manifest(
            created_at=now.isoformat(),
            app_version=_app_version(),
            alembic_revision=facts.alembic_revision,
            database={
                "kind": kind,
                "file": dump_name,
                "sha256": _sha256(work / dump_name),
                "size": (work / dump_name).stat().st_size,
            },
            counts=facts.counts,
            ledger_head={"seq": facts.ledger_seq, "hash": facts.ledger_hash},
            files=files,
            missing_files=missing,
        )
        (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _placed(store: FileStore, digest: str) -> Path:
    path = store.path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True, slots=True)
class BackupCheck:
    """What ``verify_backup`` found: damage, and files that were missing when it was made."""

    manifest: Manifest | None
    problems: list[str]
    missing_at_backup: list[str]

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.problems and not self.missing_at_backup


def verify_backup(source: Path) -> BackupCheck:
    """Recompute every checksum in the backup folder ``source`` against its manifest."""
    try:
        manifest = Manifest.from_json((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return BackupCheck(None, [f"{source / MANIFEST} does not exist: not a backup."], [])
    except (ValueError, TypeError, KeyError) as error:
        return BackupCheck(None, [f"The manifest cannot be read ({error})."], [])
    problems = []
    dump = source / str(manifest.database["file"])
    if not dump.is_file():
        problems.append(f"The database copy {dump.name} is missing.")
    elif (dump.stat().st_size, _sha256(dump)) != (
        manifest.database["size"],
        manifest.database["sha256"],
    ):
        problems.append(f"The database copy {dump.name} differs from its checksum.")
    copies = FileStore(source / FILES)
    for item in manifest.files:
        path = copies.path(item.sha256)
        if not path.is_file():
            problems.append(f"File {item.sha256} is missing from the backup.")
        elif _sha256(path) != item.sha256 or path.stat().st_size != item.size:
            problems.append(f"File {item.sha256} differs from its checksum.")
    listed = {item.sha256 for item in manifest.files}
    for digest in copies.stored():
        if digest not in listed:
            problems.append(f"File {digest} is in the backup but not in the manifest.")
    return BackupCheck(manifest, problems, list(manifest.missing_files))


@dataclass(frozen=True, slots=True)
class Restored:
    """The restored database as checked afterwards, beside what the manifest expected."""

    expected: dict[str, int]
    counts: dict[str, int]
    ledger: Verification
    missing: list[str]
    orphans: list[str]
    expected_head: tuple[int, str]  # the manifest's ledger head: sequence, hash
    head: tuple[int, str]  # the restored database's

    @property
    def differences(self) -> list[str]:
        names = sorted(set(self.expected) | set(self.counts))
        return [n for n in names if self.expected.get(n) != self.counts.get(n)]

    @property
    def head_differs(self) -> bool:
        return self.head != self.expected_head

    @property
    def ok(self) -> bool:
        return (
            self.ledger.ok
            and not self.missing
            and not self.orphans
            and not self.differences
            and not self.head_differs
        )


def restore_backup(source: Path, engine: sa.Engine, store: FileStore) -> Restored:
    """Load the backup ``source`` into ``engine``'s database and ``store``'s folder, then
    verify the ledger, check the files and count the rows.

    Raises BackupRefused, having changed nothing, when the backup does not verify (a
    file missing at backup time aside: it stays missing), was made from another kind
    of database, or the target holds any table or any file. Files are copied first and
    removed again if loading the database fails.
    """
    check = verify_backup(source)
    if check.manifest is None or check.problems:
        raise BackupRefused("The backup does not verify: " + " ".join(check.problems))
    manifest = check.manifest
    kind = database.kind_of(engine)
    if manifest.database["kind"] != kind:
        raise BackupRefused(
            f"This backup is of a {manifest.database['kind']} database; it restores only"
            f" into {manifest.database['kind']}, and the target is {kind}."
        )
    tables = database.table_names(engine)
    if tables:
        raise BackupRefused(
            f"The target database is not empty ({len(tables)} tables, e.g. {tables[0]});"
            " restore into a new, empty database."
        )
    if store.root.exists() and any(p.is_file() for p in store.root.rglob("*")):
        raise BackupRefused(f"The files folder {store.root} is not empty.")
    copies = FileStore(source / FILES)
    try:
        for item in manifest.files:
            store.put(copies.read(item.sha256))
        database.load(engine, source / str(manifest.database["file"]))
    except BaseException:
        for item in manifest.files:
            store.path(item.sha256).unlink(missing_ok=True)
        raise
    return check_restored(engine, store, manifest)


def check_restored(engine: sa.Engine, store: FileStore, manifest: Manifest) -> Restored:
    """The restored database against ``manifest``: row counts, the ledger's chain and its
    head (an intact chain cut short, or another database's, has another head), files."""
    facts = database.count_rows(engine)
    with orm.Session(engine) as session:
        ledger = verify_chain(session)
    orphans, missing = store.check(facts.referenced)
    expected_head = (int(manifest.ledger_head["seq"]), str(manifest.ledger_head["hash"]))
    head = (facts.ledger_seq, facts.ledger_hash)
    return Restored(manifest.counts, facts.counts, ledger, missing, orphans, expected_head, head)


_STAMP = re.compile(r"^\d{8}T\d{6}Z$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def scheduled_backups(root: Path) -> list[Path]:
    """The whole backups the scheduler made in ``root`` (named by UTC time), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if _STAMP.match(p.name) and (p / MANIFEST).is_file())


def prune_backups(root: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` (at least one) scheduled backups; return them.
    Nothing else in ``root`` is touched."""
    backups = scheduled_backups(root)
    old = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in old:
        shutil.rmtree(path)
    return old
