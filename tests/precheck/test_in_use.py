"""The pre-check in use: run on every upload, shown to the advisor with the excerpt in its
text, taken into the review as a finding or dismissed with a reason, counted per rule for
the bureau, switched off by the bureau, and listed in the API's contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.models import Contract, PageText
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit
from advisor.reviews.models import Finding, Review
from tests.documents import CONTRACT_LINES, make_scanned_pdf
from tests.factories import NOW, TODAY
from tests.factories.contracts import current_contract, file_store, upload
from tests.factories.people import school_user, token_headers
from tests.factories.reviews import start_review

BLANK_LINE = "第五条 交货地点：甲方食堂，交货时间为每周____日上午。"


def submit_with_blank(app: Flask, session: orm.Session) -> int:
    lines = [*CONTRACT_LINES[:-1], BLANK_LINE, CONTRACT_LINES[-1]]
    contract = contracts.submit_contract(
        session,
        actor=school_user(session, 1),
        data=contracts.ContractData(
            title="食堂食材采购合同（预审）",
            counterparty="乌苏市丰收食品有限公司",
            contract_type="procurement",
            amount=Decimal("12000.00"),
            start_on=date(2026, 3, 1),
            end_on=date(2026, 12, 31),
        ),
        upload=upload(lines),
        store=file_store(app),
        today=TODAY,
        now=NOW,
    )
    session.commit()
    return contract.id


def blank_hit(session: orm.Session, contract_id: int) -> PrecheckHit:
    hit = session.scalar(
        sa.select(PrecheckHit).where(
            PrecheckHit.contract_id == contract_id, PrecheckHit.rule == "blank_field"
        )
    )
    assert hit is not None
    return hit


def test_an_upload_is_prechecked_with_positions_in_its_text(
    app: Flask, session: orm.Session
) -> None:
    contract_id = submit_with_blank(app, session)
    hit = blank_hit(session, contract_id)
    page = session.scalar(
        sa.select(PageText.text).where(
            PageText.version_id == hit.version_id, PageText.page == hit.page
        )
    )
    assert page is not None and hit.start is not None and hit.end is not None
    assert page[hit.start : hit.end] == hit.excerpt and "_" in hit.excerpt


def test_a_scan_gets_only_the_no_text_layer_hit(app: Flask, session: orm.Session) -> None:
    contract = contracts.submit_contract(
        session,
        actor=school_user(session, 1),
        data=contracts.ContractData(
            title="扫描件合同",
            counterparty="乌苏市丰收食品有限公司",
            contract_type="procurement",
            amount=Decimal("12000.00"),
            start_on=date(2026, 3, 1),
            end_on=date(2026, 12, 31),
        ),
        upload=contracts.Upload(
            "扫描件.pdf", make_scanned_pdf(), inspect(make_scanned_pdf(), Limits())
        ),
        store=file_store(app),
        today=TODAY,
        now=NOW,
    )
    rules = session.scalars(
        sa.select(PrecheckHit.rule).where(PrecheckHit.contract_id == contract.id)
    ).all()
    assert rules == ["no_text_layer"]


def test_the_advisor_takes_one_hit_and_dismisses_another(
    app: Flask, session: orm.Session, advisor1: FlaskClient, bureau: FlaskClient
) -> None:
    contract_id = submit_with_blank(app, session)
    contract = current_contract(session, contract_id)
    start_review(session, contract)
    session.commit()
    hit = blank_hit(session, contract_id)
    page = advisor1.get(f"/contracts/{contract_id}/review").get_data(as_text=True)
    assert f'data-testid="hit-{hit.id}"' in page and "<mark>" in page

    form = {"outcome": "", "summary": "", "minutes_spent": "30"}
    take = f"/contracts/{contract_id}/review/hits/{hit.id}/take"  # the button's formaction
    assert advisor1.post(take, data=form).status_code == 302
    session.expire_all()
    hit = blank_hit(session, contract_id)
    finding = session.get(Finding, hit.finding_id) if hit.finding_id else None
    assert hit.status == "taken" and finding is not None
    assert finding.clause == hit.excerpt and finding.problem and finding.review.status == "draft"
    # Taking it again is refused; nothing is added twice.
    advisor1.post(take, data=form)
    assert (
        session.scalar(
            sa.select(sa.func.count(Finding.id))
            .join(Review)
            .where(Review.contract_id == contract_id)
        )
        == 1
    )

    other = PrecheckHit(
        contract_id=contract_id,
        version_id=hit.version_id,
        rule="auto_renewal",
        severity="medium",
        page=None,
        start=None,
        end=None,
        excerpt="",
        params={},
    )
    session.add(other)
    session.commit()
    dismiss = f"/contracts/{contract_id}/review/hits/{other.id}/dismiss"
    refused = advisor1.post(dismiss, data={"summary": "已阅", "minutes_spent": "30"})
    assert refused.status_code == 422 and "已阅" in refused.get_data(as_text=True)
    advisor1.post(
        dismiss,
        data={
            "summary": "已阅",
            "minutes_spent": "30",
            f"dismiss-reason-{other.id}": "续期需双方书面同意，不属于自动续期",
        },
    )
    session.refresh(other)
    assert (other.status, other.reason) == ("dismissed", "续期需双方书面同意，不属于自动续期")
    assert precheck.rule_counts(session)["auto_renewal"] == {"dismissed": 1}
    rules_page = bureau.get("/settings/precheck").get_data(as_text=True)
    assert 'data-testid="rule-blank_field"' in rules_page


def test_a_rule_the_bureau_switches_off_no_longer_runs(
    app: Flask, session: orm.Session, bureau: FlaskClient
) -> None:
    assert (
        bureau.post("/settings/precheck/blank_field/switch", data={"enabled": "0"}).status_code
        == 302
    )
    contract_id = submit_with_blank(app, session)
    assert (
        session.scalar(
            sa.select(sa.func.count(PrecheckHit.id)).where(
                PrecheckHit.contract_id == contract_id, PrecheckHit.rule == "blank_field"
            )
        )
        == 0
    )
    bureau.post("/settings/precheck/blank_field/switch", data={"enabled": "1"})
    assert "blank_field" not in precheck.disabled_rules(session)


def test_the_api_lists_the_hits_of_every_version(
    app: Flask, session: orm.Session, client: FlaskClient
) -> None:
    contract_id = submit_with_blank(app, session)
    headers = token_headers(session, "advisor01@demo.local")
    body = client.get(f"/api/v1/contracts/{contract_id}", headers=headers).json
    blank = [p for p in body["precheck"] if p["rule"] == "blank_field"]
    assert blank and blank[0]["version"] == 1 and "_" in blank[0]["excerpt"]
    assert set(blank[0]) >= {"rule", "severity", "message", "excerpt", "version"}
    assert blank[0]["explanation"] == "Looked at 第五条 交货地点."  # the clause it looked at


def test_the_review_page_says_what_each_hit_rests_on(
    app: Flask, session: orm.Session, advisor1: FlaskClient
) -> None:
    contract_id = submit_with_blank(app, session)
    start_review(session, session.get_one(Contract, contract_id))
    session.commit()
    page = advisor1.get(f"/contracts/{contract_id}/review").get_data(as_text=True)
    assert 'data-testid="explanation">所见条款：第五条 交货地点。</div>' in page


def test_the_contract_page_marks_the_hits_for_the_advisor_not_the_school(
    app: Flask, session: orm.Session, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    contract_id = submit_with_blank(app, session)
    hit = blank_hit(session, contract_id)
    assert f"<mark>{hit.excerpt}</mark>" in advisor1.get(f"/contracts/{contract_id}").get_data(
        as_text=True
    )
    assert "<mark>" not in school1.get(f"/contracts/{contract_id}").get_data(as_text=True)
