"""Pages of the model contracts: the bureau's library, schools filling a template."""

from __future__ import annotations

from flask import Blueprint

from advisor.model_contracts import models  # noqa: F401  (the tables, for the migrations)

bp = Blueprint("model_contracts", __name__)
