"""Directory pages: schools, law firms, advisors, assignments and spreadsheet import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import require, user
from advisor.db import paginate
from advisor.directory import availability_views as _availability  # noqa: F401  (routes)
from advisor.directory import importing, queries, services
from advisor.directory import user_admin as _user_admin  # noqa: F401  (registers its routes)
from advisor.directory.blueprint import bp
from advisor.directory.forms import (
    AdvisorForm,
    AssignForm,
    EndBackupForm,
    ImportForm,
    LawFirmForm,
    SchoolForm,
)
from advisor.directory.labels import LEVEL_LABELS
from advisor.directory.models import Advisor, LawFirm, School
from advisor.directory.permissions import (
    can_filter_by_law_firm,
    can_manage_advisor,
    can_see_served_school,
)
from advisor.errors import NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import apply_errors, error_text, form_error_text, id_arg, page_args
from advisor.list_filters import active_filters, worded
from advisor.workdays import today_local

__all__ = ["bp"]

# Later domains (reviews) add their part of the advisor page: (advisor, viewer) -> context.
ADVISOR_PANELS: list[Callable[[Advisor, User], dict[str, Any]]] = []

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- schools -----------------------------------------------------------------------


@bp.get("/schools")
def schools() -> Any:
    """Schools the user may see, with their current advisors; search and filters."""
    args = {k: request.args.get(k, "") for k in ("q", "district", "level", "active")}
    page = paginate(db.session, queries.search_schools(user(), **args), **page_args())
    serving = queries.current_advisors(db.session, [s.id for s in page.items])
    shown = [
        ("q", _("Search"), args["q"].strip()),
        ("district", _("District"), args["district"]),
        ("level", _("Level"), worded(LEVEL_LABELS, args["level"])),
        ("active", _("Status"), {"1": _("Active"), "0": _("Inactive")}.get(args["active"], "")),
    ]
    return render_template(
        "directory/schools.html",
        page=page,
        serving=serving,
        args=args,
        districts=queries.districts(db.session),
        levels=LEVEL_LABELS,
        active=active_filters("directory.schools", shown),
    )


@bp.get("/schools/<int:school_id>")
def school(school_id: int) -> Any:
    """One school: details, current advisors and the assignment history."""
    found = queries.get_school(db.session, user(), school_id)
    return render_template(
        "directory/school.html",
        school=found,
        serving=queries.current_advisors(db.session, [found.id])[found.id],
        history=queries.assignment_history(db.session, found.id),
        assign_form=_assign_form(),
        end_form=EndBackupForm(ends_on=today_local()),
        levels=LEVEL_LABELS,
    )


def _school_data(form: SchoolForm) -> services.SchoolData:
    return services.SchoolData(
        code=form.code.data or "",
        name=form.name.data or "",
        level=form.level.data or "",
        district=form.district.data or "",
        address=form.address.data or "",
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        is_active=bool(form.is_active.data),
    )


def _edit_school(form: SchoolForm, target: School | None) -> Any:
    if form.validate_on_submit():
        try:
            saved = services.save_school(db.session, _school_data(form), target)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("School %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("directory.school", school_id=saved.id))
    status = 422 if form.errors else 200
    return render_template("directory/school_form.html", form=form, school=target), status


@bp.route("/schools/new", methods=["GET", "POST"])
@require(Role.BUREAU)
def new_school() -> Any:
    """Add a school."""
    return _edit_school(SchoolForm(), None)


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@require(Role.BUREAU)
def edit_school(school_id: int) -> Any:
    """Edit a school's details or deactivate it."""
    target = queries.get_school(db.session, user(), school_id)
    return _edit_school(SchoolForm(obj=target), target)


def _assign_form() -> AssignForm:
    form = AssignForm(starts_on=today_local())
    form.advisor_id.choices = queries.advisor_choices(db.session, active_only=True)
    return form


@bp.post("/schools/<int:school_id>/assign")
@require(Role.BUREAU)
def assign(school_id: int) -> Any:
    """Make an advisor the school's primary or backup advisor from a date."""
    target = queries.get_school(db.session, user(), school_id)
    form = _assign_form()
    if form.validate_on_submit():
        advisor = db.session.get(Advisor, form.advisor_id.data)
        if advisor is None:
            raise NotFound(_("No such advisor."))
        try:
            row = services.assign_advisor(
                db.session,
                school=target,
                advisor=advisor,
                kind=form.kind.data or "",
                starts_on=form.starts_on.data or today_local(),
                actor=user(),
                today=today_local(),
            )
        except ValidationError as error:
            db.session.rollback()
            flash(error_text(error), "danger")
            return redirect(url_for("directory.school", school_id=target.id))
        else:
            db.session.commit()
            if row is None:
                flash(_("%(name)s already holds this assignment.", name=advisor.name), "info")
            else:
                flash(_("%(name)s assigned.", name=advisor.name), "success")
            return redirect(url_for("directory.school", school_id=target.id))
    flash(form_error_text(form), "danger")
    return redirect(url_for("directory.school", school_id=target.id))


@bp.post("/schools/<int:school_id>/backup/end")
@require(Role.BUREAU)
def end_backup(school_id: int) -> Any:
    """End the school's backup assignment."""
    target = queries.get_school(db.session, user(), school_id)
    form = EndBackupForm()
    if not form.validate_on_submit():
        flash(form_error_text(form), "danger")
    else:
        services.end_backup(db.session, school=target, ends_on=form.ends_on.data or today_local())
        db.session.commit()
        flash(_("The backup assignment has ended."), "success")
    return redirect(url_for("directory.school", school_id=target.id))


# --- advisors ----------------------------------------------------------------------


