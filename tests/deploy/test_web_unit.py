"""deploy/advisor-web.service's ExecStart, run as written (paths moved to this machine):
gunicorn with gunicorn.conf.py serves the real login page, names no version, logs each
request once with its duration and stops cleanly on SIGTERM; gunicorn's own lines come
through the app's logging configuration (JSON with LOG_FORMAT=json); with a development
SECRET_KEY the same command refuses to start."""

from __future__ import annotations

import json
import re
import secrets
import signal
import subprocess
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from tests.deploy.processes import (
    DEADLINE,
    base_env,
    children,
    ended,
    exit_status,
    free_port,
    get,
    listening,
    output,
    readers,
    stop,
    unit_command,
    wait_until,
)


def start_web(
    tmp_path: Path, database: str, port: int, log: Path, **settings: str
) -> subprocess.Popen[bytes]:
    """The web unit's ExecStart with what /etc/advisor/advisor.env sets on a server."""
    argv, directory, unit_env = unit_command("advisor-web.service")
    assert unit_env["ADVISOR_ENV"] == "production" and Path(argv[0]).is_file(), argv
    env = {
        **base_env(),
        **unit_env,
        "DATABASE_URL": database,
        "ADVISOR_INSTANCE_PATH": str(tmp_path),
        "FILES_PATH": str(tmp_path / "files"),
        "SECRET_KEY": secrets.token_hex(32),
        "PORT": str(port),
        "WEB_WORKERS": "2",
        **settings,
    }
    with log.open("wb") as sink:
        return subprocess.Popen(argv, cwd=directory, env=env, stdout=sink, stderr=subprocess.STDOUT)


def test_the_web_unit_serves_the_login_page_and_stops_cleanly_on_sigterm(
    tmp_path: Path, served_database: str
) -> None:
    port = free_port()
    log = tmp_path / "web.log"
    web = start_web(tmp_path, served_database, port, log)
    try:
        wait_until(web, listening(port), f"gunicorn listening on {port}", log)
        status, headers, body = get(port, "/login")
        assert status == 200
        for field in ('name="email"', 'name="password"', 'name="csrf_token"'):
            assert field in body, body[:500]
        assert headers["Server"] == "gunicorn", headers  # no version, no Python
        access = r"INFO \[req=\S+ user=-\] advisor\.requests: GET /login 200 \d+\.\dms"
        wait_until(
            web,
            lambda: re.search(access, output(log)) is not None,
            "the access line with its duration",
            log,
        )
        assert re.search(
            r"INFO \[req=- user=-\] gunicorn\.error: Using worker: gthread", output(log)
        )
        web.send_signal(signal.SIGTERM)
        assert exit_status(web, log) == 0, output(log)
    finally:
        stop(web)
    assert "gunicorn.error: Shutting down: Master" in output(log)
    assert len(re.findall(access, output(log))) == 1, output(log)


def test_each_worker_starts_its_parser_reader_at_boot_and_it_ends_with_the_worker(
    tmp_path: Path, served_database: str
) -> None:
    """Issue 19, item 4: the first upload after a start no longer waits 1.4 s for the
    reader process (gunicorn.conf.py sets PARSE_WARM_START); SIGTERM leaves none behind."""
    port = free_port()
    log = tmp_path / "web.log"
    web = start_web(tmp_path, served_database, port, log)
    try:
        wait_until(web, listening(port), f"gunicorn listening on {port}", log)
        wait_until(
            web,
            lambda: len(children(web.pid)) == 2 and all(readers(w) for w in children(web.pid)),
            "a reader under each of the 2 workers, before any upload",
            log,
        )
        started = [reader for worker in children(web.pid) for reader in readers(worker)]
        assert len(started) == 2, started
        web.send_signal(signal.SIGTERM)
        assert exit_status(web, log) == 0, output(log)
    finally:
        stop(web)
    assert all(ended(reader) for reader in started), output(log)


def request(port: int, path: str, request_id: str, data: bytes | None = None) -> int:
    """The status of one request sent with its own X-Request-ID (an error status too)."""
    sent = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"X-Request-ID": request_id}
    )
    try:
        with urllib.request.urlopen(sent, timeout=DEADLINE) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_with_log_format_json_every_line_is_json_and_each_request_has_one_access_line(
    tmp_path: Path, served_database: str
) -> None:
    """Issue 16, item 5 under gunicorn: what gunicorn itself prints (start, workers, stop)
    and what the app prints are all JSON lines with time and level, and a request gets the
    app's access line only, not gunicorn's as well."""
    port = free_port()
    log = tmp_path / "web.log"
    web = start_web(tmp_path, served_database, port, log, LOG_FORMAT="json")
    sent = {
        "gaps-login": ("/login", None, 200),
        "gaps-health": ("/healthz", None, 200),
        "gaps-missing": ("/no-such-page", None, 404),
        # A refused POST. (One without a CSRF token is sent back to the sign-in page,
        # which urllib would follow, giving two access lines.)
        "gaps-post": ("/healthz", b"x=1", 405),
    }
    try:
        wait_until(web, listening(port), f"gunicorn listening on {port}", log)
        for request_id, (path, data, status) in sent.items():
            assert request(port, path, request_id, data) == status, output(log)
        web.send_signal(signal.SIGTERM)
        assert exit_status(web, log) == 0, output(log)
    finally:
        stop(web)
    lines = output(log).splitlines()
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}\n{output(log)}") from None
        assert isinstance(record, dict), line
        assert record["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}, line
        assert datetime.fromisoformat(record["time"]).utcoffset() is not None, line
        records.append(record)
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "advisor.requests"} <= loggers, loggers
    messages = [r["message"] for r in records if r["logger"] == "gunicorn.error"]
    assert "Using worker: gthread" in messages and "Shutting down: Master" in messages
    access = [r for r in records if r["logger"] == "advisor.requests"]
    assert sorted(r["request_id"] for r in access) == sorted(sent), access
    for line in access:
        path, _, status = sent[line["request_id"]]
        assert (line["path"], line["status"]) == (path, status), line
        assert isinstance(line["duration_ms"], float), line


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
