"""Evaluation-rule pages (考核细则) for the bureau: the stored versions, one version told in
words, the form that saves an edit as the next version, and export and import as a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FieldList

from advisor.accounts.models import Role
from advisor.auth import protect, require, user
from advisor.contracts.views import file_response
from advisor.errors import AppError, Conflict, ValidationError
from advisor.evaluation import editing, labels, services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.forms import (
    RuleSetForm,
    apply_preset,
    change_rows,
    field_at,
    form_values,
    methods_using,
    rules_json,
)
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.problems import where
from advisor.evaluation.rulefile import from_json, to_json
from advisor.extensions import db
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind

bp = Blueprint("evaluation_rules", __name__, url_prefix="/evaluations/rules")
protect(bp)


@dataclass(frozen=True, slots=True)
class ShownProblem:
    where: str  # "Block 2 › Item 1 › Maximum points"
    path: str  # "blocks[1].items[0].max_points"
    message: str
    anchor: str | None  # the id of the field it belongs to, if the page has one


def _problems(error: AppError) -> list[ShownProblem]:
    if not isinstance(error, ValidationError):
        return []
    return [ShownProblem(where(p), p, str(m), None) for p, m in error.fields.items()]


def _index(error: AppError | None = None) -> Any:
    return render_template(
        "evaluation/rulesets.html",
        versions=editing.list_versions(db.session),
        error=error,
        problems=_problems(error) if error else [],
    ), error.status if error else 200


@bp.get("")
@require(Role.BUREAU)
def index() -> Any:
    """Every stored version, the current one first, and the form to import a file."""
    return _index()


@bp.get("/<int:rule_set_id>")
@require(Role.BUREAU)
def detail(rule_set_id: int) -> Any:
    """One version in words: blocks, items and how each is scored, grades, vetoes, calendar."""
    row = services.get_rule_set(db.session, rule_set_id)
    current = services.get_current_rule_set(db.session)
    return render_template(
        "evaluation/ruleset.html",
        row=row,
        rules=from_json(row.data),
        author=editing.get_author(db.session, row),
        is_current=current is not None and current.id == row.id,
        newest=editing.newest_version(db.session, row.name),
        labels=labels,
    )


@bp.get("/<int:rule_set_id>/export.json")
@require(Role.BUREAU)
def export(rule_set_id: int) -> Any:
    """Download one version as a .json file that can be imported again."""
    row = services.get_rule_set(db.session, rule_set_id)
    data, name = editing.export_rule_set(row), editing.export_name(row)
    note(EventKind.RULESET_EXPORT, subject=f"ruleset:{row.id}", detail={"file": name})
    return file_response(data, name, "json")


@bp.post("/import")
@require(Role.BUREAU)
def import_file() -> Any:
    """Check an uploaded .json rule set and store it as the next version of its name."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationError(_l("Choose a .json file to import."))
        data = editing.read_rule_file(upload.read(editing.MAX_RULE_FILE_BYTES + 1))
        saved = editing.save_rule_set(db.session, actor=user(), data=data, seen_version=None)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        return _index(error)
    flash(
        _("Imported as version %(n)d of “%(name)s”.", n=saved.version, name=saved.name), "success"
    )
    return redirect(url_for("evaluation_rules.detail", rule_set_id=saved.id))


def _place(
    form: RuleSetForm, error: ValidationError
) -> tuple[list[ShownProblem], dict[str, list[str]]]:
    """Each problem next to its field (or its list), and all of them for the summary."""
    shown: list[ShownProblem] = []
    list_errors: dict[str, list[str]] = {}
    for path, message in error.fields.items():
        field = field_at(form, path)
        if isinstance(field, FieldList):
            list_errors.setdefault(field.name, []).append(str(message))
        elif field is not None:
            field.errors = [*field.errors, str(message)]
        anchor = field.id if field is not None and field.type != "HiddenField" else None
        shown.append(ShownProblem(where(path), path, str(message), anchor))
    return shown, list_errors


def _render(
    form: RuleSetForm,
    base: RuleSetVersion | None,
    *,
    status: int = 200,
    error: AppError | None = None,
) -> Any:
    problems, list_errors = _place(form, error) if isinstance(error, ValidationError) else ([], {})
    stale = isinstance(error, Conflict) and "version" in error.fields
    return render_template(
        "evaluation/ruleset_form.html",
        form=form,
        base=base,
        error=error,
        problems=problems,
        list_errors=list_errors,
        newer=editing.get_newest(db.session, form.name.data or "") if stale else None,
        labels=labels,
        methods_using=methods_using,
        next_version=editing.newest_version(db.session, form.name.data or "") + 1,
    ), status


@bp.route("/new", methods=["GET", "POST"], defaults={"rule_set_id": None})
@bp.route("/<int:rule_set_id>/edit", methods=["GET", "POST"])
@require(Role.BUREAU)
def edit(rule_set_id: int | None) -> Any:
    """Edit a version (or the built-in default) as a form; saving stores the next version.
    Rows are added and removed by buttons, without JavaScript."""
    base = services.get_rule_set(db.session, rule_set_id) if rule_set_id else None
    if request.method == "GET":
        data = base.data if base else to_json(default_rule_set())
        form = RuleSetForm(data=form_values(data))
        form.seen_version.data = str(editing.newest_version(db.session, data["name"]))
        return _render(form, base)
    form = RuleSetForm()
    action = request.form.get("action", "save")
    if action != "save":
        values = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if action == "preset":
            apply_preset(values, form.grade_names.data or "")
        else:
            change_rows(values, action)
        return _render(RuleSetForm(formdata=None, data=values), base)
    if not form.validate():
        # The form's own checks (text lengths among them); the rule file's come after.
        return _render(form, base, status=422)
    try:
        saved = editing.save_rule_set(
            db.session, actor=user(), data=rules_json(form), seen_version=form.seen()
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        if isinstance(error, Conflict) and "version" in error.fields:
            # Kept as typed; the next Save is a deliberate choice over the newer version.
            form.seen_version.data = str(error.fields["version"])
        return _render(form, base, status=error.status, error=error)
    flash(
        _(
            "Saved “%(name)s” as version %(n)d: %(blocks)d block(s), %(items)d item(s),"
            " %(vetoes)d veto item(s). Evaluations computed from now on use it.",
            name=saved.name,
            n=saved.version,
            blocks=len(saved.data["blocks"]),
            items=sum(len(b["items"]) for b in saved.data["blocks"]),
            vetoes=len(saved.data["veto_items"]),
        ),
        "success",
    )
    return redirect(url_for("evaluation_rules.detail", rule_set_id=saved.id))
