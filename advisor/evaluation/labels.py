"""Display labels of the evaluation rules: measures, scoring methods, periods, the no-data
rule, the names of a rule set's fields, the grade vocabularies, and rules told in words."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.evaluation.rulefile import parse_when
from advisor.evaluation.rules import Item, Param

MEASURE_LABELS = {
    "reviews_issued": _l("Reviews issued"),
    "on_time_rate": _l("On-time review rate"),
    "overdue_reviews": _l("Overdue reviews"),
    "matters_handled": _l("Matters handled"),
    "lectures_given": _l("Lectures given"),
    "average_rating": _l("Average satisfaction rating (1–5)"),
    "ratings_count": _l("Number of satisfaction ratings"),
    "months_with_entries_rate": _l("Share of months with ledger entries"),
    "timely_entries_rate": _l("Share of ledger entries recorded within 7 days"),
    "redone_reviews": _l("Reviews that had to be redone"),
    "spot_check": _l("Spot check (entered by the bureau)"),
    "discipline": _l("Discipline (entered by the bureau)"),
    "valid_complaints": _l("Valid complaints (entered by the bureau)"),
    "commendations": _l("Commendations (entered by the bureau)"),
    "veto": _l("Veto (entered by the bureau)"),
}

METHOD_LABELS = {
    "proportional": _l("Proportional"),
    "ratio_to_target": _l("Against a target"),
    "per_unit": _l("Counted per unit"),
    "deduction_per_unit": _l("Deduction per unit"),
    "banded": _l("By bands"),
    "manual": _l("Entered by the bureau"),
}

PERIOD_LABELS = {"year": _l("Year"), "quarter": _l("Quarter")}

NO_DATA_LABELS = {
    "not_applicable": _l("Not applicable: the other items are rescaled"),
    "fixed": _l("A fixed score"),
}

TARGET_PER = {"year": _l("%(number)s a year"), "quarter": _l("%(number)s a quarter")}

RATE_LABELS = {
    "fraction": _l("A rate from 0 to 1"),
    "rating_1_5": _l("A 1–5 rating: an average of 5 scores full marks, 1 nothing"),
}

# The fields of a rule set as people call them: form labels and the places problems name.
FIELD_LABELS = {
    "name": _l("Name of the rule set"),
    "version": _l("Version"),
    "total_cap": _l("Total cap"),
    "bonus_cap": _l("Bonus cap"),
    "periods": _l("Periods"),
    "blocks": _l("Blocks"),
    "key": _l("Key"),
    "label_zh": _l("Chinese label"),
    "label_en": _l("English label"),
    "max_points": _l("Maximum points"),
    "is_bonus": _l("Bonus block"),
    "items": _l("Items"),
    "measure": _l("Measure"),
    "method": _l("Scoring method"),
    "params": _l("Method settings"),
    "rate": _l("Rate"),
    "target": _l("Target"),
    "target_year": _l("Target per year"),
    "target_quarter": _l("Target per quarter"),
    "per_unit": _l("Points per unit"),
    "cap": _l("At most"),
    "start": _l("Starting points"),
    "bands": _l("Bands (threshold:points, one per line)"),
    "no_data": _l("With no data"),
    "no_data_points": _l("Points with no data"),
    "manual": _l("Entered by the bureau"),
    "grades": _l("Grades"),
    "name_zh": _l("Chinese name"),
    "name_en": _l("English name"),
    "min_total": _l("From a total of"),
    "veto_items": _l("Veto items"),
    "calendar": _l("Calendar"),
    "when": _l("When"),
}

# The bureau names its grades in one of two vocabularies (DOMAIN.md), high to low, with
# the usual floors; Chinese documents use the Chinese names whatever the interface.
GRADE_PRESETS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "qualified": (
        ("优秀", "Excellent", "90"),
        ("合格", "Qualified", "75"),
        ("基本合格", "Basically qualified", "60"),
        ("不合格", "Unqualified", "0"),
    ),
    "competent": (
        ("优秀", "Excellent", "90"),
        ("称职", "Competent", "75"),
        ("基本称职", "Basically competent", "60"),
        ("不称职", "Not competent", "0"),
    ),
}


def number_text(value: Param | None) -> str:
    """A number as people write it: 12, 12.5, 0.75."""
    if not isinstance(value, Decimal | int):
        return str(value)
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def listed(parts: list[str]) -> str:
    """Items of a list joined as the language joins them ("; " / "；"), as wording.py does."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = str(_("%(first)s; %(then)s", first=text, then=part))
    return text


def describe_method(item: Item) -> str:
    """How the item is scored, in words a bureau official reads aloud with its settings
    (wording.py's style: no formulas, no "× (rating − 1) ÷ 4")."""
    p = item.params
    if item.method == "proportional":
        if p.get("rate") == "rating_1_5":
            return str(
                _(
                    "An average satisfaction rating of 5 scores full marks, 1 nothing, and "
                    "in between in proportion"
                )
            )
        return str(
            _("A full rate scores full marks, a rate of 0 nothing, and in between in proportion")
        )
    if item.method == "ratio_to_target":
        target = p.get("target")
        if isinstance(target, dict):
            goals = listed(
                [
                    str(TARGET_PER[k]) % {"number": number_text(v)}
                    for k, v in target.items()
                    if k in TARGET_PER
                ]
            )
        else:
            goals = _("%(number)s per period", number=number_text(target))
        return str(
            _(
                "Reaching the target scores full marks, less in proportion to the share "
                "reached; target: %(goals)s",
                goals=goals,
            )
        )
    if item.method == "per_unit":
        return str(
            _(
                "%(per_unit)s points per unit, at most %(cap)s",
                per_unit=number_text(p.get("per_unit")),
                cap=number_text(p.get("cap")),
            )
        )
    if item.method == "deduction_per_unit":
        return str(
            _(
                "Starts at %(start)s; %(per_unit)s points off per unit, not below 0",
                start=number_text(p.get("start", item.max_points)),
                per_unit=number_text(p.get("per_unit")),
            )
        )
    if item.method == "banded":
        bands = p.get("bands")
        steps = [
            _(
                "from %(threshold)s: %(points)s",
                threshold=number_text(b[0]),
                points=number_text(b[1]),
            )
            for b in (bands if isinstance(bands, list) else [])
            if isinstance(b, list) and len(b) == 2
        ]
        return str(_("By bands: %(bands)s", bands=listed([str(step) for step in steps])))
    return str(_("Entered by the bureau, from 0 to the maximum points"))


def describe_no_data(item: Item) -> str:
    if item.no_data == "fixed":
        return str(_("A fixed score of %(points)s", points=number_text(item.no_data_points)))
    return str(NO_DATA_LABELS["not_applicable"])


def describe_when(when: str) -> str:
    """``period_end-10d`` as "10 day(s) before the period ends"."""
    anchor, days = parse_when(when)
    if anchor == "end":
        if days < 0:
            return str(_("%(days)d day(s) before the period ends", days=-days))
        if days > 0:
            return str(_("%(days)d day(s) after the period ends", days=days))
        return str(_("The day the period ends"))
    if days < 0:
        return str(_("%(days)d day(s) before the period starts", days=-days))
    if days > 0:
        return str(_("%(days)d day(s) after the period starts", days=days))
    return str(_("The day the period starts"))
