"""The menu: each account's own links, rendered once per process (issue 19, item 3)."""

from __future__ import annotations

from flask import Flask, template_rendered
from sqlalchemy import orm

from advisor.menu import Menus
from tests.conftest import login
from tests.factories.people import advisor_user, school_user


def test_the_menu_is_rendered_once_for_each_kind_of_account(
    app: Flask, session: orm.Session
) -> None:
    app.extensions["main_menus"] = Menus()  # empty, whatever earlier tests rendered
    first, second = advisor_user(session, 1), advisor_user(session, 2)
    school = school_user(session, 1)
    rendered: list[str] = []

    def note(_: Flask, template: object, context: object, **extra: object) -> None:
        rendered.append(getattr(template, "name", ""))

    with template_rendered.connected_to(note, app):
        advisor_one = login(app.test_client(), first.email)
        pages = [advisor_one.get(path).get_data(as_text=True) for path in ("/", "/ledger")]
        assert rendered.count("_nav.html") == 1
        assert all(f'href="/advisors/{first.advisor_id}">我的资料<' in page for page in pages)
        other = login(app.test_client(), second.email).get("/").get_data(as_text=True)
        assert f'href="/advisors/{second.advisor_id}">' in other
        assert f'href="/advisors/{first.advisor_id}">我的资料<' not in other
        ours = login(app.test_client(), school.email).get("/").get_data(as_text=True)
        assert f'href="/schools/{school.school_id}">本校<' in ours and "工作台账" not in ours
        bureau = login(app.test_client(), "bureau@demo.local").get("/").get_data(as_text=True)
        assert 'data-testid="settings-menu"' in bureau
        assert 'data-testid="settings-menu"' not in ours
        advisor_one.post("/language", data={"locale": "en"})
        english = advisor_one.get("/").get_data(as_text=True)
        assert f'href="/advisors/{first.advisor_id}">My profile<' in english
        assert rendered.count("_nav.html") == 5
