"""Flask commands: the demo bureau, API tokens and first accounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from advisor.accounts import services as accounts
from advisor.accounts.models import Role
from advisor.backup.cli import backup_cli
from advisor.contracts import kept
from advisor.contracts import services as contracts
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract
from advisor.db import utcnow
from advisor.demo import bureau, synthetic
from advisor.demo import model_contracts as model_contract_demo
from advisor.errors import AppError
from advisor.evaluation import services as evaluation
from advisor.extensions import db
from advisor.ledger import anchors
from advisor.ledger import services as ledger
from advisor.ledger.models import LedgerEntry
from advisor.reminders import exclusive, scheduler
from advisor.reports import summary_refresh
from advisor.reports.cli import reports_cli
from advisor.security_log.models import EventKind, Outcome
from advisor.security_log.services import Origin, record

demo_cli = AppGroup("demo", help="The demo bureau.")
tokens_cli = AppGroup("tokens", help="API tokens.")
users_cli = AppGroup("users", help="Accounts.")


class Instant(click.ParamType):  # type: ignore[type-arg]
    name = "instant"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a time like 2026-03-02T10:30:00+08:00", param, ctx)
        if moment.tzinfo is None:
            self.fail("give the offset too, like +08:00", param, ctx)
        return moment.astimezone(UTC)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has any account.")
def demo_load(if_empty: bool) -> None:
    """Create the demo bureau (safe to run again: it only adds what is missing)."""
    if if_empty and accounts.any_user(db.session):
        click.echo("The database already has accounts; the demo bureau was not loaded.")
        return
    report = bureau.load_demo(db.session)
    evaluation.ensure_default_rule_set(db.session)
    db.session.commit()
    click.echo(f"Demo bureau: {report.created} records added.")
    click.echo(f"Demo accounts (password for all: {bureau.DEMO_PASSWORD}):")
    accounts_list = bureau.demo_accounts()
    for email, role in accounts_list[:3]:
        click.echo(f"  {email:28} {role}")
    click.echo("  ... advisor01..advisor35@demo.local, school01..school60@demo.local")


@demo_cli.command("generate")
@click.option(
    "--scale",
    type=click.Choice(sorted(synthetic.SCALES)),
    default="city",
    show_default=True,
    help="city: 900 contracts for 60 schools; province: 200,000 for 2,000 schools.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same data."
)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has any contract.")
@click.option(
    "--now", type=Instant(), help="Generate up to this time (ISO 8601 with offset); default: now."
)
def demo_generate(scale: str, seed: int, if_empty: bool, now: datetime | None) -> None:
    """Generate three years of work (and, in an empty database, the bureau itself)."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Contract)):
        click.echo("The database already has contracts; nothing was generated.")
        return
    store = FileStore(current_app.config["ADVISOR"].files_dir)
    try:
        counts = synthetic.generate(
            db.session,
            synthetic.SCALES[scale],
            seed=seed,
            now=now or utcnow(),
            store=store,
        )
    except synthetic.GenerationRefused as error:
        raise click.ClickException(str(error)) from error
    started = model_contract_demo.add_model_contracts(db.session, store, now or utcnow())
    evaluation.ensure_default_rule_set(db.session)
    db.session.commit()
    click.echo(f"Model contracts: 4 published, {started} contracts started from them.")
    # So that the pages show summaries at once; every table, as the cells cover them all.
    done = summary_refresh.refresh(db.session, utcnow(), full=True)
    db.session.commit()
    click.echo(f"Summary tables: {done.rows:,} rows in {done.seconds:.1f} s.")
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner, and the visibility map that lets the covering
        # indexes answer alone (autovacuum would get there, later).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    for name, n in counts.items():
        click.echo(f"  {name:16} {n:>10,}")
    click.echo(f"Sign in as bureau@demo.local with the demo password ({bureau.DEMO_PASSWORD}).")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@click.option(
    "--days",
    type=click.IntRange(1, accounts.TOKEN_DAYS_MAX),
    default=accounts.TOKEN_DAYS,
    show_default=True,
    help="How many days the token works.",
)
def tokens_create(email: str, name: str, days: int) -> None:
    """Create an API token for EMAIL; the token is printed once, on the last line."""
    user = accounts.get_user_by_email(db.session, email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active account {email}.")
    now = utcnow()
    token, clear = accounts.create_token(db.session, user, name, days=days, now=now)
    # No one is signed in at the console: the account the token is for is named instead.
    record(
        db.session,
        EventKind.TOKEN_CREATE,
        outcome=Outcome.SUCCESS,
        account=user.email,
        subject=f"token:{token.id}",
        detail={"name": token.name, "expires": token.expires_at.date().isoformat()},
        now=now,
        origin=Origin(method="CLI", path="flask tokens create"),
    )
    db.session.commit()
    click.echo(
        f"Token for {user.email} ({user.role}), valid until {token.expires_at:%Y-%m-%d %H:%M} UTC;"
        " it is shown only now:"
    )
    click.echo(clear)


@users_cli.command("create-bureau")
@click.argument("email")
@click.option("--name", required=True)
@click.password_option()
def users_create_bureau(email: str, name: str, password: str) -> None:
    """Create a bureau account (the first one of a new installation)."""
    try:
        user = accounts.create_user(
            db.session, email=email, name=name, role=Role.BUREAU, password=password
        )
    except AppError as error:
        raise click.ClickException(f"{error.message} {error.fields}") from error
    # A new installation's bureau finds its evaluation rules stored from the start.
    evaluation.ensure_default_rule_set(db.session)
    db.session.commit()
    click.echo(f"Bureau account {user.email} created.")


files_cli = AppGroup("files", help="Uploaded files.")


def _referenced_files() -> list[str]:
    return list(db.session.scalars(contracts.referenced_files()))


@files_cli.command("check")
def files_check() -> None:
    """List stored files no version refers to (orphans) and versions whose file is missing;
    exit 1 if there is either (`flask files prune` removes old orphans)."""
    store = FileStore(current_app.config["ADVISOR"].files_dir)
    orphans, missing = store.check(_referenced_files())
    for digest in orphans:
        click.echo(f"orphan  {store.path(digest)}")
    for digest in missing:
        click.echo(f"missing {digest}")
    click.echo(f"{len(orphans)} orphaned, {len(missing)} missing.")
    if orphans or missing:
        raise SystemExit(1)


_DURATION = re.compile(r"^(\d{1,6})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def _duration(_ctx: Any, _param: Any, value: str) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("a number and m, h or d, e.g. 30m, 1h, 2d")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


@files_cli.command("prune")
@click.option(
    "--older-than",
    default="1h",
    show_default=True,
    callback=_duration,
    help="Grace period: an orphan younger than this may be an upload about to commit.",
)
def files_prune(older_than: timedelta) -> None:
    """Remove orphaned files (no version refers to them) written before the grace period,
    and temporary files of interrupted writes; a referenced file is never removed. Files
    kept on a submission form sent back go when their time is over."""
    store = FileStore(current_app.config["ADVISOR"].files_dir)
    now = utcnow()
    removed = store.prune(
        _referenced_files(),
        still_referenced=lambda digest: contracts.is_file_referenced(db.session, digest),
        older_than=older_than,
        now=now,
    )
    # Files kept on a submission form sent back (advisor.contracts.kept): those whose
    # time is over, and those no row names.
    kept.forget_expired(db.session, now)
    db.session.commit()
    removed += kept.kept_store(store.root).prune(
        kept.kept_digests(db.session),
        still_referenced=lambda digest: kept.is_kept(db.session, digest),
        older_than=older_than,
        now=now,
    )
    for path in removed:
        click.echo(f"removed {path}")
    click.echo(f"{len(removed)} removed.")


ledger_cli = AppGroup("ledger", help="The work ledger.")


def _expectation(_ctx: Any, _param: Any, value: str | None) -> anchors.Anchor | None:
    if value is None:
        return None
    try:
        return anchors.parse_expectation(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@ledger_cli.command("verify")
@click.option(
    "--expect",
    metavar="SEQ:HASH",
    callback=_expectation,
    help="Also require this entry with this hash (an anchor kept elsewhere).",
)
@click.option(
    "--since-last",
    is_flag=True,
    help="Recompute only the entries added since the last verification that passed (all"
    " of them if none has), as the daily job does; the entry that verification reached must"
    " still hold its hash. A change to an entry at or before it is found only by the full"
    " verification, which is what runs without this option.",
)
def ledger_verify(expect: anchors.Anchor | None, since_last: bool) -> None:
    """Recompute the ledger's hash chain (all of it, unless --since-last) and check it
    against the latest anchor in the anchor log (and --expect); exit 1 and say what broke
    if anything did. A verification that passed is kept, for --since-last to start after."""
    if since_last:
        result, since = ledger.verify_since_last(db.session)
    else:
        result, since = ledger.verify_chain(db.session), None
    if not result.ok:
        bad = db.session.get(LedgerEntry, result.first_bad_id) if result.first_bad_id else None
        where = f"entry {bad.id} (seq {bad.seq})" if bad else "the end of the chain"
        if since is not None and result.reason == "verified entry":
            where = f"entry {since.seq}, verified on {_moment(since.verified_at)}: " + (
                f"its hash is no longer {since.hash}" if bad else "it is missing"
            )
        click.echo(f"Ledger BROKEN at {where} ({result.reason}); {result.checked} entries checked.")
        raise SystemExit(1)
    if since is not None:
        click.echo(
            f"Ledger intact since entry {since.seq} (verified on {_moment(since.verified_at)}):"
            f" {result.checked} entries checked; earlier ones need a full `flask ledger verify`."
        )
    else:
        if since_last:
            click.echo("No verification has passed yet: the whole chain was verified.")
        click.echo(f"Ledger intact: {result.checked} entries checked.")
    path = current_app.config["ADVISOR"].anchor_file
    found, damaged = anchors.read_anchors(path)
    problems = [f"{damaged} lines of {path} are not anchors"] if damaged else []
    checks = ([found[-1]] if found else []) + ([expect] if expect else [])
    for anchor in checks:
        problem = anchors.check_anchor(db.session, anchor)
        if problem:
            problems.append(problem)
    if not found:
        click.echo(f"No anchor in {path} yet: `flask ledger anchor` writes one.")
    if problems:
        for problem in problems:
            click.echo(f"Ledger BROKEN: {problem}.")
        raise SystemExit(1)
    if found:
        click.echo(f"Holds the latest anchor ({found[-1].line()}).")
    ledger.record_verification(db.session, result, since=since, now=utcnow())
    db.session.commit()
    click.echo(f"Latest hash (keep it to detect a rewrite of the whole chain): {result.end_hash}")


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


@ledger_cli.command("anchor")
def ledger_anchor() -> None:
    """Append the ledger's head (time, sequence, hash) to the anchor log (ANCHOR_PATH)."""
    path = current_app.config["ADVISOR"].anchor_file
    anchor = anchors.append_anchor(db.session, path, utcnow())
    if anchor is None:
        click.echo("The ledger is empty: nothing to anchor.")
        return
    click.echo(f"{path}: {anchor.line()}")


reminders_cli = AppGroup("reminders", help="Reminders, run by hand.")
scheduler_cli = AppGroup("scheduler", help="The reminder scheduler.")


def _by_hand(job: str, now: datetime | None) -> None:
    """Run one job by hand, holding the sender lock: never beside a live scheduler."""
    try:
        with exclusive.held(current_app.config["ADVISOR"].database_url):
            scheduler.run_job(job, now=now)
    except exclusive.AlreadyRunning as error:
        raise click.ClickException(
            f"A scheduler is running on this database ({error}); it plans and sends"
            " every few minutes. Stop it first to run this by hand."
        ) from error


@reminders_cli.command("plan")
@click.option("--now", type=Instant(), help="Act as of this time (ISO 8601 with offset).")
def reminders_plan(now: datetime | None) -> None:
    """Plan the reminders the data calls for, once."""
    _by_hand("plan", now)


@reminders_cli.command("send-due")
@click.option("--now", type=Instant(), help="Act as of this time (ISO 8601 with offset).")
def reminders_send_due(now: datetime | None) -> None:
    """Send the reminders that are due, once."""
    _by_hand("send_due", now)


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler in this process until SIGTERM or Ctrl-C (exactly one per
    database: a second one exits with a message)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = scheduler.scheduled_jobs(app.config["ADVISOR"])
    try:
        status = scheduler.run(
            app, started=lambda: click.echo("Scheduler running; jobs: " + ", ".join(jobs), err=True)
        )
    except exclusive.AlreadyRunning as error:
        raise click.ClickException(
            f"Another scheduler is already running on this database ({error}). Run exactly one."
        ) from error
    raise SystemExit(status)


@scheduler_cli.command("status")
def scheduler_status() -> None:
    """Each job's last run, its result and its next fire time."""
    for name, last, upcoming, result in scheduler.status(db.session):
        click.echo(
            f"{name}: last run {last.isoformat() if last else 'never'}; {result};"
            f" next {upcoming.isoformat() if upcoming else 'not scheduled'}"
        )


evaluations_cli = AppGroup("evaluations", help="Evaluations.")


@evaluations_cli.command("reword")
def evaluations_reword() -> None:
    """Write the basis of every stored evaluation result again in the current words, its
    points, totals and grades unchanged (for results stored by an earlier version)."""
    rewritten, left = evaluation.reword_results(db.session)
    db.session.commit()
    click.echo(f"Results reworded: {rewritten}; left as stored (points differ): {left}.")


def register(app: Flask) -> None:
    for group in (
        demo_cli,
        tokens_cli,
        users_cli,
        files_cli,
        ledger_cli,
        reminders_cli,
        scheduler_cli,
        backup_cli,
        reports_cli,
        evaluations_cli,
    ):
        app.cli.add_command(group)
