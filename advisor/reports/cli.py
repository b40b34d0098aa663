"""``flask reports refresh-summaries|check-summaries``: the summary tables by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advisor.db import immediate_writes, utcnow
from advisor.extensions import db
from advisor.reports import summary, summary_refresh

reports_cli = AppGroup("reports", help="The dashboard's and the yearly figures' summaries.")


@reports_cli.command("refresh-summaries")
@click.option("--full", is_flag=True, help="Rebuild every table, not only the cells written.")
def refresh_summaries(full: bool) -> None:
    """Bring the summary tables up to date now: the cells written since the last refresh,
    or every table with --full (the scheduler refreshes them every few minutes)."""
    with immediate_writes():
        done = summary_refresh.refresh(db.session, utcnow(), full=full)
        db.session.commit()
    click.echo(f"Summary tables refreshed: {summary_refresh.describe(done)}.")


@reports_cli.command("check-summaries")
def check_summaries() -> None:
    """Count the summary tables again from the base tables and print every cell that
    differs; exit 1 if any does (or if they were never refreshed)."""
    refreshed = summary.last_refresh(db.session)
    if refreshed is None:
        click.echo("The summary tables were never refreshed; the pages count the base rows.")
        raise SystemExit(1)
    differences = summary.check(db.session)
    db.session.rollback()
    for line in differences:
        click.echo(line)
    if differences:
        click.echo(f"{len(differences)} cells differ from the base tables.", err=True)
        raise SystemExit(1)
    click.echo(f"The summary tables of {refreshed.isoformat()} match the base tables.")
