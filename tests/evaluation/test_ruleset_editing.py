"""The bureau's rule-set pages: an edit stores the next version and never changes a stored
one; problems are shown at their fields with nothing saved; a stale or repeated save is
refused with what was typed kept; export and import as a file, hostile files included."""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm
from werkzeug.datastructures import MultiDict

from advisor.accounts import services as accounts
from advisor.evaluation import editing, services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.forms import RuleSetForm, field_at, form_values, rules_json
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.problems import problem_text, where
from advisor.evaluation.rulefile import from_json, to_json, validate

NAME = "学校法律顾问考核细则"


@pytest.fixture()
def bureau_en(bureau: FlaskClient) -> FlaskClient:
    """The bureau's client reading English, so that the messages are the msgids."""
    bureau.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return bureau


def stored(session: orm.Session) -> RuleSetVersion:
    """The default rules stored as version 1, committed so that requests see them."""
    row = services.ensure_default_rule_set(session)
    session.commit()
    return row


def versions(session: orm.Session) -> list[tuple[str, int]]:
    session.expire_all()
    rows = session.scalars(sa.select(RuleSetVersion).order_by(RuleSetVersion.id))
    return [(r.name, r.version) for r in rows]


def raw_data(session: orm.Session, row_id: int) -> str:
    """The stored JSON text of a version, as the database holds it."""
    query = sa.text("SELECT CAST(data AS TEXT) FROM rule_set_version WHERE id = :id")
    return str(session.execute(query, {"id": row_id}).scalar_one())


