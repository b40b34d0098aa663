"""The project's own documentation stays true: the API guide is what the served OpenAPI
says today, and every file a document names exists."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from config import PROJECT_ROOT
from tools.api_guide import GUIDE, build_guide

DOCUMENTS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]


def test_the_api_guide_is_written_from_the_served_openapi(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert GUIDE.read_text(encoding="utf-8") == build_guide(document), (
        "docs/api.md is out of date: run make docs"
    )


def test_the_guide_shows_members_types_limits_and_answers() -> None:
    document = {
        "info": {"title": "Advisor API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/things/{id}": {
                "post": {
                    "summary": "Change a thing.",
                    "operationId": "change_thing",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Change"}}
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "The thing",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        },
                        "409": {"description": "Stale | changed"},
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Change": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"enum": ["a", "b"]},
                        "note": {"type": "string", "maxLength": 200, "description": "Why"},
                    },
                },
                "Thing": {
                    "type": "object",
                    "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
                },
                "Things": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                        "total": {"type": "integer"},
                    },
                },
            }
        },
    }
    guide = build_guide(document)
    assert guide.startswith("# Advisor API 1\n")
    assert "### `POST /api/v1/things/{id}`" in guide
    assert "| `id` | path | integer | yes |  |" in guide
    assert "Request body (`application/json`): [Change](#change)" in guide
    assert "| 200 | The thing | [Thing](#thing) |" in guide
    assert "| 409 | Stale \\| changed |  |" in guide
    assert "| `kind` | one of `a`, `b` | yes |  |" in guide
    assert "| `note` | string ≤ 200 characters |  | Why |" in guide
    assert "| `tags` | list of string |  |  |" in guide
    assert "| `items` | list of [Thing](#thing) |  |  |" in guide


def test_every_file_a_document_names_exists() -> None:
    named = re.compile(
        r"`((?:advisor|tests|tools|benchmarks|deploy|docs|migrations|templates|static)/[^`\s*]+?)`"
    )
    missing = [
        f"{document.name}: {path}"
        for document in DOCUMENTS
        for path in named.findall(document.read_text(encoding="utf-8"))
        if not (PROJECT_ROOT / path.split("::")[0].rstrip("/")).exists()
    ]
    assert missing == []
