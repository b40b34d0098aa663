"""Throughput of the cheap pages and the lists under the production server (issue 19,
item 3), beside a bare Flask route served the same way.

    .venv/bin/python -m benchmarks.load [--database-url URL] [--seconds 10]
        [--connections 20] [--only PATH] [--json FILE]

Starts gunicorn with Advisor's own settings (gunicorn.conf.py: WEB_WORKERS, WEB_THREADS
from the environment as in production) against the database, signs in as the bureau, an
advisor and a school (the generated or demo accounts, demo password) through the real
sign-in form, and loads each page for ``--seconds`` with ``--connections`` concurrent
keep-alive connections using wrk (Debian's ``wrk``; ``apt-get install -y wrk``). Then
the same against benchmarks/bare_app.py (a 5 KB route, no database) under the same
gunicorn settings: the ceiling of this machine and server in the same run.

Prints per page: requests a second, p50/p95/p99 latency, errors (socket errors and any
answer other than 2xx/3xx) and how the workers shared the work (each worker's CPU time
during the run, from /proc), and whether the goal is met: at least 200 requests a second
for the sign-in page, the homes, the cached dashboard and a contract page, 50 for the
contract and ledger lists, with no error. ``--json FILE`` writes the same as JSON, with
the goals of every page in benchmarks/goals.py's form under "goals". ``--only PATH``
loads only the pages whose path holds it (the bare route is loaded still).
"""

from __future__ import annotations

import argparse
import fcntl
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

from advisor.accounts.models import Role, User
from advisor.demo.bureau import DEMO_PASSWORD
from benchmarks import goals

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
REPORT = Path(__file__).with_name("wrk_report.lua")
CHEAP, LIST = 200, 50  # requests a second (issue 19, item 3)


@dataclass(slots=True)
class Result:
    who: str
    path: str
    goal: int
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    status_errors: int = 0  # answers other than 2xx/3xx, among the errors
    requests: int = 0
    server_log: str = ""  # what the server logged during the load (warnings and errors)
    worker_cpu_share: list[float] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.errors == 0 and self.requests_per_second >= self.goal


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


