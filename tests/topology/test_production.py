"""The production topology as a whole, with real processes on PostgreSQL (issue 16, item
12): deploy/serve.py (``make serve``) with 4 gunicorn workers and the scheduler, on a
fresh database holding the demo bureau, on the suite's clock (libfaketime), e-mail to a
slow real SMTP server. In order:

1. 20 schools upload a contract at once (real PDFs, different bytes): every one 201,
   every file stored with its row, ``flask files check`` clean;
2. 20 advisors append to the ledger at once: every one 201, sequence numbers without a
   gap, ``flask ledger verify`` intact;
3. a second ``flask scheduler run`` is refused (exit 1) while the topology runs;
4. every database connection of the web workers is terminated (pg_terminate_backend):
   requests that reach every worker afterwards answer without a 500;
5. ``flask backup create`` while serving, ``flask backup verify``;
6. SIGTERM to the scheduler while an e-mail is held mid-send: that e-mail completes
   once and is recorded ``sent``, the next waits; the supervisor then stops the web
   server too (it stops everything when a child goes), so this step comes last; a new
   scheduler sends the one that waited and not the first again: one delivery per
   reminder, counted at the SMTP server;
7. ``flask backup restore`` into a second fresh database and an empty files folder: exit
   0, ledger intact, the counts of the backup's manifest, files check clean.

Run by ``make topology-test`` (TOPOLOGY=1, TEST_DATABASE_URL on PostgreSQL); each step
prints its time. Nothing sleeps to wait: every wait polls against a deadline; the only
pause is an upload client honouring a 503's Retry-After, as the API asks of clients.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts.files import FileStore
from advisor.contracts.models import ContractVersion
from advisor.demo.bureau import DEMO_PASSWORD, load_demo
from advisor.directory.models import Assignment, AssignmentKind
from advisor.extensions import db
from advisor.ledger.models import LedgerEntry
from advisor.reminders.models import JobRun, Reminder
from config import PROJECT_ROOT
from tests.clock import faketime_env
from tests.deploy.processes import (
    DEADLINE,
    alive,
    base_env,
    children,
    exit_status,
    free_port,
    output,
    stop,
    wait_until,
)
from tests.deploy.test_serve import started_pids
from tests.documents import CONTRACT_LINES, make_pdf
from tests.factories.apps import separate_app
from tests.factories.reminders import due_reminder
from tests.reminders.test_single_sender import WAIT, Process, SlowMailbox, World
from tests.separate_db import separate_database

SERVE = PROJECT_ROOT / "deploy" / "serve.py"
FAKETIME_SITE = Path(__file__).parent / "faketime_site"
WORKERS = 4
CONCURRENT = 20
# Production mode refuses a development key; a fixed one keeps every process (and every
# worker's session cookies) on the same key without the instance folder's generated one.
SECRET_KEY = "topology-test-secret-key-0123456789abcdef-0123456789"
SMTP_SENDER = "advisor@topology.local"
MESSAGE_ID = re.compile(r"<advisor\.reminder\.(\d+)\.[0-9a-f]+@")
HTTP_TIMEOUT = 60.0  # seconds for one request; an upload normally takes well under 2
UPLOAD_DEADLINE = 120.0  # seconds for one school's upload, Retry-After pauses included
PORT_POSTGRES = 5432


def say(message: str) -> None:
    print(f"topology: {message}", flush=True)


# ---------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


class Http:
    """Requests to the topology's port; a 4xx or 5xx is an answer, not an exception.
    One connection per request, so that the kernel hands them to any worker."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> Answer:
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def sign_in(self, email: str) -> None:
        page = self.call("GET", "/login").body.decode()
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert found, page[:500]
        form = urllib.parse.urlencode(
            {"email": email, "password": DEMO_PASSWORD, "csrf_token": found[1]}
        ).encode()
        answer = self.call(
            "POST",
            "/login",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, answer.body[:500]


def multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    name, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}";'
        f' filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def together(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """``work(i, barrier)`` in ``count`` threads that start their requests at once."""
    barrier = threading.Barrier(count, timeout=DEADLINE)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(count)))


# ------------------------------------------------------------------------ processes


