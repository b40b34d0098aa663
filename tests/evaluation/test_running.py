"""Running a draft evaluation over real reviews and ledger entries, and who may read it."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import RuleSetVersion
from advisor.ledger import services as ledger
from advisor.workdays import today_local
from tests.factories.contracts import current_contract
from tests.factories.people import token_headers
from tests.factories.reviews import issue_review, start_review


def test_the_bureau_runs_a_year_and_every_advisor_is_ranked(
    session: orm.Session, bureau: FlaskClient
) -> None:
    year = str(today_local().year)
    contract = current_contract(session, 1)
    start_review(session, contract)
    issue_review(session, contract)  # advisor01: one review, by its due date
    session.commit()

    response = bureau.post(
        "/api/v1/evaluations",
        json={"period": year},
        headers=token_headers(session, "bureau@demo.local"),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["period"] == year and body["status"] == "draft"
    results = body["results"]
    assert len(results) == 35
    totals = [Decimal(r["total"]) for r in results]
    assert totals == sorted(totals, reverse=True)
    assert [r["rank"] for r in results] == list(range(1, 36))
    keys = {item.key for _, item in default_rule_set().items()}
    assert all({i["item"] for i in r["items"]} == keys for r in results)

    mine = next(r for r in results if r["advisor_id"] == 1)
    on_time = next(i for i in mine["items"] if i["item"] == "on_time")
    assert on_time["points"] == "25.00" and "1 of 1" in on_time["basis"]
    other = next(r for r in results if r["advisor_id"] == 2)
    assert next(i for i in other["items"] if i["item"] == "on_time")["points"] is None
    assert Decimal(mine["total"]) > Decimal(other["total"])


def test_the_default_rules_are_stored_once_and_reused(
    session: orm.Session, bureau: FlaskClient
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    first = bureau.post("/api/v1/evaluations", json={"period": "2026"}, headers=headers).json
    second = bureau.post("/api/v1/evaluations", json={"period": "2026-Q1"}, headers=headers).json
    assert first["ruleset_id"] == second["ruleset_id"]
    assert session.query(RuleSetVersion).count() == 1
    rules = bureau.get(f"/api/v1/rulesets/{first['ruleset_id']}", headers=headers).json
    assert rules["rules"]["total_cap"] == "100"


def test_results_are_stored_not_recomputed(session: orm.Session, bureau: FlaskClient) -> None:
    headers = token_headers(session, "bureau@demo.local")
    evaluation = bureau.post("/api/v1/evaluations", json={"period": "2026"}, headers=headers).json
    before = bureau.get(f"/api/v1/evaluations/{evaluation['id']}", headers=headers).json
    ledger.record_work(
        session,
        entry_on=today_local(),
        advisor_id=3,
        school_id=3,
        kind="lecture",
        description="法治讲座",
        minutes=60,
    )
    session.commit()
    after = bureau.get(f"/api/v1/evaluations/{evaluation['id']}", headers=headers).json
    assert after == before


def test_a_bad_period_is_refused_with_the_field_named(
    session: orm.Session, bureau: FlaskClient
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    for period in ("2026-Q5", "next year", 2026):
        response = bureau.post("/api/v1/evaluations", json={"period": period}, headers=headers)
        assert response.status_code == 422, period
        assert "period" in response.json["error"]["fields"]
    page = bureau.post("/evaluations", data={"period": "2026-Q5"}, follow_redirects=True)
    assert "2025-Q3" in page.get_data(as_text=True)


def test_drafts_are_the_bureaus_alone(
    session: orm.Session, bureau: FlaskClient, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    response = bureau.post("/evaluations", data={"period": "2026"})
    assert response.status_code == 302
    path = response.location
    page = bureau.get(path).get_data(as_text=True)
    assert page.count('data-testid="total-') == 35 and "张伟" in page
    assert advisor1.get(path).status_code == 404
    assert school1.get(path).status_code == 403
    evaluation_id = int(path.rsplit("/", 1)[1])
    advisor_api = advisor1.get(
        f"/api/v1/evaluations/{evaluation_id}",
        headers=token_headers(session, "advisor01@demo.local"),
    )
    assert advisor_api.status_code == 404
