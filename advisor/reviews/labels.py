"""Display labels of review outcomes, dimensions, severities, adoption (DOMAIN.md's terms) and
the words of a school's 1–5 satisfaction rating, a single one or an average."""

from __future__ import annotations

from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from advisor.reviews.models import Adoption, Dimension, Outcome, Severity

OUTCOME_LABELS = {
    Outcome.APPROVE: _l("Approve signing"),
    Outcome.APPROVE_WITH_CHANGES: _l("Sign after changes"),
    Outcome.REJECT: _l("Do not sign"),
    Outcome.RETURN: _l("Return for changes"),
}

# The outcomes an opinion can have: the review form's choice when issuing one.
OPINION_LABELS = {key: label for key, label in OUTCOME_LABELS.items() if key != Outcome.RETURN}

# The letter is a Chinese legal document whatever the reader's interface language.
OUTCOME_CHINESE: dict[str, str] = {
    Outcome.APPROVE: "同意签订",
    Outcome.APPROVE_WITH_CHANGES: "修改后签订",
    Outcome.REJECT: "不建议签订",
    Outcome.RETURN: "退回补正",
}

DIMENSION_LABELS = {
    Dimension.LEGALITY: _l("Legality"),
    Dimension.CLARITY: _l("Clarity"),
    Dimension.OPERABILITY: _l("Operability"),
}
DIMENSION_CHINESE: dict[str, str] = {
    Dimension.LEGALITY: "合法性",
    Dimension.CLARITY: "明确性",
    Dimension.OPERABILITY: "可操作性",
}

SEVERITY_LABELS = {
    Severity.HIGH: _l("High"),
    Severity.MEDIUM: _l("Medium"),
    Severity.LOW: _l("Low"),
}
SEVERITY_CHINESE: dict[str, str] = {Severity.HIGH: "高", Severity.MEDIUM: "中", Severity.LOW: "低"}

ADOPTION_LABELS = {
    Adoption.FULLY: _l("Fully adopted"),
    Adoption.PARTLY: _l("Partly adopted"),
    Adoption.NOT: _l("Not adopted"),
}

# A school's rating in the words of a satisfaction survey (满意度评价), highest first.
RATING_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Neutral"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
HUNDREDTH = Decimal("0.01")


def rating_word(rating: Decimal | float | int) -> str:
    """The word of the scale point nearest ``rating`` (1–5), in the current language: 4.4
    is 满意, 4.6 非常满意. Halfway between two points takes the lower word, so that 4.5
    reads 满意: an average earns the better word only once it is nearer to it."""
    point = int(Decimal(str(rating)).quantize(Decimal(1), rounding=ROUND_HALF_DOWN))
    return str(RATING_LABELS[min(max(point, 1), 5)])


def rating_in_words(average: Decimal | float | None) -> str:
    """An average rating as people read it, to two places at most with its word:
    4.5 分（满意）/ 4.5 (Satisfied); "—" when there is none. The word is the shown
    number's, so the two never disagree."""
    if average is None:
        return "—"
    shown = Decimal(str(average)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    text = format(shown, "f").rstrip("0").rstrip(".")
    return str(gettext("%(average)s (%(word)s)", average=text, word=rating_word(shown)))


def rating_words(language: str) -> dict[int, str]:
    """Each rating's word in ``language``, whatever the reader's: a spreadsheet for the
    bureau is written in Chinese."""
    with force_locale(language):
        return {rating: str(word) for rating, word in RATING_LABELS.items()}
