"""The favicon (issue 20, item 10): every page links the icon under static/, so a browser's
first load asks for no /favicon.ico that is not there, and the icon is served offline."""

from __future__ import annotations

import re

from flask import Flask

from advisor.errors import FALLBACK_PAGE
from config import PROJECT_ROOT
from tests.conftest import login

ICON = re.compile(r'<link rel="icon" href="(?P<href>[^"]+)" type="image/svg\+xml">')


def test_every_page_links_the_icon_and_it_is_served(app: Flask) -> None:
    client = app.test_client()
    pages = [client.get("/login")]
    pages.append(login(app.test_client(), "bureau@demo.local").get("/"))
    pages.append(client.get("/no-such-page"))
    for page in pages:
        found = ICON.search(page.get_data(as_text=True))
        assert found is not None, page.request.path
        assert found["href"].startswith("/static/")
    icon = client.get(found["href"])
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.data == (PROJECT_ROOT / "static" / "favicon.svg").read_bytes()
    assert icon.data.startswith(b"<svg") and b'viewBox="0 0 32 32"' in icon.data


def test_the_page_shown_when_no_page_can_be_rendered_links_it_too() -> None:
    found = ICON.search(FALLBACK_PAGE)
    assert found is not None and found["href"] == "/static/favicon.svg"
