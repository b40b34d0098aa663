"""Uploads that must be refused: every bad file gets a clear 4xx through the API and the
page and leaves nothing behind (no row, no file); the size limit; a failure mid-request."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import orm

from advisor.contracts import services
from advisor.contracts.files import FileStore
from tests.conftest import login
from tests.contracts.samples import (
    billion_laughs_docx,
    blank_bomb_pdf,
    corpus,
    external_entity_docx,
    external_entity_in_settings_docx,
    half_a_pdf,
    plain_zip,
    png,
    six_hundred_pages,
    text_bomb_pdf,
    zip_bomb_docx,
)
from tests.contracts.uploading import (
    COUNTERPARTY,
    TITLE,
    Api,
    Snapshot,
    created,
    expected_message,
    files_dir,
    form,
    school_token,
    store_left_as_found,
    unique_pdf,
)
from tests.documents import CONTRACT_LINES, make_pdf


@pytest.fixture(autouse=True)
def _store_left_as_found(app: Flask) -> Iterator[None]:
    yield from store_left_as_found(app)


@pytest.fixture()
def token(session: orm.Session) -> str:
    return school_token(session)


@pytest.fixture()
def api(client: FlaskClient, token: str) -> Api:
    return Api(client, token)


# --- bad files: a clear 4xx and nothing left behind ---------------------------------


@dataclass(frozen=True)
class Bad:
    id: str
    make: Callable[[], bytes]
    name: str
    status: int
    code: str  # the refusal code in contracts.uploads.MESSAGES
    params: tuple[tuple[str, Any], ...] = ()
    says: str = ""  # a word the Chinese message must contain

    @property
    def api_code(self) -> str:
        return {415: "unsupported_media_type", 422: "validation_error"}[self.status]


BAD = [
    Bad("empty", lambda: b"", "合同.pdf", 422, "empty", says="为空"),
    Bad("one-byte", lambda: b"%", "合同.pdf", 415, "not_supported", says="PDF"),
    Bad(
        "html-named-pdf",
        lambda: "<!doctype html><html><body><h1>合同</h1></body></html>".encode(),
        "合同.pdf",
        415,
        "not_supported",
        says="PDF",
    ),
    Bad("png-named-pdf", png, "扫描件.pdf", 415, "image", says="请将纸质合同扫描为 PDF 后上传"),
    Bad("truncated-pdf", half_a_pdf, "合同.pdf", 422, "truncated", says="不完整"),
    Bad(
        "corrupt-pdf",
        lambda: b"%PDF-1.7\n" + b"\x8f junk \x00" * 200 + b"\n%%EOF\n",
        "合同.pdf",
        422,
        "corrupt",
        says="损坏",
    ),
    Bad(
        "password-libreoffice",
        lambda: corpus("pypdf-libreoffice-writer-password.pdf"),
        "合同.pdf",
        422,
        "encrypted",
        says="密码",
    ),
    Bad(
        "password-aes-128",
        lambda: corpus("pdfminer-encryption-aes-128.pdf"),
        "合同.pdf",
        422,
        "encrypted",
        says="密码",
    ),
    Bad("zip-not-word", plain_zip, "合同.docx", 415, "not_word", says="Word"),
    Bad("billion-laughs-docx", billion_laughs_docx, "合同.docx", 422, "xml_entities", says="实体"),
    # the entity declared in UTF-16: no ASCII "<!DOCTYPE" in the bytes, refused all the same
    *(
        Bad(
            f"external-entity-{encoding.lower()}-docx",
            lambda encoding=encoding: external_entity_docx(encoding),
            "合同.docx",
            422,
            "xml_entities",
            says="实体",
        )
        for encoding in ("UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE")
    ),
    Bad(
        "external-entity-in-settings-docx",
        external_entity_in_settings_docx,
        "合同.docx",
        422,
        "xml_entities",
        says="实体",
    ),
    Bad(
        "zip-bomb-docx",
        zip_bomb_docx,
        "合同.docx",
        422,
        "zip_bomb",
        params=(("limit", 100),),
        says="100 MB",
    ),
    Bad(
        "600-pages",
        six_hundred_pages,
        "合同.pdf",
        422,
        "too_many_pages",
        params=(("limit", 500),),
        says="500",
    ),
]


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_api_refuses_a_bad_file_and_leaves_nothing(
    app: Flask, api: Api, session: orm.Session, bad: Bad
) -> None:
    data = bad.make()
    before = Snapshot.take(session, files_dir(app))
    response = api.upload(data, bad.name)
    assert response.status_code == bad.status, response.get_data(as_text=True)[:500]
    error = response.json["error"]
    message = expected_message(app, bad.code, **dict(bad.params))
    assert error["code"] == bad.api_code
    assert error["message"] == message
    assert bad.says in message
    assert error["fields"]["file"] == message
    assert Snapshot.take(session, files_dir(app)) == before


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_page_refuses_a_bad_file_keeps_the_typed_values_and_leaves_nothing(
    app: Flask, school1: FlaskClient, session: orm.Session, bad: Bad
) -> None:
    data = bad.make()
    before = Snapshot.take(session, files_dir(app))
    response = school1.post("/contracts/new", data=form(data, bad.name, note="请尽快审核"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:500]
    message = expected_message(app, bad.code, **dict(bad.params))
    assert f'data-testid="file-error">{escape(message)}</div>' in html
    assert f'value="{TITLE}"' in html
    assert f'value="{COUNTERPARTY}"' in html
    assert "请尽快审核" in html
    assert Snapshot.take(session, files_dir(app)) == before


@pytest.mark.parametrize("make", [text_bomb_pdf, blank_bomb_pdf], ids=["text-ops", "spaces"])
def test_a_pdf_decompression_bomb_ends_within_the_limits(
    app: Flask, api: Api, session: orm.Session, make: Callable[[], bytes]
) -> None:
    data = make()
    assert len(data) < 2 << 20  # small on the wire, 300 MB once inflated
    before = Snapshot.take(session, files_dir(app))
    started = time.monotonic()
    response = api.upload(data)
    elapsed = time.monotonic() - started
    assert elapsed < app.config["ADVISOR"].parse_seconds + 10
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422:
        assert response.json["error"]["message"]
        assert Snapshot.take(session, files_dir(app)) == before
    else:
        version = created(session, response)
        assert (files_dir(app) / version.sha256[:2] / version.sha256).read_bytes() == data


CORPUS_FILES = [
    "pdfjs-ContentStreamCycleType3insideType3.pdf",
    "pdfjs-XiaoBiaoSong.pdf",
    "pdfjs-helloworld-bad.pdf",
    "pdfjs-poppler-937-0-fuzzed.pdf",
    "pdfminer-encryption-aes-128.pdf",
    "pdfminer-encryption-rc4-40.pdf",
    "pdfminer-issue-1113-evil-xobjects.pdf",
    "pdfminer-issue_566_test_1-chinese.pdf",
    "pdfminer-simple1.pdf",
    "pdfminer-zen_of_python_corrupted.pdf",
    "pypdf-crazyones.pdf",
    "pypdf-encryption-r4-user-password.pdf",
    "pypdf-encryption-r6-empty-password.pdf",
    "pypdf-libreoffice-writer-password.pdf",
    "pypdf-multilang.pdf",
]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_corpus_file_ends_stored_or_clearly_refused(
    app: Flask, api: Api, session: orm.Session, name: str
) -> None:
    data = corpus(name)
    before = Snapshot.take(session, files_dir(app))
    response = api.upload(data, name)
    assert response.status_code in (201, 415, 422), response.get_data(as_text=True)[:500]
    after = Snapshot.take(session, files_dir(app))
    if response.status_code == 201:
        version = created(session, response)
        assert version.pages >= 1 and version.size == len(data)
        assert after.rows["contract"] == before.rows["contract"] + 1
        assert after.rows["contract_version"] == before.rows["contract_version"] + 1
        assert (files_dir(app) / version.sha256[:2] / version.sha256).read_bytes() == data
    else:
        assert response.json["error"]["message"]
        assert response.json["error"]["fields"]["file"]
        assert after == before


def test_the_cyclic_type3_font_ends_stored_or_clearly_refused(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    data = corpus("pdfjs-ContentStreamCycleType3insideType3.pdf")
    before = Snapshot.take(session, files_dir(app))
    response = school1.post("/contracts/new", data=form(data, "循环.pdf"))
    assert response.status_code in (302, 422), response.get_data(as_text=True)[:500]
    after = Snapshot.take(session, files_dir(app))
    if response.status_code == 302:
        assert after.rows["contract_version"] == before.rows["contract_version"] + 1
    else:
        assert after == before


# --- the size limit -----------------------------------------------------------------


def big_pdf(over: int) -> bytes:
    data = make_pdf([CONTRACT_LINES] * 200)
    assert len(data) > over
    return data


def test_a_file_over_the_size_limit_is_413_with_a_clear_message(
    make_app: Callable[..., Flask], session: orm.Session, token: str
) -> None:
    small = make_app(max_upload_bytes=50_000)
    store = files_dir(small)
    before = Snapshot.take(session, store)
    response = Api(small.test_client(), token).upload(big_pdf(50_000))
    assert response.status_code == 413, response.get_data(as_text=True)[:500]
    error = response.json["error"]
    assert error["code"] == "payload_too_large"
    assert "MB" in error["message"] and "文件超过" in error["message"]
    assert "MB" in error["fields"]["file"]
    assert Snapshot.take(session, store) == before


def test_a_limit_that_is_not_whole_megabytes_is_stated_and_checked_as_set(
    make_app: Callable[..., Flask], token: str
) -> None:
    small = make_app(max_upload_bytes=50_000)
    response = Api(small.test_client(), token).upload(big_pdf(50_000))
    assert response.status_code == 413
    # 50,000 bytes is about 0.05 MB; "larger than 0 MB" tells the school nothing.
    assert not re.search(r"(?<![\d.])0 MB", response.json["error"]["message"])
    # The browser-side check must use the same limit, not one rounded down to 0 bytes.
    page = login(small.test_client(), "school01@demo.local").get("/contracts/new")
    assert 'data-max-bytes="50000"' in page.get_data(as_text=True)


def test_the_page_shows_the_size_limit_on_the_form(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    small = make_app(max_upload_bytes=50_000)
    client = login(small.test_client(), "school01@demo.local")
    before = Snapshot.take(session, files_dir(small))
    response = client.post("/contracts/new", data=form(big_pdf(50_000), "合同.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code in (413, 422), html[:500]
    assert 'data-testid="file-error">超过 0.05 MB。</div>' in html
    assert f'value="{TITLE}"' in html
    assert Snapshot.take(session, files_dir(small)) == before


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    make_app: Callable[..., Flask], session: orm.Session, token: str
) -> None:
    small = make_app(max_upload_bytes=50_000)
    before = Snapshot.take(session, files_dir(small))
    response = Api(small.test_client(), token).upload(b"%PDF-1.7\n" + bytes(2 << 20))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert response.json["error"]["message"]
    assert Snapshot.take(session, files_dir(small)) == before


# --- a failure during the request leaves no file ---------------------------------


@pytest.mark.parametrize("via", ["api", "page"])
def test_a_database_failure_during_a_request_leaves_no_file(
    app: Flask,
    api: Api,
    school1: FlaskClient,
    session: orm.Session,
    monkeypatch: pytest.MonkeyPatch,
    via: str,
) -> None:
    data = unique_pdf()
    digest = hashlib.sha256(data).hexdigest()
    store = FileStore(files_dir(app))
    written: list[bool] = []

    def failing_record_event(*args: Any, **kwargs: Any) -> None:
        written.append(store.exists(digest))
        raise sa.exc.OperationalError("INSERT INTO contract_event", {}, Exception("disk I/O"))

    monkeypatch.setattr(services, "record_event", failing_record_event)
    before = Snapshot.take(session, files_dir(app))
    if via == "api":
        response = api.upload(data)
        assert response.json["error"]["code"] == "internal_error"
    else:
        response = school1.post("/contracts/new", data=form(data, "合同.pdf"))
    assert response.status_code == 500
    assert written == [True]  # the failure came after the file was stored
    assert not store.exists(digest)
    assert Snapshot.take(session, files_dir(app)) == before
