"""The seal use (用印登记) recorded at signing (issue 21, item 5): each seal, refusals by
field with nothing recorded, the signed copy checked against the version the opinion was
issued on, the API, and the bureau's register with its filters, paging, roles and .xlsx."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import lxml.html
import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.models import Contract, ContractVersion, Status
from advisor.contracts.queries import version_text
from advisor.errors import ValidationError
from advisor.reviews import services
from advisor.reviews.models import Closing, SealUse
from advisor.reviews.signing import SealData, SignedCopyDiffers, check_seal
from tests.conftest import QueryCounter, login
from tests.documents import make_pdf, make_scanned_pdf
from tests.factories import NOW
from tests.factories.contracts import current_contract, file_store, submit_contract, upload
from tests.factories.people import owner, token_headers
from tests.factories.reviews import issue_review, start_review
from tests.pages import zh
from tests.security_log.helpers import mark, only_event

# Contract 1 (school01, WS001) and 2 (school02) were submitted on 2026-03-02; the
# services here close on NOW (2026-03-04); pages and the API on the suite's clock
# (2026-11-16).
SUBMITTED = date(2026, 3, 2)
SEAL = SealData(seal="contract", approved_by="李校长", used_on=date(2026, 3, 3), copies=4)
FORM_SEAL = {"seal": "official", "approved_by": "王副校长", "used_on": "2026-11-13", "copies": "3"}


def reviewed(session: orm.Session, contract_id: int = 1) -> Contract:
    """The contract with its opinion issued (``reviewed``), committed."""
    found = current_contract(session, contract_id)
    start_review(session, found)
    issue_review(session, found)
    session.commit()
    return found


def reviewed_lines(session: orm.Session, contract: Contract) -> list[str]:
    """The lines of the version the opinion was issued on."""
    opinion = services.latest_opinion(session, contract)
    assert opinion is not None
    version = session.get_one(ContractVersion, opinion.version_id)
    return [line for page in version_text(session, version) for line in page.splitlines()]


def close(session: orm.Session, contract: Contract, **changes: Any) -> Closing:
    values: dict[str, Any] = {
        "actor": owner(session, contract),
        "contract": contract,
        "result": "signed",
        "adoption": "fully",
        "note": "",
        "now": NOW,
        "seal": SEAL,
    }
    values.update(changes)
    return services.close_contract(session, **values)


def seal_uses(session: orm.Session) -> list[SealUse]:
    session.expire_all()
    return list(session.scalars(sa.select(SealUse).order_by(SealUse.contract_id)))


def nothing_recorded(session: orm.Session, contract_id: int = 1) -> None:
    found = current_contract(session, contract_id)
    assert found.status == Status.REVIEWED
    assert session.get(Closing, contract_id) is None
    assert session.get(SealUse, contract_id) is None
    assert not any(v.is_signed for v in found.versions)


def tree(response: Any) -> Any:
    return lxml.html.fromstring(response.get_data(as_text=True))


def field_errors(response: Any) -> dict[str, str]:
    """Each close-form field's message, by the field's name (the input before it)."""
    found: dict[str, str] = {}
    for div in tree(response).xpath('//form[@data-testid="close-form"]//div[@class="mb-3"]'):
        names = div.xpath(".//*[@name]/@name")
        messages = div.xpath('.//div[contains(@class, "invalid-feedback")]')
        if names and messages:
            found[names[0]] = " ".join(messages[0].text_content().split())
    return found


def post_close(client: FlaskClient, session: orm.Session, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "result": "signed",
        "adoption": "fully",
        "note": "",
        "lock_version": str(current_contract(session).lock_version),
        **FORM_SEAL,
    }
    data.update(fields)
    return client.post("/contracts/1/close", data=data, content_type="multipart/form-data")


# --- recording at signing (services) ------------------------------------------------------


@pytest.mark.parametrize("seal", ["official", "contract"])
def test_a_signing_records_the_seal_use_with_each_seal(session: orm.Session, seal: str) -> None:
    contract = reviewed(session)
    close(session, contract, seal=SealData(seal, "  李校长 ", date(2026, 3, 2), 99))
    session.commit()
    [use] = seal_uses(session)
    assert (use.contract_id, use.school_id, use.seal) == (1, 1, seal)
    assert (use.approved_by, use.used_on, use.copies) == ("李校长", date(2026, 3, 2), 99)
    assert use.recorded_by_id == owner(session, contract).id
    assert current_contract(session).result == "signed"


def test_an_abandoned_contract_records_no_seal_use(session: orm.Session) -> None:
    contract = reviewed(session)
    close(session, contract, result="abandoned", seal=None)
    session.commit()
    assert seal_uses(session) == []
    assert current_contract(session).result == "abandoned"


@pytest.mark.parametrize(
    ("seal", "field"),
    [
        (None, "seal"),
        (SealData("", "李校长", date(2026, 3, 3), 1), "seal"),
        (SealData("private", "李校长", date(2026, 3, 3), 1), "seal"),
        (SealData("official", "   ", date(2026, 3, 3), 1), "approved_by"),
        (SealData("official", "李" * 51, date(2026, 3, 3), 1), "approved_by"),
        (SealData("official", "李\ud800校长", date(2026, 3, 3), 1), "approved_by"),
        (SealData("official", "李校长", None, 1), "used_on"),
        (SealData("official", "李校长", date(2026, 3, 5), 1), "used_on"),
        (SealData("official", "李校长", date(2026, 3, 1), 1), "used_on"),
        (SealData("official", "李校长", date(2026, 3, 3), 0), "copies"),
        (SealData("official", "李校长", date(2026, 3, 3), 100), "copies"),
        (SealData("official", "李校长", date(2026, 3, 3), 10**29), "copies"),
        (SealData("official", "李校长", date(2026, 3, 3), None), "copies"),
    ],
)
def test_bad_seal_values_are_refused_by_field(
    session: orm.Session, seal: SealData | None, field: str
) -> None:
    contract = reviewed(session)
    with pytest.raises(ValidationError) as refused:
        close(session, contract, seal=seal)
    session.rollback()
    assert field in refused.value.fields
    if seal is not None:
        assert set(refused.value.fields) == {field}
    nothing_recorded(session)


def test_the_date_of_use_may_be_today_or_the_day_of_submission(session: orm.Session) -> None:
    assert check_seal(SEAL, today=date(2026, 3, 3), submitted_on=date(2026, 3, 3)) == {}
    late = SealData("official", "李校长", date(2026, 3, 4), 1)
    assert set(check_seal(late, today=date(2026, 3, 3), submitted_on=SUBMITTED)) == {"used_on"}


# --- the version check (services) ---------------------------------------------------------


def test_a_signed_copy_with_the_reviewed_text_needs_no_reason(
    app: Flask, session: orm.Session
) -> None:
    contract = reviewed(session)
    lines = reviewed_lines(session, contract)
    # the same words, spaced and broken differently
    respaced = [" ".join(lines[:2]), *(f"  {line} " for line in lines[2:])]
    closing = close(session, contract, signed=upload(respaced, "签订稿.pdf"), store=file_store(app))
    session.commit()
    assert closing.difference_reason == ""
    assert closing.signed_version_id is not None
    assert seal_uses(session)[0].contract_id == 1


def test_a_signed_copy_that_differs_needs_a_reason_and_shows_the_difference(
    app: Flask, session: orm.Session
) -> None:
    contract = reviewed(session)
    lines = reviewed_lines(session, contract)
    changed = [*lines[:-1], "本合同一式六份，甲乙双方各执三份。"]
    signed = upload(changed, "签订稿.pdf")
    with pytest.raises(SignedCopyDiffers) as refused:
        close(session, contract, signed=signed, store=file_store(app), difference_reason="  ")
    session.rollback()
    assert set(refused.value.fields) == {"difference_reason"}
    [change] = refused.value.changes
    assert change.removed == [" ".join(lines[-1].split())]  # spacing made single
    assert change.added == ["本合同一式六份，甲乙双方各执三份。"]
    nothing_recorded(session)

    contract = current_contract(session)
    reason = "对方要求增加份数，经校长办公会同意。"
    closing = close(
        session, contract, signed=signed, store=file_store(app), difference_reason=reason
    )
    session.commit()
    assert session.get_one(Closing, 1).difference_reason == reason == closing.difference_reason


def test_a_reason_over_500_characters_is_refused(app: Flask, session: orm.Session) -> None:
    contract = reviewed(session)
    with pytest.raises(ValidationError) as refused:
        close(
            session,
            contract,
            signed=upload(["另一份合同"], "签订稿.pdf"),
            store=file_store(app),
            difference_reason="因" * 501,
        )
    session.rollback()
    assert set(refused.value.fields) == {"difference_reason"}
    nothing_recorded(session)


def test_a_signed_copy_without_text_cannot_be_compared_and_needs_a_reason(
    app: Flask, session: orm.Session
) -> None:
    from advisor.contracts import services as contracts
    from advisor.contracts.extraction import Limits, inspect

    contract = reviewed(session)
    data = make_scanned_pdf()
    scan = contracts.Upload("扫描件.pdf", data, inspect(data, Limits()))
    with pytest.raises(SignedCopyDiffers) as refused:
        close(session, contract, signed=scan, store=file_store(app))
    session.rollback()
    assert refused.value.changes == []
    nothing_recorded(session)


# --- the close form (pages) ---------------------------------------------------------------


def test_the_form_records_the_seal_use_and_the_closed_card_shows_it(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    reviewed(session)
    form = tree(school1.get("/contracts/1")).xpath('//form[@data-testid="close-form"]')[0]
    for name in ("seal", "approved_by", "used_on", "copies", "difference_reason"):
        [control] = form.xpath(f'.//*[@name="{name}"]')
        assert form.xpath(f'.//label[@for="{control.get("id")}"]'), name  # labelled
    assert form.xpath('.//*[@name="used_on"]/@value') == ["2026-11-16"]  # today by default

    response = post_close(school1, session)
    assert response.status_code == 302, field_errors(response)
    [use] = seal_uses(session)
    assert (use.seal, use.approved_by, use.used_on, use.copies) == (
        "official",
        "王副校长",
        date(2026, 11, 13),
        3,
    )
    card = " ".join(
        tree(school1.get("/contracts/1"))
        .xpath('//*[@data-testid="seal-use"]')[0]
        .text_content()
        .split()
    )
    for shown in (zh(app, "Official seal"), "王副校长", "3", zh(app, "Seal use approved by")):
        assert shown in card


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"approved_by": ""}, "approved_by", "Enter who approved the use of the seal."),
        ({"copies": "0"}, "copies", "From %(low)d to %(high)d copies."),
        ({"copies": "100"}, "copies", "From %(low)d to %(high)d copies."),
        ({"copies": "1" * 30}, "copies", "From %(low)d to %(high)d copies."),
        ({"used_on": "2026-11-17"}, "used_on", "The date cannot be after today."),
        ({"seal": ""}, "seal", "Choose the official seal or the contract seal."),
    ],
)
def test_bad_values_in_the_form_come_back_by_their_field(
    app: Flask,
    school1: FlaskClient,
    session: orm.Session,
    fields: dict[str, str],
    name: str,
    message: str,
) -> None:
    reviewed(session)
    response = post_close(school1, session, **fields)
    assert response.status_code == 422
    expected = zh(app, message, low=1, high=99) if "%(low)" in message else zh(app, message)
    assert field_errors(response) == {name: expected}
    # what was typed comes back
    form = tree(response).xpath('//form[@data-testid="close-form"]')[0]
    assert form.xpath('.//*[@name="note"]') and form.xpath('.//select[@name="result"]')
    nothing_recorded(session)


def test_a_lone_surrogate_in_the_approvers_name_is_refused(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    reviewed(session)
    lock = current_contract(session).lock_version
    # A browser cannot send one; its UTF-8-like bytes are what can arrive in the form's
    # multipart body (Werkzeug reads them as U+FFFD).
    fields = {**FORM_SEAL, "result": "signed", "adoption": "fully", "lock_version": str(lock)}
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + (value.encode() if name != "approved_by" else "李".encode() + b"\xed\xa0\x80")
        + b"\r\n"
        for name, value in fields.items()
    ]
    response = school1.post(
        "/contracts/1/close",
        data=b"".join(parts) + b"--B--\r\n",
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 422
    assert field_errors(response) == {
        "approved_by": zh(app, "The name holds characters that are not text; type it again.")
    }
    nothing_recorded(session)


def test_a_differing_signed_copy_is_refused_with_the_difference_then_kept_for_the_reason(
    app: Flask, school1: FlaskClient, session: orm.Session
) -> None:
    contract = reviewed(session)
    lines = reviewed_lines(session, contract)
    signed = make_pdf([[*lines[:-1], "本合同一式六份，甲乙双方各执三份。"]])
    response = post_close(school1, session, file=(io.BytesIO(signed), "签订稿.pdf"))
    assert response.status_code == 422
    page = tree(response)
    [shown] = page.xpath('//*[@data-testid="signed-differences"]')
    difference = shown.text_content()
    assert "本合同一式六份，甲乙双方各执三份。" in difference
    assert " ".join(lines[-1].split()) in " ".join(difference.split())
    assert field_errors(response) == {
        "difference_reason": zh(app, "Required: say why the signed copy differs.")
    }
    alerts = " ".join(a.text_content() for a in page.xpath('//*[@role="alert"]'))
    assert (
        zh(app, "The signed copy differs from the version the opinion was issued on; say why.")
        in alerts
    )
    nothing_recorded(session)
    [kept_id] = page.xpath('//form[@data-testid="close-form"]//input[@name="kept_file"]/@value')
    assert "签订稿.pdf" in page.xpath('//*[@data-testid="kept-signed"]')[0].text_content()

    reason = "对方要求增加份数，经校长办公会同意。"
    again = post_close(school1, session, kept_file=kept_id, difference_reason=reason)
    assert again.status_code == 302, field_errors(again)
    found = current_contract(session)
    assert found.status == Status.CLOSED
    closing = session.get_one(Closing, 1)
    assert closing.difference_reason == reason
    version = session.get_one(ContractVersion, closing.signed_version_id)
    assert version.is_signed and version.file_name == "签订稿.pdf"
    assert school1.get(f"/contracts/1/versions/{version.number}/file").data == signed
    closed = tree(school1.get("/contracts/1"))
    assert reason in closed.xpath('//*[@data-testid="difference-reason"]')[0].text_content()


def test_the_same_text_closes_without_a_reason(school1: FlaskClient, session: orm.Session) -> None:
    contract = reviewed(session)
    signed = make_pdf([reviewed_lines(session, contract)])
    response = post_close(school1, session, file=(io.BytesIO(signed), "签订稿.pdf"))
    assert response.status_code == 302, field_errors(response)
    assert session.get_one(Closing, 1).difference_reason == ""
    assert seal_uses(session)[0].seal == "official"


def test_abandoning_through_the_form_ignores_the_seal_fields(
    school1: FlaskClient, session: orm.Session
) -> None:
    reviewed(session)
    response = post_close(school1, session, result="abandoned", adoption="not", approved_by="")
    assert response.status_code == 302
    assert current_contract(session).result == "abandoned"
    assert seal_uses(session) == []


# --- the API ------------------------------------------------------------------------------


def api_close(client: FlaskClient, session: orm.Session, payload: dict[str, Any] | str) -> Any:
    headers = token_headers(session, "school01@demo.local")
    if isinstance(payload, str):
        return client.post(
            "/api/v1/contracts/1/close",
            data=payload,
            content_type="application/json",
            headers=headers,
        )
    return client.post("/api/v1/contracts/1/close", json=payload, headers=headers)


def test_the_api_records_the_seal_use(client: FlaskClient, session: orm.Session) -> None:
    reviewed(session)
    payload = {"result": "signed", "adoption": "fully", **FORM_SEAL, "copies": 2}
    response = api_close(client, session, payload)
    assert response.status_code == 200, response.json
    [use] = seal_uses(session)
    assert (use.seal, use.approved_by, use.used_on, use.copies) == (
        "official",
        "王副校长",
        date(2026, 11, 13),
        2,
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"result": "signed"}, {"seal", "approved_by", "used_on", "copies"}),
        ({"result": "signed", **FORM_SEAL, "copies": 0}, {"copies"}),
        ({"result": "signed", **FORM_SEAL, "copies": 100}, {"copies"}),
        ({"result": "signed", **FORM_SEAL, "copies": 10**29}, {"copies"}),
        ({"result": "signed", **FORM_SEAL, "copies": 2, "used_on": "2026-11-17"}, {"used_on"}),
        ({"result": "signed", **FORM_SEAL, "copies": 2, "used_on": "13/11/2026"}, {"used_on"}),
        ({"result": "signed", **FORM_SEAL, "copies": 2, "seal": "private"}, {"seal"}),
        ({"result": "signed", **FORM_SEAL, "copies": 2, "approved_by": "李" * 51}, {"approved_by"}),
    ],
)
def test_the_api_refuses_missing_or_bad_seal_fields(
    client: FlaskClient, session: orm.Session, payload: dict[str, Any], fields: set[str]
) -> None:
    reviewed(session)
    response = api_close(client, session, payload)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())
    nothing_recorded(session)


def test_the_api_refuses_a_lone_surrogate_in_the_approvers_name(
    client: FlaskClient, session: orm.Session
) -> None:
    reviewed(session)
    payload = (
        '{"result": "signed", "seal": "official", "used_on": "2026-11-13", "copies": 2, '
        '"approved_by": "\\ud800"}'
    )
    response = api_close(client, session, payload)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"approved_by": "Not valid Unicode text."}
    nothing_recorded(session)


def test_the_api_abandons_without_seal_fields(client: FlaskClient, session: orm.Session) -> None:
    reviewed(session)
    response = api_close(client, session, {"result": "abandoned"})
    assert response.status_code == 200, response.json
    assert seal_uses(session) == []


# --- the register -------------------------------------------------------------------------


def signed_contracts(app: Flask, session: orm.Session) -> None:
    """Three seal uses: school01's contract 1 (03-02, with a differing signed copy) and a
    third contract (03-04), school02's contract 2 (03-03, approver "=1+1")."""
    first = reviewed(session, 1)
    close(
        session,
        first,
        seal=SealData("official", "李校长", date(2026, 3, 2), 2),
        signed=upload(["另一份文本"], "签订稿.pdf"),
        store=file_store(app),
        difference_reason='=HYPERLINK("http://x")',
    )
    second = reviewed(session, 2)
    close(session, second, seal=SealData("contract", "=1+1", date(2026, 3, 3), 5))
    third = submit_contract(app, session, 1, title="校服采购合同")
    session.commit()
    start_review(session, third)
    issue_review(session, third)
    close(session, third, seal=SealData("contract", "赵主任", date(2026, 3, 4), 1))
    session.commit()


def rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in tree(response).xpath('//*[@data-testid="seal-use-row"]')
    ]


def test_the_bureau_sees_every_schools_seal_uses_latest_first(
    app: Flask, bureau: FlaskClient, session: orm.Session
) -> None:
    signed_contracts(app, session)
    response = bureau.get("/seal-uses")
    found = rows(response)
    assert [row[4] for row in found] == ["赵主任", "=1+1", "李校长"]
    assert found[2][1] == "乌苏市第一中学" and found[2][3] == zh(app, "Official seal")
    assert found[2][5] == "2" and found[2][7] == '=HYPERLINK("http://x")'
    assert found[1][6] == zh(app, "None uploaded")
    page = tree(response)
    links = page.xpath('//*[@data-testid="seal-use-row"]/td[3]/a/@href')
    assert links[2] == "/contracts/1"
    [copy] = page.xpath('//*[@data-testid="signed-copy-link"]/@href')
    assert copy == "/contracts/1/versions/2/file"
    # every filter field has a label, the table a caption and column headers
    for control in page.xpath('//form[@data-testid="seal-filters"]//*[@name]'):
        assert page.xpath(f'//label[@for="{control.get("id")}"]'), control.get("name")
    assert page.xpath('//table[@data-testid="seal-uses"]/caption')
    assert len(page.xpath('//table[@data-testid="seal-uses"]//th[@scope="col"]')) == 8
    assert page.xpath('//div[@class="table-responsive"]/table[@data-testid="seal-uses"]')


