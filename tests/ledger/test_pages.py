"""Ledger pages: the quick entry form, the list with totals for each role, corrections,
the bureau's verification page; and the API's view of the same rules."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.ledger.models import LedgerEntry
from advisor.workdays import today_local
from tests.conftest import QueryCounter, login
from tests.factories.ledger import add_ledger_entry, head
from tests.factories.people import advisor_user, bureau_user, token_headers
from tests.pages import text_of, zh

MARK = "台账页面测试"


def form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "entry_on": today_local().isoformat(),
        "school_id": "36",
        "kind": "consultation",
        "service_mode": "phone",
        "description": f"{MARK}：答复古尔图镇中心小学关于校车安全责任书的咨询",
        "minutes": "45",
        "outcome": "已电话答复",
        "audience": "",
        "headcount": "",
    }
    values.update(changes)
    return values


def selected(page: str, name: str) -> list[str]:
    """The values of the selected options of select ``name``."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option (?=[^>]*\bselected\b)[^>]*value="([^"]*)"', select.group(1))


def invalid(page: str) -> set[str]:
    """The names of the fields marked invalid."""
    return {
        name
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
        if "is-invalid" in tag
        for name in re.findall(r'name="([^"]+)"', tag)
    }


def newest(session: orm.Session) -> LedgerEntry:
    session.expire_all()
    found = session.scalar(sa.select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1))
    assert found is not None
    return found


# --- the entry form ---------------------------------------------------------------------


def test_saving_an_entry_returns_to_the_form_naming_the_entry_and_keeps_the_school(
    app: Flask, session: orm.Session, advisor1: FlaskClient
) -> None:
    first = text_of(advisor1.get("/ledger/new"))
    assert selected(first, "school_id") == ["0"]
    school_select = re.search(r'<select[^>]*name="school_id"[^>]*>(.*?)</select>', first, re.S)
    assert school_select is not None
    # An advisor is offered the schools it serves: WS001, WS036 and WS054 (backup).
    assert re.findall(r'value="(\d+)"', school_select.group(1)) == ["0", "1", "36", "54"]
    saved = advisor1.post("/ledger/new", data=form())
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("/ledger/new")
    entry = newest(session)
    assert (entry.advisor_id, entry.school_id, entry.minutes, entry.on_behalf) == (1, 36, 45, False)
    assert entry.description.startswith(MARK)
    again = text_of(advisor1.get(saved.headers["Location"]))
    message = zh(app, "Recorded as entry %(seq)d. Record the next one below.", seq=entry.seq)
    assert message in again
    assert selected(again, "school_id") == ["36"]
    # The next visit still remembers it; the message was shown once.
    later = text_of(advisor1.get("/ledger/new"))
    assert selected(later, "school_id") == ["36"] and message not in later


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minutes": "-5"}, "minutes", "Between 0 and %(max)d minutes."),
        ({"minutes": "abc"}, "minutes", None),
        ({"entry_on": ""}, "entry_on", "Required."),
        (
            {"entry_on": (today_local() + timedelta(days=1)).isoformat()},
            "entry_on",
            "The work cannot be in the future.",
        ),
        ({"kind": "lawsuit"}, "kind", None),
    ],
)
def test_bad_values_are_shown_by_field_and_the_typed_text_is_kept(
    app: Flask,
    session: orm.Session,
    advisor1: FlaskClient,
    changes: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    before = head(session).seq
    description = f"{MARK}：这一段描述必须在出错后保留 <原样>"
    response = advisor1.post("/ledger/new", data=form(description=description, **changes))
    assert response.status_code == 422
    page = text_of(response)
    assert invalid(page) == {field}
    if message:
        assert zh(app, message, max=1440) in page
    assert description in page
    assert "<原样>" not in response.get_data(as_text=True)
    assert head(session).seq == before


def test_an_empty_description_is_required(app: Flask, advisor1: FlaskClient) -> None:
    response = advisor1.post("/ledger/new", data=form(description=""))
    assert response.status_code == 422
    assert zh(app, "Required.") in text_of(response)


def test_the_bureau_records_for_an_advisor_and_schools_cannot_open_the_form(
    session: orm.Session, bureau: FlaskClient, school1: FlaskClient
) -> None:
    saved = bureau.post("/ledger/new", data=form(advisor_id="2", school_id="2"))
    assert saved.status_code == 302
    entry = newest(session)
    assert (entry.advisor_id, entry.on_behalf, entry.created_by_id) == (
        2,
        True,
        bureau_user(session).id,
    )
    assert school1.get("/ledger/new").status_code == 403
    before = head(session).seq
    assert school1.post("/ledger/new", data=form(school_id="1")).status_code == 403
    assert head(session).seq == before


# --- the list -------------------------------------------------------------------------


@pytest.fixture()
def four(session: orm.Session) -> dict[str, LedgerEntry]:
    """A: advisor01 at WS001; B: advisor02 at WS002; C: the bureau for advisor01 at WS036;
    D: the bureau for advisor03 at WS001."""
    bureau = bureau_user(session)
    entries = {
        "A": add_ledger_entry(
            session, advisor_user(session, 1), school_id=1, minutes=30, description=f"{MARK}A"
        ),
        "B": add_ledger_entry(
            session, advisor_user(session, 2), school_id=2, minutes=60, description=f"{MARK}B"
        ),
        "C": add_ledger_entry(
            session, bureau, advisor_id=1, school_id=36, minutes=90, description=f"{MARK}C"
        ),
        "D": add_ledger_entry(
            session, bureau, advisor_id=3, school_id=1, minutes=120, description=f"{MARK}D"
        ),
    }
    session.commit()
    return entries


def listed(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/ledger?q={MARK}{query}")
    assert response.status_code == 200
    return text_of(response)


def names(page: str) -> set[str]:
    return set(re.findall(rf"{MARK}([A-E])", page))


def totals(app: Flask, n: int, minutes: int) -> str:
    return zh(app, "%(n)s entries, %(h)s hours", n=f"{n:,}", h=f"{minutes / 60:,.1f}")


def test_each_role_lists_its_part_with_totals(
    app: Flask,
    four: dict[str, LedgerEntry],
    advisor1: FlaskClient,
    school1: FlaskClient,
    bureau: FlaskClient,
) -> None:
    advisor2 = login(app.test_client(), "advisor02@demo.local")
    cases = [
        (advisor1, {"A", "C"}, 120),
        (advisor2, {"B"}, 60),
        (school1, {"A", "D"}, 150),
        (bureau, {"A", "B", "C", "D"}, 300),
    ]
    for client, expected, minutes in cases:
        page = listed(client)
        assert names(page) == expected
        assert totals(app, len(expected), minutes) in page
        assert f"共 {len(expected)} 条" in page


def test_the_bureau_filters_by_advisor_school_and_kind(
    app: Flask, four: dict[str, LedgerEntry], bureau: FlaskClient
) -> None:
    assert names(listed(bureau, "&advisor_id=1")) == {"A", "C"}
    assert names(listed(bureau, "&school_id=1")) == {"A", "D"}
    assert names(listed(bureau, "&kind=lecture")) == set()
    assert totals(app, 1, 90) in listed(bureau, "&advisor_id=1&school_id=36")


def test_a_school_cannot_widen_its_list_with_filters(
    four: dict[str, LedgerEntry], school1: FlaskClient
) -> None:
    assert names(listed(school1, "&school_id=2")) == set()
    assert names(listed(school1, "&advisor_id=2")) == set()


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("advisor01@demo.local", {"A", "C"}),
        ("advisor02@demo.local", {"B"}),
        ("school01@demo.local", {"A", "D"}),
        ("school02@demo.local", {"B"}),
        ("bureau@demo.local", {"A", "B", "C", "D"}),
    ],
)
def test_an_entry_opens_only_for_who_may_see_it(
    app: Flask,
    session: orm.Session,
    client: FlaskClient,
    four: dict[str, LedgerEntry],
    who: str,
    visible: set[str],
) -> None:
    page = login(app.test_client(), who)
    headers = token_headers(session, who)
    for name, entry in four.items():
        expected = 200 if name in visible else 404
        assert page.get(f"/ledger/{entry.id}").status_code == expected, (who, name)
        assert client.get(f"/api/v1/ledger/{entry.id}", headers=headers).status_code == expected
    listed_ids = {
        e["id"] for e in client.get("/api/v1/ledger?per_page=200", headers=headers).json["items"]
    }
    assert {n for n, e in four.items() if e.id in listed_ids} == visible