def form_data(rules: dict[str, Any], changes: dict[str, str] | None = None) -> MultiDict[str, str]:
    """What a browser posts for the edit form filled with ``rules``, then ``changes``."""
    data: MultiDict[str, str] = MultiDict()

    def put(name: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{name}-{key}" if name else key, inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                put(f"{name}-{i}", inner) if isinstance(inner, dict) else data.add(name, inner)
        elif value is True:
            data.add(name, "y")
        elif value not in (False, None):
            data.add(name, str(value))

    put("", form_values(rules))
    for name, value in (changes or {}).items():
        data.setlist(name, [value])
    return data


def field_html(page: str, name: str) -> str:
    """The input, select or textarea named ``name``, and the error messages after it."""
    match = re.search(
        rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>.*?</div>', page, re.S
    )
    assert match, f"no field {name}"
    return html.unescape(match.group(0))


def text_of(match: re.Match[str] | None) -> str:
    """The text of an HTML fragment, tags left out, spaces collapsed."""
    assert match is not None
    inline = re.sub(r"</?(a|code|strong|span)\b[^>]*>", "", match.group(0))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_an_edit_stores_the_next_version_and_the_old_one_is_unchanged(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    before = raw_data(session, old.id)
    page = bureau_en.get(f"/evaluations/rules/{old.id}/edit").get_data(as_text=True)
    assert 'name="seen_version" type="hidden" value="1"' in page

    changes = {
        "blocks-0-items-0-max_points": "20",
        "blocks-0-items-1-max_points": "20",
        "blocks-0-items-1-target_year": "10",
        "blocks-0-items-0-label_zh": "按时出具审查意见（修订）",
        "seen_version": "1",
        "action": "save",
    }
    response = bureau_en.post(
        f"/evaluations/rules/{old.id}/edit", data=form_data(old.data, changes)
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert versions(session) == [(NAME, 1), (NAME, 2)]
    new = session.scalars(sa.select(RuleSetVersion).where(RuleSetVersion.version == 2)).one()
    assert response.location.endswith(f"/evaluations/rules/{new.id}")
    bureau_user = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau_user is not None and new.created_by_id == bureau_user.id
    rules = from_json(new.data)
    duty = rules.blocks[0]
    assert [i.max_points for i in duty.items] == [20, 20]
    assert duty.items[0].label_zh == "按时出具审查意见（修订）"
    assert duty.items[1].params["target"] == {"year": 10, "quarter": 3}
    assert rules.version == new.data["version"] == 2
    # Everything not touched is as it was.
    assert rules.blocks[1:] == default_rule_set().blocks[1:]
    assert rules.grades == default_rule_set().grades
    # The stored version 1 is byte for byte what it was.
    assert raw_data(session, old.id) == before
    assert from_json(old.data) == default_rule_set()

    listing = bureau_en.get("/evaluations/rules").get_data(as_text=True)
    rows = dict(re.findall(r'data-testid="rule-set-(\d+)">(.*?)</tr>', listing, re.S))
    assert list(rows) == [str(new.id), str(old.id)]  # the newest first
    assert 'data-testid="current"' in rows[str(new.id)]
    assert "乌苏市教科局法规科" in rows[str(new.id)]
    assert 'data-testid="current"' not in rows[str(old.id)]
    assert services.get_current_rule_set(session) == new


def test_the_first_save_from_the_built_in_default_is_version_1(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    assert versions(session) == []
    data = form_data(to_json(default_rule_set()), {"seen_version": "0", "action": "save"})
    response = bureau_en.post("/evaluations/rules/new", data=data)
    assert response.status_code == 302
    assert versions(session) == [(NAME, 1)]
    row = session.scalars(sa.select(RuleSetVersion)).one()
    assert from_json(row.data) == default_rule_set()


def test_problems_are_shown_at_their_fields_and_nothing_is_saved(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    changes = {
        "blocks-0-items-0-max_points": "-5",
        "blocks-1-key": "Service Quality",
        "blocks-2-items-0-max_points": "5",
        "blocks-2-items-1-label_en": "",
        "blocks-2-items-1-bands": "0.5:5",
        "blocks-0-items-1-target_quarter": "",
        "grades-2-min_total": "80",
        "calendar-0-when": "soon",
        "seen_version": "1",
        "action": "save",
    }
    response = bureau_en.post(
        f"/evaluations/rules/{old.id}/edit", data=form_data(old.data, changes)
    )

    assert response.status_code == 422
    assert versions(session) == [(NAME, 1)]
    page = response.get_data(as_text=True)
    summary = text_of(re.search(r'data-testid="form-problems".*?</div>', page, re.S))
    assert "Nothing was saved" in summary
    assert "Block 1 › Item 1 › Maximum points: Must not be negative." in summary
    assert '<a href="#blocks-0-items-0-max_points">Block 1 › Item 1 › Maximum points</a>' in page
    assert "Block 3 › Maximum points: The items add up to 15, not 20." in summary
    assert "Grade 3 › From a total of: Must be below the grade above (75)." in summary

    points = field_html(page, "blocks-0-items-0-max_points")
    assert 'value="-5"' in points and "is-invalid" in points
    assert "Must not be negative." in points
    key = field_html(page, "blocks-1-key")
    assert 'value="Service Quality"' in key and "Use lower-case letters" in key
    assert "Required." in field_html(page, "blocks-2-items-1-label_en")
    assert "Give the target for a quarter." in field_html(page, "blocks-0-items-1-target_quarter")
    assert "Must be below the grade above (75)." in field_html(page, "grades-2-min_total")
    when = field_html(page, "calendar-0-when")
    assert 'value="soon"' in when and "period_end-10d" in when
    # A setting of another method is not judged, nor saved: ledger_timely is proportional.
    assert "is-invalid" not in field_html(page, "blocks-2-items-1-bands")
    # The form still starts from version 1 and still knows of version 1 only.
    assert 'name="seen_version" type="hidden" value="1"' in page


def test_a_stale_edit_is_refused_and_what_was_typed_is_kept(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    opened = form_data(old.data, {"seen_version": "1", "action": "save"})
    # Meanwhile someone else saves version 2.
    other = to_json(default_rule_set())
    other["bonus_cap"] = "5"
    bureau_user = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau_user is not None
    editing.save_rule_set(session, actor=bureau_user, data=other, seen_version=1)
    session.commit()

    mine = opened.copy()
    mine.setlist("blocks-0-label_zh", ["履职情况（我的修改）"])
    response = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=mine)

    assert response.status_code == 409
    assert versions(session) == [(NAME, 1), (NAME, 2)]
    page = html.unescape(response.get_data(as_text=True))
    assert f"Someone else saved version 2 of “{NAME}” while you were editing." in page
    assert "Your changes are kept below" in page
    assert 'value="履职情况（我的修改）"' in page
    assert 'name="seen_version" type="hidden" value="2"' in page

    # Saving again, knowing of version 2, is a deliberate choice: it stores version 3.
    mine.setlist("seen_version", ["2"])
    again = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=mine)
    assert again.status_code == 302
    assert versions(session) == [(NAME, 1), (NAME, 2), (NAME, 3)]
    third = session.scalars(sa.select(RuleSetVersion).where(RuleSetVersion.version == 3)).one()
    assert third.data["blocks"][0]["label_zh"] == "履职情况（我的修改）"
    assert third.data["bonus_cap"] == "10"  # what this editor saw and kept


def test_saving_the_same_rules_twice_stores_one_version(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    data = form_data(old.data, {"blocks-4-max_points": "8", "seen_version": "1", "action": "save"})
    data.setlist("blocks-4-items-0-cap", ["8"])
    data.setlist("blocks-4-items-0-max_points", ["8"])
    first = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=data)
    second = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=data)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Nothing changed: these rules are the same as version 2." in second.get_data(
        as_text=True
    )
    assert versions(session) == [(NAME, 1), (NAME, 2)]
    # The same rules written differently are the same (40.00 is 40).
    same = data.copy()
    same.setlist("blocks-0-max_points", ["40.00"])
    again = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=same)
    assert again.status_code == 409 and "Nothing changed" in again.get_data(as_text=True)
    assert versions(session) == [(NAME, 1), (NAME, 2)]


def test_rows_are_added_and_removed_by_buttons_without_saving(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    url = f"/evaluations/rules/{old.id}/edit"
    base = form_data(old.data, {"seen_version": "1"})

    def press(action: str, data: MultiDict[str, str] = base) -> str:
        pressed = data.copy()
        pressed.setlist("action", [action])
        response = bureau_en.post(url, data=pressed)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    added = press("add-item-0")
    assert 'name="blocks-0-items-2-key"' in added and 'name="blocks-0-items-3-key"' not in added
    assert 'name="blocks-0-items-2-method"' in added

    removed = press("remove-item-0-0")
    assert 'name="blocks-0-items-0-key" type="text" value="matters"' in removed
    assert 'name="blocks-0-items-1-key"' not in removed

    without_block = press("remove-block-1")
    assert 'name="blocks-1-key" type="text" value="records"' in without_block
    assert 'name="blocks-4-key"' not in without_block
    assert 'name="blocks-5-key"' in press("add-block")

    assert 'name="veto_items-3-key"' in press("add-veto")
    assert 'name="veto_items-2-key"' not in press("remove-veto-0")
    assert 'name="calendar-2-when"' in press("add-event")
    assert 'name="grades-4-name_zh"' in press("add-grade")
    assert 'name="grades-3-name_zh"' not in press("remove-grade-0")

    competent = base.copy()
    competent.setlist("grade_names", ["competent"])
    competent.setlist("grades-1-min_total", ["70"])
    named = press("preset", competent)
    assert 'name="grades-1-name_zh" type="text" value="称职"' in named
    assert 'name="grades-3-name_en" type="text" value="Not competent"' in named
    assert 'name="grades-1-min_total" type="text" value="70"' in named  # floors kept

    # Typed values survive a button, and nothing was saved along the way.
    typed = base.copy()
    typed.setlist("blocks-0-label_en", ["Duty (typed)"])
    assert 'value="Duty (typed)"' in press("add-block", typed)
    assert press("remove-item-9-9") and press("remove-grade-99") and press("nonsense")
    assert versions(session) == [(NAME, 1)]


def test_a_version_reads_in_words(session: orm.Session, bureau_en: FlaskClient) -> None:
    row = stored(session)
    page = html.unescape(bureau_en.get(f"/evaluations/rules/{row.id}").get_data(as_text=True))
    item = re.search(r'data-testid="item-on_time">.*?</tr>', page, re.S)
    assert item is not None
    assert "On-time review rate" in item.group(0)
    assert "Proportional</strong>: Maximum points × the rate" in item.group(0)
    assert "Not applicable: the other items are rescaled" in item.group(0)
    assert "12 a year; 3 a quarter" in page
    assert "Starts at 10; 5 points off per unit, not below 0" in page
    assert "2 points per unit, at most 10" in page
    assert "A fixed score of 10" in page
    assert "10 day(s) before the period ends" in page
    assert "基本合格" in page and "泄露国家秘密" in page
    assert 'data-testid="current"' in page


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
    import io

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


def test_only_the_bureau_edits_the_rules(
    session: orm.Session, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    row = stored(session)
    data = form_data(copy.deepcopy(row.data), {"bonus_cap": "5", "seen_version": "1"})
    for client in (advisor1, school1):
        assert client.post(f"/evaluations/rules/{row.id}/edit", data=data).status_code == 403
        upload = {"file": (_file(_default_bytes(bonus_cap="5")), "rules.json")}
        assert client.post("/evaluations/rules/import", data=upload).status_code == 403
        assert client.get(f"/evaluations/rules/{row.id}/export.json").status_code == 403
    assert versions(session) == [(NAME, 1)]


def test_the_evaluation_page_names_the_current_rules(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    before = bureau_en.get("/evaluations").get_data(as_text=True)
    assert "Current evaluation rules: the built-in default." in before
    stored(session)
    page = bureau_en.get("/evaluations").get_data(as_text=True)
    assert f"Current evaluation rules: {NAME}, version 1." in page
    assert 'href="/evaluations/rules"' in page
    assert 'href="/evaluations/rules"' in bureau_en.get("/ledger").get_data(as_text=True)


# --- the form and the problems without the database ----------------------------------------


def _banded() -> dict[str, Any]:
    data = to_json(default_rule_set())
    item = data["blocks"][0]["items"][0]
    item["method"], item["params"] = "banded", {"bands": [["0.5", "10"], ["0.9", "25"]]}
    data["blocks"][0]["items"][1]["params"] = {"target": "4"}  # one target for every period
    return data


def test_the_form_holds_every_part_of_a_rule_set(app: Flask) -> None:
    """Filled from a stored rule set and read back, the form gives the same rules."""

    def through_form(data: dict[str, Any]) -> dict[str, Any]:
        with app.test_request_context():
            return rules_json(RuleSetForm(formdata=None, data=form_values(data)))

    default = through_form(to_json(default_rule_set()))
    assert from_json({**default, "version": 1}) == default_rule_set()
    banded = through_form(_banded())
    items = banded["blocks"][0]["items"]
    assert items[0]["params"] == {"bands": [["0.5", "10"], ["0.9", "25"]]}
    # One target for every period comes back as that target for each period.
    assert items[1]["params"] == {"target": {"year": "4", "quarter": "4"}}
    assert validate({**banded, "version": 1}) == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("name", "name"),
        ("periods[1]", "periods"),
        ("blocks", "blocks"),
        ("blocks[1].items", "blocks-1-items"),
        ("blocks[0].items[1].params.target.quarter", "blocks-0-items-1-target_quarter"),
        ("blocks[0].items[1].params.target", "blocks-0-items-1-target_year"),
        ("blocks[0].items[0].params.bands[1][0]", "blocks-0-items-0-bands"),
        ("blocks[0].items[0].params.rate", "blocks-0-items-0-rate"),
        ("blocks[4].items[0].params.cap", "blocks-4-items-0-cap"),
        ("blocks[0].items[0].params.speed", "blocks-0-items-0-method"),
        ("blocks[0].items[0].params", "blocks-0-items-0-method"),
        ("blocks[3].items[0].no_data_points", "blocks-3-items-0-no_data_points"),
        ("grades[3].min_total", "grades-3-min_total"),
        ("calendar[1].when", "calendar-1-when"),
        ("blocks[9].key", None),
        ("blocks[0]", None),
        ("blocks[0].nonsense", None),
        ("version", None),
        ("", None),
    ],
)
def test_a_problem_finds_its_field(app: Flask, path: str, name: str | None) -> None:
    with app.test_request_context():
        form = RuleSetForm(formdata=None, data=form_values(to_json(default_rule_set())))
        found = field_at(form, path)
    assert (found.name if found else None) == name


def test_problems_read_in_words(app: Flask) -> None:
    data = to_json(default_rule_set())
    data["blocks"][1]["items"][0]["key"] = "on_time"
    data["blocks"][0]["items"][0]["manual"] = True
    data["blocks"][0]["items"][0]["params"] = {"bands": [["0.5", "1"]]}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        texts = {p.path: problem_text(p) for p in validate(data)}
        assert where("blocks[1].items[0].max_points") == "Block 2 › Item 1 › Maximum points"
        assert where("blocks[0].items[0].params.bands[1][0]") == "Block 1 › Item 1 › Bands, line 2"
        assert (
            where("blocks[0].items[1].params.target.year") == "Block 1 › Item 2 › Target per year"
        )
        assert where("periods[3]") == "Periods" and where("") == "The whole rule set"
    assert texts == {
        "blocks[1].items[0].key": "“on_time” is used twice; also at Block 1 › Item 1 › Key.",
        "blocks[0].items[0].manual": (
            "On-time review rate is computed: untick “Entered by the bureau”."
        ),
        "blocks[0].items[0].params.bands": "The method “Proportional” does not use Bands"
        " (threshold:points, one per line).",
    }
