"""The OpenAPI 3.1 description of the API, generated: the bodies are the JSON Schemas of
the models that read requests (advisor.api.requests) and write answers
(advisor.api.responses); what is written here is the table of operations (path, method,
parameters, which model goes in and comes out, which errors it may answer). A test keeps
the table equal to the routes served, and the API tests check every answer against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from advisor.api import requests as rq
from advisor.api import responses as rs
from advisor.api.rules_schema import RULES
from advisor.contracts.models import ContractType, Status
from advisor.db import MAX_PER_PAGE
from advisor.directory.models import SchoolLevel
from advisor.ledger.models import Kind
from advisor.reports.dashboard import FIRST_YEAR

REF = "#/components/schemas/{model}"

ERRORS = {
    "400": "Malformed request",
    "401": "No token, or a bad, expired or revoked one",
    "403": "Role not allowed",
    "404": "Not found or outside the caller's scope",
    "409": "State conflict: already published, outside the objection period, stale",
    "413": "A JSON body larger than 1 MB",
    "415": "Not a PDF or Word file",
    "422": "Invalid values; `fields` names each",
    "428": "lock_version missing: send the contract's lock_version as last read",
}


def _query(name: str, schema: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, **more}


def _enum(values: Any) -> dict[str, Any]:
    return {"enum": [str(v) for v in values]}


PAGING = [
    _query("page", {"type": "integer", "minimum": 1}),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}),
]
TRUE_FALSE = _enum(["true", "false"])
LEDGER_FILTERS = [
    _query("advisor_id"),
    _query("school_id"),
    _query("kind", _enum(Kind)),
    _query("from", {"type": "string", "format": "date"}),
    _query("to", {"type": "string", "format": "date"}),
]
UPLOAD = ("400", "401", "403", "404", "409", "413", "415", "422")
CHANGE = ("400", "401", "403", "404", "409", "422")


@dataclass(frozen=True)
class Op:
    """One operation: ``answer`` is the response model, or a description of a file."""

    method: str
    path: str
    summary: str
    answer: type[BaseModel] | str
    errors: tuple[str, ...] = ("401",)
    status: str = "200"
    body: type[BaseModel] | None = None
    upload: bool = False  # the body is multipart/form-data with a file
    body_schema: dict[str, Any] | None = None  # a body described without a model
    query: list[dict[str, Any]] = field(default_factory=list)
    description: str | None = None
    notes: dict[str, str] = field(default_factory=dict)  # per-status descriptions
    public: bool = False
    accepted: type[BaseModel] | None = None  # 202 with this body and Location: a job


OPERATIONS = [
    # --- contracts ------------------------------------------------------------------
    Op(
        "get",
        "/contracts",
        "Contracts the caller may see",
        rs.ContractPage,
        ("400", "401"),
        query=[
            *PAGING,
            _query("status", _enum(Status)),
            _query("school_id"),
            _query("advisor_id"),
            _query("contract_type", _enum(ContractType)),
            _query("q"),
            _query("overdue", TRUE_FALSE),
        ],
    ),
    Op(
        "post",
        "/contracts",
        "Submit a contract with its file (school)",
        rs.Contract,
        UPLOAD,
        status="201",
        body=rq.ContractUpload,
        upload=True,
        notes={
            "409": "State conflict or stale lock_version",
            "413": "File too large",
            "422": "Invalid values, or an unreadable/encrypted/empty file",
        },
    ),
    Op("get", "/contracts/{contract_id}", "One contract", rs.Contract, ("401", "404")),
    Op(
        "post",
        "/contracts/{contract_id}/versions",
        "Upload a revised version (school; returned or reviewed)",
        rs.Contract,
        UPLOAD,
        status="201",
        body=rq.VersionUpload,
        upload=True,
        notes={
            "409": "State conflict or stale lock_version",
            "413": "File too large",
            "422": "Invalid values, or an unreadable/encrypted/empty file",
        },
    ),
    Op(
        "get",
        "/contracts/{contract_id}/versions/{number}/file",
        "A version's file, under its original name",
        "The file",
        ("401", "404"),
    ),
    Op(
        "get",
        "/contracts/{contract_id}/diff",
        "Changed lines between two versions",
        rs.Diff,
        ("400", "401", "404"),
        query=[
            _query("from", {"type": "integer"}, required=True),
            _query("to", {"type": "integer"}, required=True),
        ],
    ),
    Op(
        "post",
        "/contracts/{contract_id}/start",
        "Start the review (assigned advisor)",
        rs.Contract,
        CHANGE,
        body=rq.StartBody,
        notes={"409": "Not allowed in the current status, or stale lock_version"},
    ),
    Op(
        "post",
        "/contracts/{contract_id}/withdraw",
        "Withdraw (school, before an opinion)",
        rs.Contract,
        CHANGE,
        body=rq.WithdrawBody,
        notes={"409": "Not allowed in the current status, or stale lock_version"},
    ),
    Op(
        "post",
        "/contracts/{contract_id}/reassign",
        "Reassign to another advisor (bureau)",
        rs.Contract,
        CHANGE,
        body=rq.ReassignBody,
        notes={"409": "Not allowed in the current status, or stale lock_version"},
    ),
    # --- reviews --------------------------------------------------------------------
    Op(
        "post",
        "/contracts/{contract_id}/reviews",
        "Issue a review (assigned advisor, contract under review)",
        rs.Review,
        (*CHANGE, "428"),
        status="201",
        body=rq.ReviewBody,
        notes={"409": "Not allowed in the current status, or stale lock_version"},
    ),
    Op(
        "get",
        "/contracts/{contract_id}/opinion.docx",
        "The latest opinion letter as a Word document",
        "The .docx file",
        ("401", "404"),
    ),
    Op(
        "post",
        "/contracts/{contract_id}/feedback",
        "Rate the latest opinion once (school)",
        rs.Feedback,
        CHANGE,
        status="201",
        body=rq.FeedbackBody,
        notes={"409": "No opinion to rate yet, or already rated"},
    ),
    Op(
        "post",
        "/contracts/{contract_id}/close",
        "Record the result (school)",
        rs.Contract,
        CHANGE,
        body=rq.CloseBody,
        notes={"409": "Not allowed in the current status, or stale lock_version"},
    ),
    Op(
        "get",
        "/notifications",
        "The caller's notices",
        rs.NotificationPage,
        ("400", "401"),
        query=[*PAGING, _query("unread", TRUE_FALSE)],
    ),
    # --- ledger ---------------------------------------------------------------------
    Op(
        "get",
        "/ledger",
        "Ledger entries the caller may see",
        rs.LedgerPage,
        ("400", "401"),
        query=[*PAGING, *LEDGER_FILTERS],
    ),
    Op(
        "post",
        "/ledger",
        "Record work (advisor; bureau names the advisor)",
        rs.LedgerEntry,
        CHANGE,
        status="201",
        body=rq.EntryBody,
        notes={"409": "Already corrected"},
    ),
    Op("get", "/ledger/{entry_id}", "One entry", rs.LedgerEntry, ("401", "404")),
    Op(
        "post",
        "/ledger/{entry_id}/correct",
        "Correct an entry by a new one (its author)",
        rs.LedgerEntry,
        CHANGE,
        status="201",
        body=rq.EntryBody,
        description=(
            'The body names only the fields that change, e.g. `{"minutes": 90}`;'
            " every field left out is taken from the entry being corrected. A whole"
            " entry (as GET gives it) works too; its read-only members are ignored."
            " A field given as null is cleared. The new entry supersedes the old one,"
            " which can be corrected once."
        ),
        notes={
            "409": "Already corrected",
            "422": "Invalid values after the merge; `fields` names each, e.g. `minutes` or `date`",
        },
    ),
    Op("get", "/ledger/verify", "Recompute the hash chain (bureau)", rs.ChainCheck, ("401", "403")),
    Op(
        "get",
        "/ledger/export.xlsx",
        "Export in the bureau's layout",
        "The .xlsx file",
        ("400", "401"),
        query=LEDGER_FILTERS,
        description=(
            "Up to the installation's threshold (EXPORT_JOB_THRESHOLD, default 50,000"
            " rows) the file itself. Above it the file is written in the background:"
            " the answer is 202 with the export job, its URL in `Location`; GET the job"
            " until `status` is `done`, then GET its `file`."
        ),
        accepted=rs.ExportJob,
    ),
    Op(
        "get",
        "/ledger/exports/{job_id}",
        "A background export: status and progress (the caller's own)",
        rs.ExportJob,
        ("401", "404"),
    ),
    Op(
        "get",
        "/ledger/exports/{job_id}/file",
        "A finished background export's file",
        "The .xlsx file",
        ("401", "404", "409"),
        notes={"409": "Not ready: the job is queued, running or failed"},
    ),
    Op(
        "get",
        "/ledger/export.csv",
        "Export as CSV (UTF-8 with BOM)",
        "The .csv file",
        ("400", "401"),
        query=LEDGER_FILTERS,
    ),
    # --- evaluation -----------------------------------------------------------------
    Op(
        "get",
        "/rulesets",
        "Stored versions of the evaluation rules",
        rs.RuleSetList,
        description=(
            "The default rule set is stored as version 1 when an installation is set"
            " up (`flask users create-bureau`, `flask demo load`), so a new"
            " installation lists it before any evaluation is run."
        ),
    ),
    Op(
        "post",
        "/rulesets",
        "Store the next version of a rule set (bureau)",
        rs.RuleSet,
        ("400", "401", "403", "409", "413", "422"),
        status="201",
        body_schema={"$ref": REF.format(model="Rules")},
        description=(
            "The body is a rule set as `rules` in GET (at most 256 KB). It is saved"
            " as the next version of its name; a stored version never changes. A"
            " `version` in the body is the newest version the client knew of. Keys"
            " (`key` of blocks, items, veto items and calendar dates) and English"
            " labels (`label_en`, a grade's `name_en`) may be left out: a part"
            " labelled as in the newest version of that name keeps its key there,"
            " another gets `item_` (`block_`, `veto_`, `event_`) and the first 6 hex"
            " digits of the SHA-256 of its Chinese label (then `_2`, `_3`, ... if"
            " taken); an English label left out is the Chinese one. Only the `params`"
            " of an item's `method` are taken."
        ),
        notes={
            "201": "The new version, with every key and English label left out filled"
            " in: a key generated from the Chinese label (or kept from the newest"
            " version), the English label as the Chinese one",
            "409": "The same rules as the newest version of that name, or a version"
            " newer than the body's `version` was saved meanwhile",
            "413": "Body larger than 256 KB",
            "422": "Invalid rules; `fields` maps each problem's path, such as"
            " `blocks[1].items[0].max_points`, to its message",
        },
    ),
    Op(
        "get",
        "/rulesets/{rule_set_id}",
        "One version of the rules, as data",
        rs.RuleSet,
        ("401", "404"),
    ),
    Op(
        "post",
        "/evaluations",
        "Compute a draft evaluation (bureau)",
        rs.Evaluation,
        ("400", "401", "403", "404", "409", "422"),
        status="201",
        body=rq.EvaluationBody,
        description=(
            "Computed under `ruleset_id`, or the current rules (the version stored"
            " last). Computing never stores a rule-set version."
        ),
        notes={
            "201": "The draft evaluation",
            "409": "No rule set is stored yet",
            "422": "Bad period",
        },
    ),
    Op(
        "get",
        "/evaluations/{evaluation_id}",
        "An evaluation with the results the caller may see",
        rs.Evaluation,
        ("401", "404"),
    ),
    Op(
        "post",
        "/evaluations/{evaluation_id}/adjust",
        "Change one result with a written reason (bureau): an item's points,"
        " a manual measure or a veto; a published result only in answer to an objection",
        rs.Evaluation,
        CHANGE,
        body=rq.AdjustBody,
        notes={"422": "No reason, an unknown item or points out of range"},
    ),
    Op(
        "post",
        "/evaluations/{evaluation_id}/publish",
        "Publish a draft (bureau): frozen, advisors notified, objections open",
        rs.Evaluation,
        ("401", "403", "404", "409"),
    ),
    Op(
        "get",
        "/evaluations/{evaluation_id}/objections",
        "Objections the caller may see (bureau: all; advisor: their own)",
        rs.ObjectionList,
        ("401", "404"),
    ),
    Op(
        "post",
        "/evaluations/{evaluation_id}/objections",
        "Object to one's published result within the objection period",
        rs.Objection,
        CHANGE,
        status="201",
        body=rq.ObjectionBody,
        notes={"201": "The objection", "422": "No text"},
    ),
    Op(
        "post",
        "/evaluations/{evaluation_id}/objections/{objection_id}/answer",
        "Answer an objection (bureau), optionally setting an item's points",
        rs.Objection,
        CHANGE,
        body=rq.AnswerBody,
        notes={"422": "No answer or points out of range"},
    ),
    # --- reports, the account, the directory ----------------------------------------
    Op(
        "get",
        "/reports/summary",
        "The bureau's figures of a year, for the annual report (bureau)",
        rs.YearSummary,
        ("401", "403", "422"),
        query=[
            _query(
                "year",
                {"type": "integer", "minimum": FIRST_YEAR},
                description=f"Four digits from {FIRST_YEAR} to next year; default this year",
            )
        ],
        notes={
            "422": f"`year` is not a number, or no year with figures (before {FIRST_YEAR}"
            " or after next year); `fields.year` says which years are"
        },
    ),
    Op(
        "get",
        "/templates",
        "The model contracts (合同范本) the caller may see",
        rs.TemplateList,
        description=(
            "Each with its versions, their fill-in fields and whether each clause is"
            " negotiable. Schools and advisors see the model contracts that have a published"
            " version, without drafts; the bureau sees every one. The Word file of a"
            " version is at `/templates/{id}/versions/{number}/file` on the web pages."
        ),
    ),
    Op("get", "/openapi.json", "This description", "This document", (), public=True),
    Op("get", "/me", "The caller's account", rs.Me),
    Op(
        "get",
        "/schools",
        "Schools the caller may see",
        rs.SchoolPage,
        ("400", "401"),
        query=[
            *PAGING,
            _query("q"),
            _query("district"),
            _query("level", _enum(SchoolLevel)),
            _query("active", TRUE_FALSE),
        ],
    ),
    Op("get", "/schools/{school_id}", "One school", rs.School, ("401", "404")),
    Op(
        "get",
        "/advisors",
        "Advisors the caller may see",
        rs.AdvisorPage,
        ("400", "401"),
        query=[*PAGING, _query("q"), _query("law_firm_id", {"type": "integer"})],
    ),
    Op("get", "/advisors/{advisor_id}", "One advisor", rs.Advisor, ("401", "404")),
]

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request",
        "schema": {"type": "integer"},
    }
}
SERVER_ANSWERS = {
    "429": (
        "Over the per-token or per-address rate limit, or (uploads) the user"
        " already has files being read; retry after the seconds given",
        RETRY_AFTER,
    ),
    "503": (
        "`service_unavailable`: the database cannot be reached, or (uploads)"
        " every parser is busy; nothing was saved; retry after the seconds given",
        RETRY_AFTER,
    ),
}
NO_STORAGE = (
    "`insufficient_storage`: the files folder is full or not writable; nothing was saved",
    None,
)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": REF.format(model=model.__name__)}


def _request_body(op: Op, body: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    if not op.upload:
        # A JSON object of at most 1 MB, nested at most 32 levels (400/413 otherwise).
        return {"content": _json(_ref(body))}
    fields = schemas[body.__name__]
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        **fields["properties"],
                        "file": {"type": "string", "format": "binary"},
                    },
                    "required": [*fields.get("required", []), "file"],
                }
            }
        },
    }


def _responses(op: Op) -> dict[str, Any]:
    """What ``op`` answers: its own answer and errors, then what any operation may answer
    whatever it does: 429 (the rate limits cover the whole API, advisor.ratelimits) and
    503 (the database away, advisor.errors); an upload also 507 (the files folder
    refused the file)."""
    ok: dict[str, Any] = {
        "description": op.notes.get(op.status, "Created" if op.status == "201" else "OK")
    }
    if isinstance(op.answer, str):
        ok["description"] = op.answer
        if op.public:
            ok["content"] = _json({"type": "object"})
    else:
        ok["content"] = _json(_ref(op.answer))
    answers = {op.status: ok}
    if op.accepted is not None:
        answers["202"] = {
            "description": "Accepted: written in the background; poll the job",
            "headers": {"Location": {"description": "The job's URL", "schema": {"type": "string"}}},
            "content": _json(_ref(op.accepted)),
        }
    error = _json(_ref(rs.Error))
    errors = [*op.errors]
    if op.body is not None and not op.upload:  # any JSON body: not JSON, or over 1 MB
        errors += [code for code in ("400", "413") if code not in errors]
    for code in sorted(errors):
        answers[code] = {"description": op.notes.get(code, ERRORS[code]), "content": error}
    server = {**SERVER_ANSWERS, **({"507": NO_STORAGE} if op.upload else {})}
    for code, (description, headers) in server.items():
        answers[code] = {"description": description, "content": error}
        if headers:
            answers[code]["headers"] = headers
    return answers


def _operation(op: Op, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in _path_names(op.path)
    ]
    operation: dict[str, Any] = {"summary": op.summary}
    if op.description:
        operation["description"] = op.description
    if parameters or op.query:
        operation["parameters"] = [*parameters, *op.query]
    if op.body is not None:
        operation["requestBody"] = _request_body(op, op.body, schemas)
    elif op.body_schema is not None:
        operation["requestBody"] = {"content": _json(op.body_schema)}
    if op.public:
        operation["security"] = []
    operation["responses"] = _responses(op)
    return operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


class _Schemas(GenerateJsonSchema):
    """Pydantic's JSON Schema without a title made from each member's name."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def component_schemas() -> dict[str, Any]:
    """Every model's JSON Schema: requests as they are read, answers as they are written."""
    requests = {op.body for op in OPERATIONS if op.body is not None}
    answers = {op.answer for op in OPERATIONS if not isinstance(op.answer, str)} | {rs.Error}
    answers |= {op.accepted for op in OPERATIONS if op.accepted is not None}
    models: list[tuple[type[BaseModel], Any]] = [
        *((model, "validation") for model in sorted(requests, key=lambda m: m.__name__)),
        *((model, "serialization") for model in sorted(answers, key=lambda m: m.__name__)),
    ]
    _, document = models_json_schema(models, ref_template=REF, schema_generator=_Schemas)
    return {**document["$defs"], "Rules": RULES}


def spec() -> dict[str, Any]:
    schemas = component_schemas()
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Advisor API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from the account page or `flask tokens create`;"
                    " it expires after the days chosen (default 90) and is revoked by a"
                    " password change or reset and by deactivating the account.",
                }
            },
            "schemas": schemas,
        },
        "paths": paths,
    }
