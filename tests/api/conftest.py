"""Fixtures of the API tests: every answer is checked against the served OpenAPI."""

from __future__ import annotations

from tests.api.answers_as_documented import _answers_as_documented

__all__ = ["_answers_as_documented"]
