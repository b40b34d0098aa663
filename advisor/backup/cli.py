"""``flask backup create|verify|restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from advisor.backup.database import DatabaseError
from advisor.backup.services import (
    BackupRefused,
    Restored,
    create_backup,
    restore_backup,
    verify_backup,
)
from advisor.contracts.files import FileStore
from advisor.db import utcnow
from advisor.extensions import db

backup_cli = AppGroup("backup", help="Backups of the database and its files.")
Folder = click.Path(file_okay=False, path_type=Path)


def _store() -> FileStore:
    return FileStore(current_app.config["ADVISOR"].files_dir)


@backup_cli.command("create")
@click.argument("folder", type=Folder)
def backup_create(folder: Path) -> None:
    """Write a consistent backup into FOLDER (new or empty); exit 1 if a file was missing."""
    try:
        manifest = create_backup(db.engine, _store(), folder, now=utcnow())
    except (BackupRefused, DatabaseError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backup written to {folder}: {manifest.database['kind']} database"
        f" ({manifest.database['size']:,} bytes), {sum(manifest.counts.values()):,} rows"
        f" in {len(manifest.counts)} tables, {len(manifest.files)} files;"
        f" ledger head {manifest.ledger_head['seq']} {manifest.ledger_head['hash']}."
    )
    if manifest.missing_files:
        for digest in manifest.missing_files:
            click.echo(f"missing {digest}", err=True)
        raise click.ClickException(
            f"{len(manifest.missing_files)} files that rows refer to were missing from"
            f" {_store().root}; the backup lacks them (listed in its manifest)."
        )


@backup_cli.command("verify")
@click.argument("folder", type=Folder)
def backup_verify(folder: Path) -> None:
    """Recompute every checksum of the backup in FOLDER; exit 1 if anything is wrong."""
    check = verify_backup(folder)
    for problem in check.problems:
        click.echo(problem)
    for digest in check.missing_at_backup:
        click.echo(f"File {digest} was already missing when the backup was made.")
    if check.manifest is not None and not check.problems:
        click.echo(
            f"Backup of {check.manifest.created_at}: database and {len(check.manifest.files)}"
            " files match their checksums."
        )
    if not check.ok:
        raise SystemExit(1)


@backup_cli.command("restore")
@click.argument("folder", type=Folder)
def backup_restore(folder: Path) -> None:
    """Restore FOLDER into the empty database of DATABASE_URL and the empty files folder,
    then verify the ledger, check the files and compare the counts and the ledger head
    with the manifest's; exit 1 on a difference."""
    try:
        restored = restore_backup(folder, db.engine, _store())
    except (BackupRefused, DatabaseError) as error:
        raise click.ClickException(f"Nothing was restored. {error}") from error
    _report(restored)
    if not restored.ok:
        raise SystemExit(1)


def _report(restored: Restored) -> None:
    for name in sorted(set(restored.expected) | set(restored.counts)):
        expected, found = restored.expected.get(name), restored.counts.get(name)
        mark = "" if expected == found else f"  (backup had {expected})"
        click.echo(f"  {name:32} {found if found is not None else '-':>10}{mark}")
    ledger = restored.ledger
    if ledger.ok:
        click.echo(f"Ledger intact: {ledger.checked} entries checked.")
    else:
        click.echo(f"Ledger BROKEN ({ledger.reason}); {ledger.checked} entries checked.")
    (seq, digest), (was_seq, was_digest) = restored.head, restored.expected_head
    if restored.head_differs:
        click.echo(f"Ledger head {seq} {digest} differs from the backup's {was_seq} {was_digest}.")
    else:
        click.echo(f"Ledger head {seq} {digest}, as in the backup.")
    click.echo(f"Files: {len(restored.orphans)} orphaned, {len(restored.missing)} missing.")
    if restored.differences:
        click.echo("Counts differ from the backup's: " + ", ".join(restored.differences))
