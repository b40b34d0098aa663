"""The response bodies of the API, each described once: advisor.api.schemas writes every
answer through them (``model_dump(mode="json")``) and advisor.api.openapi documents them.

The value enums are the domain models' own (``Status``, ``ContractType``, ``Kind``...);
where a column holds a fixed set of words without an enum, the set is named here once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from advisor.accounts.models import Role
from advisor.api.fields import Money, Timestamp
from advisor.api.requests import Result
from advisor.contracts.models import ContractType, Status
from advisor.db import MAX_PER_PAGE
from advisor.directory.models import SchoolLevel
from advisor.ledger.models import ExportStatus, Kind, Mode
from advisor.reviews.models import Dimension, Outcome, Severity

# Words kept in columns whose CHECK constraint names them (no enum in the models).
MediaType = Literal["pdf", "docx"]
HitStatus = Literal["open", "taken", "dismissed"]
PrecheckState = Literal["done", "running", "failed", "none"]
EvaluationStatus = Literal["draft", "published"]
ObjectionStatus = Literal["open", "answered"]

# A decimal written as Python writes it ("87.5"), for figures that are not money.
DecimalText = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["87.5"]}),
]


class Answer(BaseModel):
    """A response body."""

    model_config = ConfigDict(populate_by_name=True)


class Me(Answer):
    id: int
    email: str
    name: str
    role: Role
    school_id: int | None = Field(None, description="Absent unless the user is a school's")
    advisor_id: int | None = Field(None, description="Absent unless the user is an advisor")


class School(Answer):
    id: int
    code: str
    name: str
    district: str
    level: SchoolLevel
    address: str
    contact_name: str
    contact_phone: str
    primary_advisor_id: int | None
    backup_advisor_id: int | None
    active: bool


class Advisor(Answer):
    id: int
    name: str
    email: str | None
    phone: str
    law_firm_id: int
    law_firm: str
    licence_no: str = Field(pattern="^[0-9]{17}$")
    appointed_on: date
    appointment_ends_on: date | None
    specialties: str
    active: bool


class Version(Answer):
    number: int
    file_name: str
    size: int
    sha256: str
    pages: int
    has_text: bool
    media_type: MediaType
    uploaded_at: Timestamp
    precheck: PrecheckState = Field(
        description="The version's pre-check: `done` (its hits, if any, are in `precheck`),"
        " `running` (not done yet: `precheck` holds none of its hits, which does not mean"
        " it found nothing; ask again in a few seconds), `failed` (it could not be"
        " completed), `none` (a signed copy, never pre-checked).",
        examples=["done"],
    )


class PrecheckHit(Answer):
    rule: str = Field(examples=["missing_clause:price"])
    severity: Severity
    message: str
    explanation: str = Field(
        description="What the hit rests on: the clause it looked at, or the clauses it searched"
        " for a missing element, and the words or numbers that decided it; may be empty.",
        examples=["Looked at 第五条（二） 违约责任. Decided by: 40% > 30%."],
    )
    excerpt: str
    version: int
    page: int | None
    start: int | None
    end: int | None
    status: HitStatus


class Event(Answer):
    """One step of a contract's history."""

    at: Timestamp
    action: str
    from_: Status | None = Field(alias="from")
    to: Status | None
    actor_id: int | None
    detail: dict[str, Any]


class Finding(Answer):
    id: int
    dimension: Dimension
    severity: Severity
    clause: str
    problem: str
    suggestion: str
    legal_basis: str
    resolved: bool | None


class Review(Answer):
    id: int
    number: str | None
    outcome: Outcome | None
    summary: str
    minutes_spent: int
    version_id: int
    advisor_id: int
    issued_at: Timestamp | None
    findings: list[Finding]


class ContractBrief(Answer):
    """A contract as lists give it."""

    id: int
    title: str
    counterparty: str
    contract_type: ContractType
    amount: Money
    start_date: date
    end_date: date
    urgent: bool
    note: str
    school_id: int
    advisor_id: int | None
    status: Status
    due_date: date | None
    submitted_at: Timestamp
    outcome: Outcome | None
    result: Result | None
    lock_version: int


class Contract(ContractBrief):
    """A contract with its versions, pre-check hits, issued reviews and history."""

    versions: list[Version]
    precheck: list[PrecheckHit] = Field(
        description="The hits of every version whose pre-check is done; a version whose"
        " `precheck` is `running` has none here yet."
    )
    reviews: list[Review]
    history: list[Event]


class Change(Answer):
    op: Literal["equal", "insert", "delete", "replace"]
    from_line: int
    to_line: int
    removed: list[str]
    added: list[str]


class Diff(Answer):
    from_: int = Field(alias="from")
    to: int
    changes: list[Change]