# --- the outcome, named for the kind of work ----------------------------------------------


def test_the_form_names_the_outcome_for_every_kind_of_work(advisor1: FlaskClient) -> None:
    # Without a script: one label for all kinds and a hint saying what each writes; the
    # script's words for each kind are on the page (static/js/ledger_form.js).
    page = text_of(advisor1.get("/ledger/new"))
    assert re.search(r'<label class="form-label" for="outcome">办理结果</label>', page)
    hint = re.search(r'data-testid="outcome-hint"[^>]*>([^<]*)<', page)
    assert hint is not None
    assert "合同审查填审查结论" in hint.group(1) and "法律咨询填答复意见" in hint.group(1)
    box = re.search(r"data-outcome-for=\"kind\" data-outcome-words='([^']*)'", page)
    assert box is not None
    words = json.loads(html.unescape(box.group(1)))
    assert {kind: w["label"] for kind, w in words["kinds"].items()} == {
        "contract_review": "审查结论",
        "consultation": "答复意见",
        "lecture": "讲座效果",
        "dispute_mediation": "调处结果",
        "document_drafting": "形成的文书",
        "training": "培训效果",
        "other": "办理结果",
    }
    assert "js/ledger_form.js" in page


@pytest.mark.parametrize(
    ("kind", "label"),
    [("lecture", "讲座效果"), ("contract_review", "审查结论"), ("consultation", "答复意见")],
)
def test_an_entry_names_its_outcome_for_its_kind(
    session: orm.Session, advisor1: FlaskClient, kind: str, label: str
) -> None:
    entry = add_ledger_entry(session, advisor_user(session, 1), kind=kind, outcome="反响良好")
    session.commit()
    page = text_of(advisor1.get(f"/ledger/{entry.id}"))
    shown = re.search(r'data-testid="outcome-label">([^<]*)</dt><dd[^>]*>([^<]*)<', page)
    assert shown is not None and shown.groups() == (label, "反响良好")


