"""Time a contract upload against pypdf reading the same file, side by side.

    .venv/bin/python -m benchmarks.upload [--pages 50] [--repeat 7] [--profile FILE]
        [--json FILE]

Builds a PDF of ``--pages`` pages with a real text layer (the pre-check corpus set in
reportlab's Chinese font, about 840 characters a page) and a fresh SQLite app holding
the demo bureau, signed in as a school. Then, ``--repeat`` times each, alternating:

- pypdf: the calls extraction.inspect makes, in this process
  (``PdfReader(strict=False)``, ``extract_text(extraction_mode="layout")`` per page);
- upload: ``POST /contracts/new`` with the file through the test client, the whole
  request up to its answer (parsing in the reader process, storing, the commit). As in
  the web server (PRECHECK_AFTER_RESPONSE), the pre-check runs after the answer: the
  response is then closed, which hands the version to the process's pre-check runner,
  and the benchmark waits for the runner (not counted in the upload's time, reported
  beside it) so that the next measurement never shares the CPU with it.

Every upload sends different bytes (a numbered comment after the end marker), as a new
contract would. It prints both medians and their ratio (the goal is at most 1.3), the
first upload's time with the reader process started at boot (PARSE_WARM_START), how much
later the pre-check's hits were stored, and the pre-check's own time:
``advisor.precheck.run`` on the same pages in this process. It fails if an upload's
pre-check is left pending.
``--profile FILE`` writes a cProfile of the uploads (the web process's request thread; the
wait for the runner shows as a lock's acquire) to FILE;
``--json FILE`` writes the ratio's goal in benchmarks/goals.py's form.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pypdf
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from advisor import create_app
from advisor.contracts.extraction import Limits, inspect
from advisor.demo.bureau import DEMO_PASSWORD, load_demo
from advisor.extensions import alembic, db
from advisor.precheck import run
from advisor.precheck.models import PrecheckHit, PrecheckPending
from advisor.precheck.runner import EXTENSION_KEY, PrecheckRunner
from benchmarks import goals
from benchmarks.precheck import build_pages
from config import Config
from tests.documents import make_pdf

LINE_CHARACTERS = 38  # what fits across an A4 page at 11 pt with reportlab's margins
PAGE_LINES = 36
SCHOOL = "school01@demo.local"
CONTRACT_TYPE = "catering"
AMOUNT = Decimal("180000.00")
RATIO = 1.3  # issue 19, item 4


def upload_goals(pages: int, upload_ms: float, pypdf_ms: float) -> list[goals.Entry]:
    """The upload's median over pypdf's on the same file: at most RATIO."""
    name = f"upload: {pages}-page upload ÷ pypdf extraction"
    return [goals.at_most(name, upload_ms / pypdf_ms, RATIO, "×")]


def contract_pdf(pages: int) -> bytes:
    """A ``pages``-page PDF of contract text, about PAGE_LINES lines of Chinese a page."""
    lines: list[str] = []
    for line in "\n".join(build_pages(pages)).splitlines():
        line = line.strip()
        while line:
            lines.append(line[:LINE_CHARACTERS])
            line = line[LINE_CHARACTERS:]
    chunks = [lines[i * PAGE_LINES : (i + 1) * PAGE_LINES] for i in range(pages)]
    return make_pdf(chunks)


def numbered(data: bytes, n: int) -> bytes:
    """The same document with different bytes: a PDF comment after the end marker."""
    return data + b"%% upload %d\n" % n


def raw_pypdf(data: bytes) -> int:
    """What extraction.inspect asks of pypdf, nothing more; the characters read."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    return sum(len(page.extract_text(extraction_mode="layout")) for page in reader.pages)


