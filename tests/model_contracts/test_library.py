"""The model contracts through the pages: the bureau uploads, marks up and publishes; a
school fills the template, downloads it, and submits the returned version; the advisor's
review page shows the changed fixed clause first with the unchanged ones folded. Versions
never change once published."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import docx
import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.models import Contract
from advisor.errors import Conflict, Forbidden
from advisor.model_contracts import services
from advisor.model_contracts.models import (
    ModelContract,
    ModelContractVersion,
    TemplateFill,
    TemplateStatus,
)
from tests.conftest import SUITE_NOW, login
from tests.documents import TEMPLATE_LINES, make_docx, make_pdf
from tests.factories.contracts import file_store
from tests.factories.people import bureau_user, school_user
from tests.pages import text_of

TEMPLATE = TEMPLATE_LINES
VALUES = {
    "学校名称": "乌苏市第一中学",
    "供应商名称": "乌苏市丰收食品有限公司",
    "合同金额": "12万",
    "签订日期": "2026-11-20",
}


def template_docx(lines: list[str] = TEMPLATE) -> bytes:
    return make_docx(lines)


def text_of_docx(data: bytes) -> str:
    return "\n".join(inspect(data, Limits()).pages)


def tree(response: Any) -> Any:
    return lxml.html.fromstring(response.get_data(as_text=True))


def upload_model(bureau: FlaskClient, data: bytes | None = None, **changes: Any) -> Any:
    form = {
        "title": "食堂食材采购合同（示范文本）",
        "contract_type": "catering",
        "note": "2026年版",
        "file": (io.BytesIO(data or template_docx()), "食堂食材采购合同.docx"),
        **changes,
    }
    return bureau.post("/templates/new", data=form, content_type="multipart/form-data")


def csrf_less(data: dict[str, str]) -> dict[str, str]:
    return data  # the test configuration has CSRF off, as the other page tests


@pytest.fixture()
def published(bureau: FlaskClient, session: orm.Session) -> ModelContract:
    response = upload_model(bureau)
    assert response.status_code == 302, text_of(response)[:1500]
    model = session.scalar(sa.select(ModelContract).order_by(ModelContract.id.desc()))
    assert model is not None
    assert bureau.post(f"/templates/{model.id}/versions/1/publish").status_code == 302
    session.expire_all()
    return model


def fill_form(values: dict[str, str], version: ModelContractVersion) -> dict[str, str]:
    labels = [f["label"] for f in version.fields]
    return {f"field-{labels.index(label)}": value for label, value in values.items()}


# --- the bureau's library -----------------------------------------------------------------


def test_an_upload_is_a_draft_with_its_fields_and_clauses(
    bureau: FlaskClient, school1: FlaskClient, session: orm.Session
) -> None:
    response = upload_model(bureau)
    assert response.status_code == 302, text_of(response)[:1500]
    model = session.scalar(sa.select(ModelContract).order_by(ModelContract.id.desc()))
    assert model is not None and model.title == "食堂食材采购合同（示范文本）"
    (version,) = model.versions
    assert version.status == TemplateStatus.DRAFT and version.number == 1
    assert [(f["label"], f["kind"]) for f in version.fields] == [
        ("学校名称", "text"),
        ("供应商名称", "text"),
        ("合同金额", "amount"),
        ("合同金额大写", "amount_words"),
        ("签订日期", "date"),
    ]
    assert [(c["outline"], c["negotiable"]) for c in version.clauses] == [
        ("第一条", False),
        ("第二条", True),  # marked （可协商） in the Word file
        ("第三条", False),
        ("第四条", False),
        ("第五条", False),
        ("第六条", False),
    ]
    # A draft is the bureau's: schools neither list it nor reach it.
    assert "食堂食材采购合同（示范文本）" not in text_of(school1.get("/templates"))
    assert school1.get(f"/templates/{model.id}").status_code == 404
    assert school1.get(f"/templates/{model.id}/versions/1/file").status_code == 404
    assert "食堂食材采购合同（示范文本）" in text_of(bureau.get("/templates"))


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ((io.BytesIO(make_pdf()), "合同.pdf"), "A model contract is uploaded as a Word document"),
        ((io.BytesIO(b"not a file at all"), "合同.docx"), "Only PDF and Word"),
    ],
)
def test_a_template_that_is_not_a_word_file_is_refused(
    bureau: FlaskClient, session: orm.Session, file: Any, message: str
) -> None:
    before = session.scalar(sa.select(sa.func.count()).select_from(ModelContractVersion))
    bureau.post("/language", data={"locale": "en"})
    response = upload_model(bureau, file=file)
    assert response.status_code in (415, 422)
    assert message in text_of(response)
    assert session.scalar(sa.select(sa.func.count()).select_from(ModelContractVersion)) == before


def test_negotiable_clauses_are_chosen_on_a_draft_only(
    bureau: FlaskClient, session: orm.Session
) -> None:
    upload_model(bureau)
    model = session.scalar(sa.select(ModelContract).order_by(ModelContract.id.desc()))
    assert model is not None
    base = f"/templates/{model.id}/versions/1"
    bureau.post(f"{base}/clauses", data={"negotiable": ["第二条", "第五条"]})
    session.expire_all()
    assert model.versions[0].negotiable == {"第二条", "第五条"}
    bureau.post(f"{base}/publish")
    response = bureau.post(
        f"{base}/clauses", data={"negotiable": ["第四条"]}, follow_redirects=True
    )
    assert "already published" in text_of(response) or "已发布" in text_of(response)
    session.expire_all()
    assert model.versions[0].negotiable == {"第二条", "第五条"}


def test_a_new_version_replaces_the_published_one_and_changes_nothing_earlier(
    app: Flask,
    bureau: FlaskClient,
    school1: FlaskClient,
    session: orm.Session,
    published: ModelContract,
) -> None:
    v1 = published.versions[0]
    school1.post(f"/templates/{published.id}/fill", data=fill_form(VALUES, v1))
    fill = session.scalar(sa.select(TemplateFill).order_by(TemplateFill.id.desc()))
    assert fill is not None and fill.version_id == v1.id
    before = (v1.sha256, list(v1.fields), list(v1.clauses))
    changed = [line.replace("千分之一", "千分之三") for line in TEMPLATE]
    response = bureau.post(
        f"/templates/{published.id}/versions",
        data={"file": (io.BytesIO(template_docx(changed)), "v2.docx"), "note": "违约金调整"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    assert [v.status for v in published.versions] == ["published", "draft"]
    assert published.published is not None and published.published.number == 1
    bureau.post(f"/templates/{published.id}/versions/2/publish")
    session.expire_all()
    assert [v.status for v in published.versions] == ["withdrawn", "published"]
    v1 = published.versions[0]
    assert (v1.sha256, v1.fields, v1.clauses) == before
    # the earlier fill still gives the text of the version it was made from
    filled = school1.get(f"/templates/fills/{fill.id}/file")
    assert "千分之一" in text_of_docx(filled.data)
    # a withdrawn version is not filled any more
    with pytest.raises(Conflict):
        services.record_fill(
            session,
            actor=school_user(session, 1),
            version=v1,
            raw={},
            store=file_store(app),
            now=SUITE_NOW,
        )


# --- filling ------------------------------------------------------------------------------


def test_a_school_fills_the_template_and_downloads_it(
    school1: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    version = published.versions[0]
    response = school1.post(f"/templates/{published.id}/fill", data=fill_form(VALUES, version))
    assert response.status_code == 302
    fill = session.scalar(sa.select(TemplateFill).order_by(TemplateFill.id.desc()))
    assert fill is not None and response.headers["Location"].endswith(f"/templates/fills/{fill.id}")
    assert fill.values == {
        "学校名称": "乌苏市第一中学",
        "供应商名称": "乌苏市丰收食品有限公司",
        "合同金额": "120,000.00",
        "合同金额大写": "壹拾贰万元整",  # written from the amount
        "签订日期": "2026年11月20日",
    }
    download = school1.get(f"/templates/fills/{fill.id}/file")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    text = text_of_docx(download.data)
    assert "甲方（采购人）：乌苏市第一中学" in text
    assert "人民币120,000.00元（大写：壹拾贰万元整）" in text
    assert "签订日期：2026年11月20日" in text and "【" not in text
    page = tree(school1.get(f"/templates/fills/{fill.id}"))
    assert page.xpath('//a[@data-testid="submit-filled"]/@href') == [
        f"/contracts/new?fill={fill.id}"
    ]


def test_bad_values_are_shown_by_field_and_nothing_is_kept(
    school1: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    version = published.versions[0]
    before = session.scalar(sa.select(sa.func.count()).select_from(TemplateFill))
    school1.post("/language", data={"locale": "en"})
    typed = {**VALUES, "合同金额": "十二万", "签订日期": "2026-02-30", "供应商名称": "x" * 201}
    response = school1.post(f"/templates/{published.id}/fill", data=fill_form(typed, version))
    assert response.status_code == 422
    page = tree(response)
    errors = {
        e.get("id"): e.text_content()
        for e in page.xpath('//div[contains(@class,"invalid-feedback")]')
    }
    labels = [f["label"] for f in version.fields]
    assert "An amount in yuan" in errors[f"field-{labels.index('合同金额')}-error"]
    assert "A date" in errors[f"field-{labels.index('签订日期')}-error"]
    assert "At most 200 characters" in errors[f"field-{labels.index('供应商名称')}-error"]
    # what was typed is shown again
    assert page.xpath(f'//input[@name="field-{labels.index("学校名称")}"]/@value') == [
        "乌苏市第一中学"
    ]
    assert session.scalar(sa.select(sa.func.count()).select_from(TemplateFill)) == before


def test_values_that_no_document_can_hold_are_cleaned(
    session: orm.Session, published: ModelContract
) -> None:
    version = published.versions[0]
    values, problems = services.check_values(
        version, {"学校名称": "乌苏\ud800市\x00第一中学", "合同金额": "0", "供应商名称": "=1+1"}
    )
    assert problems == {}
    assert values["学校名称"] == "乌苏市第一中学"
    assert values["合同金额"] == "0.00" and "合同金额大写" not in values  # zero has no capitals
    assert values["供应商名称"] == "=1+1"  # a document, not a spreadsheet: kept as typed


def test_only_a_school_fills_and_only_its_own_fills_are_its(
    app: Flask, school1: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    version = published.versions[0]
    with pytest.raises(Forbidden):
        services.record_fill(
            session,
            actor=bureau_user(session),
            version=version,
            raw={},
            store=file_store(app),
            now=SUITE_NOW,
        )
    school1.post(f"/templates/{published.id}/fill", data=fill_form(VALUES, version))
    fill = session.scalar(sa.select(TemplateFill).order_by(TemplateFill.id.desc()))
    assert fill is not None
    other = login(app.test_client(), "school02@demo.local")
    assert other.get(f"/templates/fills/{fill.id}").status_code == 404
    assert other.get(f"/templates/fills/{fill.id}/file").status_code == 404
    foreign = other.get(f"/contracts/new?fill={fill.id}")
    assert foreign.status_code == 200
    assert 'data-testid="started-from"' not in foreign.get_data(as_text=True)


# --- from the fill to the review ------------------------------------------------------------


def returned_version(filled: bytes, media: str) -> tuple[bytes, str]:
    """The counterparty's version: the filled template with one fixed clause changed (the
    penalty of 第四条) and one negotiable clause changed (第二条: settlement monthly)."""
    document = docx.Document(io.BytesIO(filled))
    for paragraph in document.paragraphs:
        if "千分之一" in paragraph.text:
            paragraph.text = paragraph.text.replace("千分之一", "千分之零点五")
        if "按实际供货量结算" in paragraph.text:
            paragraph.text = paragraph.text.replace("按实际供货量结算", "按月结算")
    out = io.BytesIO()
    document.save(out)
    if media == "docx":
        return out.getvalue(), "食堂合同（对方返回）.docx"
    lines = text_of_docx(out.getvalue()).splitlines()
    return make_pdf([lines]), "食堂合同（对方返回）.pdf"


Submit = Callable[..., Any]


@pytest.mark.parametrize("media", ["docx", "pdf"])
def test_the_advisor_reads_the_changed_fixed_clause_first(
    app: Flask,
    school1: FlaskClient,
    advisor1: FlaskClient,
    session: orm.Session,
    published: ModelContract,
    media: str,
) -> None:
    version = published.versions[0]
    school1.post(f"/templates/{published.id}/fill", data=fill_form(VALUES, version))
    fill = session.scalar(sa.select(TemplateFill).order_by(TemplateFill.id.desc()))
    assert fill is not None
    filled = school1.get(f"/templates/fills/{fill.id}/file").data
    data, name = returned_version(filled, media)

    form_page = tree(school1.get(f"/contracts/new?fill={fill.id}"))
    assert form_page.xpath('//input[@name="origin"]/@value') == [f"template_fill:{fill.id}"]
    assert form_page.xpath('//input[@name="title"]/@value') == ["食堂食材采购合同（示范文本）"]
    assert form_page.xpath('//div[@data-testid="started-from"]')
    response = school1.post(
        "/contracts/new",
        data={
            "title": "2027年春季食材采购合同",
            "counterparty": "乌苏市丰收食品有限公司",
            "contract_type": "catering",
            "amount": "120000",
            "start_date": "2027-03-01",
            "end_date": "2027-07-15",
            "origin": f"template_fill:{fill.id}",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)[:2000]
    contract = session.scalar(sa.select(Contract).where(Contract.title == "2027年春季食材采购合同"))
    assert contract is not None
    session.expire_all()
    assert fill.contract_id == contract.id
    # the pre-check names the fixed clause changed, at its place, and nothing for the
    # negotiable one
    from advisor.precheck.models import PrecheckHit

    hits = session.scalars(
        sa.select(PrecheckHit).where(
            PrecheckHit.contract_id == contract.id,
            PrecheckHit.rule == "template_fixed_clause_changed",
        )
    ).all()
    assert [(h.params["clause"], h.params["change"]) for h in hits] == [
        ("第四条 违约责任", "「一」→「零点五」")
    ]
    assert hits[0].page == 1 and hits[0].excerpt.startswith("第四条")

    assert advisor1.post(f"/contracts/{contract.id}/start").status_code == 302
    page = tree(advisor1.get(f"/contracts/{contract.id}/review"))
    (section,) = page.xpath('//section[@data-testid="template-comparison"]')
    changes = section.xpath('.//details[@data-testid="change"]')
    first = changes[0]
    assert first.get("data-fixed") == "true" and first.get("data-kind") == "changed"
    assert first.get("open") is not None
    assert "第四条" in first.xpath("string(.//summary)")
    assert first.xpath("string(.//del)") == "一" and first.xpath("string(.//ins)") == "零点五"
    # the negotiable change is listed after it, folded; the unchanged clauses are folded
    negotiable = [c for c in changes if "第二条" in c.xpath("string(.//summary)")]
    assert negotiable and negotiable[0].get("data-fixed") == "false"
    assert changes.index(negotiable[0]) > 0 and negotiable[0].get("open") is None
    (unchanged,) = section.xpath('.//details[@data-testid="unchanged"]')
    assert unchanged.get("open") is None
    assert {"第一条", "第三条", "第五条", "第六条"} <= set(
        " ".join(unchanged.xpath(".//li/text()")).split()
    )
    assert section.xpath('string(.//*[@data-testid="fixed-changed-count"])')


def test_a_fill_is_submitted_once_and_only_by_its_school(
    app: Flask, school1: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    version = published.versions[0]
    school1.post(f"/templates/{published.id}/fill", data=fill_form(VALUES, version))
    fill = session.scalar(sa.select(TemplateFill).order_by(TemplateFill.id.desc()))
    assert fill is not None
    data = school1.get(f"/templates/fills/{fill.id}/file").data

    def submit(client: FlaskClient, title: str) -> Any:
        return client.post(
            "/contracts/new",
            data={
                "title": title,
                "counterparty": "乌苏市丰收食品有限公司",
                "contract_type": "catering",
                "amount": "120000",
                "start_date": "2027-03-01",
                "end_date": "2027-07-15",
                "origin": f"template_fill:{fill.id}",
                "file": (io.BytesIO(data), "合同.docx"),
            },
            content_type="multipart/form-data",
        )

    other = login(app.test_client(), "school02@demo.local")
    other.post("/language", data={"locale": "en"})
    refused = submit(other, "别校的合同")
    assert refused.status_code == 403 or "another school" in text_of(refused)
    assert session.scalar(sa.select(Contract).where(Contract.title == "别校的合同")) is None
    assert submit(school1, "第一份").status_code == 302
    school1.post("/language", data={"locale": "en"})
    again = submit(school1, "第二份")
    assert "already submitted" in text_of(again)
    assert session.scalar(sa.select(Contract).where(Contract.title == "第二份")) is None


def test_a_contract_not_started_from_a_template_has_no_comparison(
    app: Flask, advisor1: FlaskClient, session: orm.Session
) -> None:
    contract = session.scalar(
        sa.select(Contract).where(Contract.advisor_id == 1, Contract.status == "in_review")
    )
    if contract is None:
        contract = session.scalar(
            sa.select(Contract).where(Contract.advisor_id == 1, Contract.status == "submitted")
        )
        assert contract is not None
        advisor1.post(f"/contracts/{contract.id}/start")
    page = advisor1.get(f"/contracts/{contract.id}/review").get_data(as_text=True)
    assert 'data-testid="review-form"' in page
    assert 'data-testid="template-comparison"' not in page


def test_template_files_are_not_orphans(
    app: Flask, session: orm.Session, published: ModelContract
) -> None:
    from advisor.contracts.services import is_file_referenced, referenced_files

    digest = published.versions[0].sha256
    assert is_file_referenced(session, digest)
    assert digest in set(session.scalars(referenced_files()))
    assert file_store(app).exists(digest)


# --- the API ------------------------------------------------------------------------------


def test_the_api_lists_what_each_role_may_see(
    client: FlaskClient, bureau: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    from tests.factories.people import token_headers

    upload_model(bureau, title="校服采购合同（示范文本）", contract_type="uniform")  # a draft
    as_bureau = client.get("/api/v1/templates", headers=token_headers(session, "bureau@demo.local"))
    titles = {item["title"]: item for item in as_bureau.json["items"]}
    assert {"食堂食材采购合同（示范文本）", "校服采购合同（示范文本）"} <= set(titles)
    assert [v["status"] for v in titles["校服采购合同（示范文本）"]["versions"]] == ["draft"]
    for email in ("school01@demo.local", "advisor01@demo.local"):
        body = client.get("/api/v1/templates", headers=token_headers(session, email)).json
        mine = {item["title"]: item for item in body["items"]}
        assert "校服采购合同（示范文本）" not in mine
        (version,) = mine["食堂食材采购合同（示范文本）"]["versions"]
        assert version["status"] == "published" and version["number"] == 1
        assert {"label": "合同金额", "kind": "amount", "count": 1} in version["fields"]
        assert {"outline": "第二条", "heading": "合同价款（可协商）", "negotiable": True} in (
            version["clauses"]
        )
    assert client.get("/api/v1/templates").status_code == 401


# --- what it saves, on the dashboard --------------------------------------------------------


def test_the_dashboard_sets_template_reviews_beside_the_others(
    app: Flask, bureau: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    from advisor.contracts import calendar as bureau_calendar
    from advisor.reports import dashboard
    from tests.factories import NOW, TODAY
    from tests.factories.contracts import submit_contract
    from tests.factories.reviews import issue_review, start_review

    version = published.versions[0]
    year = NOW.year
    board = dashboard.build(
        session, dashboard.Filters(year=year), TODAY, bureau_calendar.load(session), live=True
    )
    assert board.origins == []  # no contract started from a model yet: nothing counted
    others = board.by_origin(False)
    assert others.reviews == 0

    fill = services.record_fill(
        session,
        actor=school_user(session, 1),
        version=version,
        raw=VALUES,
        store=file_store(app),
        now=NOW,
    )
    contract = submit_contract(app, session, 1, origin=f"template_fill:{fill.id}")
    assert fill.contract_id == contract.id
    start_review(session, contract)
    issue_review(session, contract, "approve", findings=[])
    plain = submit_contract(app, session, 1)
    start_review(session, plain)
    issue_review(session, plain)  # three findings
    session.flush()

    board = dashboard.build(
        session, dashboard.Filters(year=year), TODAY, bureau_calendar.load(session), live=True
    )
    templated, other = board.by_origin(True), board.by_origin(False)
    assert (templated.reviews, templated.clean, templated.clean_rate) == (1, 1, 100.0)
    assert templated.median == 0  # issued the day it arrived
    assert other.reviews == board.issued - 1 and other.reviews >= 1
    assert other.clean < other.reviews
    # the cached form of the dashboard keeps them
    from advisor.reports import shared_figures

    assert shared_figures.load(shared_figures.dump(board)).origins == board.origins
    session.commit()
    page = tree(bureau.get(f"/?year={year}&fresh=1"))
    (row,) = page.xpath('//tr[@data-testid="origin-template"]')
    assert [" ".join(td.text_content().split()) for td in row.xpath("./td")] == ["1", "0", "100.0%"]


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_publishes_four_model_contracts_and_starts_contracts_from_them(
    app: Flask, session: orm.Session
) -> None:
    from advisor.demo.model_contracts import add_model_contracts
    from tests.factories import NOW

    assert add_model_contracts(session, file_store(app), NOW) == 5
    models = list(
        session.scalars(
            sa.select(ModelContract).where(ModelContract.id > 1).order_by(ModelContract.id)
        )
    )  # model contract 1 is the suite's own (tests/conftest.py)
    assert [m.title for m in models] == [
        "食堂食材采购合同（示范文本）",
        "校服采购合同（示范文本）",
        "校车服务合同（示范文本）",
        "保安服务合同（示范文本）",
    ]
    for model in models:
        assert model.published is not None
        labels = {f["label"] for f in model.published.fields}
        assert {
            "学校名称",
            "乙方名称",
            "合同金额",
            "合同金额大写",
        } <= labels  # 乙方名称 highlighted
        assert any(c["negotiable"] for c in model.published.clauses)
    fills = list(
        session.scalars(
            sa.select(TemplateFill).where(TemplateFill.id > 1).order_by(TemplateFill.id)
        )
    )
    assert len(fills) == 5 and all(f.contract_id for f in fills)
    assert fills[0].values["学校名称"] == "乌苏市第一中学"
    changed = []
    for fill in fills:
        contract = session.get_one(Contract, fill.contract_id)
        found = services.comparison(session, contract)
        assert found is not None
        changed.append([c.heading for c in found.fixed_changed])
    assert changed == [["违约责任"], [], ["违约责任"], [], []]
    assert add_model_contracts(session, file_store(app), NOW) == 0  # once only


def test_a_fixed_clause_left_out_is_a_hit_without_a_place_and_a_switched_off_rule_none(
    app: Flask, session: orm.Session, published: ModelContract
) -> None:
    from advisor.precheck import services as precheck
    from tests.factories import NOW
    from tests.factories.contracts import submit_contract

    fill = services.record_fill(
        session,
        actor=school_user(session, 1),
        version=published.versions[0],
        raw=VALUES,
        store=file_store(app),
        now=NOW,
    )
    contract = submit_contract(app, session, 1, origin=f"template_fill:{fill.id}")
    filled = text_of_docx(services.filled_document(file_store(app), fill)).splitlines()
    without = [line for line in filled if "质量标准" not in line and "检验合格证明" not in line]
    version = contract.versions[0]
    hits = services.template_hits(session, contract, version, ["\n".join(without)])
    assert [(h.params, h.page) for h in hits] == [
        ({"variant": "deleted", "clause": "第三条 质量标准"}, None)
    ]
    precheck.set_enabled(
        session,
        actor=bureau_user(session),
        rule="template_fixed_clause_changed",
        enabled=False,
        now=NOW,
    )
    stored = precheck.run_on_version(session, contract, version, ["\n".join(without)])
    assert "template_fixed_clause_changed" not in {h.rule for h in stored}


def test_the_submission_form_offers_the_model_contracts_and_the_open_fills(
    school1: FlaskClient, advisor1: FlaskClient
) -> None:
    # conftest: model contract 1 is published and WS001 filled it in (fill 1) without
    # submitting it
    page = tree(school1.get("/contracts/new"))
    (offer,) = page.xpath('//details[@data-testid="start-from"]')
    assert offer.xpath('.//a[@data-testid="open-fill"]/@href') == ["/contracts/new?fill=1"]
    assert "/templates/1/fill" in offer.xpath(".//a/@href")
    started = tree(school1.get("/contracts/new?fill=1"))
    assert started.xpath('//div[@data-testid="started-from"]')
    assert not started.xpath('//details[@data-testid="start-from"]')


def test_a_new_version_that_is_not_a_word_file_or_missing_changes_nothing(
    bureau: FlaskClient, session: orm.Session, published: ModelContract
) -> None:
    bureau.post("/language", data={"locale": "en"})
    base = f"/templates/{published.id}/versions"
    sent = bureau.post(
        base,
        data={"file": (io.BytesIO(make_pdf()), "v2.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "A model contract is uploaded as a Word document" in text_of(sent)
    empty = bureau.post(base, data={}, follow_redirects=True)
    assert "Choose the Word file of the model contract." in text_of(empty)
    session.expire_all()
    assert [v.number for v in published.versions] == [1]