# --- corrections ----------------------------------------------------------------------


def test_the_author_corrects_an_entry_and_the_list_shows_the_current_picture(
    app: Flask, session: orm.Session, four: dict[str, LedgerEntry], advisor1: FlaskClient
) -> None:
    original = four["A"]
    shown = text_of(advisor1.get(f"/ledger/{original.id}/correct"))
    assert f"{MARK}A" in shown
    response = advisor1.post(
        f"/ledger/{original.id}/correct",
        data=form(school_id="1", description=f"{MARK}E", minutes="75"),
    )
    assert response.status_code == 302
    fixed = newest(session)
    assert response.headers["Location"].endswith(f"/ledger/{fixed.id}")
    assert (fixed.supersedes_id, fixed.minutes, fixed.advisor_id) == (original.id, 75, 1)
    detail = text_of(advisor1.get(response.headers["Location"]))
    assert zh(app, "Corrected: entry %(seq)d replaces the earlier one.", seq=fixed.seq) in detail
    assert f"#{original.seq}" in detail
    assert names(listed(advisor1)) == {"C", "E"}
    assert names(listed(advisor1, "&history=1")) == {"A", "C", "E"}
    assert totals(app, 2, 165) in listed(advisor1)
    # A second correction of the same entry is refused on the form.
    again = advisor1.post(f"/ledger/{original.id}/correct", data=form(school_id="1"))
    assert again.status_code == 422
    assert zh(app, "This entry has already been corrected; correct the newer entry.") in text_of(
        again
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("bureau@demo.local", 403),
        ("school01@demo.local", 403),
        ("advisor02@demo.local", 404),
    ],
)
def test_no_one_else_corrects_an_advisors_entry(
    app: Flask, session: orm.Session, four: dict[str, LedgerEntry], who: str, status: int
) -> None:
    other = login(app.test_client(), who)
    before = head(session).seq
    response = other.post(f"/ledger/{four['A'].id}/correct", data=form(school_id="1"))
    assert response.status_code == status
    assert head(session).seq == before


