"""The dashboard's markup rendered once per counted figures and language (issue 19, item 3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, template_rendered
from sqlalchemy import orm

from advisor.reports.recent_pages import RecentPages
from tests.conftest import login
from tests.factories.contracts import submit_contract

CONTENT = "home/_dashboard.html"


@contextmanager
def renders(app: Flask) -> Iterator[list[str]]:
    """The names of the templates ``app`` renders inside the block."""
    names: list[str] = []

    def note(_: Flask, template: Any, context: Any, **extra: Any) -> None:
        names.append(template.name)

    with template_rendered.connected_to(note, app):
        yield names


def without_tokens(page: str) -> str:
    """``page`` without its CSRF tokens, which carry the second they were signed in."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def submitted(page: str) -> str:
    found = re.search(r'data-testid="kf-submitted">([^<]+)<', page)
    assert found is not None, page[:300]
    return found.group(1)


def test_the_same_figures_are_rendered_once_per_language_and_filters(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    app = make_app(dashboard_cache_seconds=60)
    client = login(app.test_client(), "bureau@demo.local")
    with renders(app) as rendered:
        first = client.get("/").get_data(as_text=True)
        again = client.get("/").get_data(as_text=True)
        assert rendered.count(CONTENT) == 1 and rendered.count("home/bureau.html") == 2
        # The kept markup is the dashboard's content: the page around it, with its
        # CSRF tokens (signed with the current second), is rendered for each request.
        assert without_tokens(again) == without_tokens(first)
        assert 'data-testid="workload-table"' in again
        # Other filters, an ignored filter's message, another language: rendered anew.
        assert "乌苏市" in client.get("/?district=乌苏市").get_data(as_text=True)
        problem = client.get("/?year=1800").get_data(as_text=True)
        assert 'data-testid="filter-problem"' in problem
        assert 'data-testid="filter-problem"' not in client.get("/").get_data(as_text=True)
        client.post("/language", data={"locale": "en"})
        english = client.get("/").get_data(as_text=True)
        assert "Overdue contracts" in english and "逾期合同" not in english
        assert rendered.count(CONTENT) == 4


def test_figures_counted_again_are_never_shown_with_the_old_markup(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    # The markup is kept with the figures it shows: once they are counted again (here
    # or by another worker sharing them through Redis), the kept markup is not shown.
    app = make_app(dashboard_cache_seconds=60)
    client = login(app.test_client(), "bureau@demo.local")
    before = submitted(client.get("/").get_data(as_text=True))
    submit_contract(app, session, 3, title="看板缓存测试合同")
    session.commit()
    assert submitted(client.get("/").get_data(as_text=True)) == before  # figures kept
    after = submitted(client.get("/?fresh=1").get_data(as_text=True))
    assert int(after) == int(before) + 1
    assert submitted(client.get("/").get_data(as_text=True)) == after


def test_the_store_of_recent_pages() -> None:
    made: list[str] = []

    def render(text: str) -> Callable[[], str]:
        def draw() -> str:
            made.append(text)
            return f"<p>{text}</p>"

        return draw

    store = RecentPages(60, size=2)
    first = store.get(("zh", 1), render("一"))
    assert store.get(("zh", 1), render("again")) == first == "<p>一</p>" and made == ["一"]
    assert store.get(("en", 1), render("one")) == "<p>one</p>"
    store.get(("zh", 2), render("二"))  # a third: the least recently used goes
    assert store.get(("zh", 1), render("一")) == "<p>一</p>" and made == ["一", "one", "二", "一"]
    never = RecentPages(0)
    never.get(("zh", 1), render("零"))
    never.get(("zh", 1), render("零"))
    assert made[-2:] == ["零", "零"]
