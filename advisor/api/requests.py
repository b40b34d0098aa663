"""The request bodies of the API, each described once: read by ``fields.read`` in the
endpoints and written into the OpenAPI document (advisor.api.openapi).

A model refuses what is not of its kind (a number for a text, text for a number, a
malformed date, text over its limit), each with the message the API has always given for
that field. What makes a value wrong for the record (an unknown ledger kind, a rating of
6, a date in the future) is the rule of the service the endpoint calls, which the pages
call too: the models document those values (the enums of the domain models) and leave
the refusal, and its message, to the service. A contract submission is the exception:
its fields are checked by the contract form's rules (advisor.contracts.forms), all at
once, before its file is read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, ConfigDict, Field, StrictStr, field_validator

from advisor.api.fields import (
    Body,
    Day,
    Flag,
    NumberOrText,
    OneLine,
    Paragraphs,
    Problem,
    Whole,
    one_of,
    refuse,
)
from advisor.contracts.forms import amount_problem, end_date_problem
from advisor.contracts.models import ContractType
from advisor.contracts.services import REASON_MAX
from advisor.contracts.services import TEXT_LIMITS as CONTRACT_LIMITS
from advisor.evaluation.responses import MAX_TEXT as OBJECTION_MAX
from advisor.ledger.models import Kind, Mode
from advisor.ledger.services import TEXT_LIMITS as LEDGER_LIMITS
from advisor.reviews.models import Adoption, Dimension, Outcome, Seal, Severity
from advisor.reviews.services import FINDING_LIMITS, NOTE_MAX, SUMMARY_MAX
from advisor.reviews.signing import APPROVER_MAX
from advisor.text import LINE, NOTE

# What closing records; the column holds one of these two words.
Result = Literal["signed", "abandoned"]
RESULTS = get_args(Result)


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


LockVersion = Annotated[
    Whole | None,
    BeforeValidator(
        lambda value: int(value) if isinstance(value, str) and value.isdigit() else value
    ),
    BeforeValidator(_blank_is_none),
    Field(description="The contract's lock_version as last read (GET /contracts/{id})"),
]
LOCK_VERSION = Problem(_l("A whole number."), _l("Invalid lock_version."))


# --- contracts --------------------------------------------------------------------------


def _form_day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if value in (None, ""):
        raise refuse(_l("Required."))
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise refuse(_l("A date as YYYY-MM-DD.")) from error


def _form_flag(value: Any) -> Any:
    text = str(value).lower()
    if text not in ("true", "false", "1", "0", ""):
        raise refuse(_l("true or false."))
    return text in ("true", "1")


FormDay = Annotated[date, BeforeValidator(_form_day), Field(json_schema_extra={"format": "date"})]


class ContractUpload(Body):
    """The fields of a contract submission (multipart/form-data, beside ``file``); they
    are checked with the contract form's validators (advisor.contracts.forms)."""

    model_config = ConfigDict(
        validate_default=True,
        json_schema_extra={
            "required": [
                "title",
                "counterparty",
                "contract_type",
                "amount",
                "start_date",
                "end_date",
            ]
        },
    )

    title: OneLine = Field("", max_length=CONTRACT_LIMITS["title"])
    counterparty: OneLine = Field("", max_length=CONTRACT_LIMITS["counterparty"])
    contract_type: OneLine = Field("", max_length=LINE, json_schema_extra=one_of(ContractType))
    amount: str = Field("", examples=["12000", "12,000.00", "1.5万"])
    start_date: FormDay = Field("")  # type: ignore[assignment]
    end_date: FormDay = Field("")  # type: ignore[assignment]
    urgent: Annotated[bool, BeforeValidator(_form_flag)] = Field(
        "false",  # type: ignore[assignment]
        json_schema_extra={"type": "string", "enum": ["true", "false"]},
    )
    note: Paragraphs = Field("", max_length=CONTRACT_LIMITS["note"])

    @field_validator("title")
    @classmethod
    def _has_title(cls, value: str) -> str:
        if not value.strip():
            raise refuse(_l("Enter the contract's title."))
        return value

    @field_validator("counterparty")
    @classmethod
    def _has_counterparty(cls, value: str) -> str:
        if not value.strip():
            raise refuse(_l("Enter the other party of the contract."))
        return value

    @field_validator("contract_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in {t.value for t in ContractType}:
            raise refuse(_l("Choose a contract type from the list."))
        return value

    @field_validator("amount")
    @classmethod
    def _money(cls, value: str) -> str:
        if problem := amount_problem(value):
            raise refuse(problem)
        return value

    @field_validator("end_date")
    @classmethod
    def _in_order(cls, value: date, info: Any) -> date:
        if problem := end_date_problem(info.data.get("start_date"), value):
            raise refuse(problem)
        return value


class VersionUpload(Body):
    """The fields of a revised version (multipart/form-data, beside ``file``)."""

    note: Paragraphs = Field("", max_length=CONTRACT_LIMITS["note"])
    lock_version: LockVersion = None

    problems: ClassVar[dict[str, Problem]] = {"lock_version": LOCK_VERSION}


class StartBody(Body):
    lock_version: LockVersion = None

    problems: ClassVar[dict[str, Problem]] = {"lock_version": LOCK_VERSION}


REASON = Problem(_l("Text."), _l("Give the reason as text."))


class WithdrawBody(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["reason"]})

    reason: Paragraphs = Field("", max_length=REASON_MAX)
    lock_version: LockVersion = None

    problems: ClassVar[dict[str, Problem]] = {"reason": REASON, "lock_version": LOCK_VERSION}