def test_an_advisor_cannot_correct_what_the_bureau_recorded_for_it(
    session: orm.Session, four: dict[str, LedgerEntry], advisor1: FlaskClient
) -> None:
    before = head(session).seq
    response = advisor1.post(f"/ledger/{four['C'].id}/correct", data=form())
    assert response.status_code == 403
    assert head(session).seq == before


# --- verification page ----------------------------------------------------------------


def test_the_bureau_sees_the_intact_message_and_others_are_refused(
    app: Flask,
    session: orm.Session,
    four: dict[str, LedgerEntry],
    bureau: FlaskClient,
    advisor1: FlaskClient,
    school1: FlaskClient,
) -> None:
    page = text_of(bureau.get("/ledger/verify"))
    n = head(session).seq
    assert (
        zh(app, "The ledger is intact: %(n)s entries checked, every hash matches.", n=f"{n:,}")
        in page
    )
    assert head(session).last_hash in page
    assert advisor1.get("/ledger/verify").status_code == 403
    assert school1.get("/ledger/verify").status_code == 403


# --- the API --------------------------------------------------------------------------


def body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "date": today_local().isoformat(),
        "school_id": 1,
        "kind": "lecture",
        "description": f"{MARK}：宪法宣传周讲座",
        "service_mode": "on_site",
        "minutes": 60,
        "audience": "初一年级学生",
        "headcount": 210,
    }
    values.update(changes)
    return values


