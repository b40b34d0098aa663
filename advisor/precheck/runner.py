"""Pre-checking uploads after their answer is sent (PRECHECK_AFTER_RESPONSE): every session
of the web process marks new versions pending (services.DEFERRED) instead of pre-checking
them in the upload's transaction; once that transaction commits, the versions are handed
to this process's runner when the answer has been sent (werkzeug's ``call_on_close``), and
its one thread pre-checks them (jobs.run_pending_precheck).

The pending rows are the state, the runner only a way to reach them sooner: a process that
stops (a deploy, gunicorn's max_requests, a crash) loses its queue, never a pre-check,
since the scheduler's ``precheck`` job runs what stayed pending. Under ``testing`` the
runner runs each version in the thread that hands it over, so tests need no waiting.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, after_this_request, has_request_context
from sqlalchemy import orm

from advisor.extensions import db
from advisor.precheck import jobs, services

EXTENSION_KEY = "advisor.precheck_runner"

log = logging.getLogger(__name__)


class PrecheckRunner:
    """One thread of this process that pre-checks the versions handed to it, in order."""

    def __init__(self, app: Flask, *, inline: bool = False) -> None:
        self.app = app
        self.inline = inline
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._starting = threading.Lock()

    def submit(self, version_ids: Iterable[int]) -> None:
        """Pre-check these versions soon (they are committed pending)."""
        for version_id in version_ids:
            if self.inline:
                self._run(version_id)
            else:
                self._ensure_thread()
                self._queue.put(version_id)

    def wait(self) -> None:
        """Until every version handed over so far is done (benchmarks; never a request)."""
        self._queue.join()

    def _ensure_thread(self) -> None:
        # Started on first use and again in a forked child, which inherits no threads.
        with self._starting:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._work, name="precheck-runner", daemon=True
                )
                self._thread.start()

    def _work(self) -> None:
        while True:
            version_id = self._queue.get()
            try:
                self._run(version_id)
            finally:
                self._queue.task_done()

    def _run(self, version_id: int) -> None:
        try:
            with self.app.app_context():
                jobs.run_pending_precheck(db.session, version_id)
        except Exception:  # the database gone, say: the scheduler's job retries it
            log.exception("pre-check of version %s left pending", version_id)


def init_runner(app: Flask) -> PrecheckRunner:
    """Make this app's sessions defer the pre-check and hand what they queued to a runner."""
    runner = PrecheckRunner(app, inline=app.config["ADVISOR"].testing)
    app.extensions[EXTENSION_KEY] = runner
    with app.app_context():
        maker = db.sessionmaker
    maker.configure(info={**maker.kw.get("info", {}), services.DEFERRED: True})
    sa.event.listen(maker, "after_commit", _handing_over(runner))
    sa.event.listen(maker, "after_soft_rollback", _forget_queued)
    return runner


def _handing_over(runner: PrecheckRunner) -> Callable[[orm.Session], None]:
    def after_commit(session: orm.Session) -> None:
        queued = session.info.pop(services.QUEUED, None)
        if not queued:
            return
        if not has_request_context():
            runner.submit(queued)
            return

        @after_this_request
        def when_sent(response: Response) -> Response:
            response.call_on_close(lambda: runner.submit(queued))
            return response

    return after_commit


def _forget_queued(session: orm.Session, _previous: Any) -> None:
    """Versions queued in a transaction rolled back were never added."""
    session.info.pop(services.QUEUED, None)
