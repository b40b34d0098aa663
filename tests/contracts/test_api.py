"""Contracts through the API: submission end to end, API.md's shape, per-field errors,
scoped lists and filters, transitions with optimistic locking, withdraw, reassign, diff."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts.models import Notification
from advisor.contracts import services
from advisor.contracts.extraction import normalise
from advisor.contracts.models import Contract, ContractEvent, Status
from advisor.contracts.workflow import Action
from advisor.directory import services as directory
from advisor.directory.models import Advisor
from tests.documents import CONTRACT_LINES, make_pdf
from tests.factories.contracts import current_contract
from tests.factories.people import token_headers, user

TokenFor = Callable[[str], dict[str, str]]
TODAY = date(2025, 9, 30)
NOW = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)

CONTRACT_KEYS = {
    "id",
    "title",
    "counterparty",
    "contract_type",
    "amount",
    "start_date",
    "end_date",
    "urgent",
    "school_id",
    "advisor_id",
    "status",
    "due_date",
    "submitted_at",
    "outcome",
    "result",
    "lock_version",
    "versions",
    "precheck",
    "reviews",
}
VERSION_KEYS = {"number", "file_name", "size", "sha256", "pages", "has_text", "uploaded_at"}


@pytest.fixture()
def token_for(session: orm.Session) -> TokenFor:
    """API headers with a new token of an e-mail's user (tests/factories/people.py)."""
    return partial(token_headers, session)


@pytest.fixture()
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Make the views' "today" (Beijing) a fixed day."""

    def set_today(day: date) -> None:
        for module in ("advisor.contracts.views", "advisor.api.contracts"):
            monkeypatch.setattr(f"{module}.today_local", lambda: day)

    set_today(TODAY)
    return set_today


def form(file: bytes | None = None, name: str = "合同.pdf", **changes: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "食堂食材采购合同",
        "counterparty": "乌苏市丰收食品有限公司",
        "contract_type": "catering",
        "amount": "12,000.00",
        "start_date": "2025-10-01",
        "end_date": "2026-07-31",
        "urgent": "false",
        "note": "请重点审查违约责任条款",
        "file": (io.BytesIO(file if file is not None else make_pdf()), name),
    }
    values.update(changes)
    return values


def post_contract(client: FlaskClient, headers: dict[str, str], **changes: Any) -> Any:
    return client.post(
        "/api/v1/contracts",
        headers=headers,
        data=form(**changes),
        content_type="multipart/form-data",
    )


def contract_count(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count(Contract.id))) or 0


def transition(session: orm.Session, contract_id: int, *actions: Action) -> Contract:
    """Move a contract along with the services and commit (the requests see it)."""
    contract = session.get(Contract, contract_id)
    assert contract is not None
    for action in actions:
        who = (
            f"advisor{contract.advisor_id:02d}@demo.local"
            if action in (Action.START, Action.RETURN, Action.ISSUE)
            else f"school{contract.school_id:02d}@demo.local"
        )
        services.transition(
            session, actor=user(session, who), contract=contract, action=action, now=NOW
        )
    session.commit()
    return contract


# --- submission -------------------------------------------------------------------------


