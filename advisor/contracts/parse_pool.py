"""How many uploads a web process reads at once, and how many one person may have in flight.

The parser runs in a child process (extraction.py), but the request thread waits for
it; a slow hostile file therefore holds a thread for up to PARSE_SECONDS. The pool
keeps uploads to a few of a process's threads so that every other page still has one:

- at most ``size`` (PARSE_WORKERS) files are parsed at once;
- at most ``size`` more wait for a parser, each for ``queue_seconds``
  (PARSE_QUEUE_SECONDS) at most; when none frees in time, or the waiting line is
  already full, the upload is refused with ParserBusy (503, Retry-After);
- one user has at most ``per_user`` (UPLOADS_PER_USER) uploads parsing or waiting;
  another is refused with TooManyUploads (429, Retry-After).

So uploads hold at most 2 × PARSE_WORKERS request threads per process. All counts are
per process: with several gunicorn workers the machine parses up to
workers × PARSE_WORKERS files at once, and a user may have UPLOADS_PER_USER in flight
in each worker. Cheap refusals (empty file, not PDF or Word) take no place in the line.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from flask_babel import lazy_gettext as _l

from advisor.contracts.extraction import Extracted, Limits, inspect_isolated, sniff
from advisor.errors import AppError, TooManyRequests

Parse = Callable[[bytes, Limits], Extracted]

EXTENSION_KEY = "advisor.parse_pool"

log = logging.getLogger(__name__)


class ParserBusy(AppError):
    """Every parser of this process is busy and stayed busy while the upload waited."""

    status = 503
    code = "service_unavailable"


class TooManyUploads(TooManyRequests):
    """The user already has as many uploads being read as one person may."""


class ParsePool:
    """A bounded set of parsing places with a short, bounded waiting line (see module)."""

    def __init__(
        self,
        *,
        size: int,
        queue_seconds: float,
        per_user: int,
        retry_after: int,
        parse: Parse = inspect_isolated,
    ) -> None:
        self.size = max(1, size)
        self.queue_seconds = max(0.0, queue_seconds)
        self.per_user = max(1, per_user)
        self.retry_after = max(1, retry_after)
        self._parse = parse
        # Notified whenever a count changes; guards the counts.
        self.changed = threading.Condition()
        self.parsing = 0
        self.waiting = 0
        self._in_flight: Counter[int] = Counter()

    @classmethod
    def for_app(cls, app: Flask) -> ParsePool:
        """The app's pool, made on first use from its settings (one per process)."""
        pool = app.extensions.get(EXTENSION_KEY)
        if pool is None:
            config = app.config["ADVISOR"]
            made = cls(
                size=config.parse_workers,
                queue_seconds=config.parse_queue_seconds,
                per_user=config.uploads_per_user,
                # a parse in progress ends within PARSE_SECONDS, freeing its place
                retry_after=math.ceil(config.parse_seconds),
            )
            pool = app.extensions.setdefault(EXTENSION_KEY, made)
        assert isinstance(pool, ParsePool)  # only this module writes the key  # nosec B101
        return pool

    def in_flight(self, owner: int) -> int:
        """Uploads of ``owner`` parsing or waiting now."""
        with self.changed:
            return self._in_flight[owner]

    def inspect(self, owner: int, data: bytes, limits: Limits) -> Extracted:
        """Parse ``data`` for user ``owner`` in a free place; raise Refused as the parser
        does, TooManyUploads or ParserBusy (nothing parsed) when there is no room."""
        sniff(data)
        with self.place(owner):
            return self._parse(data, limits)

    @contextmanager
    def place(self, owner: int) -> Iterator[None]:
        """Hold one parsing place for ``owner`` while the block runs; always given back."""
        self._enter(owner)
        try:
            yield
        finally:
            with self.changed:
                self.parsing -= 1
                self._leave(owner)
                self.changed.notify_all()

    def _enter(self, owner: int) -> None:
        with self.changed:
            if self._in_flight[owner] >= self.per_user:
                message = _l(
                    "You already have %(n)s files being read. Wait until they are done,"
                    " then upload this one; nothing was saved.",
                    n=self.per_user,
                )
                _log_refusal("uploads_in_flight", owner)
                raise TooManyUploads(
                    message, fields={"file": message}, retry_after=self.retry_after
                )
            if self.parsing >= self.size and self.waiting >= self.size:
                raise self._busy(owner)
            self._in_flight[owner] += 1
            self.waiting += 1
            self.changed.notify_all()
            try:
                free = self.changed.wait_for(lambda: self.parsing < self.size, self.queue_seconds)
            except BaseException:
                self.waiting -= 1
                self._leave(owner)
                raise
            self.waiting -= 1
            if not free:
                self._leave(owner)
                raise self._busy(owner)
            self.parsing += 1

    def _leave(self, owner: int) -> None:
        self._in_flight[owner] -= 1
        if self._in_flight[owner] <= 0:
            del self._in_flight[owner]

    def _busy(self, owner: int) -> ParserBusy:
        _log_refusal("parser_busy", owner)
        message = _l(
            "The server is busy reading other files. Nothing was saved;"
            " please upload the file again in %(seconds)s seconds.",
            seconds=self.retry_after,
        )
        return ParserBusy(message, fields={"file": message}, retry_after=self.retry_after)


def _log_refusal(reason: str, owner: int) -> None:
    """A refusal for want of room is a sign of load or of someone flooding: WARNING."""
    fields = {"reason": reason, "user_id": owner}
    log.warning("upload refused: %s (user %s)", reason, owner, extra={"fields": fields})
