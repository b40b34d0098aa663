"""docs/api.md, the API guide, written from the served OpenAPI document.

The OpenAPI document (``GET /api/v1/openapi.json``) is the API's one description; this
turns it into a page a person reads: each operation with its parameters, its request
body's members and its answers, and each schema's members with their types and limits.
A test (tests/test_docs.py) fails when docs/api.md differs from what this writes now, so
the guide cannot fall behind the API.

Run as ``python -m tools.api_guide`` (``make docs``) to write docs/api.md again.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from config import PROJECT_ROOT, Config

GUIDE = PROJECT_ROOT / "docs" / "api.md"
METHODS = ("get", "post", "put", "patch", "delete")

INTRODUCTION = """\
Every request carries a token: `Authorization: Bearer <token>` (设置 › API 令牌, or
`flask --app advisor tokens create EMAIL`). A token acts as its user, with that user's
role and scope: a school sees its own contracts, an advisor the schools assigned to
them, the bureau everything. Bodies are JSON (`Content-Type: application/json`, at most
1 MB) except uploads, which are `multipart/form-data`. Amounts are decimal strings
(`"12000.00"`), dates `YYYY-MM-DD`, times ISO 8601 with their offset. Lists take `page`
and `per_page` (at most 200) and answer `{"items", "total", "page", "per_page"}`.

An error is always `{"error": {"code", "message", "fields"?}}`: `code` is stable and
meant for programs, `message` is for people (Chinese, or English with
`Accept-Language: en`), and `fields` maps each refused member of the body to what is
wrong with it. A state change on a contract sends the `lock_version` it last read; a
stale one is 409, a missing one 428. Too many requests are 429 with `Retry-After`.

The machine-readable description is served at `/api/v1/openapi.json`."""


def served_document() -> dict[str, Any]:
    """The OpenAPI document as the application serves it (no database is needed)."""
    from advisor import create_app

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            secret_key="api-guide",
            database_url=f"sqlite:///{Path(tmp) / 'guide.db'}",
            instance_path=Path(tmp),
            testing=True,
        )
        response = create_app(config).test_client().get("/api/v1/openapi.json")
        document = response.get_json()
    if response.status_code != 200 or not isinstance(document, dict):
        raise RuntimeError(f"/api/v1/openapi.json answered {response.status_code}")
    return document


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: Mapping[str, Any]) -> str:
    """A schema as a short phrase: ``string ≤ 200``, ``[Contract]``, ``one of a, b``."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f"[{name}](#{name.lower()})"
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            kinds = [_type(part) for part in schema[combiner]]
            return " or ".join(dict.fromkeys(kinds))
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _type(schema["allOf"][0])
    if "enum" in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    members = schema.get("properties", {})
    if {"items", "total"} <= set(members) and members["items"].get("type") == "array":
        return f"page of {_type(members['items'].get('items', {}))}"
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(str(k) for k in kind)
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    words = [str(kind)]
    if "format" in schema:
        words.append(f"({schema['format']})")
    limits = [
        ("minLength", "≥ {} characters"),
        ("maxLength", "≤ {} characters"),
        ("minimum", "≥ {}"),
        ("maximum", "≤ {}"),
        ("pattern", "matching `{}`"),
    ]
    words += [text.format(schema[key]) for key, text in limits if key in schema]
    return " ".join(words)


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _members(schema: Mapping[str, Any]) -> list[str]:
    """A table of an object schema's members; nothing for other schemas."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return []
    required = set(schema.get("required", ()))
    rows = ["| member | type | required | meaning |", "|---|---|---|---|"]
    for name, member in properties.items():
        rows.append(
            f"| `{name}` | {_cell(_type(member))} | {'yes' if name in required else ''} "
            f"| {_cell(member.get('description', member.get('title', '')))} |"
        )
    return rows


def _body_schemas(content: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for media, body in content.items():
        yield media, body.get("schema", {})


def _operation(path: str, method: str, operation: Mapping[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", ""]
    summary = operation.get("summary") or operation.get("description") or ""
    if summary:
        lines += [_cell(summary), ""]
    if operation.get("operationId"):
        lines += [f"Operation id: `{operation['operationId']}`.", ""]
    parameters = operation.get("parameters", [])
    if parameters:
        lines += ["| parameter | in | type | required | meaning |", "|---|---|---|---|---|"]
        for parameter in parameters:
            lines.append(
                f"| `{parameter['name']}` | {parameter.get('in', '')} "
                f"| {_cell(_type(parameter.get('schema', {})))} "
                f"| {'yes' if parameter.get('required') else ''} "
                f"| {_cell(parameter.get('description', ''))} |"
            )
        lines.append("")
    body = operation.get("requestBody")
    if body:
        for media, schema in _body_schemas(body.get("content", {})):
            lines += [f"Request body (`{media}`): {_type(schema)}", ""]
            inline = _members(schema)
            if inline:
                lines += [*inline, ""]
    responses = operation.get("responses", {})
    if responses:
        lines += ["| status | meaning | body |", "|---|---|---|"]
        for status, answer in responses.items():
            kinds = [_type(schema) for _, schema in _body_schemas(answer.get("content", {}))]
            lines.append(
                f"| {status} | {_cell(answer.get('description', ''))} | {_cell(', '.join(kinds))} |"
            )
        lines.append("")
    return lines


def build_guide(document: Mapping[str, Any]) -> str:
    """The guide's Markdown for an OpenAPI 3.x document."""
    info = document.get("info", {})
    title = info.get("title", "API")
    lines = [
        f"# {title} {info.get('version', '')}".rstrip(),
        "",
        "<!-- Written by `make docs` (tools/api_guide.py) from /api/v1/openapi.json;"
        " edit the API, not this file. -->",
        "",
        INTRODUCTION,
        "",
        "## Operations",
        "",
    ]
    base = (document.get("servers") or [{}])[0].get("url", "").rstrip("/")
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                lines += _operation(base + path, method, item[method])
    schemas = document.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
        for name, schema in schemas.items():
            lines += [f"### {name}", ""]
            description = schema.get("description")
            if description:
                lines += [_cell(description), ""]
            members = _members(schema)
            lines += [*members, ""] if members else [f"{_type(schema)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = build_guide(served_document())
    if argv[1:] == ["--check"]:
        if GUIDE.read_text(encoding="utf-8") != text:
            print(f"{GUIDE} is out of date: run make docs", file=sys.stderr)
            return 1
        return 0
    GUIDE.write_text(text, encoding="utf-8")
    print(f"wrote {GUIDE.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
