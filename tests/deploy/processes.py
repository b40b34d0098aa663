"""Real server processes for the deployment tests: a migrated database of their own, a
free port, readiness polled against a deadline, output kept in a file to show on failure."""

from __future__ import annotations

import os
import select
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from advisor import create_app
from advisor.extensions import alembic, db
from config import PROJECT_ROOT
from tests.conftest import make_config
from tests.separate_db import separate_database

DEADLINE = 30.0  # seconds; a start or a stop normally takes 1 to 5
DEPLOY = PROJECT_ROOT / "deploy"
SERVER_PATHS = {"/opt/advisor/.venv": sys.prefix, "/opt/advisor": str(PROJECT_ROOT)}


@contextmanager
def migrated_database(database_url: str, tmp: Path) -> Iterator[str]:
    """A fresh database beside the suite's, upgraded to head by the migrations."""
    with separate_database(database_url, tmp, "deploy") as url:
        app = create_app(make_config(tmp, url))
        with app.app_context():
            alembic.upgrade()
            db.engine.dispose()
        yield url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unit_service(name: str) -> dict[str, list[str]]:
    """The [Service] settings of a committed unit file, each name with its values."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in (DEPLOY / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def on_this_machine(value: str) -> str:
    """A unit's server path (/opt/advisor, its venv) as it is here."""
    for server, here in SERVER_PATHS.items():
        value = value.replace(server, here)
    return value


def unit_command(name: str) -> tuple[list[str], Path, dict[str, str]]:
    """The unit's ExecStart as argv, its WorkingDirectory and its Environment=, all on this
    machine's paths."""
    service = unit_service(name)
    (exec_start,) = service["ExecStart"]
    argv = [on_this_machine(word) for word in shlex.split(exec_start)]
    (directory,) = service["WorkingDirectory"]
    environment: dict[str, str] = {}
    for line in service.get("Environment", []):
        for assignment in shlex.split(line):
            key, _, value = assignment.partition("=")
            environment[key] = value
    return argv, Path(on_this_machine(directory)), environment


def base_env() -> dict[str, str]:
    """What a service starts with: no settings from the developer's shell."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def output(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def wait_until(
    process: subprocess.Popen[bytes], condition: Callable[[], bool], what: str, log: Path
) -> None:
    """Poll ``condition`` until it holds; fail if the process exits first or the deadline
    passes. The pause between polls is a wait on the process itself."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        try:
            process.wait(0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"exited with {process.returncode} before {what}:\n{output(log)}")
    pytest.fail(f"{what} not seen within {DEADLINE} s:\n{output(log)}")


def listening(port: int) -> Callable[[], bool]:
    def accepts() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    return accepts


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=DEADLINE) as response:
        return response.status, dict(response.headers), response.read().decode()


def exit_status(process: subprocess.Popen[bytes], log: Path) -> int:
    """The process's exit status, waited for at most DEADLINE (else fail with its output)."""
    try:
        return process.wait(DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {DEADLINE} s after it was told to stop:\n{output(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """In a finally block: whatever happened, leave no process behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def readers(pid: int) -> list[int]:
    """The live children of ``pid`` (from any of its threads) that run multiprocessing's
    fork server: a web process's parser reader (advisor/contracts/extraction.py)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids = [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread or process that ended meanwhile
            continue
        for child in pids:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:  # a parse that ended meanwhile
                continue
            if b"multiprocessing.forkserver" in command and alive(child):
                found.append(child)
    return found


def ended(pid: int) -> bool:
    """Whether process ``pid`` (not necessarily a child) ends within DEADLINE: a wait on
    its pidfd, which becomes readable when it exits."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], DEADLINE)[0])
    finally:
        os.close(handle)