@dataclass
class Topology:
    world: World  # app (setup and queries), database URL, instance folder, SMTP port
    admin_url: str  # the suite's database: a connection from which to watch the app's
    box: SlowMailbox
    port: int
    log: Path
    serve: subprocess.Popen[bytes]
    pids: dict[str, int] = field(default_factory=dict)
    workers: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.world.url

    def env(self, **changes: str) -> dict[str, str]:
        return topology_env(self.world, **changes)

    def flask(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """A flask command beside the topology, on the suite's clock."""
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "advisor", *args],
            cwd=PROJECT_ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=WAIT,
        )


def topology_env(world: World, **changes: str) -> dict[str, str]:
    return {
        **base_env(),
        "DATABASE_URL": world.url,
        "ADVISOR_INSTANCE_PATH": str(world.tmp),
        "SECRET_KEY": SECRET_KEY,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(world.smtp_port),
        "SMTP_SENDER": SMTP_SENDER,
        # The slow server holds a message until the test releases it; however loaded the
        # machine, the sender must not give up on it first.
        "SMTP_TIMEOUT": str(WAIT),
        **faketime_env(datetime.now(UTC)),
        "PYTHONPATH": str(FAKETIME_SITE),  # time.sleep that works under libfaketime
        **changes,
    }


def start(world: World, admin_url: str, box: SlowMailbox) -> Topology:
    port = free_port()
    log = world.tmp / "serve.log"
    env = topology_env(
        world, HOST="127.0.0.1", PORT=str(port), WEB_WORKERS=str(WORKERS), WEB_THREADS="4"
    )
    with log.open("wb") as sink:
        serve = subprocess.Popen(
            [sys.executable, str(SERVE)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Topology(world, admin_url, box, port, log, serve)


def tcp_sockets(pid: int) -> dict[int, tuple[int, int, str]]:
    """The process's TCP sockets: inode → (local port, remote port, state in hex)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    found = {}
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            columns = line.split()
            inode = int(columns[9])
            if inode in inodes:
                local, remote = columns[1], columns[2]
                found[inode] = (
                    int(local.rsplit(":", 1)[1], 16),
                    int(remote.rsplit(":", 1)[1], 16),
                    columns[3],
                )
    return found


ESTABLISHED = "01"


def database_ports(pid: int) -> set[int]:
    """Local ports of the process's open connections to the PostgreSQL server."""
    return {
        local
        for local, remote, state in tcp_sockets(pid).values()
        if remote == PORT_POSTGRES and state == ESTABLISHED
    }


def backends(topology: Topology) -> dict[int, int]:
    """The app database's server processes: client port → backend pid."""
    name = sa.make_url(topology.url).database
    engine = sa.create_engine(topology.admin_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT client_port, pid FROM pg_stat_activity"
                    " WHERE datname = :name AND client_port IS NOT NULL"
                ),
                {"name": name},
            ).all()
    finally:
        engine.dispose()
    return {port: pid for port, pid in rows}


def connected_workers(topology: Topology) -> set[int]:
    """The workers holding a live connection to the app's database."""
    live = backends(topology)
    return {pid for pid in topology.workers if database_ports(pid) & set(live)}


# ---------------------------------------------------------------------------- setup


@pytest.fixture(scope="module")
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.fail(
            "The topology test runs on PostgreSQL: set TEST_DATABASE_URL="
            "postgresql+psycopg://postgres@127.0.0.1:5432/<name with test or ci>"
        )
    return database_url


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[SlowMailbox, int]]:
    box = SlowMailbox()
    box.release.set()  # passes every message at once until a step holds one
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    box.release.set()
    controller.stop()


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_url: str,
    mailbox: tuple[SlowMailbox, int],
) -> Iterator[World]:
    """A fresh database of its own, migrated, holding the demo bureau."""
    tmp = tmp_path_factory.mktemp("topology")
    with separate_app(postgres_url, tmp, "topology") as (app, url):
        with app.app_context():
            load_demo(db.session)
            db.session.commit()
            db.engine.dispose()
        yield World(app, url, tmp, mailbox[1], [])


def tokens(app: Flask, emails: list[str]) -> list[dict[str, str]]:
    headers = []
    with app.app_context():
        for email in emails:
            user = accounts.get_user_by_email(db.session, email)
            assert user is not None, email
            _token, clear = accounts.create_token(db.session, user, "topology")
            headers.append({"Authorization": f"Bearer {clear}"})
        db.session.commit()
        db.engine.dispose()
    return headers


