"""Request bodies read through their models: each refusal names the field by its place
and says what is wrong in the API's own words, never pydantic's."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from advisor.api import requests
from advisor.api.fields import Body, read
from advisor.errors import ValidationError


def refused(app: Flask, model: type[Body], data: Any) -> dict[str, str]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError) as caught:
            read(model, data)
        return {name: str(message) for name, message in caught.value.fields.items()}


def test_places_are_joined_like_the_services_name_them(app: Flask) -> None:
    body = {
        "findings": [{"dimension": "legality", "problem": 42}, "第八条", {"id": 0}],
        "minutes_spent": "90",
    }
    assert refused(app, requests.ReviewBody, body) == {
        "findings-0-problem": "Text.",
        "findings-1": "Each finding is an object.",
        "findings-2-id": "The id of a finding, or null for a new one.",
        "minutes_spent": "A whole number of minutes.",
    }


def test_text_is_cleaned_then_limited(app: Flask) -> None:
    with app.test_request_context():
        entry = read(requests.EntryBody, {"date": "2026-11-10", "description": "a\u202eb\r\nc"})
    assert entry.description == "ab\nc"
    too_long = {"date": "2026-11-10", "audience": "x" * 201}
    assert refused(app, requests.EntryBody, too_long) == {"audience": "At most 200 characters."}


def test_a_date_is_text_in_iso_form(app: Flask) -> None:
    for value in ("2026-13-01", 20261110, None):
        assert refused(app, requests.EntryBody, {"date": value}) == {
            "date": "A date as YYYY-MM-DD."
        }


def test_points_are_a_number_or_text_and_name_one_field(app: Flask) -> None:
    assert refused(app, requests.AnswerBody, {"answer": "好", "points": [1]}) == {
        "points": "Not a valid value."
    }
    body = {"advisor_id": 1, "item": "a", "points": {"x": 1}, "reason": "r"}
    assert refused(app, requests.AdjustBody, body) == {"item": "An item key of the rule set."}


def test_the_upload_fields_use_the_contract_forms_rules(app: Flask) -> None:
    fields = {"title": " ", "amount": "1.234", "start_date": "2025-10-01", "end_date": "2025-09-01"}
    assert refused(app, requests.ContractUpload, fields) == {
        "title": "Enter the contract's title.",
        "counterparty": "Enter the other party of the contract.",
        "contract_type": "Choose a contract type from the list.",
        "amount": "At most two decimals (fen).",
        "end_date": "The end date is before the start date.",
    }
