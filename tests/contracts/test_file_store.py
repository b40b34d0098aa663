"""The content-addressed file store: idempotent puts, ``pending()`` clean-up, the orphan
and missing check and its command, and a failed commit that must leave no file."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from sqlalchemy import orm

from advisor.contracts import services
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import ContractVersion
from tests.contracts.uploading import (
    COUNTERPARTY,
    TITLE,
    Snapshot,
    files_dir,
    school_user,
    store_left_as_found,
    unique_pdf,
)


@pytest.fixture(autouse=True)
def _store_left_as_found(app: Flask) -> Iterator[None]:
    yield from store_left_as_found(app)


# --- the file store -----------------------------------------------------------------


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = "合同正文".encode()
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    path = tmp_path / digest[:2] / digest
    assert path.read_bytes() == data and store.read(digest) == data
    inode = path.stat().st_ino
    assert store.put(data) == digest
    assert path.stat().st_ino == inode, "not written again (only its time refreshed)"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    assert store.put(b"other") != digest
    assert list(store.stored()) == sorted([digest, hashlib.sha256(b"other").hexdigest()])


def test_path_refuses_what_is_not_a_digest(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    for bad in ("../etc/passwd", "A" * 64, "0" * 63, ""):
        with pytest.raises(ValueError):
            store.path(bad)


def test_pending_removes_new_files_on_failure_but_never_older_ones(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    older = store.put(b"uploaded last week")
    with pytest.raises(RuntimeError), store.pending():
        again = store.put(b"uploaded last week")
        new = store.put(b"uploaded now")
        assert store.exists(new)
        raise RuntimeError("the commit failed")
    assert again == older and store.exists(older)
    assert not store.exists(new)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [older]


def test_pending_keeps_the_files_when_the_block_succeeds(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    with store.pending():
        digest = store.put(b"committed")
    assert store.exists(digest)
    with pytest.raises(KeyError), store.pending():
        raise KeyError("a later failure")
    assert store.exists(digest)


def test_a_failed_upload_does_not_remove_the_file_of_a_concurrent_committed_one(
    tmp_path: Path,
) -> None:
    """Two requests upload the same bytes; the second commits while the first fails."""
    store = FileStore(tmp_path)
    data = b"the same contract, sent from two tabs"
    committed: set[str] = set()  # stands for the contract_version rows

    def second_request() -> str:  # another thread, as another web request would be
        with store.pending(referenced=committed.__contains__):
            digest = store.put(data)
            committed.add(digest)  # ... and its row commits
            return digest

    with pytest.raises(RuntimeError), store.pending(referenced=committed.__contains__):
        digest = store.put(data)
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(second_request).result() == digest
        raise RuntimeError("the first request's commit failed")
    assert store.exists(digest), "a committed version's file was removed"


def test_a_file_removed_by_a_failing_upload_is_restored_by_the_one_that_commits(
    tmp_path: Path,
) -> None:
    """The failing request removes the file before the other has committed its row;
    the committing request puts it back when its block ends."""
    store = FileStore(tmp_path)
    data = b"same bytes, unlucky timing"
    with store.pending(referenced=lambda _sha: False):
        digest = store.put(data)  # the file already exists for the other request...
        store.path(digest).unlink()  # ...which fails now and removes it
    assert store.read(digest) == data


def test_check_reports_orphans_and_missing(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    kept, orphan = store.put(b"referenced"), store.put(b"no row refers to me")
    gone = hashlib.sha256(b"never stored").hexdigest()
    (tmp_path / "ab").mkdir(exist_ok=True)
    (tmp_path / "ab" / ".upload-tmp").write_bytes(b"half")
    assert store.check([kept, gone]) == ([orphan], [gone])
    assert store.check([kept, orphan]) == ([], [])
    assert FileStore(tmp_path / "nowhere").check([gone]) == ([], [gone])


def test_files_check_command_lists_an_orphan(app: Flask) -> None:
    digest = hashlib.sha256(f"orphan {time.perf_counter_ns()}".encode()).hexdigest()
    orphan = files_dir(app) / digest[:2] / digest
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left behind")
    result = app.test_cli_runner().invoke(args=["files", "check"])
    assert result.exit_code == 1, "an orphan is a finding, not a pass"
    assert f"orphan  {orphan}" in result.output.splitlines()
    assert result.output.strip().endswith(" 0 missing.")


def test_files_check_command_fails_on_a_missing_file(app: Flask, session: orm.Session) -> None:
    gone = hashlib.sha256(b"a file nobody stored").hexdigest()
    session.add(
        ContractVersion(
            contract_id=1,
            number=2,
            sha256=gone,
            size=1,
            file_name="丢失.pdf",
            media_type="pdf",
            pages=1,
            has_text=True,
            extractor="pypdf",
            uploaded_by_id=school_user(session).id,
        )
    )
    session.commit()
    result = app.test_cli_runner().invoke(args=["files", "check"])
    assert result.exit_code == 1
    assert f"missing {gone}" in result.output.splitlines()
    assert "1 missing." in result.output


# --- pruning orphans ----------------------------------------------------------------

NOW = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


def _aged(path: Path, minutes: int) -> Path:
    """Set ``path``'s last write to ``minutes`` before NOW."""
    moment = NOW.timestamp() - minutes * 60
    os.utime(path, (moment, moment))
    return path