def test_submission_end_to_end(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, fixed_today: Any
) -> None:
    pdf = make_pdf()
    response = post_contract(
        client, token_for("school03@demo.local"), file=pdf, name="食堂采购合同（定稿）.pdf"
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= CONTRACT_KEYS
    assert body["title"] == "食堂食材采购合同"
    assert body["counterparty"] == "乌苏市丰收食品有限公司"
    assert body["contract_type"] == "catering"
    assert body["amount"] == "12000.00"
    assert (body["start_date"], body["end_date"]) == ("2025-10-01", "2026-07-31")
    assert body["urgent"] is False
    assert body["school_id"] == 3
    assert body["advisor_id"] == 3
    assert body["status"] == "submitted"
    assert body["due_date"] == "2025-10-14"
    assert datetime.fromisoformat(body["submitted_at"])
    assert body["outcome"] is None and body["result"] is None
    assert isinstance(body["lock_version"], int)
    assert isinstance(body["precheck"], list) and body["reviews"] == []
    [version] = body["versions"]
    assert set(version) >= VERSION_KEYS
    assert version["number"] == 1
    assert version["file_name"] == "食堂采购合同（定稿）.pdf"
    assert version["size"] == len(pdf)
    assert version["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert version["pages"] == 1
    assert version["has_text"] is True
    assert datetime.fromisoformat(version["uploaded_at"])
    # Stored, and the same through GET.
    stored = session.get(Contract, body["id"])
    assert stored is not None and stored.school_id == 3
    again = client.get(f"/api/v1/contracts/{body['id']}", headers=token_for("bureau@demo.local"))
    assert again.status_code == 200
    assert {k: again.json[k] for k in CONTRACT_KEYS} == {k: body[k] for k in CONTRACT_KEYS}


def test_urgent_submission_and_amount_forms(
    client: FlaskClient, token_for: TokenFor, fixed_today: Any
) -> None:
    response = post_contract(
        client, token_for("school03@demo.local"), urgent="true", amount="１２，０００元"
    )
    assert response.status_code == 201, response.json
    assert response.json["urgent"] is True
    assert response.json["due_date"] == "2025-10-10"
    assert response.json["amount"] == "12000.00"
    cents = post_contract(client, token_for("school03@demo.local"), amount="0.5")
    assert cents.json["amount"] == "0.50"
    wan = post_contract(client, token_for("school03@demo.local"), amount="1.5万")
    assert wan.status_code == 201, wan.json
    assert wan.json["amount"] == "15000.00"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"start_date": "2025-10-01", "end_date": "2025-09-01"}, {"end_date"}),
        ({"amount": "-5"}, {"amount"}),
        ({"amount": "abc"}, {"amount"}),
        ({"amount": "12,00"}, {"amount"}),
        ({"amount": "1.234"}, {"amount"}),
        ({"amount": "1.2345678万"}, {"amount"}),
        ({"amount": ""}, {"amount"}),
        ({"title": ""}, {"title"}),
        ({"title": "   "}, {"title"}),
        ({"contract_type": "boat"}, {"contract_type"}),
        ({"contract_type": ""}, {"contract_type"}),
        ({"counterparty": ""}, {"counterparty"}),
        ({"start_date": "2025/10/01"}, {"start_date"}),
        ({"end_date": ""}, {"end_date"}),
        ({"urgent": "maybe"}, {"urgent"}),
        (
            {"title": "", "amount": "abc", "contract_type": "boat", "end_date": "2025-01-01"},
            {"title", "amount", "contract_type", "end_date"},
        ),
    ],
)
def test_bad_values_get_a_message_per_field(
    client: FlaskClient,
    session: orm.Session,
    token_for: TokenFor,
    changes: dict[str, str],
    fields: set[str],
) -> None:
    before = contract_count(session)
    response = post_contract(client, token_for("school03@demo.local"), **changes)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(error["fields"][f] for f in fields)
    assert contract_count(session) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2025-09-01"}, "end_date", "The end date is before the start date."),
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        (
            {"amount": "abc"},
            "amount",
            "Write the amount in figures, e.g. 12000, 12,000.00, 12万 or 1.5万.",
        ),
        ({"title": ""}, "title", "Enter the contract's title."),
        ({"contract_type": "boat"}, "contract_type", "Choose a contract type from the list."),
    ],
)
def test_the_messages_are_clear(
    client: FlaskClient, token_for: TokenFor, changes: dict[str, str], field: str, message: str
) -> None:
    response = post_contract(client, token_for("school03@demo.local"), **changes)
    assert response.json["error"]["fields"][field] == message