class Server:
    """gunicorn with gunicorn.conf.py on a free port, for the length of a ``with``."""

    def __init__(self, env: dict[str, str], app: str | None = None) -> None:
        self.port = _free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "LOG_LEVEL": "warning"}
        self.args = [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
        if app:
            self.args.append(app)
        self.process: subprocess.Popen[bytes] | None = None
        # its log (warnings and errors: a refused request is explained there), in a file:
        # a pipe nobody reads would stop the server once full
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        # every write at the end, wherever log_since last read (the server shares it)
        fcntl.fcntl(self.log, fcntl.F_SETFL, fcntl.fcntl(self.log, fcntl.F_GETFL) | os.O_APPEND)

    def log_since(self, offset: int) -> str:
        """What the server logged after ``offset`` bytes of its log."""
        self.log.seek(offset)
        return self.log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log.seek(0, os.SEEK_END)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.log_since(0)
                raise SystemExit(f"gunicorn stopped at start:\n{error[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                pass
            time.sleep(0.2)  # polling a server's start, not a test
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object) -> None:
        return None  # the sign-in's 302 is the answer


def sign_in(url: str, email: str) -> str:
    """The Cookie header of a session signed in through the form, CSRF token and all."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(url + "/login", timeout=10) as answer:
        form = answer.read().decode("utf-8")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    data = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token[1] if token else ""}
    try:
        opener.open(url + "/login", urllib.parse.urlencode(data).encode(), timeout=10)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        raise SystemExit(f"cannot sign in as {email}: {status}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _get(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
    except urllib.error.HTTPError:
        pass


WARM_UP_SECONDS = 2


def _wrk(
    url: str, cookie: str, *, seconds: int, connections: int
) -> subprocess.CompletedProcess[str]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(REPORT),
        url,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "WRK_COOKIE": cookie}
    )


def load(server: Server, result: Result, cookie: str, *, seconds: int, connections: int) -> Result:
    # Warm up every worker and thread, not one: each process compiles the page's templates
    # and statements on its first requests, and each database connection prepares its
    # statements after a few; the figure is the page's steady state, as a server that has
    # run for a while serves it. The warm-up's requests are not counted.
    _get(server.url + result.path, cookie)
    _wrk(server.url + result.path, cookie, seconds=WARM_UP_SECONDS, connections=connections)
    before = {pid: _cpu_ticks(pid) for pid in server.workers()}
    logged = server.log_size()
    run = _wrk(server.url + result.path, cookie, seconds=seconds, connections=connections)
    line = next((x for x in run.stdout.splitlines() if x.startswith("{")), None)
    if run.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed on {result.path}: {run.stderr or run.stdout}")
    report = json.loads(line)
    result.requests = report["requests"]
    result.requests_per_second = round(report["requests"] / report["seconds"], 1)
    result.errors, result.status_errors = report["errors"], report["status_errors"]
    result.server_log = server.log_since(logged)[-4000:]
    result.p50_ms, result.p95_ms, result.p99_ms = (
        round(report[key], 1) for key in ("p50_ms", "p95_ms", "p99_ms")
    )
    # gunicorn replaces a worker after max_requests: a worker that ended during the run is
    # left out (its time is lost), one that started counts from zero.
    after = {pid: _cpu_ticks(pid) for pid in server.workers()}
    used = [ticks - before.get(pid, 0) for pid, ticks in after.items() if ticks]
    total = sum(used) or 1
    result.worker_cpu_share = [round(100 * u / total) for u in used]
    return result


def _accounts(database_url: str) -> tuple[dict[str, str], int | None]:
    """An active user's e-mail per role, and a contract of the school user's school."""
    from advisor.contracts.models import Contract

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            users = {}
            school_id = None
            for role in (Role.BUREAU, Role.ADVISOR, Role.SCHOOL):
                row = conn.execute(
                    sa.select(User.email, User.school_id)
                    .where(User.role == role, User.is_active)
                    .order_by(User.id)
                    .limit(1)
                ).first()
                if row:
                    users[str(role)] = row.email
                    school_id = row.school_id if role == Role.SCHOOL else school_id
            contract = conn.scalar(
                sa.select(Contract.id)
                .where(Contract.school_id == school_id)
                .order_by(Contract.id.desc())
                .limit(1)
            )
    finally:
        engine.dispose()
    return users, contract


def pages(contract: int | None) -> list[tuple[str, str, int]]:
    """(who, path, requests a second wanted) of every page loaded."""
    found = [
        ("anonymous", "/login", CHEAP),
        ("school", "/", CHEAP),
        ("advisor", "/", CHEAP),
        ("bureau", "/", CHEAP),  # the dashboard, from the recent figures
    ]
    if contract is not None:
        found.append(("school", f"/contracts/{contract}", CHEAP))
    return [*found, ("bureau", "/contracts", LIST), ("bureau", "/ledger", LIST)]


def load_goals(results: list[Result]) -> list[goals.Entry]:
    """Two goals per page loaded: its requests a second, and no error."""
    entries = []
    for r in results:
        name = f"load: {r.who} {r.path}"
        entries.append(goals.at_least(name + " throughput", r.requests_per_second, r.goal, "req/s"))
        entries.append(goals.at_most(name + " errors", r.errors, 0, "errors"))
    return entries


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--only", default="", help="load only the pages whose path holds this")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    database_url = args.database_url or f"sqlite:///{ROOT / 'instance' / 'advisor.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-secret-key",
    }
    users, contract = _accounts(database_url)
    results = []
    print(f"database: {sa.make_url(database_url).render_as_string(hide_password=True)}")
    print(
        f"{'who':9} {'page':24} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>4}  workers"
    )
    with Server(env) as server:
        cookies = {who: sign_in(server.url, email) for who, email in users.items()}
        cookies["anonymous"] = ""
        for who, path, goal in pages(contract):
            if args.only not in path:
                continue
            result = load(
                server,
                Result(who, path, goal),
                cookies[who],
                seconds=args.seconds,
                connections=args.connections,
            )
            results.append(result)
            _print(result)
    with Server(env, app="benchmarks.bare_app:app") as bare:
        baseline = load(
            bare, Result("bare", "/", 0), "", seconds=args.seconds, connections=args.connections
        )
        _print(baseline)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": sa.make_url(database_url).get_backend_name(),
                    "pages": [{**asdict(r), "met": r.met} for r in results],
                    "baseline": asdict(baseline),
                    "goals": load_goals(results),
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return results


def _print(result: Result) -> None:
    verdict = "" if not result.goal else ("met" if result.met else f"MISSED (goal {result.goal})")
    shares = "/".join(f"{share}%" for share in result.worker_cpu_share)
    print(
        f"{result.who:9} {result.path:24} {result.requests_per_second:8.1f} {result.p50_ms:7.1f}"
        f" {result.p95_ms:7.1f} {result.p99_ms:7.1f} {result.errors:4d}  {shares:12} {verdict}"
    )
    if result.errors:
        kinds = f"{result.status_errors} answered other than 2xx/3xx"
        print(f"  {result.errors} errors, {kinds}; the server logged meanwhile:")
        print(
            "\n".join("    " + line for line in result.server_log.splitlines()[-20:])
            or "    nothing"
        )


if __name__ == "__main__":
    main()
