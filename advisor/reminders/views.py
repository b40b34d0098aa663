"""Reminder pages: the bureau's list of planned and sent reminders (re-send one by hand),
its group robots, and each user's choice of reminders by e-mail."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.db import paginate, utcnow
from advisor.directory.models import School
from advisor.errors import NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import act, page_args, posted, small_int
from advisor.reminders import kinds, sending
from advisor.reminders.models import STATUSES, Reminder, Webhook
from advisor.reminders.permissions import can_receive
from advisor.reminders.webhooks import WebhookRefused, allowed_host_names, check_webhook_url
from advisor.text import clean_line

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
protect(bp)

STATUS_LABELS = {
    "pending": _l("Planned"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}
CHANNEL_LABELS = {
    "app": _l("In the app"),
    "email": _l("E-mail"),
    "wecom": _l("WeCom group"),
    "dingtalk": _l("DingTalk group"),
}


@bp.get("")
@require(Role.BUREAU)
def index() -> Any:
    """Planned and sent reminders, newest due first, with the date each is about, when it
    goes or went out, its status and errors."""
    status = request.args.get("status", "")
    stmt = sa.select(Reminder).order_by(Reminder.due_at.desc(), Reminder.id.desc())
    if status in STATUSES:
        stmt = stmt.where(Reminder.status == status)
    page = paginate(db.session, stmt, **page_args())
    ids = {r.user_id for r in page.items if r.user_id}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())
    counts = dict(
        db.session.execute(
            sa.select(Reminder.status, sa.func.count(Reminder.id)).group_by(Reminder.status)
        ).all()
    )
    return render_template(
        "reminders/index.html",
        page=page,
        status=status,
        counts=counts,
        names=names,
        due_dates={r.id: kinds.due_date(r.kind, r.params) for r in page.items},
        kinds=kinds.KINDS,
        statuses=STATUS_LABELS,
        channels=CHANNEL_LABELS,
    )


@bp.post("/<int:reminder_id>/resend")
@require(Role.BUREAU)
def resend(reminder_id: int) -> Any:
    """Send one reminder again by hand at the next send run."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(_("No such reminder."))
    act(
        lambda: sending.resend(db.session, reminder, now=utcnow()),
        _("The reminder goes out again within a minute."),
    )
    return redirect(request.referrer or url_for("reminders.index"))


@bp.get("/robots")
@require(Role.BUREAU)
def robots() -> Any:
    """The bureau's and the schools' WeCom and DingTalk group robots."""
    rows = db.session.scalars(sa.select(Webhook).order_by(Webhook.id)).all()
    schools = db.session.execute(
        sa.select(School.id, School.name).where(School.is_active.is_(True)).order_by(School.code)
    ).all()
    # Robots entered before the address rule, or whose host left WEBHOOK_HOSTS: their
    # reminders fail, so the page says so.
    hosts = _webhook_hosts()
    refused = {r.id for r in rows if not _accepted(r.url, hosts)}
    return render_template(
        "reminders/robots.html",
        robots=rows,
        schools=schools,
        names=dict(schools),
        form={},
        refused=refused,
        url_rule=_url_rule(hosts),
    )


def _webhook_hosts() -> tuple[str, ...]:
    hosts: tuple[str, ...] = current_app.config["ADVISOR"].webhook_hosts
    return hosts


def _accepted(url: str, hosts: tuple[str, ...]) -> bool:
    try:
        check_webhook_url(url, hosts)
    except WebhookRefused:
        return False
    return True


def _url_rule(hosts: tuple[str, ...]) -> str:
    names = allowed_host_names(hosts)
    return str(
        _(
            "Only https:// addresses on these hosts are accepted: %(hosts)s"
            " (no user name or password in the address, port 443 unless the host is listed"
            " with another port).",
            hosts="、".join(names) if names else _("none (WEBHOOK_HOSTS is empty)"),
        )
    )


def _robot_from(form: dict[str, str]) -> Webhook:
    problems: dict[str, Any] = {}
    name = clean_line(form.get("name", "")).strip()
    kind = form.get("kind", "")
    url = form.get("url", "").strip()
    secret = form.get("secret", "").strip()
    if not name:
        problems["name"] = _l("Required.")
    elif len(name) > 100:
        problems["name"] = _l("At most %(n)d characters.", n=100)
    if kind not in ("wecom", "dingtalk"):
        problems["kind"] = _l("Choose WeCom or DingTalk.")
    hosts = _webhook_hosts()
    if not url:
        problems["url"] = _l("The robot's webhook address, starting with https://.")
    elif len(url) > 500:
        problems["url"] = _l("At most %(n)d characters.", n=500)
    elif not _accepted(url, hosts):
        problems["url"] = _url_rule(hosts)
    if len(secret) > 200:
        problems["secret"] = _l("At most %(n)d characters.", n=200)
    raw_school = form.get("school_id", "").strip()
    school_id = small_int(raw_school) if raw_school else None
    if raw_school and (not school_id or db.session.get(School, school_id) is None):
        problems["school_id"] = _l("No such school.")
    if problems:
        raise ValidationError(_l("Check the marked fields."), fields=problems)
    return Webhook(name=name, kind=kind, url=url, secret=secret, school_id=school_id)


@bp.post("/robots")
@require(Role.BUREAU)
def add_robot() -> Any:
    """Add a group robot for the bureau or for one school."""
    act(
        lambda: db.session.add(_robot_from(posted())),
        _("The group robot was added; it gets the next reminders."),
    )
    return redirect(url_for("reminders.robots"))


@bp.post("/robots/<int:robot_id>/switch")
@require(Role.BUREAU)
def switch_robot(robot_id: int) -> Any:
    """Switch a group robot off or on again."""
    robot = db.session.get(Webhook, robot_id)
    if robot is None:
        raise NotFound(_("No such group robot."))

    def work() -> None:
        robot.is_active = not robot.is_active

    act(work, _("Saved."))
    return redirect(url_for("reminders.robots"))


@bp.route("/preferences", methods=["GET", "POST"])
def preferences() -> Any:
    """Which reminders the user also gets by e-mail (all of them, in the app)."""
    me = user()
    mine = [k for k in kinds.KINDS.values() if can_receive(me, k)]
    if request.method == "POST":
        chosen = [k.key for k in mine if request.form.get(k.key) == "1"]

        def work() -> None:
            me.email_reminders = chosen

        act(work, _("Your e-mail reminders are saved."))
        return redirect(url_for("reminders.preferences"))
    chosen_now = {k.key for k in mine} if me.email_reminders is None else set(me.email_reminders)
    return render_template("reminders/preferences.html", kinds=mine, chosen=chosen_now)
