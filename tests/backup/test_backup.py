"""Backups: create → verify → restore into a fresh database, on SQLite and PostgreSQL.

The source is a migrated database of its own (not the suite's rolled-back one, since a
backup reads what is committed) holding the demo bureau, two contracts with real PDFs
and ledger entries; each restore goes into a database created for the test (a new
SQLite file, or ``advisor_backup_test_<random>`` on the local PostgreSQL) and a new
files folder.
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import orm

from advisor import create_app
from advisor.backup import database
from advisor.backup.jobs import make_daily_backup
from advisor.backup.services import Manifest, verify_backup
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.demo.bureau import load_demo
from advisor.extensions import alembic, db
from advisor.ledger.services import verify_chain
from advisor.reminders import scheduler
from advisor.reminders.models import JobRun
from tests.conftest import make_config
from tests.documents import CONTRACT_LINES, make_pdf
from tests.factories.ledger import chain_of
from tests.factories.people import user

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KINDS = ["sqlite", "postgresql"]
T = TypeVar("T")


@contextmanager
def fresh_database(kind: str, tmp: Path) -> Iterator[str]:
    """A new, empty database of ``kind``; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'{secrets.token_hex(4)}.db'}"
        return
    name = f"advisor_backup_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(POSTGRES_ADMIN).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def app_on(url: str, folder: Path, **changes: object) -> Flask:
    folder.mkdir(parents=True, exist_ok=True)
    return create_app(make_config(folder, url, files_path=folder / "files", **changes))


@dataclass
class Source:
    app: Flask
    kind: str
    facts: database.Facts

    @property
    def store(self) -> FileStore:
        return FileStore(self.app.config["ADVISOR"].files_dir)

    def run(self, *args: str, app: Flask | None = None) -> tuple[int, str]:
        result = (app or self.app).test_cli_runner().invoke(args=list(args))
        return result.exit_code, result.output


@pytest.fixture(scope="module", params=KINDS)
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Source]:
    """A committed database with the demo bureau, two contracts with distinct PDFs
    (so two stored files) and three ledger entries."""
    kind = request.param
    tmp = tmp_path_factory.mktemp(f"backup_source_{kind}")
    with fresh_database(kind, tmp) as url:
        app = app_on(url, tmp / "instance")
        with app.app_context():
            alembic.upgrade()
            load_demo(db.session)
            _contracts(db.session, FileStore(app.config["ADVISOR"].files_dir))
            chain_of(db.session, 3)
            db.session.commit()
            facts = database.count_rows(db.engine)
        yield Source(app, kind, facts)
        with app.app_context():
            db.engine.dispose()


def _contracts(session: orm.Session, store: FileStore) -> None:
    for n, email in ((1, "school01@demo.local"), (2, "school02@demo.local")):
        data = make_pdf([[*CONTRACT_LINES, f"合同编号：BK-{n}"]])
        contracts.submit_contract(
            session,
            actor=user(session, email),
            store=store,
            today=date(2026, 3, 2),
            now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
            data=contracts.ContractData(
                title=f"备份测试合同{n}",
                counterparty="乌苏市丰收食品有限公司",
                contract_type="catering",
                amount=Decimal("12000.00"),
                start_on=date(2026, 3, 1),
                end_on=date(2026, 12, 31),
            ),
            upload=contracts.Upload("合同.pdf", data, inspect(data, Limits())),
        )


def test_the_source_has_what_a_backup_must_carry(source: Source) -> None:
    facts = source.facts
    assert len(facts.referenced) == 2 and facts.ledger_seq == 3
    assert facts.counts["contract_version"] == 2 and facts.counts["ledger_entry"] == 3
    assert all(source.store.exists(digest) for digest in facts.referenced)


