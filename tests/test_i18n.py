"""Chinese by default, English on request, remembered per user; every UI string translated."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import flask_babel
import pytest
from babel import support
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import orm
from wtforms import StringField
from wtforms.validators import DataRequired

from advisor import i18n
from advisor.accounts import services as accounts
from advisor.forms import AppForm
from advisor.i18n import fmt_date
from config import PROJECT_ROOT
from tests.conftest import login


def test_chinese_is_the_default(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<h1 class="h4 mb-3">登录</h1>' in page
    assert 'lang="zh-CN"' in page


def test_accept_language_is_the_first_guess(client: FlaskClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(
        as_text=True
    )
    assert "Sign in" in page and "登录</h1>" not in page


def test_the_choice_is_remembered_on_the_account(app: Flask, session: orm.Session) -> None:
    first = login(app.test_client(), "advisor05@demo.local")
    first.post("/language", data={"locale": "en", "next": "/account"})
    user = accounts.get_user_by_email(session, "advisor05@demo.local")
    assert user is not None and user.locale == "en"
    second = login(app.test_client(), "advisor05@demo.local")
    page = second.get("/account", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "My account" in page


def test_unknown_language_is_ignored(client: FlaskClient) -> None:
    client.post("/language", data={"locale": "fr"})
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_dates_read_naturally_in_each_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert fmt_date(date(2025, 10, 14)) == "2025年10月14日"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert fmt_date(date(2025, 10, 14)) == "14 Oct 2025"


def test_every_ui_string_has_a_chinese_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    assert len(wanted) > 200, "extraction found too few strings"
    po = PROJECT_ROOT / "advisor/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - translated)
    assert missing == [], f"untranslated (run make extract-messages and translate): {missing}"


def test_wtforms_messages_follow_the_language_and_are_read_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Named(AppForm):
        name = StringField(validators=[DataRequired()])

    loads: list[object] = []
    load = support.Translations.load

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(args)
        return load(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counted)
    i18n._wtforms_catalog.cache_clear()
    said = []
    for language in ("zh", "en", "zh", "en"):
        with app.test_request_context("/", method="POST", headers={"Accept-Language": language}):
            form = Named(meta={"csrf": False})
            assert not form.validate()
            said.append(form.name.errors)
    assert said == [["该字段是必填字段。"], ["This field is required."]] * 2
    assert len(loads) == 2  # one catalog per language, not one per request (Flask-WTF's)


def test_the_catalogue_kept_for_a_request_follows_a_forced_language(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request keeps its catalogue after the first message; a reminder or a workbook
    # written in another language inside it (force_locale) must not get the kept one,
    # nor the request the forced one afterwards.
    found: list[str] = []
    find = flask_babel.Domain.get_translations

    def counted(self: flask_babel.Domain) -> Any:
        found.append(str(flask_babel.get_locale()))
        return find(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        said = [flask_babel.gettext("Home"), render_template_string("{{ _('Home') }}")]
        with flask_babel.force_locale("en"):
            said += [flask_babel.gettext("Home"), render_template_string("{{ _('Home') }}")]
        said.append(flask_babel.gettext("Home"))
        flask_babel.refresh()
        said.append(str(flask_babel.lazy_gettext("Home")))
    assert said == ["首页", "首页", "Home", "Home", "首页", "首页"]
    assert found == ["zh", "en", "zh", "zh"]  # once per language, not once per message


def test_template_messages_escape_what_they_are_given(app: Flask) -> None:
    # The templates' own gettext (one call per message) keeps Jinja's new-style rules: the
    # message is safe, the values put into it are escaped, and %% stays a percent sign.
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        page = render_template_string(
            "{{ _('Home') }}|{{ _('%(who)s at 100%%', who=who) }}|"
            "{{ ngettext('%(num)d file', '%(num)d files', 2) }}|{{ gettext('Home') }}",
            who="<script>",
        )
    assert page == "首页|&lt;script&gt; at 100%|2 files|首页"
