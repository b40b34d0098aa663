"""The directory blueprint: every view requires a signed-in user."""

from __future__ import annotations

from flask import Blueprint

from advisor.auth import protect

bp = Blueprint("directory", __name__)
protect(bp)