def test_create_verify_restore_gives_the_same_database_and_files(
    source: Source, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    code, output = source.run("backup", "create", str(folder))
    assert code == 0, output
    manifest = Manifest.from_json((folder / "manifest.json").read_text())
    assert manifest.database["kind"] == source.kind
    assert manifest.counts == source.facts.counts
    assert manifest.ledger_head == {"seq": 3, "hash": source.facts.ledger_hash}
    assert sorted(f.sha256 for f in manifest.files) == source.facts.referenced
    assert manifest.missing_files == []
    assert manifest.alembic_revision == source.facts.alembic_revision

    code, output = source.run("backup", "verify", str(folder))
    assert code == 0 and "2 files match their checksums" in output, output

    with fresh_database(source.kind, tmp_path) as url:
        target = app_on(url, tmp_path / "target")
        code, output = source.run("backup", "restore", str(folder), app=target)
        assert code == 0, output
        assert "Ledger intact: 3 entries checked." in output
        assert f"Ledger head 3 {source.facts.ledger_hash}, as in the backup." in output
        assert "Files: 0 orphaned, 0 missing." in output
        with target.app_context():
            restored = database.count_rows(db.engine)
            assert restored.counts == source.facts.counts
            assert (restored.ledger_seq, restored.ledger_hash) == (3, source.facts.ledger_hash)
            assert verify_chain(db.session).ok
            db.engine.dispose()
        store = FileStore(target.config["ADVISOR"].files_dir)
        assert store.check(restored.referenced) == ([], [])
        for digest in restored.referenced:
            assert store.read(digest) == source.store.read(digest)


def test_restore_refuses_a_target_that_is_not_empty_and_changes_nothing(
    source: Source, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    assert source.run("backup", "create", str(folder))[0] == 0
    # Into the source itself: it has tables.
    files_before = sorted(source.store.stored())
    code, output = source.run("backup", "restore", str(folder))
    assert code == 1 and "Nothing was restored" in output and "not empty" in output
    with source.app.app_context():
        assert database.count_rows(db.engine).counts == source.facts.counts
    assert sorted(source.store.stored()) == files_before

    # An empty database but a files folder holding a file.
    with fresh_database(source.kind, tmp_path) as url:
        target = app_on(url, tmp_path / "target")
        stray = FileStore(target.config["ADVISOR"].files_dir).put(b"left over")
        code, output = source.run("backup", "restore", str(folder), app=target)
        assert code == 1 and "files folder" in output and "not empty" in output
        with target.app_context():
            assert database.table_names(db.engine) == []
            db.engine.dispose()
        assert list(FileStore(target.config["ADVISOR"].files_dir).stored()) == [stray]


def test_verify_catches_a_tampered_file_and_dump_and_restore_refuses_them(
    source: Source, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    assert source.run("backup", "create", str(folder))[0] == 0
    manifest = Manifest.from_json((folder / "manifest.json").read_text())

    damaged_file = tmp_path / "damaged_file"
    shutil.copytree(folder, damaged_file)
    one = FileStore(damaged_file / "files").path(manifest.files[0].sha256)
    one.write_bytes(one.read_bytes().replace(b"%%EOF", b"%%EOX"))
    code, output = source.run("backup", "verify", str(damaged_file))
    assert code == 1 and f"File {manifest.files[0].sha256} differs" in output, output

    damaged_dump = tmp_path / "damaged_dump"
    shutil.copytree(folder, damaged_dump)
    dump = damaged_dump / manifest.database["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    code, output = source.run("backup", "verify", str(damaged_dump))
    assert code == 1 and "database copy" in output and "differs" in output, output

    with fresh_database(source.kind, tmp_path) as url:
        target = app_on(url, tmp_path / "target")
        for broken in (damaged_file, damaged_dump):
            code, output = source.run("backup", "restore", str(broken), app=target)
            assert code == 1 and "does not verify" in output, output
        with target.app_context():
            assert database.table_names(db.engine) == []
            db.engine.dispose()
        assert list(FileStore(target.config["ADVISOR"].files_dir).stored()) == []


@pytest.mark.parametrize("head", ["hash", "seq"])
def test_restore_reports_a_ledger_head_other_than_the_manifests(
    source: Source, tmp_path: Path, head: str
) -> None:
    """A copy whose ledger head is not the manifest's (another database's copy, or one cut
    short with its head rewound: its chain still verifies) restores with exit 1 and says
    so, though the checksums, counts, chain and files all agree."""
    folder = tmp_path / "backup"
    assert source.run("backup", "create", str(folder))[0] == 0
    manifest_file = folder / "manifest.json"
    raw = json.loads(manifest_file.read_text())
    assert raw["ledger_head"] == {"seq": 3, "hash": source.facts.ledger_hash}
    if head == "hash":
        raw["ledger_head"]["hash"] = "ab" * 32
    else:
        raw["ledger_head"]["seq"] = 4
    manifest_file.write_text(json.dumps(raw))
    assert source.run("backup", "verify", str(folder))[0] == 0  # the checksums still agree

    with fresh_database(source.kind, tmp_path) as url:
        target = app_on(url, tmp_path / "target")
        code, output = source.run("backup", "restore", str(folder), app=target)
        with target.app_context():
            db.engine.dispose()
    assert code == 1, output
    assert "Ledger intact: 3 entries checked." in output
    assert "Counts differ" not in output and "Files: 0 orphaned, 0 missing." in output
    expected = raw["ledger_head"]
    assert (
        f"Ledger head 3 {source.facts.ledger_hash} differs from the backup's"
        f" {expected['seq']} {expected['hash']}."
    ) in output, output


def test_a_file_missing_at_backup_time_is_recorded_and_fails_create_and_verify(
    source: Source, tmp_path: Path
) -> None:
    kept, lost = source.facts.referenced
    partial = FileStore(tmp_path / "partial")
    partial.put(source.store.read(kept))
    config = source.app.config["ADVISOR"]
    other = create_app(config.but(files_path=partial.root))
    folder = tmp_path / "backup"
    code, output = source.run("backup", "create", str(folder), app=other)
    assert code == 1 and f"missing {lost}" in output and "1 files" in output, output
    manifest = Manifest.from_json((folder / "manifest.json").read_text())
    assert manifest.missing_files == [lost] and [f.sha256 for f in manifest.files] == [kept]
    check = verify_backup(folder)
    assert check.problems == [] and check.missing_at_backup == [lost] and not check.ok
    code, output = source.run("backup", "verify", str(folder))
    assert code == 1 and "already missing" in output
    with other.app_context():
        db.engine.dispose()


def test_create_refuses_a_folder_that_holds_something(source: Source, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me")
    code, output = source.run("backup", "create", str(tmp_path / "busy"))
    assert code == 1 and "not an empty folder" in output
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]


def test_the_daily_job_backs_up_and_keeps_the_newest(source: Source, tmp_path: Path) -> None:
    root = tmp_path / "backups"
    (root / "unrelated").mkdir(parents=True)
    config = source.app.config["ADVISOR"].but(backup_path=root, backup_keep=2)
    day = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
    with source.app.app_context():
        assert make_daily_backup(db.session, day, config.but(backup_path=None)).startswith("off")
        results = [
            make_daily_backup(db.session, moment, config)
            for moment in (day, day + timedelta(hours=1), day + timedelta(days=1))
        ]
        assert results[1].startswith("skipped")
        assert make_daily_backup(db.session, day + timedelta(days=2), config).endswith(
            "1 old removed"
        )
    assert results[0].startswith("backup") and results[2].endswith("0 old removed")
    assert sorted(p.name for p in root.iterdir()) == [
        "20261117T180000Z",
        "20261118T180000Z",
        "unrelated",
    ]
    assert verify_backup(root / "20261118T180000Z").ok


def test_the_scheduler_has_a_backup_job_only_when_a_backup_path_is_set(
    source: Source, tmp_path: Path
) -> None:
    config = source.app.config["ADVISOR"]
    for setting, expected in ((None, False), (tmp_path, True)):
        jobs = BackgroundScheduler()
        scheduler.add_jobs(jobs, config.but(backup_path=setting))
        names = {job.id for job in jobs.get_jobs()}
        assert {"plan", "send_due"} <= names and ("backup" in names) is expected


def test_restore_refuses_a_backup_of_the_other_kind(source: Source, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    assert source.run("backup", "create", str(folder))[0] == 0
    other = "postgresql" if source.kind == "sqlite" else "sqlite"
    with fresh_database(other, tmp_path) as url:
        target = app_on(url, tmp_path / "target")
        code, output = source.run("backup", "restore", str(folder), app=target)
        assert code == 1 and f"restores only into {source.kind}" in output, output
        with target.app_context():
            assert database.table_names(db.engine) == []
            db.engine.dispose()


def test_the_manifest_and_the_copy_are_one_snapshot_while_writes_go_on(
    source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row committed after the snapshot was taken, while the facts are read and while
    the copy is written (pg_dump), is neither counted nor copied."""
    with source.app.app_context():
        engine = db.engine
    written: list[str] = []

    def write_meanwhile() -> None:
        name = f"meanwhile-{len(written)}"
        with engine.begin() as conn:
            conn.execute(
                sa.insert(JobRun.__table__).values(
                    job=name, started_at=datetime(2026, 11, 16, tzinfo=UTC), result=""
                )
            )
        written.append(name)

    def during(real: Callable[..., T]) -> Callable[..., T]:
        def wrapped(*args: Any, **kwargs: Any) -> T:
            write_meanwhile()
            return real(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(database, "read_facts", during(database.read_facts))
    monkeypatch.setattr(database, "_run", during(database._run))
    folder = tmp_path / "backup"
    try:
        code, output = source.run("backup", "create", str(folder))
        monkeypatch.undo()
        assert code == 0 and written, output
        manifest = Manifest.from_json((folder / "manifest.json").read_text())
        assert manifest.counts == source.facts.counts
        with fresh_database(source.kind, tmp_path) as url:
            target = app_on(url, tmp_path / "target")
            code, output = source.run("backup", "restore", str(folder), app=target)
            assert code == 0, output
            with target.app_context():
                assert database.count_rows(db.engine).counts == manifest.counts
                db.engine.dispose()
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(JobRun.__table__).where(JobRun.job.in_(written)))
