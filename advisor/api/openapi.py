"""The OpenAPI 3.1 description of the API; a test keeps it equal to the routes served."""

from __future__ import annotations

from typing import Any

ERROR_CODES = {
    "400": "Malformed request",
    "401": "No or bad token",
    "403": "Role not allowed",
    "404": "Not found or outside the caller's scope",
    "429": "Too many requests",
}


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


def spec() -> dict[str, Any]:
    ref = "#/components/schemas/"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Advisor API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
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
