"""The rule-set form: every part of a rule set as fields, to and from the JSON form.

The form checks nothing itself: what is typed goes into the JSON form as it is (an empty
field is left out, so that it is reported as required) and rulefile.validate judges it.
Its problems come back by path ("blocks[1].items[0].max_points") and are put next to the
field that path names.

The bureau types only what it means: keys are hidden fields that carry a saved part's key
through an edit and are generated for a new part (identifiers.complete), an English label
may stay empty, and only the settings of an item's chosen method (and the points with no
data when that rule is "a fixed score") are read; the others are neither judged nor
saved. An item's 一票否决 box makes it a veto item too (a veto item with its labels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from advisor.evaluation.editing import MAX_ROWS
from advisor.evaluation.labels import (
    FIELD_LABELS,
    GRADE_PRESETS,
    MEASURE_LABELS,
    METHOD_LABELS,
    NO_DATA_LABELS,
    PERIOD_LABELS,
    RATE_LABELS,
)
from advisor.evaluation.problems import steps
from advisor.evaluation.rules import METHOD_PARAMS, PERIODS
from advisor.forms import AppForm, AppSubform

NUMBER_PARAMS = ("per_unit", "cap", "start")
# The item's fields that hold each method setting.
SETTING_FIELDS = {
    "rate": ("rate",),
    "target": ("target_year", "target_quarter"),
    "per_unit": ("per_unit",),
    "cap": ("cap",),
    "start": ("start",),
    "bands": ("bands",),
}


def methods_using(field: str) -> list[str]:
    """The scoring methods that read the item's field ``field``: the page shows the field
    only for them."""
    return [
        method
        for method, (needed, optional) in METHOD_PARAMS.items()
        if any(field in SETTING_FIELDS[p] for p in needed + optional)
    ]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(name: str, **kwargs: Any) -> StringField:
    return StringField(FIELD_LABELS[name], filters=[_strip], **kwargs)


def _english(name: str = "label_en") -> StringField:
    label = _l("English name (optional)") if name == "name_en" else _l("English label (optional)")
    return StringField(label, filters=[_strip])


def _key() -> HiddenField:
    # Never typed: kept through an edit, generated for a new part when saved.
    return HiddenField(filters=[_strip])


def _select(name: str, labels: Mapping[str, Any], default: str) -> SelectField:
    # Any value is taken as typed: rulefile.validate names an unknown one.
    return SelectField(
        FIELD_LABELS[name], choices=list(labels.items()), default=default, validate_choice=False
    )


class ItemForm(AppSubform):
    key = _key()
    label_zh = _text("label_zh")
    label_en = _english()
    max_points = _text("max_points")
    measure = _select("measure", MEASURE_LABELS, "on_time_rate")
    method = _select("method", METHOD_LABELS, "proportional")
    rate = _select("rate", RATE_LABELS, "fraction")
    target_year = _text("target_year")
    target_quarter = _text("target_quarter")
    per_unit = _text("per_unit")
    cap = _text("cap")
    start = _text("start")
    bands = TextAreaField(FIELD_LABELS["bands"], render_kw={"rows": 3, "placeholder": "0.9:25"})
    no_data = _select("no_data", NO_DATA_LABELS, "not_applicable")
    no_data_points = _text("no_data_points")
    manual = BooleanField(FIELD_LABELS["manual"])
    veto = BooleanField(_l("Veto"), default=False)


class BlockForm(AppSubform):
    key = _key()
    label_zh = _text("label_zh")
    label_en = _english()
    max_points = _text("max_points")
    is_bonus = BooleanField(FIELD_LABELS["is_bonus"])
    items = FieldList(FormField(ItemForm), max_entries=MAX_ROWS["items"])


class GradeForm(AppSubform):
    name_zh = _text("name_zh")
    name_en = _english("name_en")
    min_total = _text("min_total")


class VetoForm(AppSubform):
    key = _key()
    label_zh = _text("label_zh")
    label_en = _english()


class EventForm(AppSubform):
    key = _key()
    label_zh = _text("label_zh")
    label_en = _english()
    when = _text("when", render_kw={"placeholder": "period_end-10d"})


class RuleSetForm(AppForm):
    name = _text("name")
    total_cap = _text("total_cap")
    bonus_cap = _text("bonus_cap")
    periods = SelectMultipleField(
        FIELD_LABELS["periods"],
        choices=list(PERIOD_LABELS.items()),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    blocks = FieldList(FormField(BlockForm), max_entries=MAX_ROWS["blocks"])
    grades = FieldList(FormField(GradeForm), max_entries=MAX_ROWS["grades"])
    veto_items = FieldList(FormField(VetoForm), max_entries=MAX_ROWS["veto_items"])
    calendar = FieldList(FormField(EventForm), max_entries=MAX_ROWS["calendar"])
    grade_names = SelectField(
        _l("Grade names"),
        choices=[(k, " / ".join(g[0] for g in grades)) for k, grades in GRADE_PRESETS.items()],
        validate_choice=False,
    )
    # The newest version of this rule set when the form was opened: a newer one at saving
    # means someone else saved meanwhile.
    seen_version = HiddenField()

    def seen(self) -> int:
        raw = self.seen_version.data or ""
        return int(raw) if raw.isdigit() else 0


# --- JSON form -> form values -------------------------------------------------------------


def _typed_english(part: Mapping[str, Any], zh: str = "label_zh", en: str = "label_en") -> Any:
    """The English label as typed: empty where it was left to be the Chinese one."""
    return "" if part.get(en) == part.get(zh) else part.get(en)


def _item_values(item: Mapping[str, Any], vetoes: set[str]) -> dict[str, Any]:
    params = item.get("params") or {}
    target = params.get("target")
    targets = target if isinstance(target, dict) else dict.fromkeys(PERIODS, target)
    bands = params.get("bands") or []
    return {
        **{k: item.get(k) for k in ("key", "label_zh", "max_points", "measure")},
        "label_en": _typed_english(item),
        "method": item.get("method"),
        "rate": params.get("rate", "fraction"),
        "target_year": targets.get("year") or "",
        "target_quarter": targets.get("quarter") or "",
        **{name: params.get(name) or "" for name in NUMBER_PARAMS},
        "bands": "\n".join(f"{b[0]}:{b[1]}" for b in bands if isinstance(b, list) and len(b) == 2),
        "no_data": item.get("no_data", "not_applicable"),
        "no_data_points": item.get("no_data_points") or "",
        "manual": bool(item.get("manual")),
        "veto": item.get("label_zh") in vetoes,
    }


def _labelled(part: Mapping[str, Any]) -> dict[str, Any]:
    return {**part, "label_en": _typed_english(part)}


def form_values(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for a stored rule set (its JSON form). A veto item labelled as an
    item is shown as that item's 一票否决 box rather than in the list of veto items."""
    block_fields = ("key", "label_zh", "max_points", "is_bonus")
    labels = {i.get("label_zh") for b in rules.get("blocks", []) for i in b.get("items", [])}
    vetoes = {v.get("label_zh") for v in rules.get("veto_items", [])} & labels
    return {
        "name": rules.get("name", ""),
        "total_cap": rules.get("total_cap", "100"),
        "bonus_cap": rules.get("bonus_cap", "0"),
        "periods": list(rules.get("periods", [])),
        "blocks": [
            {
                **{k: b.get(k) for k in block_fields},
                "label_en": _typed_english(b),
                "items": [_item_values(i, vetoes) for i in b.get("items", [])],
            }
            for b in rules.get("blocks", [])
        ],
        "grades": [
            {**g, "name_en": _typed_english(g, "name_zh", "name_en")}
            for g in rules.get("grades", [])
        ],
        "veto_items": [
            _labelled(v) for v in rules.get("veto_items", []) if v.get("label_zh") not in vetoes
        ],
        "calendar": [_labelled(e) for e in rules.get("calendar", [])],
        "grade_names": next(
            (
                k
                for k, preset in GRADE_PRESETS.items()
                if [g[0] for g in preset] == [g.get("name_zh") for g in rules.get("grades", [])]
            ),
            None,
        ),
    }


