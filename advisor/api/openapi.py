"""The OpenAPI 3.1 description of the API; a test keeps it equal to the routes served."""

from __future__ import annotations

from typing import Any

from advisor.contracts.services import REASON_MAX
from advisor.contracts.services import TEXT_LIMITS as CONTRACT_LIMITS
from advisor.evaluation.responses import MAX_TEXT as OBJECTION_MAX
from advisor.evaluation.rules import MEASURES, METHODS, NO_DATA, PERIODS
from advisor.ledger.services import TEXT_LIMITS as LEDGER_LIMITS
from advisor.reviews.services import FINDING_LIMITS, NOTE_MAX, SUMMARY_MAX
from advisor.text import NOTE


def _text(limit: int) -> dict[str, Any]:
    """A text member of a request body: the most characters it takes (advisor.text)."""
    return {"type": "string", "maxLength": limit}


ERROR_CODES = {
    "400": "Malformed request",
    "401": "No token, or a bad, expired or revoked one",
    "403": "Role not allowed",
    "404": "Not found or outside the caller's scope",
    "409": "State conflict: already published, outside the objection period, stale",
    "413": "A JSON body larger than 1 MB",
    "428": "lock_version missing: send the contract's lock_version as last read",
    "429": "Too many requests",
}


ERROR = "#/components/schemas/Error"


def _error_responses(*codes: str) -> dict[str, Any]:
    return {
        code: {
            "description": ERROR_CODES[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def _list_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer", "maximum": 200},
        },
    }


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
    },
]


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}}


LEVELS = ["kindergarten", "primary", "junior", "senior", "nine_year", "vocational", "special"]

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "Me": {
        "type": "object",
        "required": ["id", "email", "name", "role"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "name": {"type": "string"},
            "role": {"enum": ["school", "advisor", "bureau"]},
            "school_id": {"type": "integer"},
            "advisor_id": {"type": "integer"},
        },
    },
    "School": {
        "type": "object",
        "required": [
            "id",
            "code",
            "name",
            "district",
            "level",
            "primary_advisor_id",
            "backup_advisor_id",
            "active",
        ],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "district": {"type": "string"},
            "level": {"enum": LEVELS},
            "address": {"type": "string"},
            "contact_name": {"type": "string"},
            "contact_phone": {"type": "string"},
            "primary_advisor_id": {"type": ["integer", "null"]},
            "backup_advisor_id": {"type": ["integer", "null"]},
            "active": {"type": "boolean"},
        },
    },
    "Advisor": {
        "type": "object",
        "required": [
            "id",
            "name",
            "email",
            "phone",
            "law_firm_id",
            "law_firm",
            "licence_no",
            "active",
        ],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": ["string", "null"]},
            "phone": {"type": "string"},
            "law_firm_id": {"type": "integer"},
            "law_firm": {"type": "string"},
            "licence_no": {"type": "string", "pattern": "^[0-9]{17}$"},
            "appointed_on": {"type": "string", "format": "date"},
            "appointment_ends_on": {"type": ["string", "null"], "format": "date"},
            "specialties": {"type": "string"},
            "active": {"type": "boolean"},
        },
    },
}


CONTRACT_TYPES = [
    "procurement",
    "construction",
    "service",
    "lease",
    "catering",
    "uniform",
    "school_bus",
    "cooperation",
    "employment",
    "insurance",
    "donation",
    "other",
]
STATUSES = ["submitted", "in_review", "returned", "reviewed", "closed", "withdrawn"]

