"""Display labels of review outcomes, dimensions, severities, adoption (DOMAIN.md's terms) and
the words of a school's 1–5 satisfaction rating."""

from __future__ import annotations

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
