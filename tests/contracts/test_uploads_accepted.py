"""Uploads that must be accepted: PDF and Word stored under their SHA-256 with their text
in order, scans marked, Chinese file names and Chinese text kept, downloads recorded."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import Contract, ContractEvent, ContractVersion
from tests.conftest import login
from tests.contracts.samples import corpus
from tests.contracts.uploading import (
    Api,
    Snapshot,
    created,
    files_dir,
    form,
    page_text,
    school_token,
    school_user,
    store_left_as_found,
    stored_files,
    unique_pdf,
)
from tests.documents import CONTRACT_LINES, make_docx, make_scanned_pdf


@pytest.fixture(autouse=True)
def _store_left_as_found(app: Flask) -> Iterator[None]:
    yield from store_left_as_found(app)


@pytest.fixture()
def token(session: orm.Session) -> str:
    return school_token(session)


@pytest.fixture()
def api(client: FlaskClient, token: str) -> Api:
    return Api(client, token)


# --- good files ---------------------------------------------------------------------


def test_a_pdf_is_stored_under_its_sha256_with_its_text(
    app: Flask, api: Api, session: orm.Session
) -> None:
    data = unique_pdf()
    digest = hashlib.sha256(data).hexdigest()
    before = Snapshot.take(session, files_dir(app))
    response = api.upload(data, "合同.pdf")
    version = created(session, response)
    body = response.json["versions"][0]
    assert body["number"] == 1 and body["media_type"] == "pdf"
    assert body["pages"] == 1 and body["has_text"] is True
    assert body["sha256"] == digest == version.sha256
    assert body["size"] == len(data)
    stored = files_dir(app) / digest[:2] / digest
    assert stored.read_bytes() == data
    assert stored_files(files_dir(app)) - before.files == {stored}
    assert not list(files_dir(app).rglob(".upload-*"))
    # Stored normalised: the single space between Chinese words is gone, so 违约责任 is found.
    assert "第三条违约责任：乙方逾期交货的" in page_text(session, version)


def test_the_same_content_twice_is_one_file_and_two_versions(
    app: Flask, api: Api, session: orm.Session
) -> None:
    data = unique_pdf()
    before = Snapshot.take(session, files_dir(app))
    first, second = api.upload(data), api.upload(data, title="另一份合同")
    assert created(session, first).sha256 == created(session, second).sha256
    after = Snapshot.take(session, files_dir(app))
    assert after.rows["contract_version"] == before.rows["contract_version"] + 2
    assert len(after.files - before.files) == 1


def test_a_docx_keeps_paragraphs_and_table_cells_in_order(
    app: Flask, api: Api, school1: FlaskClient, session: orm.Session
) -> None:
    table = [
        ["品名", "单价（元）", "数量"],
        ["大米", "5.20", "100公斤"],
        ["面粉", "4.10", "80公斤"],
    ]
    marker = hashlib.sha256(str(time.perf_counter_ns()).encode()).hexdigest()[:12]
    data = make_docx([*CONTRACT_LINES, f"附表 {marker}"], table=table)
    response = api.upload(data, "食材合同.docx")
    version = created(session, response)
    assert version.media_type == "docx" and version.extractor == "python-docx"
    assert response.json["versions"][0]["has_text"] is True
    text = page_text(session, version)
    rows = ["\t".join(row) for row in table]
    assert "\n".join([f"附表 {marker}", *rows]) in text
    assert text.index(CONTRACT_LINES[0]) < text.index(rows[0])
    html = school1.get(f"/contracts/{response.json['id']}").get_data(as_text=True)
    position = html.index(f"附表 {marker}")
    for cell in (cell for row in table for cell in row):
        position = html.index(cell, position + 1)  # ValueError if out of order


def test_a_scan_without_text_is_accepted_and_marked(
    app: Flask, api: Api, school1: FlaskClient, session: orm.Session
) -> None:
    response = api.upload(make_scanned_pdf(), "扫描件.pdf")
    version = created(session, response)
    assert response.json["versions"][0]["has_text"] is False
    assert version.has_text is False and version.pages == 1
    html = school1.get(f"/contracts/{response.json['id']}").get_data(as_text=True)
    assert '<span class="badge text-bg-warning">无文字层</span>' in html


def test_the_text_pdf_is_not_marked_as_a_scan(
    app: Flask, api: Api, school1: FlaskClient, session: orm.Session
) -> None:
    response = api.upload(unique_pdf())
    created(session, response)
    html = school1.get(f"/contracts/{response.json['id']}").get_data(as_text=True)
    assert "无文字层" not in html


def test_a_pdf_that_opens_with_the_empty_password_is_accepted(
    app: Flask, api: Api, session: orm.Session
) -> None:
    data = corpus("pypdf-encryption-r6-empty-password.pdf")
    version = created(session, api.upload(data, "r6.pdf"))
    assert version.has_text
    assert "password" in page_text(session, version)


def test_the_page_accepts_a_good_file_and_shows_the_contract(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    data = unique_pdf()
    response = school1.post("/contracts/new", data=form(data, "合同.pdf"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    contract_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    version = session.scalar(
        sa.select(ContractVersion).where(ContractVersion.contract_id == contract_id)
    )
    assert version is not None and version.sha256 == hashlib.sha256(data).hexdigest()
    assert (files_dir(app) / version.sha256[:2] / version.sha256).is_file()


# --- Chinese: file names and text ---------------------------------------------------

CHINESE_NAME = "食堂食材采购合同（2026版）.pdf"


def test_a_chinese_file_name_survives_the_round_trip(
    app: Flask, api: Api, school1: FlaskClient, session: orm.Session
) -> None:
    data = unique_pdf()
    response = api.upload(data, CHINESE_NAME)
    version = created(session, response)
    contract_id = response.json["id"]
    assert version.file_name == CHINESE_NAME
    assert response.json["versions"][0]["file_name"] == CHINESE_NAME

    def downloads() -> int:
        return (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(ContractEvent)
                .where(ContractEvent.contract_id == contract_id, ContractEvent.action == "download")
            )
            or 0
        )

    path = f"/contracts/{contract_id}/versions/1/file"
    for get, url in ((api.get, f"/api/v1{path}"), (school1.get, path)):
        count = downloads()
        got = get(url)
        assert got.status_code == 200
        assert got.data == data
        assert got.mimetype == "application/pdf"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        match = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
        assert match is not None, disposition
        assert re.fullmatch(r"[A-Za-z0-9%._~-]+", match.group(1))
        assert unquote(match.group(1), errors="strict") == CHINESE_NAME
        assert downloads() == count + 1

    event = session.scalars(
        sa.select(ContractEvent)
        .where(ContractEvent.contract_id == contract_id, ContractEvent.action == "download")
        .order_by(ContractEvent.id)
    ).first()
    assert event is not None
    assert event.actor_id == school_user(session).id
    assert event.detail["version"] == 1 and event.detail["sha256"] == version.sha256


def test_another_school_cannot_download_and_nothing_is_recorded(
    app: Flask, session: orm.Session
) -> None:
    # Contract 1 belongs to WS001; school02 is WS002.
    other = login(app.test_client(), "school02@demo.local")
    count = session.scalar(
        sa.select(sa.func.count()).select_from(ContractEvent).where(ContractEvent.contract_id == 1)
    )
    response = other.get("/contracts/1/versions/1/file")
    assert response.status_code == 404
    assert b"%PDF" not in response.data
    assert (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(ContractEvent)
            .where(ContractEvent.contract_id == 1)
        )
        == count
    )


def test_chinese_in_a_font_without_unicode_map_comes_out_as_chinese(
    app: Flask, api: Api, session: orm.Session
) -> None:
    data = corpus("pdfjs-XiaoBiaoSong.pdf")
    version = created(session, api.upload(data, "XiaoBiaoSong.pdf"))
    assert version.extractor == "pdfium"
    assert "关于红军作战的原则" in page_text(session, version)
    contract = session.get(Contract, version.contract_id)
    assert contract is not None and "关于红军作战的原则" in contract.search_text