SCHEMAS["Version"] = {
    "type": "object",
    "properties": {
        "number": {"type": "integer"},
        "file_name": {"type": "string"},
        "size": {"type": "integer"},
        "sha256": {"type": "string"},
        "pages": {"type": "integer"},
        "has_text": {"type": "boolean"},
        "media_type": {"enum": ["pdf", "docx"]},
        "uploaded_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["Contract"] = {
    "type": "object",
    "required": [
        "id",
        "title",
        "counterparty",
        "contract_type",
        "amount",
        "status",
        "lock_version",
    ],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "counterparty": {"type": "string"},
        "contract_type": {"enum": CONTRACT_TYPES},
        "amount": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "urgent": {"type": "boolean"},
        "school_id": {"type": "integer"},
        "advisor_id": {"type": "integer"},
        "status": {"enum": STATUSES},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "submitted_at": {"type": "string", "format": "date-time"},
        "outcome": {"enum": [None, "approve", "approve_with_changes", "reject"]},
        "result": {"enum": [None, "signed", "abandoned"]},
        "lock_version": {"type": "integer"},
        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}},
        "precheck": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "severity", "message", "excerpt", "version"],
                "properties": {
                    "rule": {"type": "string", "examples": ["missing_clause:price"]},
                    "severity": {"enum": ["low", "medium", "high"]},
                    "message": {"type": "string"},
                    "excerpt": {"type": "string"},
                    "version": {"type": "integer"},
                    "page": {"type": ["integer", "null"]},
                    "start": {"type": ["integer", "null"]},
                    "end": {"type": ["integer", "null"]},
                    "status": {"enum": ["open", "taken", "dismissed"]},
                },
            },
        },
        "reviews": {"type": "array"},
        "history": {"type": "array"},
    },
}

_UPLOAD_FIELDS = {
    "title": _text(CONTRACT_LIMITS["title"]),
    "counterparty": _text(CONTRACT_LIMITS["counterparty"]),
    "contract_type": {"enum": CONTRACT_TYPES},
    "amount": {"type": "string", "examples": ["12000", "12,000.00"]},
    "start_date": {"type": "string", "format": "date"},
    "end_date": {"type": "string", "format": "date"},
    "urgent": {"enum": ["true", "false"]},
    "note": _text(CONTRACT_LIMITS["note"]),
    "file": {"type": "string", "format": "binary"},
}


def _multipart(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": fields, "required": required}
            }
        },
    }


