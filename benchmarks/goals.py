"""The goals a benchmark reports, in the form ``make bench`` gathers (issue 19, item 7).

Every benchmark's ``--json FILE`` writes ``{"database": ..., "goals": [entry, ...]}``, one
entry per page and per figure::

    {"name": "pages: bureau /?fresh=1 p95", "measured": 212.4, "goal": 300, "unit": "ms",
     "met": true}

``measured`` is None when the figure could not be taken (the goal is then missed).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import sqlalchemy as sa

Entry = dict[str, Any]


def _number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 3)


def at_most(name: str, measured: float | None, goal: float, unit: str, *, ok: bool = True) -> Entry:
    """A goal met when the figure is no more than ``goal`` (and ``ok``)."""
    value = _number(measured)
    return {
        "name": name,
        "measured": value,
        "goal": goal,
        "unit": unit,
        "met": bool(ok and value is not None and value <= goal),
    }


def at_least(
    name: str, measured: float | None, goal: float, unit: str, *, ok: bool = True
) -> Entry:
    """A goal met when the figure is at least ``goal`` (and ``ok``)."""
    value = _number(measured)
    return {
        "name": name,
        "measured": value,
        "goal": goal,
        "unit": unit,
        "met": bool(ok and value is not None and value >= goal),
    }


def database_name(url: str) -> str:
    """The database as the results name it: its URL without a password."""
    return sa.make_url(url).render_as_string(hide_password=True)


def write(path: Path, database: str, goals: list[Entry], **extra: Any) -> None:
    """``{"database": ..., "goals": [...]}`` (and ``extra`` keys) as JSON in ``path``."""
    document = {"database": database, "goals": goals, **extra}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
