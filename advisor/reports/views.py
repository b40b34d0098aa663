"""Report pages: the yearly figures for the annual rule-of-law report, and their .xlsx."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import Role
from advisor.auth import protect, require
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts.labels import STATUS_LABELS, TYPE_LABELS
from advisor.contracts.models import ContractType
from advisor.db import paginate_rows, utcnow
from advisor.directory.labels import LEVEL_LABELS
from advisor.errors import NotFound
from advisor.extensions import db
from advisor.forms import page_args
from advisor.i18n import translated
from advisor.list_filters import active_filters, worded
from advisor.precheck.labels import rule_title
from advisor.reminders.scheduler import JOBS
from advisor.reports import dashboard, records
from advisor.reports.charts import Item, bar_chart, column_chart
from advisor.reports.figures import year_figures
from advisor.reports.recent_figures import RecentFigures
from advisor.reports.recent_pages import RecentPages
from advisor.reports.workbook import year_workbook
from advisor.reviews.labels import (
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    RATING_LABELS,
    SEVERITY_LABELS,
)
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.spreadsheet import XLSX_CONTENT_TYPE
from advisor.workdays import today_local

if TYPE_CHECKING:
    from advisor.reports.shared_figures import SharedFigures

bp = Blueprint("reports", __name__, url_prefix="/reports")
protect(bp)

TURNAROUND_TAIL = 20  # working days; longer turnarounds share one bar
REFRESH_MINUTES = JOBS["summaries"]["minutes"]  # how often the summary tables are rebuilt
FIRST_YEAR = 2000


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= today_local().year + 1:
        raise NotFound(_l("No figures for that year."))
    return year


@bp.get("/year")
@require(Role.BUREAU)
def this_year() -> Any:
    return redirect(url_for("reports.year", year=today_local().year))


@bp.get("/year/<int:year>")
@require(Role.BUREAU)
def year(year: int) -> Any:
    """The year's figures as a paragraph and a table, each linked to its records."""
    return render_template(
        "reports/year.html",
        f=year_figures(db.session, _year(year)),
        outcomes=OUTCOME_LABELS,
        refresh_minutes=REFRESH_MINUTES,
    )


@bp.get("/year/<int:year>.xlsx")
@require(Role.BUREAU)
def year_xlsx(year: int) -> Response:
    """The year's figures as a workbook."""
    config = current_app.config["ADVISOR"]
    made_at = utcnow().astimezone(ZoneInfo(config.timezone))
    data = year_workbook(
        year_figures(db.session, _year(year)), bureau=config.bureau_name, made_at=made_at
    )
    note(EventKind.FIGURES_EXPORT, subject=f"figures:{year}")
    response = Response(data, content_type=XLSX_CONTENT_TYPE)
    name = f"法律顾问工作年度数据-{year}.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=figures-{year}.xlsx; filename*=UTF-8''{quote(name)}"
    )
    return response


@bp.get("/year/<int:year>/findings")
@require(Role.BUREAU)
def year_findings(year: int) -> Any:
    """The findings counted in the year's figures, by dimension and severity if asked."""
    dimension, severity = request.args.get("dimension", ""), request.args.get("severity", "")
    page = paginate_rows(
        db.session, records.year_findings(_year(year), dimension, severity), **page_args()
    )
    shown = [
        ("dimension", _("Dimension"), worded(DIMENSION_LABELS, dimension)),
        ("severity", _("Severity"), worded(SEVERITY_LABELS, severity)),
    ]
    return render_template(
        "reports/findings.html",
        year=year,
        page=page,
        dimension=dimension,
        severity=severity,
        dimensions=DIMENSION_LABELS,
        severities=SEVERITY_LABELS,
        active=active_filters("reports.year_findings", shown, year=year),
    )


@bp.get("/year/<int:year>/ratings")
@require(Role.BUREAU)
def year_ratings(year: int) -> Any:
    """The school ratings counted in the year's average rating."""
    page = paginate_rows(db.session, records.year_ratings(_year(year)), **page_args())
    return render_template(
        "reports/ratings.html", year=year, page=page, ratings=translated(RATING_LABELS)
    )


def _span(year: int) -> dict[str, str]:
    return {"from": f"{year}-01-01", "to": f"{year}-12-31"}


def _month_span(month: str) -> dict[str, str]:
    year, number = int(month[:4]), int(month[5:])
    last = (date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)).day
    return {"from": f"{month}-01", "to": f"{month}-{last:02d}"}


