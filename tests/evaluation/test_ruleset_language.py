"""The rule-set editor in the bureau's words (issue 20, item 8): no keys or English names to
type, only the settings of the chosen scoring method, 一票否决 off on a new item, and
computing a draft never stores a rule-set version."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm
from werkzeug.datastructures import MultiDict

from advisor.accounts import services as accounts
from advisor.errors import Conflict
from advisor.evaluation import services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.forms import methods_using
from advisor.evaluation.identifiers import complete, new_key
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.rulefile import to_json, validate
from tests.evaluation.rulesets import NAME, form_data, stored, versions
from tests.factories.people import token_headers


def _newest(session: orm.Session) -> RuleSetVersion:
    session.expire_all()
    return session.scalars(sa.select(RuleSetVersion).order_by(RuleSetVersion.id.desc())).first()


# --- identifiers and English labels as units --------------------------------------------


def test_missing_keys_and_english_labels_are_filled_in_deterministically() -> None:
    data = to_json(default_rule_set())
    block = data["blocks"][4]  # the bonus block
    block["items"].append({"label_zh": "调解纠纷", "label_en": ""})
    block["items"].append({"label_zh": "调解纠纷"})  # the same label again
    del data["veto_items"][0]["key"]
    data["grades"][0]["name_en"] = ""

    done = complete(data, previous=to_json(default_rule_set()))

    first, second = (i["key"] for i in done["blocks"][4]["items"][1:])
    assert first == new_key("items", "调解纠纷", ()) and re.fullmatch(r"item_[0-9a-f]{6}", first)
    assert second == f"{first}_2"
    assert done["blocks"][4]["items"][1]["label_en"] == "调解纠纷"
    # A part labelled as in the version edited keeps that version's key.
    assert done["veto_items"][0]["key"] == "sanction"
    assert done["grades"][0]["name_en"] == "优秀"
    # Given keys are kept, the input is not changed, and the same input gives the same keys.
    assert [b["key"] for b in done["blocks"]] == ["duty", "quality", "records", "conduct", "bonus"]
    assert "key" not in data["veto_items"][0]
    assert complete(data, previous=to_json(default_rule_set())) == done


def test_a_rule_set_without_keys_or_english_is_sound_once_completed() -> None:
    data = to_json(default_rule_set())
    for part in [*data["blocks"], *data["veto_items"], *data["calendar"]]:
        del part["key"], part["label_en"]
    for block in data["blocks"]:
        for item in block["items"]:
            del item["key"], item["label_en"]
    assert validate(complete(data)) == []


@pytest.mark.parametrize(
    ("field", "methods"),
    [
        ("rate", ["proportional"]),
        ("target_year", ["ratio_to_target"]),
        ("per_unit", ["per_unit", "deduction_per_unit"]),
        ("cap", ["per_unit"]),
        ("start", ["deduction_per_unit"]),
        ("bands", ["banded"]),
    ],
)
def test_each_setting_belongs_to_the_methods_that_read_it(field: str, methods: list[str]) -> None:
    assert methods_using(field) == methods


# --- the editing page --------------------------------------------------------------------


def _field_tag(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, name
    return match.group(0)


def _wrapper(page: str, name: str) -> str:
    """The opening tag of the part that holds the field ``name`` (its column)."""
    at = page.index(f'name="{name}"')
    return page[page.rindex("<div class=", 0, page.rindex('<div class="mb-3">', 0, at)) : at]


def test_the_form_asks_for_no_key_and_no_english_name(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    page = bureau_en.get(f"/evaluations/rules/{old.id}/edit").get_data(as_text=True)
    assert 'type="hidden" value="on_time"' in _field_tag(page, "blocks-0-items-0-key")
    assert ">Key<" not in page
    assert "English label (optional)" in page


def test_a_new_item_saved_without_key_or_english_gets_them(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    url = f"/evaluations/rules/{old.id}/edit"
    data = form_data(old.data, {"seen_version": "1", "action": "add-item-4"})
    added = bureau_en.post(url, data=data).get_data(as_text=True)
    assert 'value=""' in _field_tag(added, "blocks-4-items-1-key")
    assert "checked" not in _field_tag(added, "blocks-4-items-1-veto")  # 一票否决 off

    new = {
        "blocks-4-items-1-label_zh": "调解纠纷",
        "blocks-4-items-1-max_points": "5",
        "blocks-4-items-1-measure": "matters_handled",
        "blocks-4-items-1-method": "per_unit",
        "blocks-4-items-1-per_unit": "1",
        "blocks-4-items-1-cap": "5",
        "blocks-4-items-1-no_data": "not_applicable",
        "blocks-4-items-1-rate": "fraction",
        # Settings of other methods, and no-data points without the fixed rule: ignored.
        "blocks-4-items-1-start": "not a number",
        "blocks-4-items-1-bands": "nonsense",
        "blocks-4-items-1-no_data_points": "99",
        "seen_version": "1",
        "action": "save",
    }
    body = MultiDict(form_data(old.data))
    for name, value in new.items():
        body.setlist(name, [value])
    response = bureau_en.post(url, data=body)

    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    row = _newest(session)
    item = row.data["blocks"][4]["items"][1]
    assert item["key"] == new_key("items", "调解纠纷", ())
    assert item["label_en"] == "调解纠纷"
    assert item["params"] == {"per_unit": "1", "cap": "5"} and item["no_data_points"] is None
    # Saved parts keep their keys, so history and adjustments stay linked.
    keys = [i["key"] for b in row.data["blocks"] for i in b["items"]]
    assert keys[:7] == [i.key for _, i in default_rule_set().items()]
    page = bureau_en.get(response.location).get_data(as_text=True)
    assert "Saved “学校法律顾问考核细则” as version 2: 5 block(s), 8 item(s)" in page
    assert "3 veto item(s)" in page


def test_only_the_chosen_methods_settings_are_shown(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    page = bureau_en.get(f"/evaluations/rules/{old.id}/edit").get_data(as_text=True)
    # on_time is proportional: its rate is shown, counting settings are not.
    assert "hidden" not in _wrapper(page, "blocks-0-items-0-rate")
    for name in ("per_unit", "cap", "start", "bands", "target_year"):
        assert "hidden" in _wrapper(page, f"blocks-0-items-0-{name}"), name
    # lectures counts per unit: points per unit and at most, no rate.
    assert "hidden" not in _wrapper(page, "blocks-4-items-0-cap")
    assert "hidden" in _wrapper(page, "blocks-4-items-0-rate")
    # The points with no data only where that rule is a fixed score.
    assert "hidden" in _wrapper(page, "blocks-0-items-0-no_data_points")
    assert "hidden" not in _wrapper(page, "blocks-3-items-0-no_data_points")

    # Without JavaScript, a changed method's settings come with the next page.
    body = form_data(old.data, {"blocks-0-items-0-method": "banded", "action": "refresh"})
    again = bureau_en.post(f"/evaluations/rules/{old.id}/edit", data=body)
    assert again.status_code == 200
    shown = again.get_data(as_text=True)
    assert "hidden" not in _wrapper(shown, "blocks-0-items-0-bands")
    assert "hidden" in _wrapper(shown, "blocks-0-items-0-rate")
    assert versions(session) == [(NAME, 1)]


def test_a_ticked_veto_box_makes_the_item_a_veto_item(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    old = stored(session)
    url = f"/evaluations/rules/{old.id}/edit"
    body = form_data(old.data, {"blocks-3-items-0-veto": "y", "seen_version": "1"})
    body.setlist("action", ["save"])
    assert bureau_en.post(url, data=body).status_code == 302
    row = _newest(session)
    vetoes = [v["label_zh"] for v in row.data["veto_items"]]
    assert vetoes[0] == "工作纪律（每起有效投诉扣5分）" and len(vetoes) == 4
    assert re.fullmatch(r"veto_[0-9a-f]{6}", row.data["veto_items"][0]["key"])

    # Opened again, the box is ticked and the veto item is not listed a second time.
    page = bureau_en.get(f"/evaluations/rules/{row.id}/edit").get_data(as_text=True)
    assert "checked" in _field_tag(page, "blocks-3-items-0-veto")
    assert "checked" not in _field_tag(page, "blocks-0-items-0-veto")
    assert 'name="veto_items-3-label_zh"' not in page
    key = row.data["veto_items"][0]["key"]
    # Saved once more unchanged: the same rules, so nothing is stored.
    again = form_data(row.data, {"seen_version": "2", "action": "save"})
    assert bureau_en.post(f"/evaluations/rules/{row.id}/edit", data=again).status_code == 409
    assert _newest(session).data["veto_items"][0]["key"] == key


# --- computing a draft stores no rules ---------------------------------------------------


def _count(session: orm.Session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(RuleSetVersion)) or 0


def test_computing_a_draft_stores_no_rule_set_version(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    bureau = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau is not None
    before = _count(session)
    response = bureau_en.post("/evaluations", data={"period": "2025"})
    assert response.status_code == 302 and "/evaluations/" in response.location
    assert _count(session) == before
    authored = sa.select(RuleSetVersion).where(RuleSetVersion.created_by_id == bureau.id)
    assert session.scalars(authored).all() == []


@pytest.mark.usefixtures("no_rules")
def test_with_no_rules_stored_computing_refuses_and_stores_nothing(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    bureau = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau is not None
    with pytest.raises(Conflict):
        services.run_evaluation(
            session,
            actor=bureau,
            period_text="2025",
            today=date(2026, 1, 10),
            now=datetime(2026, 1, 10, 2, tzinfo=UTC),
        )
    page = bureau_en.post("/evaluations", data={"period": "2025"}, follow_redirects=True)
    assert "No evaluation rules are saved yet" in page.get_data(as_text=True)
    assert _count(session) == 0


# --- the API -------------------------------------------------------------------------------


def test_the_api_takes_rules_without_keys_or_english_and_keeps_given_keys(
    session: orm.Session, client: FlaskClient
) -> None:
    old = stored(session)
    headers = token_headers(session, "bureau@demo.local")
    body = to_json(default_rule_set())
    body["blocks"][4]["max_points"] = "15"
    body["blocks"][4]["items"].append(
        {
            "label_zh": "调解纠纷",
            "max_points": "5",
            "measure": "matters_handled",
            "method": "per_unit",
            "params": {"per_unit": "1", "cap": "5"},
            "no_data": "not_applicable",
        }
    )
    del body["veto_items"][1]["key"], body["veto_items"][1]["label_en"]

    response = client.post("/api/v1/rulesets", json=body, headers=headers)

    assert response.status_code == 201, response.json
    rules = response.json["rules"]
    added = rules["blocks"][4]["items"][1]
    assert added["key"] == new_key("items", "调解纠纷", ()) and added["label_en"] == "调解纠纷"
    assert rules["veto_items"][1]["key"] == "secrets"  # as in version 1, by its label
    assert rules["veto_items"][1]["label_en"] == rules["veto_items"][1]["label_zh"]
    assert [b["key"] for b in rules["blocks"]] == [b["key"] for b in old.data["blocks"]]


@pytest.mark.usefixtures("no_rules")
def test_the_api_refuses_to_compute_without_rules_and_stores_none(
    session: orm.Session, client: FlaskClient
) -> None:
    headers = token_headers(session, "bureau@demo.local")
    response = client.post("/api/v1/evaluations", json={"period": "2025"}, headers=headers)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert _count(session) == 0
