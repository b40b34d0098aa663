"""``make serve``: Advisor's production topology in the foreground.

Starts the web server (gunicorn with gunicorn.conf.py) and exactly one reminder
scheduler (``flask --app advisor scheduler run``) against DATABASE_URL, then watches
both. SIGTERM, SIGINT (Ctrl-C) or SIGHUP stops both: each child gets SIGTERM, and
SIGKILL if it is still there after STOP_SECONDS. When either child exits by itself the
other is stopped too. Exit status 0 when both stopped because they were asked to;
otherwise the status of the child that failed (1 if it was killed by a signal or
exited 0 unasked). ADVISOR_ENV defaults to production here.

The children run in their own process groups (the terminal's Ctrl-C reaches only this
process, which stops them in order) and receive SIGTERM should this process die.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
WATCHED = {*STOP_SIGNALS, signal.SIGCHLD}
PR_SET_PDEATHSIG = 1


def commands() -> dict[str, list[str]]:
    return {
        "web": [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")],
        "scheduler": [sys.executable, "-m", "flask", "--app", "advisor", "scheduler", "run"],
    }


def _child_setup() -> None:
    """In the child before exec: signals as usual, SIGTERM when the supervisor dies."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WATCHED)
    # Not Linux: no prctl, and the supervisor's own stop still works.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def say(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr, flush=True)


def _status(code: int) -> str:
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from config import Config

    env = {**os.environ, "ADVISOR_ENV": os.environ.get("ADVISOR_ENV") or "production"}
    refusal = Config.from_env(env).refusal()
    if refusal:
        print(refusal, file=sys.stderr, flush=True)
        return 1
    stop_seconds = int(env.get("WEB_GRACEFUL_TIMEOUT") or 30) + 10

    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
    children: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands().items():
        children[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, preexec_fn=_child_setup, process_group=0
        )
        say(f"{name} started, pid {children[name].pid}")

    failure: int | None = None
    stopping_since: float | None = None

    def stop_all(reason: str) -> None:
        nonlocal stopping_since
        if stopping_since is None:
            say(
                f"{reason}; stopping "
                + ", ".join(n for n, c in children.items() if c.returncode is None)
            )
            stopping_since = time.monotonic()
            for child in children.values():
                if child.returncode is None:
                    child.send_signal(signal.SIGTERM)

    while any(child.returncode is None for child in children.values()):
        info = signal.sigtimedwait(WATCHED, 0.5)
        if info is not None and info.si_signo in STOP_SIGNALS:
            stop_all(f"{signal.Signals(info.si_signo).name} received")
        for name, child in children.items():
            if child.returncode is not None:
                continue
            code = child.poll()
            if code is None:
                continue
            if stopping_since is None:
                say(f"{name} exited by itself ({_status(code)})")
                failure = code if code > 0 else 1
                stop_all(f"{name} is gone")
            elif code not in (0, -signal.SIGTERM):
                say(f"{name} stopped with {_status(code)}")
                failure = failure or (code if code > 0 else 1)
            else:
                say(f"{name} stopped")
        if stopping_since is not None and time.monotonic() - stopping_since > stop_seconds:
            for name, child in children.items():
                if child.returncode is None:
                    say(f"{name} still running after {stop_seconds} s; killing it")
                    child.kill()
                    child.wait()
                    failure = failure or 1
    return failure or 0


if __name__ == "__main__":
    sys.exit(main())
