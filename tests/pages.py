"""Reading pages in tests: a message as the Chinese pages show it, a response's text."""

from __future__ import annotations

import html
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext


def zh(app: Flask, message: str, **params: Any) -> str:
    """``message`` as the Chinese pages show it."""
    with app.test_request_context(), force_locale("zh"):
        return str(gettext(message, **params))


def text_of(response: Any) -> str:
    """The response's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))