def test_a_submission_without_a_file(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    values = form()
    del values["file"]
    response = client.post(
        "/api/v1/contracts",
        headers=token_for("school03@demo.local"),
        data=values,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"file"}


@pytest.mark.parametrize("email", ["advisor03@demo.local", "bureau@demo.local"])
def test_only_schools_submit(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, email: str
) -> None:
    before = contract_count(session)
    response = post_contract(client, token_for(email))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert contract_count(session) == before


def test_without_a_token(client: FlaskClient) -> None:
    assert client.post("/api/v1/contracts", data=form()).status_code == 401
    assert client.get("/api/v1/contracts").status_code == 401


def test_no_advisor_is_a_409_and_the_bureau_is_still_told(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, fixed_today: Any
) -> None:
    """WS001 has no backup; its primary advisor01 is absent today."""
    bureau = user(session, "bureau@demo.local")
    advisor = session.get(Advisor, 1)
    assert advisor is not None
    directory.add_absence(
        session,
        actor=bureau,
        advisor=advisor,
        starts_on=TODAY,
        ends_on=TODAY,
        reason="出差",
    )
    session.commit()
    before = contract_count(session)
    response = post_contract(client, token_for("school01@demo.local"), title="无人可审的合同")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert "No advisor can take this contract" in response.json["error"]["message"]
    assert "The bureau has been told" in response.json["error"]["message"]
    session.expire_all()
    assert contract_count(session) == before
    assert session.scalar(sa.select(Contract.id).where(Contract.title == "无人可审的合同")) is None
    told = session.scalars(
        sa.select(Notification).where(
            Notification.user_id == bureau.id, Notification.kind == "no_advisor"
        )
    ).all()
    assert len(told) == 1, "the bureau's notice was lost with the rollback"
    assert told[0].params["school"] == "乌苏市第一中学"
    assert told[0].link == "/schools/1"


# --- lists, filters, one contract ---------------------------------------------------------


def listed(client: FlaskClient, headers: dict[str, str], query: str = "") -> Any:
    response = client.get(f"/api/v1/contracts{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture()
def third(client: FlaskClient, token_for: TokenFor, fixed_today: Any) -> int:
    """A third contract, from WS003 (advisor03), with its own words in the file."""
    pdf = make_pdf([["校车接送服务合同", "第一条 驾驶员须持证上岗。"]])
    response = post_contract(
        client,
        token_for("school03@demo.local"),
        file=pdf,
        title="校车接送服务合同",
        counterparty="乌苏市平安校车运输有限公司",
        contract_type="school_bus",
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_each_role_lists_its_own(client: FlaskClient, token_for: TokenFor, third: int) -> None:
    def ids(email: str) -> list[int]:
        return sorted(c["id"] for c in listed(client, token_for(email))["items"])

    assert ids("school01@demo.local") == [1]
    assert ids("school02@demo.local") == [2]
    assert ids("school03@demo.local") == [third]
    assert ids("advisor01@demo.local") == [1]
    assert ids("advisor03@demo.local") == [third]
    assert ids("advisor20@demo.local") == []
    assert ids("bureau@demo.local") == [1, 2, third]


def test_list_items_are_brief(client: FlaskClient, token_for: TokenFor) -> None:
    body = listed(client, token_for("school01@demo.local"))
    assert body["total"] == 1 and body["page"] == 1
    [item] = body["items"]
    assert set(item) >= CONTRACT_KEYS - {"versions", "precheck", "reviews"}
    assert "versions" not in item
    assert item["amount"] == "12000.00"
    assert item["due_date"] == "2026-03-09"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=submitted", {1, 2, "third"}),
        ("?status=in_review", set()),
        ("?contract_type=catering", {1, 2}),
        ("?contract_type=school_bus", {"third"}),
        ("?school_id=2", {2}),
        ("?advisor_id=3", {"third"}),
        ("?school_id=1&advisor_id=2", set()),
        ("?q=食堂", {1, 2}),  # two characters (also in the samples' file text)
        ("?q=校服", {2}),  # the sample title "校服采购合同"
        ("?q=平安校车", {"third"}),  # counterparty
        ("?q=驾驶员须持证", {"third"}),  # only in the extracted text
        ("?q=违约金", {1, 2}),
        ("?q=校车&status=submitted", {"third"}),
        ("?q=没有这个词", set()),
    ],
)
def test_filters(
    client: FlaskClient,
    token_for: TokenFor,
    third: int,
    query: str,
    expected: set[int | str],
) -> None:
    found = {c["id"] for c in listed(client, token_for("bureau@demo.local"), query)["items"]}
    assert found == {third if e == "third" else e for e in expected}


def test_overdue_filter(
    client: FlaskClient,
    token_for: TokenFor,
    third: int,
    fixed_today: Callable[[date], None],
) -> None:
    headers = token_for("bureau@demo.local")

    def overdue() -> set[int]:
        return {c["id"] for c in listed(client, headers, "?overdue=true")["items"]}

    # The samples are due 2026-03-09, the third (submitted 2025-09-30) 2025-10-14.
    fixed_today(date(2025, 10, 14))
    assert overdue() == set()
    fixed_today(date(2025, 10, 15))
    assert overdue() == {third}
    fixed_today(date(2026, 3, 10))
    assert overdue() == {1, 2, third}
    assert len(listed(client, headers)["items"]) == 3  # without the filter: all


def test_paging(client: FlaskClient, token_for: TokenFor, third: int) -> None:
    headers = token_for("bureau@demo.local")
    first = listed(client, headers, "?per_page=2")
    second = listed(client, headers, "?per_page=2&page=2")
    assert (first["total"], first["per_page"], len(first["items"])) == (3, 2, 2)
    assert (second["total"], second["page"], len(second["items"])) == (3, 2, 1)
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert sorted(ids) == [1, 2, third]
    searched = listed(client, headers, "?q=食堂&per_page=1")
    assert (searched["total"], len(searched["items"])) == (2, 1)
    assert client.get("/api/v1/contracts?page=0", headers=headers).status_code == 400


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("school01@demo.local", 200),
        ("advisor01@demo.local", 200),
        ("bureau@demo.local", 200),
        ("school02@demo.local", 404),
        ("advisor02@demo.local", 404),
        ("advisor20@demo.local", 404),
    ],
)
def test_one_contract_only_for_those_who_may_see_it(
    client: FlaskClient, token_for: TokenFor, email: str, status: int
) -> None:
    response = client.get("/api/v1/contracts/1", headers=token_for(email))
    assert response.status_code == status
    if status == 404:
        assert response.json["error"]["code"] == "not_found"
    else:
        assert response.json["id"] == 1
        assert [e["action"] for e in response.json["history"]] == ["submit"]


