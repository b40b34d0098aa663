"""The dashboard's recent figures kept in Redis, shared by every worker (issue 16, item 11).

Without ``REDIS_URL`` each process keeps its own (``recent_figures.RecentFigures``): four
gunicorn workers then count the same province-wide figures four times, and two
requests a second apart may show figures counted at different moments. With Redis
they count once per ``DASHBOARD_CACHE_SECONDS`` and show the same figures.

The figures travel as JSON, never as pickle: whoever can write to the Redis must not be
able to run code in the web processes. If Redis does not answer, the figures are
counted in the request (with a warning in the log) rather than refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import redis

from advisor.reports.dashboard import Dashboard, Filters, Overdue, Workload

log = logging.getLogger(__name__)

# Part of every key: a change to what is stored changes the version, so workers of an
# older release never read figures they would misunderstand.
FORMAT = 3


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _fields(board: Dashboard) -> dict[str, Any]:
    # Not dataclasses.asdict: it rebuilds a Counter from (key, count) pairs, which
    # Counter counts as elements, so every key would become a tuple.
    plain: dict[str, Any] = {}
    for item in dataclasses.fields(board):
        value = getattr(board, item.name)
        if isinstance(value, list):
            value = [
                dataclasses.asdict(v) if isinstance(v, Overdue | Workload) else v for v in value
            ]
        elif isinstance(value, Filters):
            value = dataclasses.asdict(value)
        elif isinstance(value, dict):
            value = dict(value)
        plain[item.name] = value
    return plain


def dump(board: Dashboard) -> str:
    """The dashboard as JSON (dates as ISO text, counters as objects)."""
    return json.dumps(_fields(board), default=_plain, ensure_ascii=False)


def load(text: str) -> Dashboard:
    """A dashboard from ``dump``'s JSON; ValueError/KeyError/TypeError if it is not one."""
    raw = json.loads(text)
    return Dashboard(
        filters=Filters(**raw["filters"]),
        today=date.fromisoformat(raw["today"]),
        computed_at=datetime.fromisoformat(raw["computed_at"]),
        refreshed_at=(datetime.fromisoformat(raw["refreshed_at"]) if raw["refreshed_at"] else None),
        by_status=Counter(raw["by_status"]),
        by_type=Counter(raw["by_type"]),
        by_outcome=Counter(raw["by_outcome"]),
        overdue=[
            Overdue(**{**row, "due_on": date.fromisoformat(row["due_on"])})
            for row in raw["overdue"]
        ],
        overdue_total=raw["overdue_total"],
        months=list(raw["months"]),
        received=dict(raw["received"]),
        reviewed=dict(raw["reviewed"]),
        turnaround=Counter({int(days): n for days, n in raw["turnaround"].items()}),
        on_time=raw["on_time"],
        workload=[Workload(**row) for row in raw["workload"]],
        rules=[(rule, n) for rule, n in raw["rules"]],
        findings_by_dimension=Counter(raw["findings_by_dimension"]),
        findings_by_severity=Counter(raw["findings_by_severity"]),
        idle_schools=[(i, name, district) for i, name, district in raw["idle_schools"]],
        idle_total=raw["idle_total"],
        districts=list(raw["districts"]),
        law_firms=[(i, name) for i, name in raw["law_firms"]],
        origins=[(bool(t), int(d), bool(c), int(n)) for t, d, c, n in raw["origins"]],
    )


class SharedFigures:
    """Recently counted dashboards in Redis, by filters and day, for ``seconds``."""

    def __init__(self, client: redis.Redis, seconds: int, prefix: str = "advisor") -> None:
        self.client = client
        self.seconds = seconds
        self.prefix = prefix

    def key(self, filters: Filters, today: date) -> str:
        name = json.dumps([dataclasses.astuple(filters), today.isoformat()])
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return f"{self.prefix}:dashboard:v{FORMAT}:{digest}"

    def get(
        self, filters: Filters, today: date, compute: Callable[[], Dashboard], *, fresh: bool
    ) -> Dashboard:
        if self.seconds <= 0:
            return compute()
        key = self.key(filters, today)
        if not fresh:
            try:
                kept = self.client.get(key)
            except redis.RedisError as error:
                log.warning("dashboard figures: Redis did not answer (%s); counting here", error)
                return compute()
            if kept is not None:
                try:
                    return load(kept.decode() if isinstance(kept, bytes) else str(kept))
                except (ValueError, KeyError, TypeError) as error:
                    log.warning("dashboard figures in Redis unreadable (%s); counting", error)
        board = compute()
        try:
            self.client.set(key, dump(board), ex=self.seconds)
        except redis.RedisError as error:
            log.warning("dashboard figures: Redis did not answer (%s); not kept", error)
        return board
