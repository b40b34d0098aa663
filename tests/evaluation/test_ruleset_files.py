"""Rule sets as files: export as pretty UTF-8 JSON, import as the next version, and hostile
files refused with a clear message and nothing saved."""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.evaluation import editing
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.rulefile import from_json, to_json
from tests.evaluation.rulesets import (
    NAME,
    stored,
    versions,
)

# These read an installation before any rule set is stored.
pytestmark = pytest.mark.usefixtures("no_rules")


def test_export_then_import_gives_the_same_rules_as_a_new_version(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    first = stored(session)
    exported = bureau_en.get(f"/evaluations/rules/{first.id}/export.json")
    assert exported.status_code == 200
    assert exported.mimetype == "application/json"
    disposition = exported.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(NAME + '-v1.json', safe='')}" in disposition
    body = exported.get_data()
    assert NAME.encode() in body  # Chinese as it is, not \\u escapes
    assert body.startswith(b'{\n  "name"')
    assert json.loads(body) == first.data

    # The same rules as the newest version: nothing to import.
    same = bureau_en.post("/evaluations/rules/import", data={"file": (_file(body), "v1.json")})
    assert same.status_code == 409 and "Nothing changed" in same.get_data(as_text=True)
    assert versions(session) == [(NAME, 1)]

    changed = to_json(default_rule_set())
    changed["total_cap"], changed["blocks"][0]["max_points"] = "90", "30"
    changed["blocks"][0]["items"][0]["max_points"] = "15"
    bureau_user = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau_user is not None
    editing.save_rule_set(session, actor=bureau_user, data=changed, seen_version=1)
    session.commit()

    response = bureau_en.post("/evaluations/rules/import", data={"file": (_file(body), "v1.json")})
    assert response.status_code == 302
    assert versions(session) == [(NAME, 1), (NAME, 2), (NAME, 3)]
    third = session.scalars(sa.select(RuleSetVersion).where(RuleSetVersion.version == 3)).one()
    assert from_json(third.data) == replace(from_json(first.data), version=3)
    assert response.location.endswith(f"/evaluations/rules/{third.id}")


def _file(data: bytes) -> Any:
    return io.BytesIO(data)


def _default_bytes(**changes: Any) -> bytes:
    data = to_json(default_rule_set())
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def _missing_fields() -> bytes:
    data = to_json(default_rule_set())
    del data["grades"], data["blocks"][0]["items"][0]["measure"]
    return json.dumps(data).encode()


def _too_precise() -> bytes:
    data = to_json(default_rule_set())
    data["blocks"][0]["items"][0]["max_points"] = "1e999999999"
    return json.dumps(data).encode()


def _too_many_rows() -> bytes:
    data = to_json(default_rule_set())
    data["veto_items"] = [
        {"key": f"veto_{n}", "label_zh": "否决", "label_en": "Veto"} for n in range(21)
    ]
    return json.dumps(data).encode()


HOSTILE = [
    pytest.param(b"{not json", 400, ["not valid JSON", "line 1, column 2"], id="not-json"),
    pytest.param(
        '{"name": "学校法律顾问考核细则"}'.encode("gbk"), 400, ["not UTF-8"], id="not-utf8"
    ),
    pytest.param(_default_bytes(padding=" " * 300_000), 413, ["larger than 256 KB"], id="too-big"),
    pytest.param(b"[]", 400, ["one rule set, a JSON object"], id="array"),
    pytest.param(b'"rules"', 400, ["one rule set, a JSON object"], id="string"),
    pytest.param(b"", 422, ["The file is empty"], id="empty"),
    pytest.param(b"[" * 100_000, 400, ["not valid JSON"], id="deep-nesting"),
    pytest.param(b"1" * 5000, 400, ["not valid JSON"], id="huge-integer"),
    pytest.param(
        _missing_fields(),
        422,
        ["<code>grades</code>", "<code>blocks[0].items[0].measure</code>", "Required."],
        id="missing-fields",
    ),
    pytest.param(
        _too_precise(),
        422,
        ["Block 1 › Item 1 › Maximum points", "Too large"],
        id="huge-number",
    ),
    pytest.param(
        _too_many_rows(), 422, ["Veto items", "<code>veto_items</code>", "At most 20."], id="rows"
    ),
    pytest.param(
        _default_bytes(periods=["decade"], padding="x"),
        422,
        ["Unknown period “decade”", "Unknown field “padding”", "<code>periods[0]</code>"],
        id="wrong-values",
    ),
]


@pytest.mark.parametrize(("content", "status", "messages"), HOSTILE)
def test_a_hostile_file_is_refused_clearly_and_saves_nothing(
    session: orm.Session,
    bureau_en: FlaskClient,
    content: bytes,
    status: int,
    messages: list[str],
) -> None:

    stored(session)
    response = bureau_en.post(
        "/evaluations/rules/import", data={"file": (_file(content), "rules.json")}
    )
    assert response.status_code == status
    page = html.unescape(response.get_data(as_text=True))
    error = re.search(r'data-testid="import-error">.*?</div>', page, re.S)
    assert error is not None
    for message in messages:
        assert message in error.group(0)
    assert "Nothing was saved" in error.group(0)
    assert versions(session) == [(NAME, 1)]


def test_importing_without_a_file_says_so(session: orm.Session, bureau_en: FlaskClient) -> None:
    response = bureau_en.post("/evaluations/rules/import", data={})
    assert response.status_code == 422
    assert "Choose a .json file to import." in response.get_data(as_text=True)
    assert versions(session) == []
