"""Directory pages: what each role sees on lists and detail pages, and lists without N+1 queries."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.directory.models import Assignment
from tests.conftest import QueryCounter


def test_school_list_is_scoped(
    school1: FlaskClient, advisor1: FlaskClient, bureau: FlaskClient
) -> None:
    assert "乌苏市第一中学" in school1.get("/schools").get_data(as_text=True)
    assert "乌苏市第二中学" not in school1.get("/schools").get_data(as_text=True)
    advisor_page = advisor1.get("/schools").get_data(as_text=True)
    assert "乌苏市第一中学" in advisor_page and "乌苏市第二中学" not in advisor_page
    assert "60" in bureau.get("/schools").get_data(as_text=True)


def test_school_page_shows_advisors_and_history(bureau: FlaskClient, session: orm.Session) -> None:
    response = bureau.post(
        "/schools/1/assign", data={"kind": "primary", "advisor_id": "7", "starts_on": "2026-03-02"}
    )
    assert response.status_code == 302
    page = bureau.get("/schools/1").get_data(as_text=True)
    primary = page[page.index('data-testid="primary"') :]
    assert primary.index("/advisors/7") < primary.index("</dd>")
    history = page[page.index('data-testid="history"') :]
    assert "2025年1月1日" in history and "2026年3月1日" in history and "2026年3月2日" in history
    rows = session.query(Assignment).filter_by(school_id=1, kind="primary").count()
    assert rows == 2


def test_assign_form_errors_are_shown(bureau: FlaskClient) -> None:
    response = bureau.post(
        "/schools/1/assign",
        data={"kind": "primary", "advisor_id": "1", "starts_on": "2099-01-01"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "指派的起始日期不能晚于今天。" in page and "请填写今天或更早的日期。" in page


def test_new_school_form_keeps_values_and_names_the_field(bureau: FlaskClient) -> None:
    response = bureau.post(
        "/schools/new", data={"code": "WS001", "name": "新学校", "level": "primary"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="新学校"' in page
    assert "is-invalid" in page


def test_school_list_query_count_does_not_grow_with_the_page(
    bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    bureau.get("/schools?per_page=5")
    small = count_queries.count
    count_queries.statements.clear()
    bureau.get("/schools?per_page=60")
    assert count_queries.count == small
    assert small <= 8


def test_advisor_list_query_count_does_not_grow_with_the_page(
    bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    bureau.get("/advisors?per_page=5")
    small = count_queries.count
    count_queries.statements.clear()
    bureau.get("/advisors?per_page=35")
    assert count_queries.count == small


def test_advisor_page_for_a_school_shows_only_that_school(school1: FlaskClient) -> None:
    page = school1.get("/advisors/1").get_data(as_text=True)
    served = page[page.index('data-testid="served"') :]
    assert "乌苏市第一中学" in served and "WS036" not in served and "乌苏市第七中学" not in served


def test_advisor_page_title_is_just_the_name(advisor1: FlaskClient) -> None:
    page = advisor1.get("/advisors/1").get_data(as_text=True)
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.startswith("张伟 ·") and "<" not in title
    assert page.count('id="availability"') == 1