class Feedback(Answer):
    id: int
    review_id: int
    rating: int
    comment: str


class Notification(Answer):
    id: int
    kind: str
    params: dict[str, Any]
    link: str
    created_at: Timestamp
    read: bool


class LedgerEntry(Answer):
    id: int
    seq: int
    date: date
    advisor_id: int
    school_id: int | None
    kind: Kind
    description: str
    service_mode: Mode | None
    minutes: int
    outcome: str
    audience: str
    headcount: int | None
    contract_id: int | None
    review_id: int | None
    supersedes_id: int | None
    on_behalf: bool
    hash: str
    prev_hash: str
    created_at: Timestamp


class ChainCheck(Answer):
    ok: bool
    checked: int
    first_bad_id: int | None


class ExportJob(Answer):
    """A ledger export written in the background: poll it until ``status`` is ``done``
    (then ``file`` is where to GET the file) or ``failed`` (``error`` says why)."""

    id: int
    status: ExportStatus
    format: Literal["xlsx"]
    rows_total: int | None = Field(description="The rows to write; known once it runs")
    rows_done: int
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    error: str | None
    file: str | None = Field(description="The file's URL once done")
    file_size: int | None


# The rules as data: the schema the OpenAPI document holds as Rules (advisor.api.rules_schema).
RuleSetData = Annotated[
    dict[str, Any], WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/Rules"}]})
]


class RuleSet(Answer):
    id: int
    name: str
    version: int
    rules: RuleSetData


Points = str | int | float | None


class ResultItem(Answer):
    item: str
    points: Points
    max: Points
    basis: str


class Adjustment(Answer):
    id: int
    kind: str
    target: str
    value: str | None
    reason: str
    objection_id: int | None
    created_at: Timestamp


class EvaluationResult(Answer):
    """One advisor's result."""

    advisor_id: int
    total: str
    grade: str
    rank: int
    vetoed: bool
    items: list[ResultItem]
    adjustments: list[Adjustment]


class Evaluation(Answer):
    id: int
    period: str
    status: EvaluationStatus
    ruleset_id: int
    published_at: Timestamp | None
    objections_until: date | None
    results: list[EvaluationResult]


class Objection(Answer):
    id: int
    advisor_id: int
    text: str
    status: ObjectionStatus
    filed_at: Timestamp
    answer: str | None
    answered_at: Timestamp | None


class YearSummary(Answer):
    """The bureau's figures of a year."""

    year: int
    advisors: int
    law_firms: int
    schools: int
    schools_covered: int
    coverage_percent: DecimalText
    contracts_submitted: int
    contracts_reviewed: int
    value_reviewed: Money
    opinions: dict[str, int]
    returns: int
    findings_by_dimension: dict[str, int]
    findings_by_severity: dict[str, int]
    ledger: dict[str, int]
    lecture_headcount: int
    average_rating: DecimalText | None
    ratings: int
    grades: dict[str, int]


class Page(Answer):
    """A page of a list: ``items`` and where the page is."""

    total: int
    page: int
    per_page: int = Field(le=MAX_PER_PAGE)


class SchoolPage(Page):
    items: list[School]


class AdvisorPage(Page):
    items: list[Advisor]


class ContractPage(Page):
    items: list[ContractBrief]


class LedgerPage(Page):
    items: list[LedgerEntry]


class NotificationPage(Page):
    items: list[Notification]


class WholeList(Answer):
    """A list given whole, as one page."""

    total: int
    page: int
    per_page: int


class RuleSetList(WholeList):
    items: list[RuleSet]


class TemplateField(Answer):
    label: str
    kind: Literal["text", "amount", "amount_words", "date", "number"]
    count: int


class TemplateClause(Answer):
    outline: str
    heading: str
    negotiable: bool


class TemplateVersion(Answer):
    number: int
    status: Literal["draft", "published", "withdrawn"]
    file_name: str
    note: str
    published_at: Timestamp | None
    withdrawn_at: Timestamp | None
    fields: list[TemplateField]
    clauses: list[TemplateClause]


class Template(Answer):
    """A model contract (合同范本) with the versions the caller may see."""

    id: int
    title: str
    contract_type: str
    versions: list[TemplateVersion]


class TemplateList(WholeList):
    items: list[Template]


class ObjectionList(WholeList):
    items: list[Objection]


class ErrorDetail(Answer):
    code: str = Field(examples=["validation_error"])
    message: str
    fields: dict[str, str] | None = Field(
        None, description="Each refused member of the request and what is wrong with it"
    )


class Error(Answer):
    """Every error the API answers (advisor.errors.json_error)."""

    error: ErrorDetail
