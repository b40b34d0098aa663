"""The dashboard's markup this process rendered in the last ``DASHBOARD_CACHE_SECONDS``,
by the figures it shows and how it shows them (issue 19, item 3).

Rendering a province's dashboard (its workload table of every advisor, a dozen charts
with their tables, a link per figure) costs more than reading its recent figures, and
every request for the same figures renders the same markup. The key names everything
the markup is made from: the counted figures' filters, day and the moment they were
counted (a recount, here or in another worker sharing them through Redis, makes a new
key, so markup is never shown for figures other than its own), the language, the
script root the links start with and the messages about ignored filters. Nothing is
kept per user: the dashboard is the bureau's and reads nothing of the signed-in user.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from cachetools import TTLCache
from markupsafe import Markup


class RecentPages:
    """At most ``size`` rendered pieces, each for ``seconds`` (none when 0), the least
    recently used dropped first. Thread-safe: the request threads of a worker share it."""

    def __init__(self, seconds: int, size: int = 32) -> None:
        self.seconds = seconds
        self._kept: TTLCache[Hashable, Markup] = TTLCache(
            maxsize=size, ttl=max(seconds, 1), timer=time.monotonic
        )
        self._lock = threading.Lock()  # never held while rendering

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The markup kept for ``key``, else ``render()``'s, kept."""
        if self.seconds <= 0:
            return Markup(render())  # nosec B704: rendered by Jinja with autoescape
        with self._lock:
            kept: Markup | None = self._kept.get(key)
        if kept is not None:
            return kept
        markup = Markup(render())  # nosec B704: rendered by Jinja with autoescape
        with self._lock:
            self._kept[key] = markup
        return markup
