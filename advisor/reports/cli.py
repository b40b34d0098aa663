"""``flask reports refresh-summaries|check-summaries``: the summary tables by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from advisor.db import utcnow
from advisor.extensions import db
from advisor.reports import summary

reports_cli = AppGroup("reports", help="The dashboard's and the yearly figures' summaries.")


@reports_cli.command("refresh-summaries")
def refresh_summaries() -> None:
    """Rebuild the summary tables now (the scheduler does it every few minutes)."""
    done = summary.refresh(db.session, utcnow())
    db.session.commit()
    click.echo(f"Summary tables refreshed: {done.rows} rows in {done.seconds:.1f} s.")


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