def test_prune_removes_old_orphans_and_leftovers_only(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    kept = store.put(b"referenced by a version")
    old_orphan = store.put(b"an upload that never committed")
    young_orphan = store.put(b"an upload committing right now")
    asked_late = store.put(b"referenced by a row committed after the list was read")
    _aged(store.path(kept), 600)
    _aged(store.path(old_orphan), 61)
    _aged(store.path(young_orphan), 59)
    _aged(store.path(asked_late), 600)
    leftover = tmp_path / kept[:2] / ".upload-abc"
    leftover.write_bytes(b"half")
    _aged(leftover, 120)
    removed = store.prune(
        [kept],
        still_referenced=lambda digest: digest == asked_late,
        older_than=timedelta(hours=1),
        now=NOW,
    )
    assert sorted(removed) == sorted([store.path(old_orphan), leftover])
    assert store.exists(kept) and store.exists(young_orphan) and store.exists(asked_late)
    assert not store.exists(old_orphan) and not leftover.exists()


def test_storing_a_file_again_makes_it_young(tmp_path: Path) -> None:
    """An upload of content an old orphan already holds: the file must survive a prune
    that runs before the upload's row commits."""
    store = FileStore(tmp_path)
    digest = store.put(b"same content")
    _aged(store.path(digest), 600)
    with time_machine.travel(NOW, tick=False):
        store.put(b"same content")
        removed = store.prune(
            [], still_referenced=lambda _: False, older_than=timedelta(hours=1), now=NOW
        )
    assert removed == [] and store.exists(digest)


def test_prune_command_never_removes_a_referenced_file(app: Flask, session: orm.Session) -> None:
    store = FileStore(files_dir(app))
    orphan = store.put(f"orphan {time.perf_counter_ns()}".encode())
    _aged(store.path(orphan), 24 * 60)
    referenced = session.scalars(sa.select(ContractVersion.sha256)).all()
    for digest in referenced:
        if store.exists(digest):
            _aged(store.path(digest), 24 * 60)
    with time_machine.travel(NOW, tick=False):
        result = app.test_cli_runner().invoke(args=["files", "prune", "--older-than", "2h"])
    assert result.exit_code == 0, result.output
    assert f"removed {store.path(orphan)}" in result.output.splitlines()
    assert all(store.exists(d) for d in referenced if d)
    assert not store.exists(orphan)
    check = app.test_cli_runner().invoke(args=["files", "check"])
    assert f"orphan  {store.path(orphan)}" not in check.output.splitlines()
    assert check.output.strip().endswith(" 0 missing.")


def test_prune_command_refuses_a_bad_grace_period(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["files", "prune", "--older-than", "soon"])
    assert result.exit_code == 2
    assert "30m, 1h, 2d" in result.output


# --- a failed commit leaves no file -------------------------------------------------


def test_a_failed_commit_after_submit_leaves_no_file(app: Flask, session: orm.Session) -> None:
    store = FileStore(files_dir(app))
    data = unique_pdf()
    digest = hashlib.sha256(data).hexdigest()
    before = Snapshot.take(session, files_dir(app))
    actor = school_user(session)
    with pytest.raises(sa.exc.IntegrityError), store.pending():
        contract = services.submit_contract(
            session,
            actor=actor,
            data=services.ContractData(
                title=TITLE,
                counterparty=COUNTERPARTY,
                contract_type="catering",
                amount=Decimal("12000.00"),
                start_on=date(2026, 3, 1),
                end_on=date(2026, 12, 31),
            ),
            upload=services.Upload("合同.pdf", data, inspect(data, Limits())),
            store=store,
            today=date(2026, 3, 2),
            now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        )
        assert store.exists(digest)  # written before the commit, as it must be
        session.add(
            ContractVersion(
                contract_id=contract.id,
                number=1,  # the same number again: the commit fails
                sha256=digest,
                size=len(data),
                file_name="重复.pdf",
                media_type="pdf",
                pages=1,
                has_text=True,
                extractor="pypdf",
                uploaded_by_id=actor.id,
            )
        )
        session.commit()
    session.rollback()
    assert not store.exists(digest)
    assert Snapshot.take(session, files_dir(app)) == before
