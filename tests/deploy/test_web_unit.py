"""deploy/advisor-web.service's ExecStart, run as written (paths moved to this machine):
gunicorn with gunicorn.conf.py serves the real login page, names no version, logs each
request with its duration and stops cleanly on SIGTERM; with a development SECRET_KEY
the same command refuses to start."""

from __future__ import annotations

import re
import secrets
import signal
import subprocess
from pathlib import Path

from tests.deploy.processes import (
    DEADLINE,
    base_env,
    exit_status,
    free_port,
    get,
    listening,
    output,
    stop,
    unit_command,
    wait_until,
)


def test_the_web_unit_serves_the_login_page_and_stops_cleanly_on_sigterm(
    tmp_path: Path, served_database: str
) -> None:
    argv, directory, unit_env = unit_command("advisor-web.service")
    assert unit_env["ADVISOR_ENV"] == "production" and Path(argv[0]).is_file(), argv
    port = free_port()
    log = tmp_path / "web.log"
    env = {
        **base_env(),
        **unit_env,
        # What /etc/advisor/advisor.env sets on a server:
        "DATABASE_URL": served_database,
        "ADVISOR_INSTANCE_PATH": str(tmp_path),
        "FILES_PATH": str(tmp_path / "files"),
        "SECRET_KEY": secrets.token_hex(32),
        "PORT": str(port),
        "WEB_WORKERS": "2",
    }
    with log.open("wb") as sink:
        web = subprocess.Popen(argv, cwd=directory, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_until(web, listening(port), f"gunicorn listening on {port}", log)
        status, headers, body = get(port, "/login")
        assert status == 200
        for field in ('name="email"', 'name="password"', 'name="csrf_token"'):
            assert field in body, body[:500]
        assert headers["Server"] == "gunicorn", headers  # no version, no Python
        wait_until(
            web,
            lambda: re.search(r'"GET /login HTTP/1.1" 200 \d+ \d+ms', output(log)) is not None,
            "the access line with its duration",
            log,
        )
        assert "Using worker: gthread" in output(log)
        web.send_signal(signal.SIGTERM)
        assert exit_status(web, log) == 0, output(log)
    finally:
        stop(web)
    assert "Shutting down: Master" in output(log)


def test_the_web_unit_refuses_a_development_secret_key(tmp_path: Path) -> None:
    argv, directory, unit_env = unit_command("advisor-web.service")
    env = {
        **base_env(),
        **unit_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'advisor.db'}",
        "ADVISOR_INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "change-me",
        "PORT": str(free_port()),
    }
    refused = subprocess.run(
        argv, cwd=directory, env=env, capture_output=True, text=True, timeout=DEADLINE
    )
    assert refused.returncode == 1, refused.stderr
    message = refused.stderr.strip().splitlines()[-1]
    assert message.startswith(
        "Refusing to start: ADVISOR_ENV=production with a development SECRET_KEY"
    )
    assert "Booting worker" not in refused.stderr  # refused by the arbiter, before any fork
