"""The submission form checks its fields before it reads the file, and keeps the file
chosen when it is sent back, for its owner only (issue 20, item 3)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts import kept
from advisor.contracts.models import ContractVersion, KeptUpload
from advisor.contracts.parse_pool import ParsePool
from tests.conftest import login
from tests.contracts.uploading import files_dir, form, school_user, store_left_as_found, unique_pdf

NOW = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _store(app: Flask) -> Iterator[None]:
    yield from store_left_as_found(app)


def kept_id(response: Any) -> str:
    root = lxml.html.fromstring(response.get_data(as_text=True))
    return str(root.xpath('//input[@name="kept_file"]')[0].get("value", ""))


def kept_files(app: Flask) -> set[Path]:
    root = files_dir(app) / "kept"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_form_sent_back_for_a_field_does_not_read_the_file(
    app: Flask, school1: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []

    def parse(self: ParsePool, owner: int, data: bytes, limits: Any) -> Any:
        read.append(len(data))
        raise AssertionError("the file was parsed while the form had a wrong field")

    monkeypatch.setattr(ParsePool, "inspect", parse)
    response = school1.post(
        "/contracts/new", data=form(unique_pdf(), "合同.pdf", end_date="2026-01-01")
    )
    assert response.status_code == 422
    assert read == []
    page = response.get_data(as_text=True)
    assert "结束日期不能早于开始日期。" in page
    assert "已选择文件：合同.pdf（无需重新选择）" in page


def test_the_kept_file_is_submitted_with_the_corrected_form_and_then_forgotten(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    data = unique_pdf("保留")
    first = school1.post("/contracts/new", data=form(data, "保留的合同.pdf", amount="abc"))
    assert first.status_code == 422
    token = kept_id(first)
    assert len(token) == kept.ID_LENGTH
    assert len(kept_files(app)) == 1

    fields = form(b"", "", kept_file=token)
    del fields["file"]
    second = school1.post("/contracts/new", data=fields)
    assert second.status_code == 302, second.get_data(as_text=True)[:2000]
    version = session.scalar(
        sa.select(ContractVersion).order_by(ContractVersion.id.desc()).limit(1)
    )
    assert version is not None and version.file_name == "保留的合同.pdf"
    assert version.size == len(data)
    assert session.scalar(sa.select(sa.func.count()).select_from(KeptUpload)) == 0
    assert kept_files(app) == set()


def test_another_user_cannot_use_a_kept_file(app: Flask, school1: FlaskClient) -> None:
    first = school1.post("/contracts/new", data=form(unique_pdf(), "合同.pdf", title=""))
    token = kept_id(first)
    other = login(app.test_client(), "school02@demo.local")
    fields = form(b"", "", kept_file=token)
    del fields["file"]
    response = other.post("/contracts/new", data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "之前选择的文件已不再保留，请重新选择。" in page
    assert "已选择文件" not in page
    assert kept_id(response) == ""


def test_a_file_refused_by_its_first_bytes_is_said_with_the_other_problems_and_not_kept(
    app: Flask, school1: FlaskClient
) -> None:
    response = school1.post(
        "/contracts/new", data=form(b"just text, not a contract", "合同.pdf", title="")
    )
    assert response.status_code == 422
    root = lxml.html.fromstring(response.get_data(as_text=True))
    assert root.xpath('//*[@data-testid="file-error"]')
    assert "is-invalid" in root.xpath('//input[@name="title"]')[0].get("class")
    assert kept_files(app) == set()


def test_a_file_chosen_anew_replaces_the_kept_one(app: Flask, school1: FlaskClient) -> None:
    first = school1.post("/contracts/new", data=form(unique_pdf("一"), "一.pdf", title=""))
    second = school1.post(
        "/contracts/new", data=form(unique_pdf("二"), "二.pdf", title="", kept_file=kept_id(first))
    )
    assert "已选择文件：二.pdf" in second.get_data(as_text=True)
    assert len(kept_files(app)) == 1


# --- the rules ------------------------------------------------------------------------


def test_a_kept_file_lasts_its_time_for_its_owner_only(app: Flask, session: orm.Session) -> None:
    store = kept.kept_store(files_dir(app))
    owner, other = school_user(session), school_user(session, "school02@demo.local")
    row, _ = kept.keep_upload(
        session, store, owner=owner, file_name="a.pdf", data=unique_pdf(), now=NOW
    )
    assert kept.get_kept_upload(session, owner, row.id, NOW + kept.KEPT_FOR / 2) is row
    assert kept.get_kept_upload(session, other, row.id, NOW) is None
    assert kept.get_kept_upload(session, owner, row.id, NOW + kept.KEPT_FOR) is None
    # The next keep, once the time is over, forgets it and its file goes.
    _, forgotten = kept.keep_upload(
        session, store, owner=other, file_name="b.pdf", data=unique_pdf(), now=NOW + kept.KEPT_FOR
    )
    assert forgotten == [row.sha256]
    kept.drop_unkept_files(session, store, forgotten)
    assert not store.exists(row.sha256)


def test_a_user_has_at_most_a_few_kept_files(app: Flask, session: orm.Session) -> None:
    store = kept.kept_store(files_dir(app))
    owner = school_user(session)
    rows = [
        kept.keep_upload(
            session,
            store,
            owner=owner,
            file_name=f"{n}.pdf",
            data=unique_pdf(str(n)),
            now=NOW + timedelta(minutes=n),
        )[0]
        for n in range(kept.PER_USER + 1)
    ]
    left = session.scalars(sa.select(KeptUpload.id).where(KeptUpload.user_id == owner.id)).all()
    assert set(left) == {row.id for row in rows[1:]}


def test_the_prune_command_removes_kept_files_whose_time_is_over(
    app: Flask, session: orm.Session, time_machine: time_machine.TimeMachineFixture
) -> None:
    store = kept.kept_store(files_dir(app))
    owner = school_user(session)
    old, _ = kept.keep_upload(
        session, store, owner=owner, file_name="old.pdf", data=unique_pdf("旧"), now=NOW
    )
    later = NOW + kept.KEPT_FOR + timedelta(minutes=10)
    live, _ = kept.keep_upload(
        session,
        store,
        owner=school_user(session, "school02@demo.local"),
        file_name="live.pdf",
        data=unique_pdf("新"),
        now=NOW + timedelta(minutes=30),
    )
    session.commit()
    stray = store.put(unique_pdf("无主"))  # a keep whose commit failed
    for digest in (old.sha256, live.sha256, stray):
        moment = (NOW - timedelta(hours=2)).timestamp()
        os.utime(store.path(digest), (moment, moment))
    time_machine.move_to(later, tick=False)
    result = app.test_cli_runner().invoke(args=["files", "prune", "--older-than", "1h"])
    assert result.exit_code == 0, result.output
    assert not store.exists(old.sha256) and not store.exists(stray)
    assert store.exists(live.sha256)
    assert session.scalar(sa.select(KeptUpload.id).where(KeptUpload.id == live.id)) == live.id


def test_a_kept_file_refused_once_read_is_forgotten(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    # Its first bytes say PDF, so it is kept while the title is missing; read once the
    # form is right, it is refused and goes.
    broken = b"%PDF-1.4\n" + b"\x00" * 200
    first = school1.post("/contracts/new", data=form(broken, "坏的.pdf", title=""))
    assert "已选择文件：坏的.pdf" in first.get_data(as_text=True)
    fields = form(b"", "", kept_file=kept_id(first))
    del fields["file"]
    second = school1.post("/contracts/new", data=fields)
    assert second.status_code == 422
    root = lxml.html.fromstring(second.get_data(as_text=True))
    assert root.xpath('//*[@data-testid="file-error"]')
    assert not root.xpath('//*[@data-testid="kept-file"]')
    assert session.scalar(sa.select(sa.func.count()).select_from(KeptUpload)) == 0
    assert kept_files(app) == set()