# --- form -> JSON form ----------------------------------------------------------------------


def _filled(form: Form, *names: str) -> dict[str, Any]:
    """The named text fields that hold something."""
    return {name: form[name].data for name in names if form[name].data}


def _band(line: str) -> list[str]:
    """ "0.9:25" -> ["0.9", "25"]; a line without one colon stays whole, and is reported."""
    parts = [p.strip() for p in line.replace("：", ":").split(":")]
    return parts if len(parts) == 2 else [line.strip()]


def _params(item: ItemForm) -> dict[str, Any]:
    method = item.method.data or ""
    needed, optional = METHOD_PARAMS.get(method, ((), ()))
    params: dict[str, Any] = {}
    for name in needed + optional:
        if name == "rate":
            params["rate"] = item.rate.data or "fraction"
        elif name == "target":
            target = {p: item[f"target_{p}"].data for p in PERIODS if item[f"target_{p}"].data}
            if target:
                params["target"] = target
        elif name == "bands":
            lines = [line for line in (item.bands.data or "").splitlines() if line.strip()]
            if lines:
                params["bands"] = [_band(line) for line in lines]
        elif item[name].data:
            params[name] = item[name].data
    return params


def _item_json(item: ItemForm) -> dict[str, Any]:
    fixed = item.no_data.data == "fixed"  # the points with no data count only then
    return {
        **_filled(item, "key", "label_zh", "label_en", "max_points"),
        "measure": item.measure.data,
        "method": item.method.data,
        "params": _params(item),
        "no_data": item.no_data.data,
        **(_filled(item, "no_data_points") if fixed else {}),
        "manual": bool(item.manual.data),
    }


