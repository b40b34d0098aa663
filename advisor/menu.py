"""The signed-in user's menu (templates/_nav.html), rendered once per role, own advisor
or school, language and script root by each process rather than on every page (issue
19, item 3): two dozen links and labels that only the code and its catalogs make."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from cachetools import LRUCache
from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup


class Menus:
    """Rendered menus by what they are made of, the least recently used dropped first.
    Made only of the code's routes and catalogs, a menu never goes stale; the lock lets
    a worker's request threads share it (never held while rendering)."""

    def __init__(self, size: int = 512) -> None:
        self._kept: LRUCache[Hashable, Markup] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        with self._lock:
            kept: Markup | None = self._kept.get(key)
        if kept is None:
            kept = Markup(render())  # nosec B704: rendered by Jinja with autoescape
            with self._lock:
                self._kept[key] = kept
        return kept


def main_menu() -> Markup:
    """The menu of the signed-in user: its links depend on the role and, for "my
    profile" and "my school", on the account's advisor or school."""
    key = (
        current_user.role,
        current_user.advisor_id,
        current_user.school_id,
        str(get_locale()),
        request.script_root,
    )
    menus: Menus = current_app.extensions["main_menus"]
    return menus.get(key, lambda: render_template("_nav.html"))


def init_menu(app: Flask) -> None:
    app.extensions["main_menus"] = Menus()
    app.jinja_env.globals["main_menu"] = main_menu
