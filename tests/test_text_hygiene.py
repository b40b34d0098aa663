"""Text hygiene (issue 15, item 9): control characters but newline and tab, and the
bidirectional overrides and isolates, are removed from every text where it enters (forms,
JSON bodies, multipart fields); every text field has a length limit, and a text longer
than its field takes is refused with a message naming the limit, never stored and never
a 500 (a String(n) column on PostgreSQL raises on n + 1 characters)."""

from __future__ import annotations

import importlib
import io
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import orm
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Length

import advisor
from advisor.accounts.services import check_password_rules
from advisor.contracts.models import Contract
from advisor.directory.models import School
from advisor.errors import ValidationError
from advisor.forms import AppForm, AppSubform
from advisor.ledger.models import LedgerEntry
from advisor.text import LONGEST, clean_line, clean_text, has_controls
from advisor.workdays import today_local
from tests.contracts.uploading import files_dir, stored_files
from tests.documents import make_pdf
from tests.factories.people import token_headers
from tests.pages import text_of, zh

ADVISOR = "advisor01@demo.local"
SCHOOL = "school01@demo.local"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROLS = "".join(map(chr, [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
KEPT = "عدد\u200f 12 \u200e; 👨\u200d👩\u200d👧; क्\u200dष"  # marks and joiners stay


# --- the rule ----------------------------------------------------------------------------


def test_clean_text_removes_controls_and_overrides_and_keeps_newline_tab_and_marks() -> None:
    assert clean_text(f"合{CONTROLS}同{BIDI}名") == "合同名"
    assert clean_text("一\r\n二\r三\n四\t五") == "一\n二\n三\n四\t五"
    assert clean_text("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert clean_text("a\ud800b") == "ab"
    assert clean_text(KEPT) == KEPT
    assert clean_line("一\n二\t\t三\r\n") == "一 二 三 "


def test_a_password_is_refused_not_cleaned() -> None:
    assert has_controls("pass\tword1") and has_controls("pass\u202eword1")
    assert not has_controls("pass word 口令")
    with pytest.raises(ValidationError) as refused:
        check_password_rules("correct\u202ehorse")
    assert "password" in refused.value.fields
    check_password_rules("correct horse 电池")


# --- every form, now and later -----------------------------------------------------------


def _form_classes() -> list[type[Form]]:
    for module in pkgutil.walk_packages(advisor.__path__, "advisor."):
        importlib.import_module(module.name)
    found: list[type[Form]] = []
    pending: list[type[Form]] = [Form]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("advisor.") and sub not in (AppForm, AppSubform):
                found.append(sub)
    return found


def test_every_form_of_the_app_builds_on_the_clean_bases() -> None:
    forms = _form_classes()
    assert len(forms) >= 30
    for form_class in forms:
        base = AppForm if issubclass(form_class, FlaskForm) else AppSubform
        assert issubclass(form_class, base), form_class


def test_every_text_field_of_every_form_is_cleaned_and_bounded(app: Flask) -> None:
    checked = 0
    with app.test_request_context(method="POST"):
        for form_class in _form_classes():
            form = form_class()
            for field in form:
                if not isinstance(field, StringField) or isinstance(field, CSRFTokenField):
                    continue
                where = f"{form_class.__name__}.{field.name}"
                limits = [v.max for v in field.validators if isinstance(v, Length)]
                assert limits and all(0 < n <= LONGEST for n in limits), where
                if not isinstance(field, PasswordField):
                    field.process_formdata([f"a{BIDI}\x00b"])
                    field.data = field.filters[0](field.data)
                    assert field.data == "ab", where
                checked += 1
    assert checked >= 60


def test_a_single_line_field_gets_a_line_a_text_area_keeps_its_lines(app: Flask) -> None:
    class Probe(AppForm):
        line = StringField()
        text = TextAreaField()

    with app.test_request_context(method="POST", data={"line": "一\n二", "text": "一\r\n\t二"}):
        form = Probe(meta={"csrf": False})
        assert (form.line.data, form.text.data) == ("一 二", "一\n\t二")
        assert [v.max for v in form.line.validators if isinstance(v, Length)] == [200]
        assert [v.max for v in form.text.validators if isinstance(v, Length)] == [4000]


# --- the ledger: page and API ------------------------------------------------------------


def entry(**changes: Any) -> dict[str, Any]:
    """An entry of advisor01 at school 1, which they serve as primary."""
    return {
        "date": "2026-11-10",
        "school_id": 1,
        "kind": "consultation",
        "description": "电话咨询合同条款",
        "minutes": 30,
        **changes,
    }


def page_entry(**changes: str) -> dict[str, str]:
    return {
        "entry_on": today_local().isoformat(),
        "school_id": "36",
        "kind": "consultation",
        "service_mode": "phone",
        "description": "答复校车安全责任书的咨询",
        "minutes": "45",
        "outcome": "",
        "audience": "",
        "headcount": "",
        **changes,
    }


def entries(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0


def newest_entry(session: orm.Session) -> LedgerEntry:
    session.expire_all()
    found = session.scalar(sa.select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1))
    assert found is not None
    return found


def test_a_description_of_200000_characters_is_refused_by_the_api(
    client: FlaskClient, session: orm.Session
) -> None:
    before = entries(session)
    response = client.post(
        "/api/v1/ledger",
        json=entry(description="长" * 200_000),
        headers=token_headers(session, ADVISOR),
    )
    assert response.status_code == 422
    # Longer than any field takes: refused as the body is read (4,001 gets the field's 4,000)
    assert response.json["error"]["fields"] == {"description": f"At most {LONGEST} characters."}
    assert entries(session) == before


def test_a_description_of_200000_characters_is_refused_on_the_page_in_chinese(
    app: Flask, session: orm.Session, advisor1: FlaskClient
) -> None:
    before = entries(session)
    response = advisor1.post("/ledger/new", data=page_entry(description="长" * 200_000))
    assert response.status_code == 422
    assert zh(app, "At most %(max)s characters.", max=4000) in text_of(response)
    assert "最多 4000 个字符" in text_of(response)
    assert entries(session) == before


@pytest.mark.parametrize(
    ("field", "limit"), [("description", 4000), ("outcome", 500), ("audience", 200)]
)
def test_each_ledger_text_has_its_limit_on_the_api(
    client: FlaskClient, session: orm.Session, field: str, limit: int
) -> None:
    headers = token_headers(session, ADVISOR)
    before = entries(session)
    over = client.post("/api/v1/ledger", json=entry(**{field: "字" * (limit + 1)}), headers=headers)
    assert over.status_code == 422, over.get_data(as_text=True)[:300]
    assert over.json["error"]["fields"] == {field: f"At most {limit} characters."}
    assert entries(session) == before
    at = client.post("/api/v1/ledger", json=entry(**{field: "字" * limit}), headers=headers)
    assert at.status_code == 201
    assert getattr(newest_entry(session), field) == "字" * limit


def test_the_api_cleans_ledger_text_and_keeps_newline_and_tab(
    client: FlaskClient, session: orm.Session
) -> None:
    response = client.post(
        "/api/v1/ledger",
        json=entry(
            description=f"第一行{BIDI}\r\n\t第二行\x00\x1b[31m",
            outcome=f"已答复\u202e{CONTROLS}",
        ),
        headers=token_headers(session, ADVISOR),
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = newest_entry(session)
    assert stored.description == "第一行\n\t第二行[31m"
    assert stored.outcome == "已答复"
    assert response.json["description"] == stored.description


def test_the_page_cleans_ledger_text_and_keeps_newline_and_tab(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    response = advisor1.post(
        "/ledger/new",
        data=page_entry(description="第一行\u2067\r\n\t第二行\x07", audience="全体\u202e教师\n"),
    )
    assert response.status_code == 302
    stored = newest_entry(session)
    assert stored.description == "第一行\n\t第二行"
    assert stored.audience == "全体教师"


def test_any_json_text_longer_than_any_field_takes_is_refused_naming_it(
    client: FlaskClient, session: orm.Session
) -> None:
    response = client.post(
        "/api/v1/ledger",
        json=entry(unknown={"deep": ["x" * (LONGEST + 1)]}),
        headers=token_headers(session, ADVISOR),
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"unknown-deep-0": f"At most {LONGEST} characters."}


# --- contracts and schools ---------------------------------------------------------------


def contract_form(**changes: str) -> dict[str, Any]:
    return {
        "title": "食堂食材采购合同",
        "counterparty": "乌苏市丰收食品有限公司",
        "contract_type": "catering",
        "amount": "12,000.00",
        "start_date": "2025-10-01",
        "end_date": "2026-07-31",
        "note": "请重点审查违约责任条款",
        "file": (io.BytesIO(make_pdf()), "合同.pdf"),
        **changes,
    }


@pytest.fixture()
def uploads(app: Flask) -> Iterator[None]:
    """The files these tests store go with their rolled-back rows, so that no orphan is
    left for the file store's own tests to find."""
    before = stored_files(files_dir(app))
    yield
    for path in stored_files(files_dir(app)) - before:
        path.unlink()


def newest_contract(session: orm.Session) -> Contract:
    session.expire_all()
    found = session.scalar(sa.select(Contract).order_by(Contract.id.desc()).limit(1))
    assert found is not None
    return found


def test_the_api_cleans_a_contract_title_and_note(
    client: FlaskClient, session: orm.Session, uploads: None
) -> None:
    response = client.post(
        "/api/v1/contracts",
        headers=token_headers(session, SCHOOL),
        data=contract_form(title="食堂\u202e采购\x00合同\n", note=f"第一条\r\n\t第二条{BIDI}\x1f"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = newest_contract(session)
    assert (stored.title, stored.note) == ("食堂采购合同", "第一条\n\t第二条")


def test_the_page_cleans_a_contract_title(
    session: orm.Session, school1: FlaskClient, uploads: None
) -> None:
    response = school1.post(
        "/contracts/new", data=contract_form(title="\u2066校服\u2069采购合同\x7f")
    )
    assert response.status_code == 302, text_of(response)[:300]
    assert newest_contract(session).title == "校服采购合同"


def test_a_contract_title_longer_than_its_column_is_refused_by_the_api(
    client: FlaskClient, session: orm.Session, uploads: None
) -> None:
    before = session.scalar(sa.select(sa.func.count(Contract.id)))
    response = client.post(
        "/api/v1/contracts",
        headers=token_headers(session, SCHOOL),
        data=contract_form(title="题" * 201),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"title": "At most 200 characters."}
    assert session.scalar(sa.select(sa.func.count(Contract.id))) == before


def test_the_page_cleans_a_school_name(session: orm.Session, bureau: FlaskClient) -> None:
    response = bureau.post(
        "/schools/new",
        data={"code": "TXT01", "name": "文本\u202e清理\x00小学", "level": "primary"},
    )
    assert response.status_code == 302, text_of(response)[:300]
    session.expire_all()
    school = session.scalar(sa.select(School).where(School.code == "TXT01"))
    assert school is not None and school.name == "文本清理小学"


def test_a_school_name_longer_than_its_column_is_refused_in_chinese(
    session: orm.Session, bureau: FlaskClient
) -> None:
    response = bureau.post(
        "/schools/new", data={"code": "TXT02", "name": "校" * 101, "level": "primary"}
    )
    assert response.status_code == 422
    assert "字段长度不能超过 100 个字符" in text_of(response)  # WTForms' own zh message
    assert session.scalar(sa.select(School).where(School.code == "TXT02")) is None
