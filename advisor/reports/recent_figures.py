"""The dashboards this process counted in the last ``DASHBOARD_CACHE_SECONDS``, by filters
and day: the store when no Redis is configured (shared_figures.SharedFigures is the one
every worker shares).

A province's year is a few hundred thousand rows per figure: counting them takes a few
hundred milliseconds, and the page is opened far more often than the figures change. The
page says when its figures were counted and offers to count afresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from cachetools import TTLCache

from advisor.reports.dashboard import Dashboard, Filters


class RecentFigures:
    """At most ``size`` dashboards, each for ``seconds`` (none when 0), the least recently
    used dropped first. Thread-safe: the request threads of a worker share it."""

    def __init__(self, seconds: int, size: int = 64) -> None:
        self.seconds = seconds
        self._kept: TTLCache[tuple[Filters, date], Dashboard] = TTLCache(
            maxsize=size, ttl=max(seconds, 1), timer=time.monotonic
        )
        # TTLCache is not thread-safe; the lock is never held while counting.
        self._lock = threading.Lock()

    def get(
        self, filters: Filters, today: date, compute: Callable[[], Dashboard], *, fresh: bool
    ) -> Dashboard:
        key = (filters, today)
        if self.seconds <= 0:
            return compute()
        if not fresh:
            with self._lock:
                kept: Dashboard | None = self._kept.get(key)
            if kept is not None:
                return kept
        board = compute()
        with self._lock:
            self._kept[key] = board
        return board
