"""gunicorn.conf.py spreads kept-alive connections over the worker processes (issue 19,
item 3). A gthread worker accepts while it holds fewer than ``worker_connections``
connections, idle kept-alive ones included; with gunicorn's default of 1,000 one worker
took all 20 connections of a load test and the other idled (benchmarks.load showed the
CPU split 100 %/0 %). With three a thread the second worker gets its share (50 %/50 %
measured), and a worker still keeps connections alive (``worker_connections`` above
``threads``, or gunicorn closes every connection after its response). nginx's pool of idle
upstream connections stays below what the workers hold together, so that idle pooled
connections never take all the room."""

from __future__ import annotations

import os
import re
from unittest.mock import patch

import pytest
from gunicorn.config import Config as GunicornConfig

from config import PROJECT_ROOT


def settings(**env: str) -> GunicornConfig:
    """gunicorn's settings as gunicorn.conf.py makes them under ``env``."""
    config = GunicornConfig()
    namespace: dict[str, object] = {"__file__": str(PROJECT_ROOT / "gunicorn.conf.py")}
    with patch.dict(os.environ, env):
        exec(
            compile((PROJECT_ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"),
            namespace,
        )
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config


@pytest.mark.parametrize("threads", ["2", "4", "8"])
def test_each_worker_holds_three_connections_a_thread(threads: str) -> None:
    config = settings(WEB_WORKERS="2", WEB_THREADS=threads)
    assert config.worker_connections == 3 * int(threads)
    assert config.worker_connections - config.threads > 0  # room for kept-alive ones


def test_the_limit_can_be_set_from_the_environment() -> None:
    assert settings(WEB_THREADS="4", WEB_WORKER_CONNECTIONS="40").worker_connections == 40


def test_nginx_keeps_fewer_idle_connections_than_the_workers_hold() -> None:
    nginx = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    pooled = int(re.search(r"^\s*keepalive\s+(\d+);", nginx, re.MULTILINE)[1])
    config = settings(WEB_WORKERS="2", WEB_THREADS="4")
    # nginx runs one worker process per CPU; a 2-CPU server is the smallest supported
    assert 2 * pooled < config.workers * config.worker_connections


def test_a_busy_worker_is_replaced_rarely() -> None:
    # A new worker costs about 3 s of CPU; at 2,000 requests a worker busy with 200 a
    # second was replaced every 10 s (a third of a load test's throughput lost).
    config = settings(WEB_WORKERS="2", WEB_THREADS="4")
    assert config.max_requests >= 200 * 60 * 4  # not more often than every 4 minutes
    assert 0 < config.max_requests_jitter < config.max_requests // 2  # not all at once
    assert settings(WEB_MAX_REQUESTS="0").max_requests == 0  # 0: never replaced