def fresh_app(folder: Path) -> Flask:
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "ADVISOR_INSTANCE_PATH": str(folder),
        "FILES_PATH": str(folder / "files"),
        "SECRET_KEY": "benchmark-secret-key-benchmark-secret-key",
        "PARSE_WARM_START": "1",
        "PRECHECK_AFTER_RESPONSE": "1",
        "LOG_LEVEL": "WARNING",
    }
    app = create_app(Config.from_env(env))
    app.config["WTF_CSRF_ENABLED"] = False  # the test client posts without a form token
    with app.app_context():
        alembic.upgrade()
        load_demo(db.session)
        db.session.commit()
    return app


def signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": SCHOOL, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"cannot sign in as {SCHOOL}: {response.status_code}")
    return client


def upload(client: FlaskClient, data: bytes) -> tuple[float, float]:
    """The upload's time to its answer, and from the answer until its pre-check is stored."""
    form = {
        "title": "食堂食材采购合同",
        "counterparty": "乌苏市丰收食品有限公司",
        "contract_type": CONTRACT_TYPE,
        "amount": str(AMOUNT),
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "file": (io.BytesIO(data), "合同.pdf", "application/pdf"),
    }
    runner = client.application.extensions[EXTENSION_KEY]
    assert isinstance(runner, PrecheckRunner)  # nosec B101
    started = time.perf_counter()
    response = client.post("/contracts/new", data=form, content_type="multipart/form-data")
    answered = time.perf_counter()
    if response.status_code != 302:
        raise SystemExit(f"upload answered {response.status_code}")
    response.close()  # what the server does once the answer is sent
    runner.wait()
    return answered - started, time.perf_counter() - answered


def check_prechecked(app: Flask, uploads: int) -> None:
    """Every upload's pre-check ran: none pending, hits on each contract."""
    with app.app_context():
        pending = db.session.scalar(sa.select(sa.func.count()).select_from(PrecheckPending))
        checked = db.session.scalar(sa.select(sa.func.count(sa.distinct(PrecheckHit.contract_id))))
    if pending or checked != uploads:
        raise SystemExit(f"pre-check not run: {pending} pending, {checked} of {uploads} checked")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--json", type=Path, default=None, help="write the goal to this file")
    args = parser.parse_args()
    data = contract_pdf(args.pages)
    characters = raw_pypdf(data)
    print(f"{args.pages} pages, {len(data) // 1024} kB, {characters} characters")
    with tempfile.TemporaryDirectory(prefix="advisor-upload-bench-") as folder:
        app = fresh_app(Path(folder))
        client = signed_in(app)
        first, _ = upload(client, numbered(data, 0))
        profile = cProfile.Profile() if args.profile else None
        parsed, uploaded, after = [], [], []
        for n in range(1, args.repeat + 1):
            started = time.perf_counter()
            raw_pypdf(numbered(data, n))
            parsed.append(time.perf_counter() - started)
            if profile:
                profile.enable()
            answered, prechecked = upload(client, numbered(data, n))
            if profile:
                profile.disable()
            uploaded.append(answered)
            after.append(prechecked)
        if profile and args.profile:
            profile.dump_stats(args.profile)
        check_prechecked(app, args.repeat + 1)
    pages = inspect(data, Limits()).pages
    checked = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        run(pages, contract_type=CONTRACT_TYPE, amount=AMOUNT)
        checked.append(time.perf_counter() - started)
    pypdf_ms = 1000 * statistics.median(parsed)
    upload_ms = 1000 * statistics.median(uploaded)
    print(f"first upload after start: {1000 * first:.0f} ms")
    print(f"pypdf extraction, median of {args.repeat}: {pypdf_ms:.0f} ms")
    print(f"upload, median of {args.repeat}: {upload_ms:.0f} ms")
    print(f"its pre-check stored, after the answer: {1000 * statistics.median(after):.0f} ms")
    print(f"the pre-check itself, in this process: {1000 * statistics.median(checked):.0f} ms")
    print(f"ratio: {upload_ms / pypdf_ms:.2f} (goal ≤ 1.3)")
    if args.json:
        goals.write(
            args.json,
            "sqlite (a new one, the demo bureau)",
            upload_goals(args.pages, upload_ms, pypdf_ms),
        )


if __name__ == "__main__":
    main()