def test_the_register_filters_by_school_and_period_and_pages(
    app: Flask, bureau: FlaskClient, session: orm.Session
) -> None:
    signed_contracts(app, session)
    assert [r[4] for r in rows(bureau.get("/seal-uses?school_id=2"))] == ["=1+1"]
    assert [r[4] for r in rows(bureau.get("/seal-uses?from=2026-03-03"))] == ["赵主任", "=1+1"]
    assert [r[4] for r in rows(bureau.get("/seal-uses?to=2026-03-03"))] == ["=1+1", "李校长"]
    both = "/seal-uses?school_id=1&from=2026-03-03&to=2026-03-04"
    assert [r[4] for r in rows(bureau.get(both))] == ["赵主任"]
    assert rows(bureau.get("/seal-uses?from=2026-03-05")) == []
    assert len(rows(bureau.get("/seal-uses?from=junk"))) == 3  # junk is no filter
    first = bureau.get("/seal-uses?per_page=2")
    assert [r[4] for r in rows(first)] == ["赵主任", "=1+1"]
    assert "/seal-uses?per_page=2&amp;page=2" in first.get_data(as_text=True)
    assert [r[4] for r in rows(bureau.get("/seal-uses?per_page=2&page=2"))] == ["李校长"]
    chips = tree(bureau.get("/seal-uses?school_id=2&from=2026-03-03"))
    assert chips.xpath('//*[@data-testid="filter-school_id"]')
    assert chips.xpath('//*[@data-testid="filter-from"]')


