"""The bureau's rule-set pages: an edit stores the next version and never changes a stored
one; problems are shown at their fields with nothing saved; a stale or repeated save is
refused with what was typed kept; rows are added and removed without JavaScript."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm
from werkzeug.datastructures import MultiDict

from advisor.accounts import services as accounts
from advisor.evaluation import editing, services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.rulefile import from_json, to_json
from tests.conftest import QueryCounter
from tests.evaluation.rulesets import (
    NAME,
    field_html,
    form_data,
    raw_data,
    stored,
    text_of,
    versions,
)

# These read an installation before any rule set is stored.
pytestmark = pytest.mark.usefixtures("no_rules")


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
    assert duty.items[1].params["target"] == {"year": 10, "quarter": 12}
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
        "blocks-2-items-1-label_zh": "",
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
    # A key is never typed; a posted one that is not a key is still refused, by name.
    assert "Block 2 › Key: Use lower-case letters" in summary
    assert "Required." in field_html(page, "blocks-2-items-1-label_zh")
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
    assert 'name="blocks-0-items-0-key" type="hidden" value="matters"' in removed
    assert 'name="blocks-0-items-1-key"' not in removed

    without_block = press("remove-block-1")
    assert 'name="blocks-1-key" type="hidden" value="records"' in without_block
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
    assert (
        "Proportional</strong>: A full rate scores full marks, a rate of 0 nothing, and in "
        "between in proportion" in item.group(0)
    )
    assert "Not applicable: the other items are rescaled" in item.group(0)
    assert "48 a year; 12 a quarter" in page
    assert "Starts at 10; 5 points off per unit, not below 0" in page
    assert "2 points per unit, at most 10" in page
    assert "A fixed score of 10" in page
    assert "10 day(s) before the period ends" in page
    assert "基本合格" in page and "泄露国家秘密" in page
    assert 'data-testid="current"' in page


def test_a_version_describes_its_methods_in_words_not_formulas(
    session: orm.Session, bureau: FlaskClient
) -> None:
    row = stored(session)
    page = html.unescape(bureau.get(f"/evaluations/rules/{row.id}").get_data(as_text=True))
    rating = re.search(r'data-testid="item-rating">.*?</tr>', page, re.S)
    assert rating is not None
    assert "按比例</strong>: 平均满意度 5 分得满分，1 分得 0 分，之间按比例" in rating.group(0)
    assert "比率为 100% 得满分，为 0 得 0 分，之间按比例" in page
    assert "完成目标得满分，未完成的按完成比例得分；目标：每年度 48；每季度 12" in page
    bureau.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = html.unescape(bureau.get(f"/evaluations/rules/{row.id}").get_data(as_text=True))
    assert (
        "An average satisfaction rating of 5 scores full marks, 1 nothing, and in between "
        "in proportion" in english
    )
    assert "Reaching the target scores full marks, less in proportion to the share reached" in (
        english
    )
    for text in (page, english):
        table = re.search(r"<table.*?</table>", text, re.S)
        assert table is not None
        words = re.sub(r"<[^>]+>", "", table.group(0))
        assert not re.search(r"[×÷=]|\d\s*[-+*/]\s*\d", words), words


def test_the_evaluation_page_names_the_current_rules(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    before = bureau_en.get("/evaluations").get_data(as_text=True)
    assert "No evaluation rules are saved yet: save them before computing" in before
    stored(session)
    page = bureau_en.get("/evaluations").get_data(as_text=True)
    assert f"Current evaluation rules: {NAME}, version 1." in page
    assert 'href="/evaluations/rules"' in page
    assert 'href="/evaluations/rules"' in bureau_en.get("/ledger").get_data(as_text=True)


def test_only_the_bureau_edits_the_rules(
    session: orm.Session, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    row = stored(session)
    data = form_data(row.data, {"bonus_cap": "5", "seen_version": "1"})
    for client in (advisor1, school1):
        assert client.post(f"/evaluations/rules/{row.id}/edit", data=data).status_code == 403
        changed = json.dumps({**row.data, "bonus_cap": "5"}).encode()
        upload = {"file": (io.BytesIO(changed), "rules.json")}
        assert client.post("/evaluations/rules/import", data=upload).status_code == 403
        assert client.get(f"/evaluations/rules/{row.id}/export.json").status_code == 403
    assert versions(session) == [(NAME, 1)]


def test_the_list_of_versions_takes_the_same_queries_however_long(
    session: orm.Session, bureau_en: FlaskClient, count_queries: QueryCounter
) -> None:
    row = stored(session)
    bureau_en.get("/evaluations/rules")  # the signed-in user is loaded the same way each time
    before = count_queries.count
    assert bureau_en.get("/evaluations/rules").status_code == 200
    for_one = count_queries.count - before
    bureau_user = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau_user is not None
    for cap in ("1", "2", "3", "4", "5"):
        data = {**row.data, "bonus_cap": cap}
        editing.save_rule_set(session, actor=bureau_user, data=data, seen_version=None)
    session.commit()
    before = count_queries.count
    page = bureau_en.get("/evaluations/rules").get_data(as_text=True)
    assert page.count('data-testid="rule-set-') == 6
    assert count_queries.count - before == for_one


def test_an_over_long_label_is_shown_at_its_field_and_nothing_is_saved(
    session: orm.Session, bureau_en: FlaskClient
) -> None:
    """The form's own length limits apply before the rule file's checks (issue 15,
    item 9): a label of 30,000 characters was accepted."""
    old = stored(session)
    changes = {
        "blocks-0-items-0-label_en": "L" * 5000,
        "seen_version": "1",
        "action": "save",
    }
    response = bureau_en.post(
        f"/evaluations/rules/{old.id}/edit", data=form_data(old.data, changes)
    )
    assert response.status_code == 422
    assert versions(session) == [(NAME, 1)]
    label = field_html(response.get_data(as_text=True), "blocks-0-items-0-label_en")
    assert "is-invalid" in label and "200" in label
