"""Editing the evaluation rules: saving a rule set as the next version of its name, and
reading and writing rule-set files.

A stored version never changes. Saving validates the JSON form (rulefile.validate) and
adds a row whose version is one more than the newest of that name, or 1. Services add and
flush; the caller commits.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.errors import AppError, Conflict, Forbidden, PayloadTooLarge, ValidationError
from advisor.evaluation.identifiers import complete
from advisor.evaluation.models import NAME_LENGTH, RuleSetVersion
from advisor.evaluation.permissions import can_edit_rule_sets
from advisor.evaluation.problems import problem_text
from advisor.evaluation.rulefile import from_json, to_json, validate
from advisor.evaluation.rules import Problem, RuleSet

MAX_RULE_FILE_BYTES = 256 * 1024
# Far above any real rule set; they bound what the editing form has to show.
MAX_ROWS = {"blocks": 20, "items": 30, "grades": 20, "veto_items": 20, "calendar": 20}


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: RuleSetVersion
    author: str | None  # None: stored by the system (the default, at the first run)
    is_current: bool


def list_versions(session: orm.Session) -> list[VersionRow]:
    """Every stored version, the newest first, with who saved it; the first is current."""
    rows = session.execute(
        sa.select(RuleSetVersion, User.name)
        .outerjoin(User, User.id == RuleSetVersion.created_by_id)
        .order_by(RuleSetVersion.id.desc())
    ).all()
    return [VersionRow(row, author, n == 0) for n, (row, author) in enumerate(rows)]


def get_newest(session: orm.Session, name: str) -> RuleSetVersion | None:
    """The highest version of the rule set called ``name``."""
    return session.scalar(
        sa.select(RuleSetVersion)
        .where(RuleSetVersion.name == name)
        .order_by(RuleSetVersion.version.desc())
        .limit(1)
    )


def newest_version(session: orm.Session, name: str) -> int:
    newest = get_newest(session, name)
    return newest.version if newest else 0


def get_author(session: orm.Session, row: RuleSetVersion) -> str | None:
    author = session.get(User, row.created_by_id) if row.created_by_id else None
    return author.name if author else None


def _same_rules(a: RuleSet, b: RuleSet) -> bool:
    """Equal but for the version number (numbers compare by value: 12.50 is 12.5)."""
    return dataclasses.replace(a, version=0) == dataclasses.replace(b, version=0)


def _too_many(data: dict[str, Any]) -> list[Problem]:
    """Lists longer than MAX_ROWS allows, as problems at the list's path."""
    blocks = data.get("blocks")
    lists = [(name, data.get(name)) for name in ("blocks", "grades", "veto_items", "calendar")]
    if isinstance(blocks, list):
        lists[1:1] = [
            (f"blocks[{i}].items", b.get("items"))
            for i, b in enumerate(blocks)
            if isinstance(b, dict)
        ]
    problems = []
    for path, rows in lists:
        limit = MAX_ROWS[path.rpartition(".")[2]]
        if isinstance(rows, list) and len(rows) > limit:
            problems.append(Problem(path, "too_many", f"at most {limit}", {"max": str(limit)}))
    return problems


def _invalid(problems: list[Problem]) -> ValidationError:
    fields: dict[str, str] = {}
    for problem in problems:
        text = problem_text(problem)
        fields[problem.path] = f"{fields[problem.path]} {text}" if problem.path in fields else text
    return ValidationError(
        _l("Nothing was saved: the rules have %(n)d problem(s) to correct.", n=len(problems)),
        fields=fields,
    )


def save_rule_set(
    session: orm.Session, *, actor: User, data: object, seen_version: int | None
) -> RuleSetVersion:
    """Store ``data``, a rule set in its JSON form, as the next version of its name.

    Any ``version`` in ``data`` is replaced by the one assigned; missing keys and English
    labels are filled in (identifiers.complete, keeping the keys of the newest version of
    that name for parts labelled as there). ``seen_version`` is the
    newest version of that name the editor knew of (None: do not check). Raises Forbidden
    for anyone but the bureau; ValidationError whose fields map each problem's path to
    its message; Conflict when the rules equal the newest version of that name (a second
    click of Save) or when a version newer than ``seen_version`` was saved meanwhile,
    with that version in fields["version"].
    """
    if not can_edit_rule_sets(actor):
        raise Forbidden(_l("Only the bureau edits the evaluation rules."))
    if not isinstance(data, dict):
        raise AppError(_l("Send the rule set as one JSON object { … }."))
    name = data.get("name")
    newest = get_newest(session, name) if isinstance(name, str) else None
    number = (newest.version if newest else 0) + 1
    numbered = complete({**data, "version": number}, newest.data if newest else None)
    problems = validate(numbered) + _too_many(numbered)
    if isinstance(name, str) and len(name) > NAME_LENGTH:
        message = f"must be at most {NAME_LENGTH} characters"
        problems.insert(0, Problem("name", "too_long", message, {"max": str(NAME_LENGTH)}))
    if problems:
        raise _invalid(problems)
    rules = from_json(numbered)
    if newest is not None and _same_rules(rules, from_json(newest.data)):
        raise Conflict(
            _l(
                "Nothing changed: these rules are the same as version %(n)d. Nothing was saved.",
                n=newest.version,
            )
        )
    if newest is not None and seen_version is not None and newest.version > seen_version:
        raise Conflict(
            _l(
                "Someone else saved version %(n)d of “%(name)s” while you were editing.",
                n=newest.version,
                name=newest.name,
            ),
            fields={"version": str(newest.version)},
        )
    row = RuleSetVersion(
        name=rules.name, version=number, data=to_json(rules), created_by_id=actor.id
    )
    session.add(row)
    session.flush()
    return row


def read_rule_file(data: bytes) -> dict[str, Any]:
    """The JSON object in an uploaded rule-set file or request body, not yet validated.

    Raises PayloadTooLarge above MAX_RULE_FILE_BYTES, ValidationError for an empty file
    and AppError (400) for text that is not UTF-8, not JSON, or not one JSON object.
    Numbers written as JSON numbers are read exactly, as decimals.
    """
    if len(data) > MAX_RULE_FILE_BYTES:
        raise PayloadTooLarge(
            _l("The file is larger than 256 KB; a rule set is far smaller. Nothing was saved.")
        )
    if not data.strip():
        raise ValidationError(_l("The file is empty. Nothing was saved."))
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Windows editors write, is fine
    except UnicodeDecodeError as error:
        raise AppError(
            _l("The file is not UTF-8 text. Save it as UTF-8 and try again. Nothing was saved.")
        ) from error
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise AppError(
            _l(
                "The file is not valid JSON: the first error is at line %(line)d, column"
                " %(column)d. Nothing was saved.",
                line=error.lineno,
                column=error.colno,
            )
        ) from error
    except (ValueError, RecursionError) as error:  # e.g. huge integers, deep nesting
        raise AppError(_l("The file is not valid JSON. Nothing was saved.")) from error
    if not isinstance(value, dict):
        raise AppError(
            _l(
                "The file must hold one rule set, a JSON object { … }, not a list or a single"
                " value. Nothing was saved."
            )
        )
    return value


def export_rule_set(row: RuleSetVersion) -> bytes:
    """The stored JSON form as a readable UTF-8 file that ``read_rule_file`` reads back."""
    return (json.dumps(row.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_name(row: RuleSetVersion) -> str:
    safe = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in row.name)
    return f"{safe}-v{row.version}.json"