class ReassignBody(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["advisor_id", "reason"]})

    advisor_id: Whole | None = None
    reason: Paragraphs = Field("", max_length=REASON_MAX)

    problems: ClassVar[dict[str, Problem]] = {
        "advisor_id": Problem(_l("No such advisor."), _l("Choose an advisor.")),
        "reason": REASON,
    }


# --- reviews ----------------------------------------------------------------------------


class FindingBody(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["dimension", "severity", "problem"]})

    id: Whole | None = Field(
        None,
        ge=1,
        description="A finding of the contract's draft review, edited in place (pre-check"
        " hits taken into it stay linked); null or absent for a new finding. Draft findings"
        " left out are removed and their hits reopened.",
    )
    dimension: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(Dimension))
    severity: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(Severity))
    clause: Paragraphs = Field("", max_length=FINDING_LIMITS["clause"])
    problem: Paragraphs = Field("", max_length=FINDING_LIMITS["problem"])
    suggestion: Paragraphs = Field("", max_length=FINDING_LIMITS["suggestion"])
    legal_basis: Paragraphs = Field("", max_length=FINDING_LIMITS["legal_basis"])


class ReviewBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"required": ["outcome", "summary", "lock_version"]}
    )

    outcome: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(Outcome))
    summary: Paragraphs = Field("", max_length=SUMMARY_MAX)
    minutes_spent: Whole = 0
    lock_version: LockVersion = None
    findings: list[FindingBody] = Field(default_factory=list)

    problems: ClassVar[dict[str, Problem]] = {
        "minutes_spent": Problem(_l("A whole number of minutes.")),
        "findings": Problem(_l("A list of findings.")),
        "findings-*": Problem(_l("Each finding is an object.")),
        "findings-*-id": Problem(_l("The id of a finding, or null for a new one.")),
        "lock_version": LOCK_VERSION,
    }


class FeedbackBody(Body):
    """A rating; whether it may be given (and is from 1 to 5) is the service's to say,
    after the contract's state."""

    model_config = ConfigDict(json_schema_extra={"required": ["rating"]})

    rating: Whole | None = Field(None, json_schema_extra={"minimum": 1, "maximum": 5})
    comment: Paragraphs = Field("", max_length=NOTE_MAX)

    problems: ClassVar[dict[str, Problem]] = {
        "rating": Problem(_l("From 1 to 5."), _l("Rate from 1 to 5."))
    }