def test_a_school_sees_its_own_and_an_advisor_none(
    app: Flask, school1: FlaskClient, advisor1: FlaskClient, session: orm.Session
) -> None:
    signed_contracts(app, session)
    assert [r[4] for r in rows(school1.get("/seal-uses"))] == ["赵主任", "李校长"]
    # another school's id in the query changes nothing, and no school filter is offered
    assert [r[4] for r in rows(school1.get("/seal-uses?school_id=2"))] == ["赵主任", "李校长"]
    assert not tree(school1.get("/seal-uses")).xpath('//select[@name="school_id"]')
    other = login(app.test_client(), "school02@demo.local")
    assert [r[4] for r in rows(other.get("/seal-uses"))] == ["=1+1"]
    assert advisor1.get("/seal-uses").status_code == 403
    assert advisor1.get("/seal-uses.xlsx").status_code == 403
    menu = school1.get("/").get_data(as_text=True)
    assert 'href="/seal-uses"' in menu
    assert 'href="/seal-uses"' not in advisor1.get("/").get_data(as_text=True)


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response.content_type.startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet is not None
    return [tuple(cell for cell in row) for row in sheet.iter_rows(min_row=3)]


def test_the_export_holds_the_filtered_rows_as_text_and_is_logged(
    app: Flask, bureau: FlaskClient, school1: FlaskClient, session: orm.Session
) -> None:
    signed_contracts(app, session)
    since = mark(session)
    response = bureau.get("/seal-uses.xlsx?to=2026-03-03")
    event = only_event(session, since, "seal_use_export")
    assert "to=2026-03-03" in (event.detail or "")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet is not None
    assert "用印登记" in str(sheet["A1"].value)
    assert [c.value for c in sheet[2]][:6] == [
        "用印日期",
        "学校",
        "合同名称",
        "印章",
        "审批人",
        "份数",
    ]
    found = workbook_rows(response)
    values = [[c.value for c in row] for row in found]
    assert [v[4] for v in values] == ["=1+1", "李校长"]
    formula = found[0][4]
    assert formula.data_type == "s" and formula.value == "=1+1"  # text, not a formula
    assert found[1][7].data_type == "s" and found[1][7].value == '=HYPERLINK("http://x")'
    assert values[0][0].date() == date(2026, 3, 3) and values[0][5] == 5
    assert values[1][3] == "公章" and values[1][6] == "第2版"
    assert [
        v[4] for v in [[c.value for c in r] for r in workbook_rows(school1.get("/seal-uses.xlsx"))]
    ] == [
        "赵主任",
        "李校长",
    ]


def test_the_register_runs_the_same_queries_for_one_row_or_many(
    app: Flask, bureau: FlaskClient, session: orm.Session, count_queries: QueryCounter
) -> None:
    reviewed(session, 2)
    close(session, current_contract(session, 2))
    session.commit()
    before = count_queries.count
    assert len(rows(bureau.get("/seal-uses"))) == 1
    one = count_queries.count - before
    signed_contracts_more(app, session)
    before = count_queries.count
    assert len(rows(bureau.get("/seal-uses"))) == 3
    assert count_queries.count - before == one


def signed_contracts_more(app: Flask, session: orm.Session) -> None:
    """Two more seal uses of school01's, beside contract 2's."""
    close(session, reviewed(session, 1))
    third = submit_contract(app, session, 1, title="校服采购合同")
    session.commit()
    start_review(session, third)
    issue_review(session, third)
    close(session, third, seal=SealData("official", "赵主任", date(2026, 3, 4), 1))
    session.commit()