@bp.get("/advisors")
def advisors() -> Any:
    """Advisors the user may see; search by name, licence or e-mail."""
    q = request.args.get("q", "")
    firm = id_arg("law_firm_id")
    page = paginate(
        db.session, queries.search_advisors(user(), q=q, law_firm_id=firm), **page_args()
    )
    firms = queries.law_firm_choices(db.session) if can_filter_by_law_firm(user()) else []
    shown = [
        ("q", _("Search"), q.strip()),
        ("law_firm_id", _("Law firm"), dict(firms).get(firm, f"#{firm}") if firm else ""),
    ]
    return render_template(
        "directory/advisors.html",
        page=page,
        q=q,
        law_firm_id=firm,
        firms=firms,
        active=active_filters("directory.advisors", shown),
    )


@bp.get("/advisors/<int:advisor_id>")
def advisor(advisor_id: int) -> Any:
    """One advisor: details and the schools served now."""
    found = queries.get_advisor(db.session, user(), advisor_id)
    me = user()
    served = [
        (s, k)
        for s, k in queries.schools_served(db.session, found.id)
        if can_see_served_school(me, s)
    ]
    panels: dict[str, Any] = {}
    for panel in ADVISOR_PANELS:
        panels.update(panel(found, me))
    return render_template(
        "directory/advisor.html",
        **panels,
        advisor=found,
        served=served,
        can_manage=can_manage_advisor(me, found),
        absences=queries.absences(db.session, found.id, today_local()),
        conflicts=queries.conflicts(db.session, found.id),
    )


def _advisor_data(form: AdvisorForm) -> services.AdvisorData:
    return services.AdvisorData(
        name=form.name.data or "",
        law_firm_id=form.law_firm_id.data or 0,
        licence_no=form.licence_no.data or "",
        appointed_on=form.appointed_on.data,
        phone=form.phone.data or "",
        email=form.email.data or None,
        appointment_ends_on=form.appointment_ends_on.data,
        specialties=form.specialties.data or "",
        is_active=bool(form.is_active.data),
    )


def _edit_advisor(form: AdvisorForm, target: Advisor | None) -> Any:
    form.law_firm_id.choices = queries.law_firm_choices(db.session)
    if form.validate_on_submit():
        try:
            saved = services.save_advisor(db.session, _advisor_data(form), target)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Advisor %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("directory.advisor", advisor_id=saved.id))
    status = 422 if form.errors else 200
    return render_template("directory/advisor_form.html", form=form, advisor=target), status


@bp.route("/advisors/new", methods=["GET", "POST"])
@require(Role.BUREAU)
def new_advisor() -> Any:
    """Add an advisor to the panel."""
    return _edit_advisor(AdvisorForm(), None)


@bp.route("/advisors/<int:advisor_id>/edit", methods=["GET", "POST"])
@require(Role.BUREAU)
def edit_advisor(advisor_id: int) -> Any:
    """Edit an advisor or end their appointment."""
    target = queries.get_advisor(db.session, user(), advisor_id)
    return _edit_advisor(AdvisorForm(obj=target), target)


# --- law firms ---------------------------------------------------------------------


@bp.get("/law-firms")
@require(Role.BUREAU)
def law_firms() -> Any:
    """The partner law firms."""
    q = request.args.get("q", "")
    page = paginate(db.session, queries.list_law_firms(q), **page_args())
    return render_template("directory/law_firms.html", page=page, q=q)


def _edit_firm(form: LawFirmForm, target: LawFirm | None) -> Any:
    if form.validate_on_submit():
        data = services.LawFirmData(
            name=form.name.data or "",
            credit_code=form.credit_code.data or "",
            address=form.address.data or "",
            contact_name=form.contact_name.data or "",
            contact_phone=form.contact_phone.data or "",
        )
        try:
            saved = services.save_law_firm(db.session, data, target)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Law firm %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("directory.law_firms"))
    status = 422 if form.errors else 200
    return render_template("directory/law_firm_form.html", form=form, firm=target), status


@bp.route("/law-firms/new", methods=["GET", "POST"])
@require(Role.BUREAU)
def new_law_firm() -> Any:
    """Add a partner law firm."""
    return _edit_firm(LawFirmForm(), None)


@bp.route("/law-firms/<int:firm_id>/edit", methods=["GET", "POST"])
@require(Role.BUREAU)
def edit_law_firm(firm_id: int) -> Any:
    """Edit a law firm."""
    target = queries.get_law_firm(db.session, firm_id)
    return _edit_firm(LawFirmForm(obj=target), target)


# --- import ------------------------------------------------------------------------


@bp.get("/import")
@require(Role.BUREAU)
def import_page() -> Any:
    """Upload schools or advisors from the .xlsx templates."""
    return render_template("directory/import.html", form=ImportForm(), report=None, kind=None)


@bp.get("/import/<any(schools, advisors):kind>/template.xlsx")
@require(Role.BUREAU)
def import_template(kind: str) -> Response:
    """The empty template with its header row and an example."""
    name = "schools-template.xlsx" if kind == "schools" else "advisors-template.xlsx"
    return Response(
        importing.template(kind),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.post("/import/<any(schools, advisors):kind>")
@require(Role.BUREAU)
def import_upload(kind: str) -> Any:
    """Check every row; import all of them, or none and list the problems."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("directory/import.html", form=form, report=None, kind=kind), 422
    data = form.file.data.read()
    if kind == "schools":
        report = importing.import_schools(db.session, data, actor=user(), today=today_local())
    else:
        report = importing.import_advisors(db.session, data)
    if not report.ok:
        db.session.rollback()
        return render_template(
            "directory/import.html", form=ImportForm(), report=report, kind=kind
        ), 422
    db.session.commit()
    flash(
        _(
            "Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        "success",
    )
    return render_template("directory/import.html", form=ImportForm(), report=report, kind=kind)
