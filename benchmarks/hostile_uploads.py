"""Does the site stay up while slow hostile PDFs are uploaded? /login latency under fire.

    .venv/bin/python -m benchmarks.hostile_uploads [--uploads 20] [--parse-seconds 10]
        [--config gunicorn.conf.py] [--database-url URL] [--env NAME=VALUE ...]

Starts the application as production does, ``gunicorn --config gunicorn.conf.py``
(gthread workers; without that file ``-k gthread -w 2 --threads 8``) on a fresh
database holding the demo bureau (a temporary SQLite file unless --database-url names
an empty PostgreSQL database), then

- asks for ``GET /login`` every 100 ms, each probe on its own connection and thread, so
  a stuck server shows as slow probes rather than as fewer of them;
- after 2 s, sends ``--uploads`` contracts at once through ``POST /api/v1/contracts``,
  each from another school's API token, each carrying a small PDF (84 kB) whose 500
  pages each repeat a drawing operator for 4 MB, so that reading it takes longer than
  PARSE_SECONDS (about 25 s alone; PARSE_SECONDS is set to ``--parse-seconds``, 10 by
  default, to keep the run short);
- keeps probing until every upload has been answered, then 2 s more.

It prints the /login latency (p50, p95, max) before and during the uploads and what
the uploads got (201, 422 with the parser's time limit, 503 for a full parser pool,
429 for too many per user). The target is a p95 under 300 ms during the uploads.
Server settings go in with --env, e.g. ``--env PARSE_WORKERS=2 --env WEB_THREADS=8``.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import socket
import statistics
import subprocess  # nosec B404 - starts the server under test
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from pathlib import Path

from config import PROJECT_ROOT
from tests.contracts.samples import pdf_of

PROBE_EVERY = 0.1
HOST = "127.0.0.1"


def slow_pdf(pages: int = 500, page_mb: int = 4) -> bytes:
    """``pages`` pages sharing one Flate content stream of ``page_mb`` MB of ``0 0 m`` (a
    move-to, no text): 84 kB on the wire, little memory, about 25 s of pypdf on an idle
    CPU, so it always runs into PARSE_SECONDS."""
    unit = b"0 0 m\n"
    content = zlib.compress(unit * ((page_mb << 20) // len(unit)), 9)
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *[page] * pages,
    ]
    return pdf_of(objects)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _prepare(env: dict[str, str], schools: int) -> list[str]:
    """Migrate, load the demo bureau and make one API token per school account."""
    subprocess.run(  # nosec B603 - our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "advisor", "db", "upgrade"],
        env=env,
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
    )
    script = (
        "import json, sys\n"
        "from advisor import create_app\n"
        "from advisor.accounts import services\n"
        "from advisor.demo.bureau import load_demo\n"
        "from advisor.extensions import db\n"
        "from config import Config\n"
        "app = create_app(Config.from_env())\n"
        "tokens = []\n"
        "with app.app_context():\n"
        "    load_demo(db.session)\n"
        "    db.session.commit()\n"
        f"    for n in range(1, {schools} + 1):\n"
        "        user = services.get_user_by_email(db.session, f'school{n:02d}@demo.local')\n"
        "        tokens.append(services.create_token(db.session, user, 'bench')[1])\n"
        "    db.session.commit()\n"
        "json.dump(tokens, sys.stdout)\n"
    )
    done = subprocess.run(  # nosec B603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=env,
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    tokens: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return tokens


def _get_login(port: int) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.request("GET", "/login")
        response = connection.getresponse()
        response.read()
        status = response.status
        connection.close()
    except OSError:
        status = 0
    return time.perf_counter() - started, status


def _upload(port: int, token: str, data: bytes) -> tuple[int, float, str]:
    boundary = uuid.uuid4().hex
    fields = {
        "title": "食堂食材采购合同",
        "counterparty": "乌苏市丰收食品有限公司",
        "contract_type": "catering",
        "amount": "12000.00",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
    }
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="合同.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
    )
    body.write(data + f"\r\n--{boundary}--\r\n".encode())
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        connection.request(
            "POST",
            "/api/v1/contracts",
            body=body.getvalue(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        response = connection.getresponse()
        answer = response.read()
        status = response.status
        retry_after = response.getheader("Retry-After") or ""
        connection.close()
    except OSError as error:
        return 0, time.perf_counter() - started, type(error).__name__
    code = ""
    if status >= 400:
        try:
            code = json.loads(answer)["error"]["code"]
        except (ValueError, KeyError):
            code = "?"
    if retry_after and status in (429, 503):  # the rate limiter adds it everywhere
        code += f" Retry-After={retry_after}"
    return status, time.perf_counter() - started, code


def _figures(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return (
        f"{len(ordered)} requests, p50 {1000 * statistics.median(ordered):.0f} ms,"
        f" p95 {1000 * p95:.0f} ms, max {1000 * ordered[-1]:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--parse-seconds", type=float, default=10.0)
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "gunicorn.conf.py")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    port = _free_port()
    env = {
        **os.environ,
        "ADVISOR_INSTANCE_PATH": str(workdir),
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'advisor.db'}",
        "PARSE_SECONDS": str(args.parse_seconds),
        "HOST": HOST,
        "PORT": str(port),
        "PYTHONPATH": str(PROJECT_ROOT),
        "LOG_LEVEL": "warning",
        # the whole run comes from one address: keep the per-address API budget out of it
        "API_RATE_LIMIT_ADDRESS": "100000 per minute",
        **dict(item.split("=", 1) for item in args.env),
    }
    tokens = _prepare(env, args.uploads)
    if args.config.exists():
        command = [sys.executable, "-m", "gunicorn", "--config", str(args.config)]
    else:
        command = [
            *(sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", "2", "--threads", "8"),
            *("--bind", f"{HOST}:{port}", "advisor:create_app()"),
        ]
    print("server:", " ".join(command[1:]))
    print(f"PARSE_SECONDS={args.parse_seconds}", *args.env)
    log = (workdir / "server.log").open("wb")
    print("server log:", log.name)
    server = subprocess.Popen(  # nosec B603 - our own interpreter and arguments
        command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while _get_login(port)[1] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        for _ in range(20):  # every worker has served /login once
            _get_login(port)
        _run(port, tokens, slow_pdf())
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def _run(port: int, tokens: list[str], data: bytes) -> None:
    probes: list[tuple[float, float, int]] = []  # (sent at, seconds, status)
    lock = threading.Lock()
    stop = threading.Event()

    def probe() -> None:
        sent = time.monotonic()
        seconds, status = _get_login(port)
        with lock:
            probes.append((sent, seconds, status))

    def prober() -> None:
        while not stop.is_set():
            threading.Thread(target=probe, daemon=True).start()
            stop.wait(PROBE_EVERY)

    answers: list[tuple[int, float, str]] = []

    def upload(token: str) -> None:
        answer = _upload(port, token, data)
        with lock:
            answers.append(answer)

    probing = threading.Thread(target=prober)
    probing.start()
    time.sleep(2)
    print(f"{len(tokens)} uploads of a {len(data)} byte PDF (500 pages of 4 MB operators)")
    started = time.monotonic()
    uploaders = [threading.Thread(target=upload, args=(token,)) for token in tokens]
    for thread in uploaders:
        thread.start()
    for thread in uploaders:
        thread.join()
    finished = time.monotonic()
    time.sleep(2)
    stop.set()
    probing.join()
    while threading.active_count() > 1:  # the last probes
        time.sleep(0.1)
    before = [s for sent, s, status in probes if sent < started]
    during = [s for sent, s, status in probes if started <= sent <= finished]
    failed = sum(1 for _sent, _s, status in probes if status != 200)
    print(f"uploads answered within {finished - started:.1f} s")
    print("GET /login before the uploads:", _figures(before))
    print("GET /login during the uploads:", _figures(during))
    print(f"GET /login not answered 200: {failed}")
    outcomes = Counter(f"{status} {code}".strip() for status, _s, code in answers)
    for outcome, count in sorted(outcomes.items()):
        print(f"uploads {outcome}: {count}")
    print("upload answer times:", _figures([s for _status, s, _code in answers]))


if __name__ == "__main__":
    main()
