"""CPU time per request of the cheap pages, in this process (issue 19, item 3).

    .venv/bin/python -m benchmarks.cpu_per_request [--database-url URL] [--requests 200]
        [--only PATH] [--lists] [--profile [N]]

Builds the application as production does (``Config.from_env``: the dashboard's figures
cached, the demo accounts' password hashed as configured), signs in as the bureau, an
advisor and a school through the test client, and requests each cheap page ``--requests``
times after two warm-up requests: the sign-in page, the school's and the advisor's homes,
the bureau's dashboard (from the recent figures) and a contract page of the school, with
the bare health check beside them as the floor (the test client's and Flask's own share);
with ``--lists`` also the contract and ledger lists of each role (their goal is 50
requests a second). Prints per page the CPU time of this process (``time.process_time``,
so other work on the machine does not count) per request, median and mean; the median
wall time of its SQL statements' execution ("SQL ms": the database's work, on other CPUs
for PostgreSQL, plus the driver's share, which the CPU time counts too); the statements
and the size of the answer. 200 requests a second on 2 cores needs about 10 ms of CPU a
request at most, the database's share included.

``--profile N`` runs each page's requests under cProfile and prints its N most costly
functions by their own time and by cumulative time.

Any database works; the demo's is enough to see the fixed cost of a page::

    DATABASE_URL=sqlite:////tmp/city.db flask --app advisor db upgrade
    DATABASE_URL=sqlite:////tmp/city.db flask --app advisor demo load
    DATABASE_URL=sqlite:////tmp/city.db flask --app advisor demo generate --scale city
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract
from advisor.demo.bureau import DEMO_PASSWORD
from advisor.extensions import db
from benchmarks.pages import bench_app


def _client(app: Flask, email: str | None) -> FlaskClient:
    client = app.test_client()
    if email is None:
        return client
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"cannot sign in as {email}: {response.status_code}")
    return client


def _pages(
    app: Flask, *, lists: bool = False
) -> tuple[dict[str, str | None], list[tuple[str, str]]]:
    """The e-mail of each role's account, and (who, path) of every page measured."""
    with app.app_context():
        users: dict[str, str | None] = {"anonymous": None}
        school_id = None
        for role in (Role.BUREAU, Role.ADVISOR, Role.SCHOOL):
            row = db.session.execute(
                sa.select(User.email, User.school_id)
                .where(User.role == role, User.is_active)
                .order_by(User.id)
                .limit(1)
            ).first()
            if row is not None:
                users[str(role)] = row.email
                school_id = row.school_id if role == Role.SCHOOL else school_id
        contract = db.session.scalar(
            sa.select(Contract.id)
            .where(Contract.school_id == school_id)
            .order_by(Contract.id.desc())
            .limit(1)
        )
    pages = [
        ("anonymous", "/healthz"),
        ("anonymous", "/login"),
        ("school", "/"),
        ("advisor", "/"),
        ("bureau", "/"),
    ]
    if contract is not None:
        pages.append(("school", f"/contracts/{contract}"))
    if lists:
        pages += [(who, path) for path in ("/contracts", "/ledger") for who in _ROLES]
    return users, pages


_ROLES = ("bureau", "advisor", "school")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="", help="measure only the pages whose path holds this")
    parser.add_argument("--lists", action="store_true", help="the contract and ledger lists too")
    parser.add_argument(
        "--profile", type=int, nargs="?", const=25, default=0, help="print the N costliest"
    )
    args = parser.parse_args()
    app = bench_app(args.database_url)
    users, pages = _pages(app, lists=args.lists)
    clients = {who: _client(app, email) for who, email in users.items()}
    with app.app_context():
        engine = db.engine
        print(f"database: {engine.url.render_as_string(hide_password=True)}")
    statements = [0]
    waited = [0.0]
    started = [0.0]

    def count(*_: object) -> None:
        statements[0] += 1
        started[0] = time.perf_counter()

    def add(*_: object) -> None:
        waited[0] += time.perf_counter() - started[0]

    sa.event.listen(engine, "before_cursor_execute", count)
    sa.event.listen(engine, "after_cursor_execute", add)
    print(
        f"{'who':9} {'page':24} {'CPU ms median':>13} {'mean':>6} {'SQL ms':>6} {'SQL':>4}"
        f" {'KB':>6} status"
    )
    for who, path in pages:
        if args.only not in path:
            continue
        client = clients[who]
        for _ in range(2):  # warm-up: templates compiled, the dashboard's figures counted
            client.get(path)
        profile = cProfile.Profile() if args.profile else None
        cpu, sql = [], []
        for _ in range(args.requests):
            statements[0], waited[0] = 0, 0.0
            if profile:
                profile.enable()
            start = time.process_time()
            response = client.get(path)
            cpu.append(time.process_time() - start)
            sql.append(waited[0])
            if profile:
                profile.disable()
        ms = [s * 1000 for s in cpu]
        print(
            f"{who:9} {path:24} {statistics.median(ms):13.2f} {statistics.mean(ms):6.2f}"
            f" {statistics.median(sql) * 1000:6.2f} {statements[0]:4d}"
            f" {len(response.data) / 1024:6.1f} {response.status_code}"
        )
        if profile:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.profile)
                print(out.getvalue())


if __name__ == "__main__":
    main()
