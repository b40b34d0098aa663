"""Helpers of the rule-set tests: the stored default, the versions there are, and what a
browser posts for the edit form."""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from werkzeug.datastructures import MultiDict

from advisor.evaluation import services
from advisor.evaluation.forms import form_values
from advisor.evaluation.models import RuleSetVersion

NAME = "学校法律顾问考核细则"


def stored(session: orm.Session) -> RuleSetVersion:
    """The default rules stored as version 1, committed so that requests see them."""
    row = services.ensure_default_rule_set(session)
    session.commit()
    return row


def versions(session: orm.Session) -> list[tuple[str, int]]:
    session.expire_all()
    rows = session.scalars(sa.select(RuleSetVersion).order_by(RuleSetVersion.id))
    return [(r.name, r.version) for r in rows]


def raw_data(session: orm.Session, row_id: int) -> str:
    """The stored JSON text of a version, as the database holds it."""
    query = sa.text("SELECT CAST(data AS TEXT) FROM rule_set_version WHERE id = :id")
    return str(session.execute(query, {"id": row_id}).scalar_one())


def form_data(rules: dict[str, Any], changes: dict[str, str] | None = None) -> MultiDict[str, str]:
    """What a browser posts for the edit form filled with ``rules``, then ``changes``."""
    data: MultiDict[str, str] = MultiDict()

    def put(name: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{name}-{key}" if name else key, inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                if isinstance(inner, dict):  # a row of a list of subforms
                    put(f"{name}-{i}", inner)
                else:  # a choice of a multiple select: the periods
                    data.add(name, inner)
        elif value is True:
            data.add(name, "y")
        elif value not in (False, None):
            data.add(name, str(value))

    put("", form_values(rules))
    for name, value in (changes or {}).items():
        data.setlist(name, [value])
    return data


def field_html(page: str, name: str) -> str:
    """The input, select or textarea named ``name``, and the error messages after it."""
    match = re.search(
        rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>.*?</div>', page, re.S
    )
    assert match, f"no field {name}"
    return html.unescape(match.group(0))


def text_of(match: re.Match[str] | None) -> str:
    """The text of an HTML fragment, tags left out, spaces collapsed."""
    assert match is not None
    inline = re.sub(r"</?(a|code|strong|span)\b[^>]*>", "", match.group(0))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())
