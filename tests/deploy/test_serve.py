"""make serve's supervisor (deploy/serve.py): gunicorn and exactly one scheduler process;
SIGTERM stops both with status 0; a child that dies takes the other down and the status
says so. No SECRET_KEY is given: the key generated into the instance folder is accepted
in production mode, as on a laptop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from config import PROJECT_ROOT
from tests.deploy.processes import (
    DEADLINE,
    alive,
    base_env,
    children,
    exit_status,
    free_port,
    get,
    listening,
    output,
    stop,
    wait_until,
)

SERVE = PROJECT_ROOT / "deploy" / "serve.py"


def started_pids(log: Path) -> dict[str, int]:
    pids = {}
    for line in output(log).splitlines():
        if line.startswith("serve: ") and " started, pid " in line:
            name, _, pid = line.removeprefix("serve: ").partition(" started, pid ")
            pids[name] = int(pid)
    return pids


def scheduler_ran(url: str) -> Callable[[], bool]:
    """The scheduler process's own trace: its send_due run recorded as finished."""
    engine = sa.create_engine(url)

    def finished() -> bool:
        try:
            with engine.connect() as conn:
                done = conn.execute(
                    sa.text("SELECT finished_at FROM job_run WHERE job = 'send_due'")
                ).scalar()
        except sa.exc.OperationalError:  # SQLite busy while the scheduler writes
            return False
        finally:
            engine.dispose()
        return done is not None

    return finished


def start_serve(tmp: Path, url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **base_env(),
        "DATABASE_URL": url,
        "ADVISOR_INSTANCE_PATH": str(tmp),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, str(SERVE)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def test_serve_runs_the_web_server_and_one_scheduler_and_sigterm_stops_both(
    tmp_path: Path, served_database: str
) -> None:
    url = served_database
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # whatever an earlier scheduler recorded
        conn.execute(sa.text("DELETE FROM job_run"))
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    serve = start_serve(tmp_path, url, port, log)
    try:
        wait_until(serve, listening(port), "gunicorn listening", log)
        status, _, body = get(port, "/login")
        assert status == 200 and 'name="password"' in body
        wait_until(serve, scheduler_ran(url), "the scheduler's send_due run", log)
        wait_until(serve, lambda: len(started_pids(log)) == 2, "both children started", log)
        pids = started_pids(log)
        assert set(pids) == {"web", "scheduler"}, output(log)
        assert b"scheduler\x00run" in Path(f"/proc/{pids['scheduler']}/cmdline").read_bytes()
        workers = children(pids["web"])
        assert len(workers) == 1, output(log)
        everyone = [*pids.values(), *workers]
        assert all(alive(pid) for pid in everyone)

        serve.send_signal(signal.SIGTERM)
        assert exit_status(serve, log) == 0, output(log)
    finally:
        stop(serve)
    assert not [pid for pid in everyone if alive(pid)], output(log)
    lines = output(log)
    assert "serve: SIGTERM received; stopping web, scheduler" in lines
    assert "serve: web stopped" in lines and "serve: scheduler stopped" in lines
    # Production mode with the key generated into the instance folder, as on a laptop.
    assert len((tmp_path / "secret_key").read_text().strip()) == 64


def test_when_a_child_dies_serve_stops_the_other_and_fails(
    tmp_path: Path, served_database: str
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    serve = start_serve(tmp_path, served_database, port, log)
    try:
        wait_until(serve, listening(port), "gunicorn listening", log)
        # A worker that answers has its own signal handlers (a SIGTERM in the moment after
        # its fork would reach the arbiter's copy and be lost until the graceful timeout).
        status, _, _ = get(port, "/login")
        assert status == 200
        wait_until(serve, lambda: len(started_pids(log)) == 2, "both children started", log)
        pids = started_pids(log)
        workers = children(pids["web"])
        assert len(workers) == 1, output(log)
        os.kill(pids["scheduler"], signal.SIGKILL)
        assert exit_status(serve, log) == 1, output(log)
    finally:
        stop(serve)
    assert not [pid for pid in [*pids.values(), *workers] if alive(pid)], output(log)
    lines = output(log)
    assert "serve: scheduler exited by itself (signal SIGKILL)" in lines
    assert "serve: scheduler is gone; stopping web" in lines and "serve: web stopped" in lines


def test_serve_refuses_a_development_key_before_starting_anything(tmp_path: Path) -> None:
    env = {**base_env(), "ADVISOR_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "dev"}
    refused = subprocess.run(
        [sys.executable, str(SERVE)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("Refusing to start: ADVISOR_ENV=production")
    assert "started" not in refused.stderr