def _json_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A JSON object of at most 1 MB, nested at most 32 levels (400/413 otherwise)."""
    return {
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": properties, "required": required}
            }
        }
    }


def _contract_paths() -> dict[str, Any]:
    contract = {"$ref": "#/components/schemas/Contract"}
    cid = _id_param("contract_id")
    created = {
        "201": {"description": "Created", "content": {"application/json": {"schema": contract}}},
        **_error_responses("400", "401", "403", "404"),
        "409": {"description": "State conflict or stale lock_version"},
        "413": {"description": "File too large"},
        "415": {"description": "Not a PDF or Word file"},
        "422": {"description": "Invalid values, or an unreadable/encrypted/empty file"},
    }
    changed = {
        **_ok(contract),
        **_error_responses("400", "401", "403", "404"),
        "409": {"description": "Not allowed in the current status, or stale lock_version"},
    }
    return {
        "/contracts": {
            "get": {
                "summary": "Contracts the caller may see",
                "parameters": [
                    *PAGING,
                    _query("status", {"enum": STATUSES}),
                    _query("school_id"),
                    _query("advisor_id"),
                    _query("contract_type", {"enum": CONTRACT_TYPES}),
                    _query("q"),
                    _query("overdue", {"enum": ["true", "false"]}),
                ],
                "responses": {**_ok(_list_of("Contract")), **_error_responses("400", "401")},
            },
            "post": {
                "summary": "Submit a contract with its file (school)",
                "requestBody": _multipart(
                    _UPLOAD_FIELDS,
                    [
                        "title",
                        "counterparty",
                        "contract_type",
                        "amount",
                        "start_date",
                        "end_date",
                        "file",
                    ],
                ),
                "responses": created,
            },
        },
        "/contracts/{contract_id}": {
            "get": {
                "summary": "One contract",
                "parameters": [cid],
                "responses": {**_ok(contract), **_error_responses("401", "404")},
            },
        },
        "/contracts/{contract_id}/versions": {
            "post": {
                "summary": "Upload a revised version (school; returned or reviewed)",
                "parameters": [cid],
                "requestBody": _multipart(
                    {
                        "file": _UPLOAD_FIELDS["file"],
                        "note": _UPLOAD_FIELDS["note"],
                        "lock_version": {"type": "integer"},
                    },
                    ["file"],
                ),
                "responses": created,
            },
        },
        "/contracts/{contract_id}/versions/{number}/file": {
            "get": {
                "summary": "A version's file, under its original name",
                "parameters": [cid, _id_param("number")],
                "responses": {"200": {"description": "The file"}, **_error_responses("401", "404")},
            },
        },
        "/contracts/{contract_id}/diff": {
            "get": {
                "summary": "Changed lines between two versions",
                "parameters": [
                    cid,
                    {
                        "name": "from",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "to", "in": "query", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": {**_ok({"type": "object"}), **_error_responses("400", "401", "404")},
            },
        },
        "/contracts/{contract_id}/start": {
            "post": {
                "summary": "Start the review (assigned advisor)",
                "parameters": [cid],
                "requestBody": _json_body({"lock_version": {"type": "integer"}}, []),
                "responses": changed,
            },
        },
        "/contracts/{contract_id}/withdraw": {
            "post": {
                "summary": "Withdraw (school, before an opinion)",
                "parameters": [cid],
                "requestBody": _json_body(
                    {"reason": _text(REASON_MAX), "lock_version": {"type": "integer"}}, ["reason"]
                ),
                "responses": changed,
            },
        },
        "/contracts/{contract_id}/reassign": {
            "post": {
                "summary": "Reassign to another advisor (bureau)",
                "parameters": [cid],
                "requestBody": _json_body(
                    {"advisor_id": {"type": "integer"}, "reason": _text(REASON_MAX)},
                    ["advisor_id", "reason"],
                ),
                "responses": changed,
            },
        },
    }


FINDING = {
    "type": "object",
    "required": ["dimension", "severity", "problem"],
    "properties": {
        "id": {
            "type": ["integer", "null"],
            "description": "A finding of the contract's draft review, edited in place (pre-check"
            " hits taken into it stay linked); null or absent for a new finding. Draft findings"
            " left out are removed and their hits reopened.",
        },
        "dimension": {"enum": ["legality", "clarity", "operability"]},
        "severity": {"enum": ["low", "medium", "high"]},
        **{name: _text(limit) for name, limit in FINDING_LIMITS.items()},
    },
}
SCHEMAS["Review"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "outcome": {"enum": ["approve", "approve_with_changes", "reject", "return"]},
        "summary": {"type": "string"},
        "minutes_spent": {"type": "integer"},
        "issued_at": {"type": "string", "format": "date-time"},
        "findings": {"type": "array", "items": FINDING},
    },
}


def _review_paths() -> dict[str, Any]:
    cid = _id_param("contract_id")
    refused = {
        **_error_responses("400", "401", "403", "404"),
        "409": {"description": "Not allowed in the current status, or stale lock_version"},
        "422": {"description": "Invalid values"},
    }
    return {
        "/contracts/{contract_id}/reviews": {
            "post": {
                "summary": "Issue a review (assigned advisor, contract under review)",
                "parameters": [cid],
                "requestBody": _json_body(
                    {
                        "outcome": {
                            "enum": ["approve", "approve_with_changes", "reject", "return"]
                        },
                        "summary": _text(SUMMARY_MAX),
                        "minutes_spent": {"type": "integer"},
                        "lock_version": {
                            "type": "integer",
                            "description": "The contract's lock_version as last read; required",
                        },
                        "findings": {"type": "array", "items": FINDING},
                    },
                    ["outcome", "summary", "lock_version"],
                ),
                "responses": {
                    "201": {
                        "description": "The review",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Review"}}
                        },
                    },
                    **refused,
                    **_error_responses("428"),
                },
            },
        },
        "/contracts/{contract_id}/opinion.docx": {
            "get": {
                "summary": "The latest opinion letter as a Word document",
                "parameters": [cid],
                "responses": {
                    "200": {"description": "The .docx file"},
                    **_error_responses("401", "404"),
                },
            },
        },
        "/contracts/{contract_id}/feedback": {
            "post": {
                "summary": "Rate the latest opinion once (school)",
                "parameters": [cid],
                "requestBody": _json_body(
                    {
                        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                        "comment": _text(NOTE_MAX),
                    },
                    ["rating"],
                ),
                "responses": {"201": {"description": "The rating"}, **refused},
            },
        },
        "/contracts/{contract_id}/close": {
            "post": {
                "summary": "Record the result (school)",
                "parameters": [cid],
                "requestBody": _json_body(
                    {
                        "result": {"enum": ["signed", "abandoned"]},
                        "adoption": {"enum": ["fully", "partly", "not"]},
                        "note": _text(NOTE_MAX),
                        "lock_version": {"type": "integer"},
                    },
                    ["result"],
                ),
                "responses": {**_ok({"$ref": "#/components/schemas/Contract"}), **refused},
            },
        },
        "/notifications": {
            "get": {
                "summary": "The caller's notices",
                "parameters": [*PAGING, _query("unread", {"enum": ["true", "false"]})],
                "responses": {**_ok({"type": "object"}), **_error_responses("400", "401")},
            },
        },
    }


KINDS = [
    "contract_review",
    "consultation",
    "lecture",
    "dispute_mediation",
    "document_drafting",
    "training",
    "other",
]
ENTRY_FIELDS = {
    "date": {"type": "string", "format": "date"},
    "advisor_id": {"type": "integer"},
    "school_id": {"type": ["integer", "null"]},
    "kind": {"enum": KINDS},
    "description": _text(LEDGER_LIMITS["description"]),
    "service_mode": {"enum": [None, "on_site", "phone", "online", "written"]},
    "minutes": {"type": "integer"},
    "outcome": _text(LEDGER_LIMITS["outcome"]),
    "audience": _text(LEDGER_LIMITS["audience"]),
    "headcount": {"type": ["integer", "null"]},
}
SCHEMAS["LedgerEntry"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "seq": {"type": "integer"},
        **ENTRY_FIELDS,
        "contract_id": {"type": ["integer", "null"]},
        "review_id": {"type": ["integer", "null"]},
        "supersedes_id": {"type": ["integer", "null"]},
        "on_behalf": {"type": "boolean"},
        "hash": {"type": "string"},
        "prev_hash": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def _ledger_paths() -> dict[str, Any]:
    entry = {"$ref": "#/components/schemas/LedgerEntry"}
    filters = [
        *PAGING,
        _query("advisor_id"),
        _query("school_id"),
        _query("kind", {"enum": KINDS}),
        _query("from", {"type": "string", "format": "date"}),
        _query("to", {"type": "string", "format": "date"}),
    ]
    created = {
        "201": {"description": "The new entry", "content": {"application/json": {"schema": entry}}},
        **_error_responses("400", "401", "403", "404"),
        "409": {"description": "Already corrected"},
        "422": {"description": "Invalid values"},
    }
    body = _json_body(ENTRY_FIELDS, ["date", "kind", "description", "minutes"])
    return {
        "/ledger": {
            "get": {
                "summary": "Ledger entries the caller may see",
                "parameters": filters,
                "responses": {**_ok(_list_of("LedgerEntry")), **_error_responses("400", "401")},
            },
            "post": {
                "summary": "Record work (advisor; bureau names the advisor)",
                "requestBody": body,
                "responses": created,
            },
        },
        "/ledger/{entry_id}": {
            "get": {
                "summary": "One entry",
                "parameters": [_id_param("entry_id")],
                "responses": {**_ok(entry), **_error_responses("401", "404")},
            },
        },
        "/ledger/{entry_id}/correct": {
            "post": {
                "summary": "Correct an entry by a new one (its author)",
                "description": (
                    'The body names only the fields that change, e.g. `{"minutes": 90}`;'
                    " every field left out is taken from the entry being corrected. A whole"
                    " entry (as GET gives it) works too; its read-only members are ignored."
                    " A field given as null is cleared. The new entry supersedes the old one,"
                    " which can be corrected once."
                ),
                "parameters": [_id_param("entry_id")],
                "requestBody": _json_body(ENTRY_FIELDS, []),
                "responses": {
                    **created,
                    "422": {
                        "description": (
                            "Invalid values after the merge; `fields` names each, e.g."
                            " `minutes` or `date`"
                        ),
                        "content": {"application/json": {"schema": {"$ref": ERROR}}},
                    },
                },
            },
        },
        "/ledger/verify": {
            "get": {
                "summary": "Recompute the hash chain (bureau)",
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {
                                "ok": {"type": "boolean"},
                                "checked": {"type": "integer"},
                                "first_bad_id": {"type": ["integer", "null"]},
                            },
                        }
                    ),
                    **_error_responses("401", "403"),
                },
            },
        },
        "/ledger/export.xlsx": {
            "get": {
                "summary": "Export in the bureau's layout",
                "parameters": filters[2:],
                "responses": {"200": {"description": "The .xlsx file"}},
            },
        },
        "/ledger/export.csv": {
            "get": {
                "summary": "Export as CSV (UTF-8 with BOM)",
                "parameters": filters[2:],
                "responses": {"200": {"description": "The .csv file"}},
            },
        },
    }


_DECIMAL = {"type": "string", "examples": ["12.5"]}
_LABELS = {
    "key": {"type": "string"},
    "label_zh": {"type": "string"},
    "label_en": {"type": "string"},
}
SCHEMAS["Rules"] = {
    "type": "object",
    "description": "A rule set (考核细则); every number of points is a decimal string.",
    "required": ["name", "periods", "blocks", "grades"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "version": {"type": "integer", "minimum": 1},
        "total_cap": {**_DECIMAL, "default": "100"},
        "bonus_cap": {**_DECIMAL, "default": "0"},
        "periods": {"type": "array", "items": {"enum": list(PERIODS)}, "minItems": 1},
        "blocks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "label_zh", "label_en", "max_points", "items"],
                "properties": {
                    **_LABELS,
                    "max_points": _DECIMAL,
                    "is_bonus": {"type": "boolean"},
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "key",
                                "label_zh",
                                "label_en",
                                "max_points",
                                "measure",
                                "method",
                                "no_data",
                            ],
                            "properties": {
                                **_LABELS,
                                "max_points": _DECIMAL,
                                "measure": {"enum": list(MEASURES)},
                                "method": {"enum": list(METHODS)},
                                "params": {
                                    "type": "object",
                                    "description": (
                                        "proportional: rate (fraction | rating_1_5);"
                                        " ratio_to_target: target (a number, or one per"
                                        " period); per_unit: per_unit, cap;"
                                        " deduction_per_unit: per_unit, start?;"
                                        " banded: bands, [[threshold, points], ...]"
                                    ),
                                },
                                "no_data": {"enum": list(NO_DATA)},
                                "no_data_points": {"type": ["string", "null"]},
                                "manual": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
        "veto_items": {"type": "array", "items": {"type": "object", "properties": _LABELS}},
        "grades": {
            "type": "array",
            "description": "From the highest grade to the lowest, which starts at 0",
            "items": {
                "type": "object",
                "required": ["name_zh", "name_en", "min_total"],
                "properties": {
                    "name_zh": {"type": "string"},
                    "name_en": {"type": "string"},
                    "min_total": _DECIMAL,
                },
            },
        },
        "calendar": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    **_LABELS,
                    "when": {"type": "string", "examples": ["period_end-10d"]},
                },
            },
        },
    },
}


def _evaluation_paths() -> dict[str, Any]:
    evaluation = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "period": {"type": "string"},
            "status": {"enum": ["draft", "published"]},
            "ruleset_id": {"type": "integer"},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
            "objections_until": {"type": ["string", "null"], "format": "date"},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "advisor_id": {"type": "integer"},
                        "total": {"type": "string"},
                        "grade": {"type": "string"},
                        "rank": {"type": "integer"},
                        "vetoed": {"type": "boolean"},
                        "items": {"type": "array"},
                        "adjustments": {"type": "array"},
                    },
                },
            },
        },
    }
    objection = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "advisor_id": {"type": "integer"},
            "text": {"type": "string"},
            "status": {"enum": ["open", "answered"]},
            "filed_at": {"type": "string", "format": "date-time"},
            "answer": {"type": ["string", "null"]},
            "answered_at": {"type": ["string", "null"], "format": "date-time"},
        },
    }
    rule_set = {
        "type": "object",
        "required": ["id", "name", "version", "rules"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "version": {"type": "integer"},
            "rules": {"$ref": "#/components/schemas/Rules"},
        },
    }
    return {
        "/rulesets": {
            "get": {
                "summary": "Stored versions of the evaluation rules",
                "description": (
                    "The default rule set is stored as version 1 when an installation is set"
                    " up (`flask users create-bureau`, `flask demo load`), so a new"
                    " installation lists it before any evaluation is run."
                ),
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": rule_set},
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                            },
                        }
                    ),
                    **_error_responses("401"),
                },
            },
            "post": {
                "summary": "Store the next version of a rule set (bureau)",
                "description": (
                    "The body is a rule set as `rules` in GET (at most 256 KB). It is saved"
                    " as the next version of its name; a stored version never changes. A"
                    " `version` in the body is the newest version the client knew of."
                ),
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Rules"}}
                    }
                },
                "responses": {
                    "201": {
                        "description": "The new version",
                        "content": {"application/json": {"schema": rule_set}},
                    },
                    **_error_responses("400", "401", "403"),
                    "409": {
                        "description": (
                            "The same rules as the newest version of that name, or a version"
                            " newer than the body's `version` was saved meanwhile"
                        )
                    },
                    "413": {"description": "Body larger than 256 KB"},
                    "422": {
                        "description": (
                            "Invalid rules; `fields` maps each problem's path, such as"
                            " `blocks[1].items[0].max_points`, to its message"
                        )
                    },
                },
            },
        },
        "/rulesets/{rule_set_id}": {
            "get": {
                "summary": "One version of the rules, as data",
                "parameters": [_id_param("rule_set_id")],
                "responses": {**_ok(rule_set), **_error_responses("401", "404")},
            }
        },
        "/evaluations": {
            "post": {
                "summary": "Compute a draft evaluation (bureau)",
                "requestBody": _json_body(
                    {
                        "period": {"type": "string", "examples": ["2025", "2025-Q3"]},
                        "ruleset_id": {"type": "integer"},
                    },
                    ["period"],
                ),
                "responses": {
                    "201": {
                        "description": "The draft evaluation",
                        "content": {"application/json": {"schema": evaluation}},
                    },
                    **_error_responses("400", "401", "403", "404"),
                    "422": {"description": "Bad period"},
                },
            }
        },
        "/evaluations/{evaluation_id}": {
            "get": {
                "summary": "An evaluation with the results the caller may see",
                "parameters": [_id_param("evaluation_id")],
                "responses": {**_ok(evaluation), **_error_responses("401", "404")},
            }
        },
        "/evaluations/{evaluation_id}/adjust": {
            "post": {
                "summary": "Change one result with a written reason (bureau): an item's points,"
                " a manual measure or a veto; a published result only in answer to an objection",
                "parameters": [_id_param("evaluation_id")],
                "requestBody": _json_body(
                    {
                        "advisor_id": {"type": "integer"},
                        "item": {"type": "string"},
                        "points": {"type": ["string", "number", "null"]},
                        "measure": {"type": "string"},
                        "value": {"type": ["string", "number"]},
                        "veto": {"type": "string"},
                        "set": {"type": "boolean"},
                        "reason": _text(NOTE),
                    },
                    ["advisor_id", "reason"],
                ),
                "responses": {
                    **_ok(evaluation),
                    **_error_responses("400", "401", "403", "404", "409"),
                    "422": {"description": "No reason, an unknown item or points out of range"},
                },
            }
        },
        "/evaluations/{evaluation_id}/publish": {
            "post": {
                "summary": "Publish a draft (bureau): frozen, advisors notified, objections open",
                "parameters": [_id_param("evaluation_id")],
                "responses": {
                    **_ok(evaluation),
                    **_error_responses("401", "403", "404", "409"),
                },
            }
        },
        "/evaluations/{evaluation_id}/objections": {
            "get": {
                "summary": "Objections the caller may see (bureau: all; advisor: their own)",
                "parameters": [_id_param("evaluation_id")],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": objection},
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                            },
                        }
                    ),
                    **_error_responses("401", "404"),
                },
            },
            "post": {
                "summary": "Object to one's published result within the objection period",
                "parameters": [_id_param("evaluation_id")],
                "requestBody": _json_body({"text": _text(OBJECTION_MAX)}, ["text"]),
                "responses": {
                    "201": {
                        "description": "The objection",
                        "content": {"application/json": {"schema": objection}},
                    },
                    **_error_responses("400", "401", "403", "404", "409"),
                    "422": {"description": "No text"},
                },
            },
        },
        "/evaluations/{evaluation_id}/objections/{objection_id}/answer": {
            "post": {
                "summary": "Answer an objection (bureau), optionally setting an item's points",
                "parameters": [_id_param("evaluation_id"), _id_param("objection_id")],
                "requestBody": _json_body(
                    {
                        "answer": _text(OBJECTION_MAX),
                        "item": {"type": "string"},
                        "points": {"type": ["string", "number", "null"]},
                    },
                    ["answer"],
                ),
                "responses": {
                    **_ok(objection),
                    **_error_responses("400", "401", "403", "404", "409"),
                    "422": {"description": "No answer or points out of range"},
                },
            }
        },
    }


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request",
        "schema": {"type": "integer"},
    }
}
RATE_LIMITED = {
    "description": "Over the per-token or per-address rate limit, or (uploads) the user"
    " already has files being read; retry after the seconds given",
    "headers": RETRY_AFTER,
    "content": {"application/json": {"schema": {"$ref": ERROR}}},
}
UNAVAILABLE = {
    "description": "`service_unavailable`: the database cannot be reached, or (uploads)"
    " every parser is busy; nothing was saved; retry after the seconds given",
    "headers": RETRY_AFTER,
    "content": {"application/json": {"schema": {"$ref": ERROR}}},
}
NO_STORAGE = {
    "description": "`insufficient_storage`: the files folder is full or not writable;"
    " nothing was saved",
    "content": {"application/json": {"schema": {"$ref": ERROR}}},
}
UPLOADS = {("/contracts", "post"), ("/contracts/{contract_id}/versions", "post")}


def _with_server_answers(paths: dict[str, Any]) -> dict[str, Any]:
    """What any operation may answer whatever it does: 429 (the rate limits cover the
    whole API, advisor.ratelimits) and 503 (the database away, advisor.errors); an
    upload also 507 (the files folder refused the file)."""
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation["responses"].setdefault("429", RATE_LIMITED)
            operation["responses"].setdefault("503", UNAVAILABLE)
            if (path, method) in UPLOADS:
                operation["responses"].setdefault("507", NO_STORAGE)
    return paths


def spec() -> dict[str, Any]:
    ref = "#/components/schemas/"
    document: dict[str, Any] = {
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
            "schemas": SCHEMAS,
        },
        "paths": {
            **_contract_paths(),
            **_review_paths(),
            **_ledger_paths(),
            **_evaluation_paths(),
            "/reports/summary": {
                "get": {
                    "summary": "The bureau's figures of a year, for the annual report (bureau)",
                    "parameters": [
                        {
                            "name": "year",
                            "in": "query",
                            "description": "Four digits from 2000 to next year; default this year",
                            "schema": {"type": "integer", "minimum": 2000},
                        }
                    ],
                    "responses": {
                        **_ok({"type": "object"}),
                        **_error_responses("401", "403"),
                        "422": {
                            "description": (
                                "`year` is not a number, or no year with figures (before 2000"
                                " or after next year); `fields.year` says which years are"
                            ),
                            "content": {"application/json": {"schema": {"$ref": ERROR}}},
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "security": [],
                    "responses": _ok({"type": "object"}),
                },
            },
            "/me": {
                "get": {
                    "summary": "The caller's account",
                    "responses": {**_ok({"$ref": ref + "Me"}), **_error_responses("401")},
                },
            },
            "/schools": {
                "get": {
                    "summary": "Schools the caller may see",
                    "parameters": [
                        *PAGING,
                        _query("q"),
                        _query("district"),
                        _query("level", {"enum": LEVELS}),
                        _query("active", {"enum": ["true", "false"]}),
                    ],
                    "responses": {**_ok(_list_of("School")), **_error_responses("400", "401")},
                },
            },
            "/schools/{school_id}": {
                "get": {
                    "summary": "One school",
                    "parameters": [_id_param("school_id")],
                    "responses": {
                        **_ok({"$ref": ref + "School"}),
                        **_error_responses("401", "404"),
                    },
                },
            },
            "/advisors": {
                "get": {
                    "summary": "Advisors the caller may see",
                    "parameters": [
                        *PAGING,
                        _query("q"),
                        _query("law_firm_id", {"type": "integer"}),
                    ],
                    "responses": {**_ok(_list_of("Advisor")), **_error_responses("400", "401")},
                },
            },
            "/advisors/{advisor_id}": {
                "get": {
                    "summary": "One advisor",
                    "parameters": [_id_param("advisor_id")],
                    "responses": {
                        **_ok({"$ref": ref + "Advisor"}),
                        **_error_responses("401", "404"),
                    },
                },
            },
        },
    }
    _with_server_answers(document["paths"])
    return document