# ---------------------------------------------------------------------------- steps


def wait_ready(topology: Topology) -> None:
    http = Http(topology.port)

    def ready() -> bool:
        try:
            return http.call("GET", "/readyz").status == 200
        except OSError:  # not listening yet
            return False

    wait_until(topology.serve, ready, "/readyz answering 200", topology.log)
    answer = http.call("GET", "/readyz")
    assert answer.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "files": "ok", "scheduler": "ok"},
    }
    wait_until(
        topology.serve,
        lambda: len(started_pids(topology.log)) == 2,
        "both children announced",
        topology.log,
    )
    topology.pids = started_pids(topology.log)
    wait_until(
        topology.serve,
        lambda: len(children(topology.pids["web"])) == WORKERS,
        f"{WORKERS} gunicorn workers",
        topology.log,
    )
    topology.workers = children(topology.pids["web"])


def upload_twenty(topology: Topology) -> None:
    app = topology.world.app
    schools = [f"school{n:02d}@demo.local" for n in range(1, CONCURRENT + 1)]
    headers = tokens(app, schools)
    documents = [
        make_pdf([[*CONTRACT_LINES, f"合同编号：TOPO-{n:02d}"]]) for n in range(CONCURRENT)
    ]
    assert len({bytes(d) for d in documents}) == CONCURRENT
    busy: Counter[int] = Counter()

    def upload(i: int, barrier: threading.Barrier) -> Answer:
        http = Http(topology.port)
        body, content_type = multipart(
            {
                "title": f"拓扑测试采购合同{i + 1:02d}",
                "counterparty": "乌苏市丰收食品有限公司",
                "contract_type": "procurement",
                "amount": f"{1000 + i}.00",
                "start_date": "2026-12-01",
                "end_date": "2027-06-30",
            },
            ("file", f"合同{i + 1:02d}.pdf", documents[i]),
        )
        barrier.wait()
        deadline = time.monotonic() + UPLOAD_DEADLINE
        while True:
            answer = http.call(
                "POST",
                "/api/v1/contracts",
                data=body,
                headers={**headers[i], "Content-Type": content_type},
            )
            # The parse pool (PARSE_WORKERS per worker, a short waiting line) answers 503
            # with Retry-After when it stays full: the client comes back as told.
            if answer.status != 503 or time.monotonic() > deadline:
                return answer
            assert answer.json()["error"]["code"] == "service_unavailable", answer.body
            busy[i] += 1
            threading.Event().wait(float(answer.headers["Retry-After"]))

    began = time.monotonic()
    answers = together(CONCURRENT, upload)
    took = time.monotonic() - began
    assert [a.status for a in answers] == [201] * CONCURRENT, [
        (a.status, a.body[:300]) for a in answers if a.status != 201
    ]
    created = [a.json() for a in answers]
    say(
        f"{CONCURRENT} concurrent uploads: all 201 in {took:.1f} s"
        f" ({sum(busy.values())} answers 503 + Retry-After first, for {len(busy)} schools)"
    )
    store = FileStore(app.config["ADVISOR"].files_dir)
    with app.app_context():
        school_ids = {
            u.email: u.school_id
            for u in db.session.scalars(sa.select(User).where(User.email.in_(schools)))
        }
        for i, contract in enumerate(created):
            assert contract["school_id"] == school_ids[schools[i]]
            (version,) = contract["versions"]
            assert version["sha256"] == hashlib.sha256(documents[i]).hexdigest()
            row = db.session.scalars(
                sa.select(ContractVersion).where(ContractVersion.contract_id == contract["id"])
            ).one()
            assert row.sha256 == version["sha256"]
            assert store.read(row.sha256) == documents[i]
        db.engine.dispose()
    assert len({c["id"] for c in created}) == CONCURRENT
    check = topology.flask("files", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 orphaned, 0 missing." in check.stdout


def append_twenty(topology: Topology) -> None:
    """20 advisors, each for a school they serve as primary, all at once."""
    app = topology.world.app
    advisors = [f"advisor{n:02d}@demo.local" for n in range(1, CONCURRENT + 1)]
    with app.app_context():
        pairs = []
        for email in advisors:
            user = accounts.get_user_by_email(db.session, email)
            assert user is not None and user.advisor_id is not None
            school_id = db.session.scalars(
                sa.select(Assignment.school_id)
                .where(
                    Assignment.advisor_id == user.advisor_id,
                    Assignment.kind == AssignmentKind.PRIMARY.value,
                    Assignment.ends_on.is_(None),
                )
                .order_by(Assignment.school_id)
            ).first()
            assert school_id is not None, email
            pairs.append((user.advisor_id, school_id))
        before = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) or 0
        db.engine.dispose()
    headers = tokens(app, advisors)

    def append(i: int, barrier: threading.Barrier) -> Answer:
        http = Http(topology.port)
        body = json.dumps(
            {
                "date": "2026-11-10",
                "school_id": pairs[i][1],
                "kind": "consultation",
                "description": f"电话咨询合同条款（拓扑测试 {i + 1:02d}）",
                "minutes": 30 + i,
            },
            ensure_ascii=False,
        ).encode()
        barrier.wait()
        return http.call(
            "POST",
            "/api/v1/ledger",
            data=body,
            headers={**headers[i], "Content-Type": "application/json"},
        )

    began = time.monotonic()
    answers = together(CONCURRENT, append)
    took = time.monotonic() - began
    assert [a.status for a in answers] == [201] * CONCURRENT, [
        (a.status, a.body[:300]) for a in answers if a.status != 201
    ]
    entries = [a.json() for a in answers]
    assert [(e["advisor_id"], e["school_id"]) for e in entries] == pairs
    with app.app_context():
        seqs = list(db.session.scalars(sa.select(LedgerEntry.seq).order_by(LedgerEntry.seq)))
        db.engine.dispose()
    assert seqs == list(range(1, before + CONCURRENT + 1)), seqs
    assert sorted(e["seq"] for e in entries) == seqs[before:]
    verify = topology.flask("ledger", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"Ledger intact: {before + CONCURRENT} entries checked." in verify.stdout
    say(
        f"{CONCURRENT} concurrent ledger appends: all 201 in {took:.1f} s;"
        f" sequence 1..{seqs[-1]} without a gap, ledger verify intact"
    )


def second_scheduler_refused(topology: Topology) -> None:
    began = time.monotonic()
    second = Process(topology.world, "scheduler", "run")
    try:
        assert second.finish() == 1, second.seen
    finally:
        second.stop()
    assert any("Another scheduler is already running" in line for line in second.seen), second.seen
    assert topology.serve.poll() is None, "the first scheduler and the web server run on"
    say(f"a second scheduler: exit 1, refused, in {time.monotonic() - began:.1f} s")


def reach_every_worker(topology: Topology, headers: dict[str, str], http: Http) -> int:
    """Page and API requests, 8 at a time on fresh connections, until every worker holds
    a live database connection; each must answer 200. Returns how many were sent."""
    sent = 0
    deadline = time.monotonic() + DEADLINE

    def one(i: int, barrier: threading.Barrier) -> tuple[str, Answer]:
        barrier.wait()
        if i % 2:
            return "/api/v1/me", Http(topology.port).call("GET", "/api/v1/me", headers=headers)
        return "/contracts", http.call("GET", "/contracts")

    while connected_workers(topology) != set(topology.workers):
        assert time.monotonic() < deadline, (
            f"workers with a database connection: {connected_workers(topology)}"
            f" of {topology.workers}"
        )
        for path, answer in together(8, one):
            assert answer.status == 200, (path, answer.status, answer.body[:500])
            if path == "/contracts":
                assert "拓扑测试采购合同01" in answer.body.decode(), "signed in, the page drawn"
        sent += 8
    return sent


def connections_terminated(topology: Topology) -> None:
    """Every connection of the app's database, except those of the scheduler process
    (whose sender lock goes with its connection: a scheduler that loses it stops, by
    design, and the supervisor would then stop the web server too), is terminated."""
    headers = tokens(topology.world.app, ["school01@demo.local"])[0]
    http = Http(topology.port)
    http.sign_in("school01@demo.local")
    warmed = reach_every_worker(topology, headers, http)
    scheduler_ports = database_ports(topology.pids["scheduler"])
    assert scheduler_ports, "the scheduler holds its sender lock's connection"
    web_ports = set().union(*(database_ports(pid) for pid in topology.workers))
    name = sa.make_url(topology.url).database
    engine = sa.create_engine(topology.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            killed = conn.execute(
                sa.text(
                    # In the select list, so that only the rows chosen are terminated;
                    # each waits (up to 5 s) until its backend is gone.
                    "SELECT client_port, pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                    " AND NOT client_port = ANY(:spared)"
                ),
                {"name": name, "spared": sorted(scheduler_ports)},
            ).all()
            killed_ports = {port for port, done in killed if done}
    finally:
        engine.dispose()
    assert web_ports <= killed_ports, (web_ports, killed_ports)
    assert len(web_ports) >= WORKERS
    assert connected_workers(topology) == set(), "no worker has a live connection left"
    began = time.monotonic()
    sent = reach_every_worker(topology, headers, http)
    assert sent > 0
    assert topology.serve.poll() is None
    say(
        f"pg_terminate_backend of {len(killed_ports)} connections ({len(web_ports)} of the"
        f" {WORKERS} workers): {sent} page and API requests after it reached every worker,"
        f" all 200, in {time.monotonic() - began:.1f} s ({warmed} requests before it)"
    )


def backup_while_serving(topology: Topology) -> Path:
    folder = topology.world.tmp / "backup"
    began = time.monotonic()
    made = topology.flask("backup", "create", str(folder))
    assert made.returncode == 0, made.stdout + made.stderr
    checked = topology.flask("backup", "verify", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "files match their checksums" in checked.stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"]["contract"] == CONCURRENT
    assert manifest["counts"]["ledger_entry"] == manifest["ledger_head"]["seq"] >= CONCURRENT
    assert len(manifest["files"]) == CONCURRENT and manifest["missing_files"] == []
    say(
        f"backup create + verify while serving: {time.monotonic() - began:.1f} s;"
        f" {made.stdout.strip()}"
    )
    return folder


def due_reminders(app: Flask, count: int) -> list[int]:
    """``count`` e-mail reminders to the bureau, due three hours ago."""
    with app.app_context():
        user = accounts.get_user_by_email(db.session, "bureau@demo.local")
        assert user is not None
        past = datetime.now(UTC) - timedelta(hours=3)
        ids = [
            due_reminder(
                db.session, user, year=year, occasion="topology", channel="email", due_at=past
            ).id
            for year in range(2098, 2098 + count)
        ]
        others = db.session.scalars(
            sa.select(Reminder.id).where(
                Reminder.channel == "email",
                Reminder.status.in_(("pending", "sending")),
                Reminder.next_attempt_at <= datetime.now(UTC) + timedelta(minutes=10),
                Reminder.id.not_in(ids),
            )
        ).all()
        assert others == [], "no other e-mail is due while this step holds one"
        db.session.commit()
        db.engine.dispose()
    return ids


def deliveries(box: SlowMailbox) -> Counter[int]:
    """How many e-mails the SMTP server accepted, per reminder id (its Message-ID)."""
    counted: Counter[int] = Counter()
    for message_id in box.message_ids():
        found = MESSAGE_ID.match(message_id)
        assert found, message_id
        counted[int(found[1])] += 1
    return counted


def sigterm_mid_send(topology: Topology) -> None:
    box, app = topology.box, topology.world.app
    assert deliveries(box) == Counter(), "nothing was due before this step"
    box.release.clear()  # the next message is held at DATA until released
    box.entered.clear()
    first, second = due_reminders(app, 2)
    topology.world.reminder_ids[:] = [first, second]
    began = time.monotonic()
    # The scheduler's send_due runs every minute: the wait is at most that long.
    assert box.entered.wait(90), "an e-mail reached the SMTP server within the minute"
    held = time.monotonic()
    os.kill(topology.pids["scheduler"], signal.SIGTERM)
    wait_until(
        topology.serve,
        lambda: "finishing the job in hand" in output(topology.log),
        "the scheduler acknowledging SIGTERM",
        topology.log,
    )
    box.release.set()  # the e-mail in flight now completes
    released = time.monotonic()
    assert exit_status(topology.serve, topology.log) == 1, output(topology.log)
    lines = output(topology.log)
    assert "serve: scheduler exited by itself (status 0)" in lines, lines
    assert "serve: web stopped" in lines, lines
    with app.app_context():
        rows = {r.id: r for r in db.session.scalars(sa.select(Reminder))}
        assert (rows[first].status, rows[first].attempts) == ("sent", 1)
        assert (rows[second].status, rows[second].attempts) == ("pending", 0)
        run = db.session.get_one(JobRun, "send_due")
        assert run.finished_at is not None and run.result.startswith("sent 1"), run.result
        db.engine.dispose()
    assert deliveries(box) == Counter({first: 1})
    say(
        f"SIGTERM to the scheduler while an e-mail was held (picked up {held - began:.1f} s"
        f" after it fell due, released {released - held:.1f} s later): sent once, recorded,"
        " the next left pending; the supervisor stopped the web server and exited 1"
        f" {time.monotonic() - released:.1f} s after the release"
    )

    again = Process(topology.world, "scheduler", "run")
    try:
        again.wait_for("job send_due: sent 1")
        again.popen.send_signal(signal.SIGTERM)
        assert again.finish() == 0, again.seen
    finally:
        again.stop()
    assert deliveries(box) == Counter({first: 1, second: 1}), "each reminder exactly once"
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Reminder.id, Reminder.status)).all())
        sent = {i for i, status in statuses.items() if status == "sent"}
        db.engine.dispose()
    assert sent == set(deliveries(box)), "a delivery for every e-mail recorded sent"
    say("a new scheduler sent the one left pending, and not the first again: 1 + 1 deliveries")


