"""Helpers of the upload tests: the form, an API client with a school token, snapshots
of the contract rows and the stored files, and clean-up of the store after each test."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts.models import Contract, ContractEvent, ContractVersion, PageText
from advisor.contracts.uploads import MESSAGES
from tests.documents import CONTRACT_LINES, make_pdf

TITLE = "学生饮用奶采购合同"
COUNTERPARTY = "乌苏市丰收食品有限公司"


def unique_pdf(*lines: str) -> bytes:
    """A real PDF with a marker line of its own, so no other upload has the same bytes."""
    marker = hashlib.sha256(f"{time.perf_counter_ns()}{lines}".encode()).hexdigest()[:16]
    return make_pdf([[*CONTRACT_LINES, *lines, f"编号 {marker}"]])


@dataclass(frozen=True)
class Snapshot:
    """Row counts of the contract tables and the files in the store at one moment."""

    rows: dict[str, int]
    files: frozenset[Path]

    @classmethod
    def take(cls, session: orm.Session, files_dir: Path) -> Snapshot:
        rows = {
            model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in (Contract, ContractVersion, PageText, ContractEvent)
        }
        return cls(rows, frozenset(stored_files(files_dir)))


def stored_files(files_dir: Path) -> set[Path]:
    """Every file under the store, temporary files included."""
    return {p for p in files_dir.rglob("*") if p.is_file()} if files_dir.exists() else set()


def files_dir(app: Flask) -> Path:
    return Path(app.config["ADVISOR"].files_dir)


def school_user(session: orm.Session, email: str = "school01@demo.local") -> User:
    found = accounts.get_user_by_email(session, email)
    assert found is not None
    return found


def form(data: bytes, name: str, **changes: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": TITLE,
        "counterparty": COUNTERPARTY,
        "contract_type": "catering",
        "amount": "12,000.00",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        **changes,
    }
    fields["file"] = (io.BytesIO(data), name)
    return fields


def expected_message(app: Flask, code: str, **params: Any) -> str:
    """The message a refusal code shows, in the default language (Chinese)."""
    with app.test_request_context():
        return str(MESSAGES[code](**params))


class Api:
    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def upload(self, data: bytes, name: str = "合同.pdf", **changes: str) -> Any:
        return self.client.post(
            "/api/v1/contracts", data=form(data, name, **changes), headers=self.headers
        )

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.headers)


def created(session: orm.Session, response: Any) -> ContractVersion:
    """Version 1 of the contract a 201 answer describes, as stored."""
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    version = session.scalar(
        sa.select(ContractVersion).where(
            ContractVersion.contract_id == response.json["id"], ContractVersion.number == 1
        )
    )
    assert version is not None
    return version


def page_text(session: orm.Session, version: ContractVersion) -> str:
    return "\n".join(
        session.scalars(
            sa.select(PageText.text)
            .where(PageText.version_id == version.id)
            .order_by(PageText.page)
        )
    )


def school_token(session: orm.Session) -> str:
    """A new API token of school01 (WS001), committed so that requests see it."""
    _token, clear = accounts.create_token(session, school_user(session), "t")
    session.commit()
    return clear


def store_left_as_found(app: Flask) -> Iterator[None]:
    """The store outlives the rolled-back transaction: remove the files a test added."""
    before = stored_files(files_dir(app))
    yield
    for path in stored_files(files_dir(app)) - before:
        path.unlink()
