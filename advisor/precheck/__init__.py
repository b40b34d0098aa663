"""The automatic pre-check (智能预审): explainable rules run over a contract's extracted text,
each hit pointing at an excerpt for the advisor to accept into the review or dismiss."""

from __future__ import annotations

from advisor.precheck.base import Context, Hit, Rule
from advisor.precheck.engine import RULES, message, run

__all__ = ["RULES", "Context", "Hit", "Rule", "message", "run"]