def _recent_figures() -> RecentFigures | SharedFigures:
    """Recently counted dashboards: in Redis, shared by every worker, when REDIS_URL is
    set; else this process's own (one store per application)."""
    store = current_app.extensions.get("dashboard_figures")
    if store is None:
        config = current_app.config["ADVISOR"]
        made: RecentFigures | SharedFigures
        if config.redis_url:
            import redis  # only where REDIS_URL is set: 0.1 s to import

            from advisor.reports.shared_figures import SharedFigures

            client = redis.Redis.from_url(
                config.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
            made = SharedFigures(client, config.dashboard_cache_seconds, config.redis_prefix)
        else:
            made = RecentFigures(config.dashboard_cache_seconds)
        store = current_app.extensions.setdefault("dashboard_figures", made)
    return cast("RecentFigures | SharedFigures", store)


def _recent_pages() -> RecentPages:
    """The dashboard's markup rendered lately by this process (one store per application)."""
    store = current_app.extensions.get("dashboard_pages")
    if store is None:
        made = RecentPages(current_app.config["ADVISOR"].dashboard_cache_seconds)
        store = current_app.extensions.setdefault("dashboard_pages", made)
    return cast(RecentPages, store)


def dashboard_page(today: date) -> str:
    """The bureau's home: the dashboard for the filters in the query string."""
    filters, problems = dashboard.parse_filters(request.args, today)
    board = _recent_figures().get(
        filters,
        today,
        lambda: dashboard.build(db.session, filters, today, bureau_calendar.load(db.session)),
        fresh=request.args.get("fresh") == "1",
    )
    # Everything the markup is made of (recent_pages.py): the same figures shown the same
    # way are rendered once, not on every request.
    key = (
        filters,
        today,
        board.computed_at,
        board.refreshed_at,
        str(get_locale()),
        request.script_root,
        tuple(problems),
    )
    content = _recent_pages().get(key, lambda: _dashboard_content(board, filters, problems, today))
    return render_template("home/bureau.html", dashboard=content)


def _dashboard_content(
    board: dashboard.Dashboard, filters: dashboard.Filters, problems: list[str], today: date
) -> str:
    narrowed = filters.query()
    year = _span(filters.year)

    def contracts(**args: Any) -> str:
        return url_for("contracts.index", **narrowed, **args)

    def findings(**args: Any) -> str | None:
        """The findings list is bureau-wide: linked only when the dashboard is too."""
        if filters.narrowed:
            return None
        return url_for("reports.year_findings", year=filters.year, **args)

    statuses = [
        Item(str(label), board.by_status[status], contracts(status=status, **year))
        for status, label in STATUS_LABELS.items()
    ]
    types = [
        Item(
            str(TYPE_LABELS.get(ContractType(kind), kind)), n, contracts(contract_type=kind, **year)
        )
        for kind, n in board.by_type.most_common()
    ]
    outcomes = [
        Item(str(label), board.by_outcome[outcome])
        for outcome, label in OUTCOME_LABELS.items()
        if outcome != "return"
    ]
    turnaround = [
        Item(str(_("%(days)s working days", days=days)), board.turnaround[days])
        for days in sorted(board.turnaround)
        if days <= TURNAROUND_TAIL
    ]
    tail = sum(n for days, n in board.turnaround.items() if days > TURNAROUND_TAIL)
    if tail:  # one bar for the long tail, so that a few stragglers do not fill the chart
        label = _("more than %(days)s working days", days=TURNAROUND_TAIL)
        turnaround.append(Item(str(label), tail))
    monthly = column_chart(
        _("Received and reviewed per month"),
        board.months,
        [
            (_("Received"), [board.received[m] for m in board.months]),
            (_("Opinions issued"), [board.reviewed[m] for m in board.months]),
        ],
    )
    monthly_links = [{m: contracts(**_month_span(m)) for m in board.months}, {}]
    busiest = sorted(board.workload, key=lambda w: (-w.open, w.name))[:15]
    open_urls = {w.advisor_id: contracts(advisor_id=w.advisor_id, open="1") for w in board.workload}
    charts = {
        "status": bar_chart(
            _("Contracts submitted in %(year)s, by status now", year=filters.year),
            statuses,
            _("Contracts"),
        ),
        "type": bar_chart(_("By type"), types, _("Contracts")),
        "outcome": bar_chart(_("By outcome of the opinion"), outcomes, _("Contracts")),
        "turnaround": bar_chart(_("Turnaround of the reviews issued"), turnaround, _("Reviews")),
        "rules": bar_chart(
            _("Most frequent pre-check hits"),
            [Item(rule_title(rule), n) for rule, n in board.rules],
            _("Hits"),
        ),
        "dimension": bar_chart(
            _("Findings by dimension"),
            [
                Item(str(label), board.findings_by_dimension[d], findings(dimension=d))
                for d, label in DIMENSION_LABELS.items()
            ],
            _("Findings"),
        ),
        "severity": bar_chart(
            _("Findings by severity"),
            [
                Item(str(label), board.findings_by_severity[s], findings(severity=s))
                for s, label in SEVERITY_LABELS.items()
            ],
            _("Findings"),
        ),
        "workload": bar_chart(
            _("Open contracts per advisor (the busiest 15)"),
            [Item(w.name, w.open, open_urls[w.advisor_id]) for w in busiest if w.open],
            _("Open"),
        ),
        "firms": bar_chart(
            _("Opinions issued per law firm"),
            [Item(f.name, f.reviewed) for f in board.firms],
            _("Opinions"),
        ),
    }
    return render_template(
        "home/_dashboard.html",
        board=board,
        filters=filters,
        problems=problems,
        charts=charts,
        monthly=monthly,
        monthly_links=monthly_links,
        overdue_url=contracts(overdue="1"),
        open_urls=open_urls,
        submitted_url=contracts(**year),
        years=range(today.year, max(FIRST_YEAR, today.year - 9) - 1, -1),
        levels=LEVEL_LABELS,
        fresh_url=url_for("home.index", **filters.query(), year=filters.year, fresh="1"),
        refresh_minutes=REFRESH_MINUTES,
    )
