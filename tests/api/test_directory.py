"""The directory through the API: API.md's shapes, paging, and each role's scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts

TokenFor = Callable[[str], dict[str, str]]


@pytest.fixture()
def token_for(session: orm.Session) -> Callable[[str], dict[str, str]]:
    def make(email: str) -> dict[str, str]:
        user = accounts.get_user_by_email(session, email)
        assert user is not None
        _, clear = accounts.create_token(session, user, "test")
        session.commit()
        return {"Authorization": f"Bearer {clear}"}

    return make


def test_me_for_a_school(client: FlaskClient, token_for: TokenFor) -> None:
    body = client.get("/api/v1/me", headers=token_for("school01@demo.local")).json
    assert body == {
        "id": body["id"],
        "email": "school01@demo.local",
        "name": "乌苏市第一中学经办人",
        "role": "school",
        "school_id": 1,
    }


def test_bureau_lists_every_school_with_paging(client: FlaskClient, token_for: TokenFor) -> None:
    headers = token_for("bureau@demo.local")
    first = client.get("/api/v1/schools?per_page=25", headers=headers).json
    assert first["total"] == 60 and first["page"] == 1 and first["per_page"] == 25
    assert len(first["items"]) == 25
    third = client.get("/api/v1/schools?per_page=25&page=3", headers=headers).json
    assert [s["code"] for s in third["items"]] == [f"WS{n:03d}" for n in range(51, 61)]
    school = first["items"][0]
    assert school == {
        "id": 1,
        "code": "WS001",
        "name": "乌苏市第一中学",
        "district": "乌苏市",
        "level": "senior",
        "address": school["address"],
        "contact_name": school["contact_name"],
        "contact_phone": school["contact_phone"],
        "primary_advisor_id": 1,
        "backup_advisor_id": None,
        "active": True,
    }


def test_school_sees_only_itself_and_its_advisors(client: FlaskClient, token_for: TokenFor) -> None:
    headers = token_for("school03@demo.local")
    schools = client.get("/api/v1/schools", headers=headers).json
    assert [s["code"] for s in schools["items"]] == ["WS003"]
    advisors = client.get("/api/v1/advisors", headers=headers).json
    assert sorted(a["id"] for a in advisors["items"]) == [3, 20]  # primary and backup
    assert client.get("/api/v1/advisors/1", headers=headers).status_code == 404


def test_advisor_sees_the_schools_it_serves_and_itself(
    client: FlaskClient, token_for: TokenFor
) -> None:
    headers = token_for("advisor01@demo.local")
    codes = [s["code"] for s in client.get("/api/v1/schools", headers=headers).json["items"]]
    assert codes == ["WS001", "WS036", "WS054"]
    advisors = client.get("/api/v1/advisors", headers=headers).json["items"]
    assert [a["email"] for a in advisors] == ["advisor01@demo.local"]
    assert advisors[0]["law_firm"] == "新疆天山律师事务所"
    assert len(advisors[0]["licence_no"]) == 17


def test_filters(client: FlaskClient, token_for: TokenFor) -> None:
    headers = token_for("bureau@demo.local")
    kindergartens = client.get(
        "/api/v1/schools?level=kindergarten&per_page=200", headers=headers
    ).json
    assert kindergartens["total"] > 10
    assert {s["level"] for s in kindergartens["items"]} == {"kindergarten"}
    found = client.get("/api/v1/schools?q=实验", headers=headers).json
    assert {s["name"] for s in found["items"]} == {"乌苏市实验小学", "乌苏市实验幼儿园"}
    firm = client.get("/api/v1/advisors?law_firm_id=2&per_page=200", headers=headers).json
    assert firm["total"] == 7 and {a["law_firm_id"] for a in firm["items"]} == {2}


def test_openapi_describes_exactly_the_served_routes(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    documented = set(spec["paths"])
    served = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert documented == served
