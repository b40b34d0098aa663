"""Gunicorn's settings for Advisor's production web process.

Used by ``make serve`` (deploy/serve.py) and deploy/advisor-web.service:
``gunicorn --config gunicorn.conf.py``. Each value below can be overridden from the
environment (HOST, PORT, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT, WEB_GRACEFUL_TIMEOUT),
anything else with GUNICORN_CMD_ARGS. See docs/deploy.md for sizing.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "advisor:create_app()"
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
# A worker that stops answering its arbiter this long is killed and replaced; a parse
# is bounded by PARSE_SECONDS (20 s), well under it.
timeout = _int("WEB_TIMEOUT", 60)
# On SIGTERM (systemctl stop, Ctrl-C in make serve) requests in flight get this long.
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Replace each worker after about this many requests, so memory cannot creep.
max_requests = 2000
max_requests_jitter = 200

# Logs to stdout/stderr (the journal under systemd); one access line per request with
# its duration in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'


def on_starting(server: Any) -> None:
    """Refuse to start (one line, exit 1) before any worker is forked when the settings
    forbid it, e.g. a development SECRET_KEY with ADVISOR_ENV=production."""
    from config import Config

    refusal = Config.from_env().refusal()
    if refusal:
        print(refusal, file=sys.stderr, flush=True)
        sys.exit(1)