def test_an_advisor_posts_an_entry_for_itself_only(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post("/api/v1/ledger", json=body(advisor_id=2), headers=headers)
    assert response.status_code == 201
    entry = response.json
    assert set(entry) >= {
        "id", "seq", "date", "advisor_id", "school_id", "kind", "description", "minutes",
        "outcome", "contract_id", "supersedes_id", "hash", "prev_hash", "created_at",
    }  # fmt: skip
    assert (entry["advisor_id"], entry["on_behalf"], entry["headcount"]) == (1, False, 210)
    assert entry["seq"] == head(session).seq
    assert entry["hash"] == head(session).last_hash


def test_the_bureau_posts_on_behalf_and_a_school_is_refused(
    session: orm.Session, client: FlaskClient
) -> None:
    bureau = token_headers(session, "bureau@demo.local")
    response = client.post("/api/v1/ledger", json=body(advisor_id=5), headers=bureau)
    assert response.status_code == 201
    assert (response.json["advisor_id"], response.json["on_behalf"]) == (5, True)
    before = head(session).seq
    school = token_headers(session, "school01@demo.local")
    refused = client.post("/api/v1/ledger", json=body(advisor_id=1), headers=school)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert head(session).seq == before


def test_the_api_names_bad_fields(session: orm.Session, client: FlaskClient) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    response = client.post(
        "/api/v1/ledger", json=body(date="2026-13-01", minutes="sixty"), headers=headers
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"date", "minutes"}
    future = (today_local() + timedelta(days=2)).isoformat()
    response = client.post("/api/v1/ledger", json=body(date=future, kind="x"), headers=headers)
    assert set(response.json["error"]["fields"]) == {"entry_on", "kind"}


def test_the_api_correction_by_the_author_once(session: orm.Session, client: FlaskClient) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    original = client.post("/api/v1/ledger", json=body(), headers=headers).json
    path = f"/api/v1/ledger/{original['id']}/correct"
    fixed = client.post(path, json=body(minutes=90), headers=headers)
    assert fixed.status_code == 201
    assert (fixed.json["supersedes_id"], fixed.json["minutes"]) == (original["id"], 90)
    assert client.post(path, json=body(minutes=95), headers=headers).status_code == 409
    bureau = token_headers(session, "bureau@demo.local")
    assert client.post(path, json=body(), headers=bureau).status_code == 403
    assert client.get("/api/v1/ledger/verify", headers=headers).status_code == 403


WRITABLE = (
    "date", "school_id", "kind", "description", "service_mode", "minutes", "outcome",
    "audience", "headcount",
)  # fmt: skip


def test_an_api_correction_names_only_what_changes(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    original = client.post("/api/v1/ledger", json=body(), headers=headers).json
    path = f"/api/v1/ledger/{original['id']}/correct"

    fixed = client.post(path, json={"minutes": 90, "headcount": 180}, headers=headers)

    assert fixed.status_code == 201, fixed.json
    entry = fixed.json
    assert (entry["supersedes_id"], entry["advisor_id"]) == (original["id"], 1)
    assert (entry["minutes"], entry["headcount"]) == (90, 180)
    kept = [name for name in WRITABLE if name not in ("minutes", "headcount")]
    assert {n: entry[n] for n in kept} == {n: original[n] for n in kept}
    assert entry["description"] == f"{MARK}：宪法宣传周讲座"  # not blanked


def test_an_api_correction_takes_a_whole_entry_too(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    original = client.post("/api/v1/ledger", json=body(), headers=headers).json
    path = f"/api/v1/ledger/{original['id']}/correct"
    # What GET gave, one value changed: the read-only members (id, hash, ...) are ignored.
    whole = {**original, "description": f"{MARK}：民法典宣传讲座", "id": 999_999}

    fixed = client.post(path, json=whole, headers=headers)

    assert fixed.status_code == 201, fixed.json
    entry = fixed.json
    assert entry["id"] != 999_999 and entry["supersedes_id"] == original["id"]
    assert entry["description"] == f"{MARK}：民法典宣传讲座"
    assert {n: entry[n] for n in WRITABLE if n != "description"} == {
        n: original[n] for n in WRITABLE if n != "description"
    }


def test_an_api_correction_with_a_bad_value_is_refused_by_field(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "advisor01@demo.local")
    original = client.post("/api/v1/ledger", json=body(), headers=headers).json
    path = f"/api/v1/ledger/{original['id']}/correct"
    before = head(session).seq

    for change, field in (
        ({"minutes": "ninety"}, "minutes"),
        ({"date": "2026-13-01"}, "date"),
        ({"kind": "gossip"}, "kind"),
        ({"description": 42}, "description"),
    ):
        refused = client.post(path, json=change, headers=headers)
        assert refused.status_code == 422, (change, refused.json)
        error = refused.json["error"]
        assert error["code"] == "validation_error" and error["message"]
        assert field in error["fields"], (change, error)
    assert head(session).seq == before  # nothing appended
    # The entry can still be corrected properly afterwards.
    assert client.post(path, json={"minutes": 75}, headers=headers).status_code == 201


def test_the_list_query_count_does_not_grow_with_the_page(
    session: orm.Session, bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    advisor, bureau_staff = advisor_user(session, 1), bureau_user(session)
    for i in range(30):
        add_ledger_entry(
            session, advisor if i % 2 else bureau_staff, advisor_id=1, description=f"{MARK}{i}"
        )
    session.commit()
    count_queries.statements.clear()
    bureau.get(f"/ledger?q={MARK}&per_page=3")
    small = count_queries.count
    count_queries.statements.clear()
    response = bureau.get(f"/ledger?q={MARK}&per_page=30")
    assert response.status_code == 200
    assert count_queries.count == small
