"""Contracts for tests, through the services as a school submits them: a checked PDF
upload, the app's file store, contract data, submitting, revising, and reading a contract
back as the database has it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from flask import Flask
from sqlalchemy import orm

from advisor.contracts import services
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractVersion
from tests.documents import CONTRACT_LINES, make_pdf
from tests.factories import TODAY
from tests.factories.people import owner, school_user

# The revision the factories submit: the first article changed.
REVISED_LINES = [
    *CONTRACT_LINES[:3],
    "第一条 标的：大米、面粉、食用油等食材，甲方每周五前书面发出订单，乙方一个工作日内确认。",
    *CONTRACT_LINES[4:],
]


@cache
def _upload(lines: tuple[str, ...], name: str) -> services.Upload:
    data = make_pdf([list(lines)])
    return services.Upload(name, data, inspect(data, Limits()))


def upload(lines: list[str] | None = None, name: str = "合同.pdf") -> services.Upload:
    """A checked PDF upload with one page of ``lines`` (the sample contract's text)."""
    return _upload(tuple(lines or CONTRACT_LINES), name)


def file_store(app: Flask) -> FileStore:
    return FileStore(app.config["ADVISOR"].files_dir)


def contract_data(**changes: Any) -> services.ContractData:
    """A catering contract's data, as the sample contracts have, with ``changes``."""
    values: dict[str, Any] = {
        "title": "食堂食材采购合同",
        "counterparty": "乌苏市丰收食品有限公司",
        "contract_type": "catering",
        "amount": Decimal("12000.00"),
        "start_on": date(2025, 10, 1),
        "end_on": date(2026, 7, 31),
    }
    values.update(changes)
    return services.ContractData(**values)


def _morning_of(today: date) -> datetime:
    """10:00 in Beijing on ``today``: the moment a step taken on ``today`` happens."""
    return datetime.combine(today, time(2), UTC)


def submit_contract(
    app: Flask,
    session: orm.Session,
    school: int,
    *,
    today: date = TODAY,
    now: datetime | None = None,
    lines: list[str] | None = None,
    **changes: Any,
) -> Contract:
    """School ``school`` submits a contract (``contract_data(**changes)``, one page of
    ``lines``) on ``today``; it goes where routing sends it."""
    return services.submit_contract(
        session,
        actor=school_user(session, school),
        data=contract_data(**changes),
        upload=upload(lines),
        store=file_store(app),
        today=today,
        now=now or _morning_of(today),
    )


def submit_revision(
    app: Flask,
    session: orm.Session,
    contract: Contract,
    *,
    lines: list[str] | None = None,
    note: str = "已按意见修改第一条",
    today: date = TODAY,
    now: datetime | None = None,
    lock_version: int | None = None,
) -> ContractVersion:
    """The contract's school uploads a revised version (REVISED_LINES unless ``lines``)."""
    return services.submit_revision(
        session,
        actor=owner(session, contract),
        contract=contract,
        upload=upload(lines or REVISED_LINES, "合同（修改稿）.pdf"),
        note=note,
        store=file_store(app),
        today=today,
        now=now or _morning_of(today),
        lock_version=lock_version,
    )


def current_contract(session: orm.Session, contract_id: int = 1) -> Contract:
    """The contract as the database has it now (after requests changed it)."""
    session.expire_all()
    found = session.get(Contract, contract_id)
    assert found is not None
    return found
