"""A list filter's ``<option>`` elements (advisor.forms.option_tags): written once per
process for the same choices and selection, and never stale when the choices change."""

from __future__ import annotations

from advisor.forms import option_tags


def test_the_options_mark_the_selection_and_escape_every_label() -> None:
    html = option_tags([(1, "S001 一中"), (2, "<二中>")], 2)
    assert html == (
        '<option value="1" >S001 一中</option><option value="2" selected>&lt;二中&gt;</option>'
    )


def test_the_same_choices_and_selection_are_written_once() -> None:
    choices = [(i, f"S{i:04d} 第{i}小学") for i in range(1, 2001)]
    first = option_tags(choices, None)
    assert option_tags(list(choices), None) is first  # kept: not escaped again
    assert option_tags(choices, 7) is not first
    assert 'value="7" selected' in option_tags(choices, 7)


def test_a_renamed_or_added_choice_is_written_anew() -> None:
    choices = [(1, "S001 一中"), (2, "S002 二中")]
    before = option_tags(choices, None)
    renamed = option_tags([(1, "S001 第一中学"), (2, "S002 二中")], None)
    added = option_tags([*choices, (3, "S003 三中")], None)
    assert "一中<" in before and "第一中学" in renamed and "三中" in added
    assert "第一中学" not in before and "三中" not in before