def test_a_missing_contract_is_404(client: FlaskClient, token_for: TokenFor) -> None:
    response = client.get("/api/v1/contracts/999999", headers=token_for("bureau@demo.local"))
    assert response.status_code == 404


# --- transitions and locking -----------------------------------------------------------


def test_the_advisor_starts_the_review(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    lock = client.get("/api/v1/contracts/1", headers=token_for("bureau@demo.local")).json[
        "lock_version"
    ]
    response = client.post(
        "/api/v1/contracts/1/start",
        headers=token_for("advisor01@demo.local"),
        json={"lock_version": lock},
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "in_review"
    assert response.json["lock_version"] == lock + 1
    last = response.json["history"][-1]
    assert (last["action"], last["from"], last["to"]) == ("start", "submitted", "in_review")
    assert last["actor_id"] == user(session, "advisor01@demo.local").id


def test_a_stale_lock_version_is_409(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    contract = session.get(Contract, 1)
    assert contract is not None
    old = contract.lock_version
    contract.note = "学校补充了说明"  # someone else changed it meanwhile
    session.commit()
    response = client.post(
        "/api/v1/contracts/1/start",
        headers=token_for("advisor01@demo.local"),
        json={"lock_version": old},
    )
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict"
    assert "changed by someone else" in error["message"]
    assert "Awaiting review" in error["message"]
    assert current_contract(session).status == Status.SUBMITTED


def test_a_refused_transition_is_409_naming_the_status(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    transition(session, 1, Action.START)
    response = client.post("/api/v1/contracts/1/start", headers=token_for("advisor01@demo.local"))
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict"
    assert "Under review" in error["message"]
    assert error["fields"] == {"status": "in_review"}


def test_the_error_message_is_in_chinese_by_default(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    transition(session, 1, Action.START)
    headers = token_for("advisor01@demo.local")
    del headers["Accept-Language"]
    response = client.post("/api/v1/contracts/1/start", headers=headers)
    assert response.status_code == 409
    assert "审" in response.json["error"]["message"]  # 审查中 / 审核…, not English


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("school01@demo.local", 403),  # a school never starts a review
        ("bureau@demo.local", 403),
        ("advisor02@demo.local", 404),  # cannot even see it
    ],
)
def test_start_by_the_wrong_user(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, email: str, status: int
) -> None:
    response = client.post("/api/v1/contracts/1/start", headers=token_for(email))
    assert response.status_code == status
    assert current_contract(session).status == Status.SUBMITTED


def test_a_bad_lock_version_is_422(client: FlaskClient, token_for: TokenFor) -> None:
    response = client.post(
        "/api/v1/contracts/1/start",
        headers=token_for("advisor01@demo.local"),
        json={"lock_version": "three"},
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"lock_version"}


def test_withdraw(client: FlaskClient, session: orm.Session, token_for: TokenFor) -> None:
    headers = token_for("school01@demo.local")
    empty = client.post("/api/v1/contracts/1/withdraw", headers=headers, json={"reason": " "})
    assert empty.status_code == 422
    assert set(empty.json["error"]["fields"]) == {"reason"}
    response = client.post(
        "/api/v1/contracts/1/withdraw", headers=headers, json={"reason": "采购计划取消"}
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "withdrawn"
    last = response.json["history"][-1]
    assert (last["action"], last["from"], last["to"]) == ("withdraw", "submitted", "withdrawn")
    assert last["detail"] == {"reason": "采购计划取消"}
    again = client.post("/api/v1/contracts/1/withdraw", headers=headers, json={"reason": "再撤"})
    assert again.status_code == 409
    assert "Withdrawn" in again.json["error"]["message"]


@pytest.mark.parametrize("reason", [None, ["不要了"], {"text": "不要了"}])
def test_a_reason_that_is_not_text_is_refused(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, reason: Any
) -> None:
    """JSON null (or a list) is no reason; it must not be stored as the text "None"."""
    response = client.post(
        "/api/v1/contracts/1/withdraw",
        headers=token_for("school01@demo.local"),
        json={"reason": reason},
    )
    assert response.status_code == 422, response.json.get("history", [])[-1:]
    assert current_contract(session).status == Status.SUBMITTED


def test_no_withdrawal_after_an_opinion(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    transition(session, 1, Action.START, Action.ISSUE)
    response = client.post(
        "/api/v1/contracts/1/withdraw",
        headers=token_for("school01@demo.local"),
        json={"reason": "不要了"},
    )
    assert response.status_code == 409
    assert "Opinion issued" in response.json["error"]["message"]


@pytest.mark.parametrize(
    ("email", "status"), [("advisor01@demo.local", 403), ("school02@demo.local", 404)]
)
def test_withdraw_by_the_wrong_user(
    client: FlaskClient, token_for: TokenFor, email: str, status: int
) -> None:
    response = client.post(
        "/api/v1/contracts/1/withdraw", headers=token_for(email), json={"reason": "不要了"}
    )
    assert response.status_code == status


def test_reassign(client: FlaskClient, session: orm.Session, token_for: TokenFor) -> None:
    response = client.post(
        "/api/v1/contracts/1/reassign",
        headers=token_for("bureau@demo.local"),
        json={"advisor_id": 5, "reason": "原顾问与乙方存在利害关系"},
    )
    assert response.status_code == 200, response.json
    assert response.json["advisor_id"] == 5
    last = response.json["history"][-1]
    assert last["action"] == "reassign"
    assert last["detail"] == {
        "from_advisor_id": 1,
        "to_advisor_id": 5,
        "reason": "原顾问与乙方存在利害关系",
    }
    assert (
        client.get("/api/v1/contracts/1", headers=token_for("advisor05@demo.local")).json["id"] == 1
    )
    old = client.get("/api/v1/contracts/1", headers=token_for("advisor01@demo.local"))
    assert old.status_code == 404
    mine = listed(client, token_for("advisor05@demo.local"))["items"]
    assert [c["id"] for c in mine] == [1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "换人"}, "advisor_id"),
        ({"advisor_id": 999, "reason": "换人"}, "advisor_id"),
        ({"advisor_id": "5", "reason": "换人"}, "advisor_id"),
        ({"advisor_id": 1, "reason": "换人"}, "advisor_id"),  # already with advisor01
        ({"advisor_id": 5, "reason": ""}, "reason"),
        ({"advisor_id": 5, "reason": None}, "reason"),  # not the text "None"
    ],
)
def test_reassign_refusals(
    client: FlaskClient, token_for: TokenFor, body: dict[str, Any], field: str
) -> None:
    response = client.post(
        "/api/v1/contracts/1/reassign", headers=token_for("bureau@demo.local"), json=body
    )
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_reassign_to_an_inactive_advisor(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    advisor = session.get(Advisor, 5)
    assert advisor is not None
    advisor.is_active = False
    session.commit()
    response = client.post(
        "/api/v1/contracts/1/reassign",
        headers=token_for("bureau@demo.local"),
        json={"advisor_id": 5, "reason": "换人"},
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"advisor_id"}


def test_reassign_a_closed_contract(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    transition(session, 1, Action.START, Action.ISSUE, Action.CLOSE)
    response = client.post(
        "/api/v1/contracts/1/reassign",
        headers=token_for("bureau@demo.local"),
        json={"advisor_id": 5, "reason": "换人"},
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("email", "status"), [("school01@demo.local", 403), ("advisor01@demo.local", 403)]
)
def test_only_the_bureau_reassigns(
    client: FlaskClient, token_for: TokenFor, email: str, status: int
) -> None:
    response = client.post(
        "/api/v1/contracts/1/reassign",
        headers=token_for(email),
        json={"advisor_id": 5, "reason": "换人"},
    )
    assert response.status_code == status


# --- versions, diff, download -------------------------------------------------------------

OLD_PRICE = "第二条 价款：人民币壹万贰仟元整（¥12,000.00）。"
NEW_PRICE = "第二条 价款：人民币壹万伍仟元整（¥15,000.00）。"


def upload_revision(
    client: FlaskClient,
    headers: dict[str, str],
    lines: list[str],
    lock: int | None = None,
    contract_id: int = 1,
) -> Any:
    data: dict[str, Any] = {
        "file": (io.BytesIO(make_pdf([lines])), "合同（修改稿）.pdf"),
        "note": "调整价款",
    }
    if lock is not None:
        data["lock_version"] = str(lock)
    return client.post(
        f"/api/v1/contracts/{contract_id}/versions",
        headers=headers,
        data=data,
        content_type="multipart/form-data",
    )


def revised_lines() -> list[str]:
    assert OLD_PRICE in CONTRACT_LINES
    return [NEW_PRICE if line == OLD_PRICE else line for line in CONTRACT_LINES]


def test_a_revision_and_the_diff(
    client: FlaskClient, session: orm.Session, token_for: TokenFor, fixed_today: Any
) -> None:
    school = token_for("school03@demo.local")
    created = post_contract(client, school)
    assert created.status_code == 201, created.json
    contract = transition(session, created.json["id"], Action.START, Action.RETURN)
    response = upload_revision(
        client, school, revised_lines(), lock=contract.lock_version, contract_id=contract.id
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "submitted"
    assert [v["number"] for v in response.json["versions"]] == [1, 2]
    assert response.json["versions"][1]["file_name"] == "合同（修改稿）.pdf"
    diff = client.get(f"/api/v1/contracts/{contract.id}/diff?from=1&to=2", headers=school)
    assert diff.status_code == 200
    body = diff.json
    assert (body["from"], body["to"]) == (1, 2)
    # The stored text drops single spaces between Chinese characters (for search).
    old_line, new_line = normalise(OLD_PRICE), normalise(NEW_PRICE)
    assert body["changes"] == [
        {
            "op": "replace",
            "from_line": 5,
            "to_line": 5,
            "removed": [old_line],
            "added": [new_line],
        }
    ]
    advisor = token_for("advisor03@demo.local")
    backwards = client.get(f"/api/v1/contracts/{contract.id}/diff?from=2&to=1", headers=advisor)
    assert backwards.json["changes"][0]["added"] == [old_line]
    same = client.get(f"/api/v1/contracts/{contract.id}/diff?from=2&to=2", headers=advisor)
    assert same.json["changes"] == []
    other = token_for("school01@demo.local")
    hidden = client.get(f"/api/v1/contracts/{contract.id}/diff?from=1&to=2", headers=other)
    assert hidden.status_code == 404


def test_diff_refusals(client: FlaskClient, token_for: TokenFor) -> None:
    bureau = token_for("bureau@demo.local")
    assert client.get("/api/v1/contracts/1/diff?from=1", headers=bureau).status_code == 400
    assert client.get("/api/v1/contracts/1/diff?from=a&to=1", headers=bureau).status_code == 400
    assert client.get("/api/v1/contracts/1/diff?from=1&to=9", headers=bureau).status_code == 404
    other = token_for("school02@demo.local")
    assert client.get("/api/v1/contracts/1/diff?from=1&to=1", headers=other).status_code == 404


def test_no_revision_while_submitted(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    response = upload_revision(client, token_for("school01@demo.local"), revised_lines())
    assert response.status_code == 409
    assert "Awaiting review" in response.json["error"]["message"]
    assert len(current_contract(session).versions) == 1


def test_a_revision_on_a_stale_lock_version(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    contract = transition(session, 1, Action.START)
    old = contract.lock_version
    transition(session, 1, Action.RETURN)
    response = upload_revision(client, token_for("school01@demo.local"), revised_lines(), old)
    assert response.status_code == 409
    assert len(current_contract(session).versions) == 1


def test_a_download_is_recorded(
    client: FlaskClient, session: orm.Session, token_for: TokenFor
) -> None:
    response = client.get(
        "/api/v1/contracts/1/versions/1/file", headers=token_for("advisor01@demo.local")
    )
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    event = session.scalars(
        sa.select(ContractEvent)
        .where(ContractEvent.contract_id == 1)
        .order_by(ContractEvent.id.desc())
    ).first()
    assert event is not None and event.action == "download"
    assert event.actor_id == user(session, "advisor01@demo.local").id
    assert event.detail["version"] == 1
    denied = client.get(
        "/api/v1/contracts/1/versions/1/file", headers=token_for("school02@demo.local")
    )
    assert denied.status_code == 404