def _vetoes(form: RuleSetForm) -> list[dict[str, Any]]:
    """The veto items: those of the items whose 一票否决 box is ticked, then the others."""
    items = [
        {"label_zh": i.form.label_zh.data, **_filled(i.form, "label_en")}
        for b in form.blocks
        for i in b.form["items"]
        if i.form.veto.data and i.form.label_zh.data
    ]
    rows = [_filled(v.form, "key", "label_zh", "label_en") for v in form.veto_items]
    return items + rows


def rules_json(form: RuleSetForm) -> dict[str, Any]:
    """The JSON form of what was typed, for rulefile.validate to judge."""
    return {
        **_filled(form, "name", "total_cap", "bonus_cap"),
        "periods": list(form.periods.data or []),
        "blocks": [
            {
                **_filled(b.form, "key", "label_zh", "label_en", "max_points"),
                "is_bonus": bool(b.form.is_bonus.data),
                "items": [_item_json(i.form) for i in b.form["items"]],
            }
            for b in form.blocks
        ],
        "grades": [_filled(g.form, "name_zh", "name_en", "min_total") for g in form.grades],
        "veto_items": _vetoes(form),
        "calendar": [_filled(e.form, "key", "label_zh", "label_en", "when") for e in form.calendar],
    }


# --- the add and remove buttons -------------------------------------------------------------

_NEW_ITEM = {"measure": "on_time_rate", "method": "proportional", "rate": "fraction"}
_ROWS = {"grade": "grades", "veto": "veto_items", "event": "calendar"}


def change_rows(values: dict[str, Any], action: str) -> bool:
    """Apply an add or remove button ("add-item-1", "remove-grade-3", ...) to the form's
    values; False when ``action`` is no such button or names no row."""
    verb, _, rest = action.partition("-")
    what, _, where = rest.partition("-")
    at = [int(n) for n in where.split("-") if n.isdigit()] if where else []
    blocks = values["blocks"]
    rows: list[dict[str, Any]]
    new: dict[str, Any]
    if what == "block":
        rows, limit, new = blocks, MAX_ROWS["blocks"], {"items": [dict(_NEW_ITEM)]}
    elif what == "item" and at and at[0] < len(blocks):
        rows, limit, new = blocks[at[0]]["items"], MAX_ROWS["items"], dict(_NEW_ITEM)
        at = at[1:]
    elif what in _ROWS:
        rows, limit, new = values[_ROWS[what]], MAX_ROWS[_ROWS[what]], {}
    else:
        return False
    if verb == "add" and not at and len(rows) < limit:
        rows.append(new)
        return True
    if verb == "remove" and len(at) == 1 and at[0] < len(rows):
        del rows[at[0]]
        return True
    return False


def apply_preset(values: dict[str, Any], preset: str) -> bool:
    """Name the grades in one of the bureau's vocabularies, keeping the typed floors."""
    if preset not in GRADE_PRESETS:
        return False
    grades = values["grades"]
    for n, (name_zh, name_en, floor) in enumerate(GRADE_PRESETS[preset]):
        if n == len(grades):
            grades.append({"min_total": floor})
        grades[n] = {**grades[n], "name_zh": name_zh, "name_en": name_en}
    return True


# --- problems next to their fields ----------------------------------------------------------


def field_at(form: RuleSetForm, path: str) -> Field | None:
    """The field a problem's path names: a text field, a select, or a list for a problem
    with the list itself; None for a place the form has no field for."""
    trail = steps(path)
    if "params" in trail:  # the method's settings are fields of the item
        at = trail.index("params")
        name, rest = (trail[at + 1 :] or ["method"])[0], trail[at + 2 :]
        if name == "target":
            name = f"target_{rest[0]}" if rest and rest[0] in PERIODS else "target_year"
        elif name not in ("rate", "bands", *NUMBER_PARAMS):
            name = "method"
        trail = [*trail[:at], str(name)]
    node: Form | Field = form
    for step in trail:
        if isinstance(node, FieldList):
            if not isinstance(step, int) or step >= len(node.entries):
                return None
            node = node.entries[step].form
        elif isinstance(node, Form) and isinstance(step, str) and step in node:
            node = node[step]
        elif not isinstance(step, int):  # an index inside a value: the field itself
            return None
    return node if isinstance(node, Field) else None