def table_counts(url: str, tables: list[str]) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in tables
            }
    finally:
        engine.dispose()


def restore_into_fresh(topology: Topology, folder: Path, fresh_url: str) -> None:
    instance = topology.world.tmp / "restored"
    instance.mkdir()
    env = {"DATABASE_URL": fresh_url, "ADVISOR_INSTANCE_PATH": str(instance)}
    began = time.monotonic()
    restored = topology.flask("backup", "restore", str(folder), **env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    assert f"Ledger intact: {manifest['ledger_head']['seq']} entries checked." in restored.stdout
    assert "Files: 0 orphaned, 0 missing." in restored.stdout
    counts = table_counts(fresh_url, sorted(manifest["counts"]))
    assert counts == manifest["counts"]
    # What did not change after the backup is the same in the source.
    still = ["contract", "contract_version", "ledger_entry", "user", "school", "advisor"]
    assert table_counts(topology.url, still) == {n: manifest["counts"][n] for n in still}
    verify = topology.flask("ledger", "verify", **env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    files = topology.flask("files", "check", **env)
    assert files.returncode == 0, files.stdout + files.stderr
    say(
        f"restore into a fresh database and files folder: exit 0 in"
        f" {time.monotonic() - began:.1f} s; {len(counts)} tables with the manifest's counts"
        f" ({counts['contract']} contracts, {counts['ledger_entry']} ledger entries,"
        f" {len(manifest['files'])} files); ledger verify and files check clean"
    )


# ----------------------------------------------------------------------------- test


def test_the_production_topology_end_to_end(
    world: World, postgres_url: str, mailbox: tuple[SlowMailbox, int], tmp_path: Path
) -> None:
    began = time.monotonic()
    topology = start(world, postgres_url, mailbox[0])
    try:
        wait_ready(topology)
        say(
            f"supervisor, gunicorn with {WORKERS} workers and the scheduler ready"
            f" (/readyz 200) in {time.monotonic() - began:.1f} s"
        )
        upload_twenty(topology)
        append_twenty(topology)
        second_scheduler_refused(topology)
        connections_terminated(topology)
        folder = backup_while_serving(topology)
        sigterm_mid_send(topology)
    finally:
        mailbox[0].release.set()
        stop(topology.serve)
        for pid in [*topology.pids.values(), *topology.workers]:
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    with separate_database(postgres_url, tmp_path, "topology_restored") as fresh:
        restore_into_fresh(topology, folder, fresh)
    say(f"all steps in {time.monotonic() - began:.1f} s")