class CloseBody(Body):
    """The result; a signing also records the seal use (用印登记): ``seal``,
    ``approved_by``, ``used_on`` and ``copies`` are then required, which the service says
    (an abandoned contract records none)."""

    model_config = ConfigDict(json_schema_extra={"required": ["result"]})

    result: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(RESULTS))
    adoption: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(Adoption))
    note: Paragraphs = Field("", max_length=NOTE_MAX)
    lock_version: LockVersion = None
    seal: OneLine = Field(
        "",
        max_length=LINE,
        description="For a signing: official (公章) or contract (合同专用章)",
        json_schema_extra=one_of(Seal),
    )
    approved_by: OneLine = Field(
        "", max_length=APPROVER_MAX, description="For a signing: who approved the seal use"
    )
    used_on: Day | None = Field(
        None, description="For a signing: the date of use, from the submission to today"
    )
    copies: Whole | None = Field(
        None,
        description="For a signing: the number of copies sealed",
        json_schema_extra={"minimum": 1, "maximum": 99},
    )

    problems: ClassVar[dict[str, Problem]] = {
        "lock_version": LOCK_VERSION,
        "used_on": Problem(_l("A date as YYYY-MM-DD.")),
        "copies": Problem(_l("From 1 to 99 copies.")),
    }


# --- ledger -----------------------------------------------------------------------------

WHOLE = Problem(_l("A whole number."))


class EntryBody(Body):
    """A ledger entry as written: a new one, or (every field optional) what a correction
    changes."""

    model_config = ConfigDict(
        json_schema_extra={"required": ["date", "kind", "description", "minutes"]}
    )

    date: Day
    advisor_id: Whole | None = None
    school_id: Whole | None = None
    kind: Paragraphs = Field("", max_length=LINE, json_schema_extra=one_of(Kind))
    description: Paragraphs = Field("", max_length=LEDGER_LIMITS["description"])
    service_mode: Paragraphs = Field(
        "", max_length=LINE, json_schema_extra=one_of(Mode, nullable=True)
    )
    minutes: Whole | None = 0
    outcome: Paragraphs = Field("", max_length=LEDGER_LIMITS["outcome"])
    audience: Paragraphs = Field("", max_length=LEDGER_LIMITS["audience"])
    headcount: Whole | None = None

    problems: ClassVar[dict[str, Problem]] = {
        "date": Problem(_l("A date as YYYY-MM-DD.")),
        "advisor_id": WHOLE,
        "school_id": WHOLE,
        "minutes": WHOLE,
        "headcount": WHOLE,
    }


# --- evaluation -------------------------------------------------------------------------

PERIOD = Problem(_l("Like 2025 or 2025-Q3."), _l("Give the period as 2025 or 2025-Q3."), "period")


class EvaluationBody(Body):
    period: StrictStr = Field(examples=["2025", "2025-Q3"])
    ruleset_id: Whole | None = None

    problems: ClassVar[dict[str, Problem]] = {"period": PERIOD, "ruleset_id": PERIOD}


TARGET = Problem(
    _l("An item key of the rule set."),
    _l("Name the item and give the points as a number or a decimal string."),
    "item",
)


def _as_text(name: str) -> Problem:
    return Problem(_l("Text."), _l("Give %(name)s as text.", name=name))


class AdjustBody(Body):
    """An item's points (``item``, ``points``: null is the computed points again), a
    manual measure (``measure``, ``value``) or a veto (``veto``, ``set``)."""

    model_config = ConfigDict(json_schema_extra={"required": ["advisor_id", "reason"]})

    advisor_id: Whole
    item: StrictStr | None = None
    points: NumberOrText = None
    measure: StrictStr | None = None
    value: NumberOrText = None
    veto: StrictStr | None = None
    set: Flag = True
    reason: Paragraphs = Field("", max_length=NOTE)

    problems: ClassVar[dict[str, Problem]] = {
        "advisor_id": Problem(_l("An advisor id."), _l("Say whose result to adjust.")),
        **{name: TARGET for name in ("item", "points", "measure", "value", "veto", "set")},
        "reason": _as_text("reason"),
    }


class ObjectionBody(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["text"]})

    text: Paragraphs = Field("", max_length=OBJECTION_MAX)

    problems: ClassVar[dict[str, Problem]] = {"text": _as_text("text")}


class AnswerBody(Body):
    model_config = ConfigDict(json_schema_extra={"required": ["answer"]})

    answer: Paragraphs = Field("", max_length=OBJECTION_MAX)
    item: Paragraphs = Field("", max_length=LINE)
    points: NumberOrText = None

    problems: ClassVar[dict[str, Problem]] = {
        "answer": _as_text("answer"),
        "item": _as_text("item"),
    }
