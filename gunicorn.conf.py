"""Gunicorn's settings for Advisor's production web process.

Used by ``make serve`` (deploy/serve.py) and deploy/advisor-web.service:
``gunicorn --config gunicorn.conf.py``. Each value below can be overridden from the
environment (HOST, PORT, WEB_WORKERS, WEB_THREADS, WEB_WORKER_CONNECTIONS, WEB_TIMEOUT,
WEB_GRACEFUL_TIMEOUT, WEB_MAX_REQUESTS), anything else with GUNICORN_CMD_ARGS. See docs/deploy.md
for sizing.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "advisor:create_app()"
# Each worker starts its parser's reader process as it builds the app, so that the first
# upload after a (re)start does not wait 1.4 s for it (config.py: parse_warm_start). The
# reader ends with its worker. PARSE_WARM_START=0 in the environment turns this off.
os.environ.setdefault("PARSE_WARM_START", "1")
# Each worker pre-checks an upload after sending its answer, in a thread of its own, so
# the school waits for the parser and not for the rules (config.py:
# precheck_after_response). PRECHECK_AFTER_RESPONSE=0 pre-checks inside the request.
os.environ.setdefault("PRECHECK_AFTER_RESPONSE", "1")
bind = [f"{os.environ.get('HOST') or '127.0.0.1'}:{_int('PORT', 5000)}"]
proc_name = "advisor-web"
# No runtime control socket (gunicornc): systemd and signals manage the process, and the
# service user has no home directory to put it in.
control_socket_disable = True

# One process per CPU, each with a few threads: a request waiting on the database, on
# the parser's child process or on a slow client holds one thread, not a whole process.
worker_class = "gthread"
workers = _int("WEB_WORKERS", max(2, _cpus()))
threads = _int("WEB_THREADS", 4)
# How many connections one worker holds at once, kept-alive idle ones included. A worker
# accepts while it has room, so with the default (1,000) one worker took every kept-alive
# connection of a load test (or of nginx's upstream pool) and the others idled (issue 19,
# item 3: 20 connections split 20/0). Three per thread spreads them; a connection beyond
# every worker's room waits in the listen queue until one has room. nginx.conf keeps its
# upstream pool (keepalive) below workers × this, so its idle connections never fill it.
worker_connections = _int("WEB_WORKER_CONNECTIONS", 3 * threads)
# A worker that stops answering its arbiter this long is killed and replaced; a parse
# is bounded by PARSE_SECONDS (20 s), well under it.
timeout = _int("WEB_TIMEOUT", 60)
# On SIGTERM (systemctl stop, Ctrl-C in make serve) requests in flight get this long.
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Replace each worker after about this many requests, so memory cannot creep. A new
# worker costs about 3 s of CPU (building the app, starting its reader process) and its
# share of the connections waits meanwhile: at 2,000 requests a busy worker was replaced
# every 10 s and a load test lost a third of its throughput to it (issue 19, item 3).
max_requests = _int("WEB_MAX_REQUESTS", 50000)
max_requests_jitter = max_requests // 10

# Logs go to stderr (the journal under systemd) through Advisor's one logging
# configuration (advisor/logs.py: LOG_FORMAT text or json, LOG_LEVEL), so gunicorn's own
# lines carry the same time, level and format as the app's. No gunicorn access log: the
# app writes one line per request (advisor.requests: method, path, status, duration in
# ms, user and request id), and a second line without time, level or request id would
# only repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class AppLogger(glogging.Logger):
    """gunicorn's logger with its error log ("Listening at", "Booting worker", worker
    timeouts, errors handling a request) handed to the root logger, where
    advisor.logs.configure_logging puts Advisor's handler: in the arbiter here, and in
    each worker again when it builds the app."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        from advisor.logs import configure_logging
        from config import Config

        for handler in list(self.error_log.handlers):
            if getattr(handler, "_gunicorn", False):
                self.error_log.removeHandler(handler)
        self.error_log.propagate = True
        configure_logging(Config.from_env())


logger_class = AppLogger


def on_starting(server: Any) -> None:
    """Refuse to start (one line, exit 1) before any worker is forked when the settings
    forbid it, e.g. a development SECRET_KEY with ADVISOR_ENV=production."""
    from config import Config

    refusal = Config.from_env().refusal()
    if refusal:
        print(refusal, file=sys.stderr, flush=True)
        sys.exit(1)
