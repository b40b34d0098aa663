"""Every route, for every role: who gets in, who is sent to sign in, who gets 403 or 404.

A route added without a row here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from advisor.accounts import services as accounts
from advisor.extensions import db
from tests.conftest import QueryCounter, login

ROLES = ("anonymous", "school", "advisor", "bureau")
LOGIN = 302  # an anonymous visitor is sent to the login page
MAX_QUERIES = 20


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str
    expect: tuple[int, int, int, int]  # anonymous, school01, advisor01, bureau

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


# school01 belongs to WS001 (id 1), whose primary advisor is advisor01 (id 1).
# WS002 (id 2) and advisor02 (id 2) are outside both of their scopes.
PAGES = [
    Case("home.index", "GET", "/", (LOGIN, 200, 200, 200)),
    Case("accounts.login", "GET", "/login", (200, 302, 302, 302)),
    Case("accounts.login", "POST", "/login", (422, 302, 302, 302)),
    Case("accounts.logout", "POST", "/logout", (LOGIN, 302, 302, 302)),
    Case("accounts.set_language", "POST", "/language", (302, 302, 302, 302)),
    Case("accounts.account", "GET", "/account", (LOGIN, 200, 200, 200)),
    Case("accounts.change_password", "POST", "/account/password", (LOGIN, 422, 422, 422)),
    Case("accounts.create_token", "POST", "/account/tokens", (LOGIN, 422, 422, 422)),
    Case("accounts.revoke_token", "POST", "/account/tokens/999999/revoke", (LOGIN, 404, 404, 404)),
    Case("directory.schools", "GET", "/schools", (LOGIN, 200, 200, 200)),
    Case("directory.school", "GET", "/schools/1", (LOGIN, 200, 200, 200)),
    Case("directory.school", "GET", "/schools/2", (LOGIN, 404, 404, 200)),
    Case("directory.new_school", "GET", "/schools/new", (LOGIN, 403, 403, 200)),
    Case("directory.new_school", "POST", "/schools/new", (LOGIN, 403, 403, 422)),
    Case("directory.edit_school", "GET", "/schools/1/edit", (LOGIN, 403, 403, 200)),
    Case("directory.edit_school", "POST", "/schools/2/edit", (LOGIN, 403, 403, 302)),
    Case("directory.assign", "POST", "/schools/1/assign", (LOGIN, 403, 403, 302)),
    Case("directory.end_backup", "POST", "/schools/3/backup/end", (LOGIN, 403, 403, 302)),
    Case("directory.advisors", "GET", "/advisors", (LOGIN, 200, 200, 200)),
    Case("directory.advisor", "GET", "/advisors/1", (LOGIN, 200, 200, 200)),
    Case("directory.advisor", "GET", "/advisors/2", (LOGIN, 404, 404, 200)),
    Case("directory.new_advisor", "GET", "/advisors/new", (LOGIN, 403, 403, 200)),
    Case("directory.new_advisor", "POST", "/advisors/new", (LOGIN, 403, 403, 422)),
    Case("directory.edit_advisor", "GET", "/advisors/1/edit", (LOGIN, 403, 403, 200)),
    Case("directory.edit_advisor", "POST", "/advisors/2/edit", (LOGIN, 403, 403, 302)),
    Case("directory.law_firms", "GET", "/law-firms", (LOGIN, 403, 403, 200)),
    Case("directory.new_law_firm", "GET", "/law-firms/new", (LOGIN, 403, 403, 200)),
    Case("directory.new_law_firm", "POST", "/law-firms/new", (LOGIN, 403, 403, 422)),
    Case("directory.edit_law_firm", "GET", "/law-firms/1/edit", (LOGIN, 403, 403, 200)),
    Case("directory.edit_law_firm", "POST", "/law-firms/1/edit", (LOGIN, 403, 403, 302)),
    Case("directory.import_page", "GET", "/import", (LOGIN, 403, 403, 200)),
    Case(
        "directory.import_template", "GET", "/import/schools/template.xlsx", (LOGIN, 403, 403, 200)
    ),
    Case("directory.import_upload", "POST", "/import/advisors", (LOGIN, 403, 403, 422)),
    Case("directory.users", "GET", "/users", (LOGIN, 403, 403, 200)),
    Case("directory.new_user", "GET", "/users/new", (LOGIN, 403, 403, 200)),
    Case("directory.new_user", "POST", "/users/new", (LOGIN, 403, 403, 422)),
    Case("directory.edit_user", "GET", "/users/2/edit", (LOGIN, 403, 403, 200)),
    # An empty POST keeps the account's own values (Flask-WTF reads no form data), so it
    # saves nothing new: allowed for the bureau only.
    Case("directory.edit_user", "POST", "/users/2/edit", (LOGIN, 403, 403, 302)),
    Case("directory.set_active", "POST", "/users/2/active", (LOGIN, 403, 403, 302)),
    Case("directory.reset_password", "POST", "/users/2/password", (LOGIN, 403, 403, 422)),
    Case("directory.edit_user", "GET", "/users/999999/edit", (LOGIN, 403, 403, 404)),
    Case("static", "GET", "/static/css/app.css", (200, 200, 200, 200)),
    # Health checks need no login (tests/test_health.py); the suite runs no scheduler, so
    # /readyz reports its heartbeat failed and answers 503 to everybody.
    Case("health.healthz", "GET", "/healthz", (200, 200, 200, 200)),
    Case("health.readyz", "GET", "/readyz", (503, 503, 503, 503)),
    Case("accounts.notifications", "GET", "/notifications", (LOGIN, 200, 200, 200)),
    Case("accounts.read_notifications", "POST", "/notifications/read", (LOGIN, 302, 302, 302)),
    Case("directory.add_absence", "POST", "/advisors/1/absences", (LOGIN, 403, 302, 302)),
    Case("directory.add_absence", "POST", "/advisors/2/absences", (LOGIN, 404, 404, 302)),
    Case(
        "directory.remove_absence",
        "POST",
        "/advisors/1/absences/999/delete",
        (LOGIN, 403, 404, 404),
    ),
    Case("directory.declare_conflict", "POST", "/advisors/1/conflicts", (LOGIN, 403, 302, 302)),
    Case("directory.end_conflict", "POST", "/advisors/1/conflicts/999/end", (LOGIN, 403, 404, 404)),
    # Contract 1 is WS001's (advisor01), contract 2 WS002's (advisor02); both submitted.
    Case("contracts.index", "GET", "/contracts", (LOGIN, 200, 200, 200)),
    Case("contracts.new", "GET", "/contracts/new", (LOGIN, 200, 403, 403)),
    Case("contracts.new", "POST", "/contracts/new", (LOGIN, 422, 403, 403)),
    Case("contracts.detail", "GET", "/contracts/1", (LOGIN, 200, 200, 200)),
    Case("contracts.detail", "GET", "/contracts/2", (LOGIN, 404, 404, 200)),
    Case("contracts.download", "GET", "/contracts/1/versions/1/file", (LOGIN, 200, 200, 200)),
    Case("contracts.download", "GET", "/contracts/2/versions/1/file", (LOGIN, 404, 404, 200)),
    Case("contracts.download", "GET", "/contracts/1/versions/9/file", (LOGIN, 404, 404, 404)),
    Case("contracts.diff", "GET", "/contracts/1/diff", (LOGIN, 200, 200, 200)),
    Case("contracts.diff", "GET", "/contracts/2/diff", (LOGIN, 404, 404, 200)),
    Case("contracts.revise", "POST", "/contracts/1/versions", (LOGIN, 302, 403, 403)),
    Case("contracts.revise", "POST", "/contracts/2/versions", (LOGIN, 404, 403, 403)),
    Case("contracts.withdraw", "POST", "/contracts/1/withdraw", (LOGIN, 302, 403, 403)),
    Case("contracts.withdraw", "POST", "/contracts/2/withdraw", (LOGIN, 404, 403, 403)),
    Case("contracts.start", "POST", "/contracts/1/start", (LOGIN, 403, 302, 403)),
    Case("contracts.start", "POST", "/contracts/2/start", (LOGIN, 403, 404, 403)),
    Case("contracts.reassign", "POST", "/contracts/1/reassign", (LOGIN, 403, 403, 302)),
    Case("contracts_settings.time_limits", "GET", "/settings/time-limits", (LOGIN, 403, 403, 200)),
    Case("contracts_settings.time_limits", "POST", "/settings/time-limits", (LOGIN, 403, 403, 422)),
    Case("contracts_settings.calendar", "GET", "/settings/calendar", (LOGIN, 403, 403, 200)),
    Case("contracts_settings.calendar", "POST", "/settings/calendar", (LOGIN, 403, 403, 422)),
    Case(
        "contracts_settings.remove_day",
        "POST",
        "/settings/calendar/2027/remove",
        (LOGIN, 403, 403, 302),
    ),
    Case(
        "contracts_settings.notice_preview",
        "POST",
        "/settings/calendar/notice",
        (LOGIN, 403, 403, 422),
    ),
    Case(
        "contracts_settings.notice_confirm",
        "POST",
        "/settings/calendar/notice/confirm",
        (LOGIN, 403, 403, 422),
    ),
    Case(
        "contracts_settings.export_json",
        "GET",
        "/settings/calendar/2027.json",
        (LOGIN, 403, 403, 200),
    ),
    Case(
        "contracts_settings.export_csv",
        "GET",
        "/settings/calendar/2027.csv",
        (LOGIN, 403, 403, 200),
    ),
    Case(
        "contracts_settings.import_file",
        "POST",
        "/settings/calendar/import",
        (LOGIN, 403, 403, 422),
    ),
    Case("ledger.index", "GET", "/ledger", (LOGIN, 200, 200, 200)),
    Case("ledger.new", "GET", "/ledger/new", (LOGIN, 403, 200, 200)),
    Case("ledger.new", "POST", "/ledger/new", (LOGIN, 403, 422, 422)),
    Case("ledger.detail", "GET", "/ledger/999999", (LOGIN, 404, 404, 404)),
    Case("ledger.correct", "GET", "/ledger/999999/correct", (LOGIN, 403, 404, 404)),
    Case("ledger.correct", "POST", "/ledger/999999/correct", (LOGIN, 403, 404, 404)),
    Case("ledger.verify", "GET", "/ledger/verify", (LOGIN, 403, 403, 200)),
    Case("ledger.export_csv", "GET", "/ledger/export.csv", (LOGIN, 200, 200, 200)),
    Case("ledger.export_xlsx", "GET", "/ledger/export.xlsx", (LOGIN, 200, 200, 200)),
    # Background exports: anyone who exports may start one; a job is its author's alone
    # (tests/ledger/test_export_jobs.py opens one as every role).
    Case("ledger.start_export", "POST", "/ledger/exports", (LOGIN, 303, 303, 303)),
    Case("ledger.export_job", "GET", "/ledger/exports/999999", (LOGIN, 404, 404, 404)),
    Case(
        "ledger.export_job_status",
        "GET",
        "/ledger/exports/999999/status",
        (LOGIN, 404, 404, 404),
    ),
    Case("ledger.export_file", "GET", "/ledger/exports/999999/file", (LOGIN, 404, 404, 404)),
    Case("ledger.completeness_page", "GET", "/ledger/completeness", (LOGIN, 403, 200, 200)),
    Case("evaluation.index", "GET", "/evaluations", (LOGIN, 403, 200, 200)),
    Case("evaluation.run", "POST", "/evaluations", (LOGIN, 403, 403, 302)),
    Case("evaluation.detail", "GET", "/evaluations/999999", (LOGIN, 403, 404, 404)),
    Case("evaluation.result", "GET", "/evaluations/999999/advisors/1", (LOGIN, 403, 404, 404)),
    Case(
        "evaluation.adjust", "POST", "/evaluations/999999/advisors/1/adjust", (LOGIN, 403, 403, 404)
    ),
    Case(
        "evaluation.object_to",
        "POST",
        "/evaluations/999999/advisors/1/objections",
        (LOGIN, 403, 404, 403),
    ),
    Case(
        "evaluation.answer",
        "POST",
        "/evaluations/999999/objections/1/answer",
        (LOGIN, 403, 403, 404),
    ),
    Case("evaluation.publish", "POST", "/evaluations/999999/publish", (LOGIN, 403, 403, 302)),
    Case("evaluation.export", "GET", "/evaluations/999999/export.xlsx", (LOGIN, 403, 403, 404)),
    Case("evaluation.self_evaluation", "GET", "/evaluations/self", (LOGIN, 403, 200, 403)),
    Case("evaluation.self_evaluation", "POST", "/evaluations/self", (LOGIN, 403, 422, 403)),
    Case("evaluation_rules.index", "GET", "/evaluations/rules", (LOGIN, 403, 403, 200)),
    Case("evaluation_rules.detail", "GET", "/evaluations/rules/999999", (LOGIN, 403, 403, 404)),
    Case("evaluation_rules.edit", "GET", "/evaluations/rules/new", (LOGIN, 403, 403, 200)),
    Case("evaluation_rules.edit", "POST", "/evaluations/rules/new", (LOGIN, 403, 403, 422)),
    Case("evaluation_rules.edit", "GET", "/evaluations/rules/999999/edit", (LOGIN, 403, 403, 404)),
    Case(
        "evaluation_rules.export",
        "GET",
        "/evaluations/rules/999999/export.json",
        (LOGIN, 403, 403, 404),
    ),
    Case(
        "evaluation_rules.import_file", "POST", "/evaluations/rules/import", (LOGIN, 403, 403, 422)
    ),
    Case("precheck_settings.index", "GET", "/settings/precheck", (LOGIN, 403, 403, 200)),
    Case("security_log.index", "GET", "/settings/security-events", (LOGIN, 403, 403, 200)),
    Case(
        "security_log.index",
        "GET",
        "/settings/security-events?kind=login&outcome=failure&who=a%25_&address=10.&from=2026-01-01&to=9999-12-31&per_page=999",
        (LOGIN, 403, 403, 200),
    ),
    Case(
        "precheck_settings.switch",
        "POST",
        "/settings/precheck/no-such-rule/switch",
        (LOGIN, 403, 403, 302),
    ),
    Case("reports.this_year", "GET", "/reports/year", (LOGIN, 403, 403, 302)),
    Case("reports.year", "GET", "/reports/year/2026", (LOGIN, 403, 403, 200)),
    Case("reports.year", "GET", "/reports/year/1999", (LOGIN, 403, 403, 404)),
    Case("reports.year_xlsx", "GET", "/reports/year/2026.xlsx", (LOGIN, 403, 403, 200)),
    Case("reports.year_findings", "GET", "/reports/year/2026/findings", (LOGIN, 403, 403, 200)),
    Case("reports.year_findings", "GET", "/reports/year/1999/findings", (LOGIN, 403, 403, 404)),
    Case("reports.year_ratings", "GET", "/reports/year/2026/ratings", (LOGIN, 403, 403, 200)),
    Case("reminders.index", "GET", "/reminders", (LOGIN, 403, 403, 200)),
    Case("reminders.resend", "POST", "/reminders/999999/resend", (LOGIN, 403, 403, 404)),
    Case("reminders.robots", "GET", "/reminders/robots", (LOGIN, 403, 403, 200)),
    Case("reminders.add_robot", "POST", "/reminders/robots", (LOGIN, 403, 403, 302)),
    Case(
        "reminders.switch_robot", "POST", "/reminders/robots/999999/switch", (LOGIN, 403, 403, 404)
    ),
    Case("reminders.preferences", "GET", "/reminders/preferences", (LOGIN, 200, 200, 200)),
    Case("reminders.preferences", "POST", "/reminders/preferences", (LOGIN, 302, 302, 302)),
    Case("reviews.review", "GET", "/contracts/1/review", (LOGIN, 403, 302, 403)),
    Case("reviews.review", "GET", "/contracts/2/review", (LOGIN, 403, 404, 403)),
    # One handler per button of the review form; contract 1 is not under review yet, so
    # advisor01 is sent back to its page, and contract 2 is outside advisor01's scope.
    Case("reviews.save_draft", "POST", "/contracts/1/review", (LOGIN, 403, 302, 403)),
    Case("reviews.save_draft", "POST", "/contracts/2/review", (LOGIN, 403, 404, 403)),
    Case("reviews.issue", "POST", "/contracts/1/review/issue", (LOGIN, 403, 302, 403)),
    Case("reviews.issue", "POST", "/contracts/2/review/issue", (LOGIN, 403, 404, 403)),
    Case("reviews.return_to_school", "POST", "/contracts/1/review/return", (LOGIN, 403, 302, 403)),
    Case("reviews.return_to_school", "POST", "/contracts/2/review/return", (LOGIN, 403, 404, 403)),
    Case("reviews.add_finding", "POST", "/contracts/1/review/findings/new", (LOGIN, 403, 302, 403)),
    Case(
        "reviews.remove_finding",
        "POST",
        "/contracts/1/review/findings/0/remove",
        (LOGIN, 403, 302, 403),
    ),
    Case(
        "reviews.take_hit", "POST", "/contracts/1/review/hits/999999/take", (LOGIN, 403, 302, 403)
    ),
    Case(
        "reviews.take_hit", "POST", "/contracts/2/review/hits/999999/take", (LOGIN, 403, 404, 403)
    ),
    Case(
        "reviews.dismiss_hit",
        "POST",
        "/contracts/1/review/hits/999999/dismiss",
        (LOGIN, 403, 302, 403),
    ),
    Case("reviews.opinion", "GET", "/contracts/1/opinion", (LOGIN, 404, 404, 404)),
    Case("reviews.opinion_docx", "GET", "/contracts/2/opinion.docx", (LOGIN, 404, 404, 404)),
    Case("reviews.opinion_pdf", "GET", "/contracts/2/opinion.pdf", (LOGIN, 404, 404, 404)),
    Case("reviews.feedback", "POST", "/contracts/1/feedback", (LOGIN, 302, 403, 403)),
    Case("reviews.feedback", "POST", "/contracts/2/feedback", (LOGIN, 404, 403, 403)),
    Case("reviews.close", "POST", "/contracts/1/close", (LOGIN, 302, 403, 403)),
    Case("reviews.close", "POST", "/contracts/2/close", (LOGIN, 404, 403, 403)),
    Case("reviews.redo", "POST", "/contracts/1/reviews/999999/redo", (LOGIN, 403, 403, 404)),
    # Model contracts (conftest: model contract 1, version 1 published; fill 1 WS001's).
    Case("model_contracts.index", "GET", "/templates", (LOGIN, 200, 200, 200)),
    Case("model_contracts.new", "GET", "/templates/new", (LOGIN, 403, 403, 200)),
    Case("model_contracts.new", "POST", "/templates/new", (LOGIN, 403, 403, 422)),
    Case("model_contracts.model", "GET", "/templates/1", (LOGIN, 200, 200, 200)),
    Case("model_contracts.model", "GET", "/templates/999999", (LOGIN, 404, 404, 404)),
    Case("model_contracts.add_version", "POST", "/templates/1/versions", (LOGIN, 403, 403, 302)),
    Case(
        "model_contracts.clauses", "POST", "/templates/1/versions/1/clauses", (LOGIN, 403, 403, 302)
    ),
    Case(
        "model_contracts.publish", "POST", "/templates/1/versions/1/publish", (LOGIN, 403, 403, 302)
    ),
    Case(
        "model_contracts.withdraw",
        "POST",
        "/templates/1/versions/1/withdraw",
        (LOGIN, 403, 403, 302),
    ),
    Case("model_contracts.download", "GET", "/templates/1/versions/1/file", (LOGIN, 200, 200, 200)),
    Case("model_contracts.download", "GET", "/templates/1/versions/2/file", (LOGIN, 404, 404, 404)),
    Case("model_contracts.fill", "GET", "/templates/1/fill", (LOGIN, 200, 403, 403)),
    Case("model_contracts.fill", "POST", "/templates/1/fill", (LOGIN, 302, 403, 403)),
    Case("model_contracts.filled", "GET", "/templates/fills/1", (LOGIN, 200, 404, 200)),
    Case("model_contracts.filled_file", "GET", "/templates/fills/1/file", (LOGIN, 200, 404, 200)),
    Case("model_contracts.filled", "GET", "/templates/fills/999999", (LOGIN, 404, 404, 404)),
    # The seal-use register: the bureau's of every school, a school's own; not advisors'.
    Case("reviews.seal_register", "GET", "/seal-uses", (LOGIN, 200, 403, 200)),
    Case("reviews.seal_register", "GET", "/seal-uses?school_id=2", (LOGIN, 200, 403, 200)),
    Case("reviews.seal_register_xlsx", "GET", "/seal-uses.xlsx", (LOGIN, 200, 403, 200)),
    Case("reviews_settings.ratings", "GET", "/settings/ratings", (LOGIN, 403, 403, 200)),
    Case("reviews_settings.ratings", "POST", "/settings/ratings", (LOGIN, 403, 403, 302)),
    Case(
        "contracts_settings.mark_entered",
        "POST",
        "/settings/calendar/2027/entered",
        (LOGIN, 403, 403, 302),
    ),
]

API = [
    Case("api.openapi", "GET", "/api/v1/openapi.json", (200, 200, 200, 200)),
    Case("api.me", "GET", "/api/v1/me", (401, 200, 200, 200)),
    Case("api.schools", "GET", "/api/v1/schools", (401, 200, 200, 200)),
    Case("api.school", "GET", "/api/v1/schools/1", (401, 200, 200, 200)),
    Case("api.school", "GET", "/api/v1/schools/2", (401, 404, 404, 200)),
    Case("api.advisors", "GET", "/api/v1/advisors", (401, 200, 200, 200)),
    Case("api.advisor", "GET", "/api/v1/advisors/1", (401, 200, 200, 200)),
    Case("api.advisor", "GET", "/api/v1/advisors/2", (401, 404, 404, 200)),
    Case("api.list_contracts", "GET", "/api/v1/contracts", (401, 200, 200, 200)),
    Case("api.create_contract", "POST", "/api/v1/contracts", (401, 422, 403, 403)),
    Case("api.get_contract", "GET", "/api/v1/contracts/1", (401, 200, 200, 200)),
    Case("api.get_contract", "GET", "/api/v1/contracts/2", (401, 404, 404, 200)),
    Case("api.add_version", "POST", "/api/v1/contracts/1/versions", (401, 409, 403, 403)),
    Case("api.add_version", "POST", "/api/v1/contracts/2/versions", (401, 404, 404, 403)),
    Case("api.version_file", "GET", "/api/v1/contracts/1/versions/1/file", (401, 200, 200, 200)),
    Case("api.version_file", "GET", "/api/v1/contracts/2/versions/1/file", (401, 404, 404, 200)),
    Case("api.contract_diff", "GET", "/api/v1/contracts/1/diff?from=1&to=1", (401, 200, 200, 200)),
    Case("api.contract_diff", "GET", "/api/v1/contracts/1/diff", (401, 400, 400, 400)),
    Case("api.start_review", "POST", "/api/v1/contracts/1/start", (401, 403, 200, 403)),
    Case("api.withdraw_contract", "POST", "/api/v1/contracts/1/withdraw", (401, 422, 403, 403)),
    Case("api.create_review", "POST", "/api/v1/contracts/1/reviews", (401, 403, 409, 403)),
    Case("api.create_review", "POST", "/api/v1/contracts/2/reviews", (401, 404, 404, 403)),
    Case("api.opinion_docx", "GET", "/api/v1/contracts/1/opinion.docx", (401, 404, 404, 404)),
    Case("api.give_feedback", "POST", "/api/v1/contracts/1/feedback", (401, 409, 403, 403)),
    Case("api.close_contract", "POST", "/api/v1/contracts/1/close", (401, 409, 403, 403)),
    Case("api.notifications", "GET", "/api/v1/notifications", (401, 200, 200, 200)),
    Case("api.report_summary", "GET", "/api/v1/reports/summary", (401, 403, 403, 200)),
    Case("api.list_rulesets", "GET", "/api/v1/rulesets", (401, 200, 200, 200)),
    Case("api.list_templates", "GET", "/api/v1/templates", (401, 200, 200, 200)),
    Case("api.get_ruleset", "GET", "/api/v1/rulesets/999999", (401, 404, 404, 404)),
    Case("api.create_ruleset", "POST", "/api/v1/rulesets", (401, 403, 403, 422)),
    Case("api.create_evaluation", "POST", "/api/v1/evaluations", (401, 403, 403, 422)),
    Case("api.get_evaluation", "GET", "/api/v1/evaluations/999999", (401, 404, 404, 404)),
    Case(
        "api.adjust_evaluation", "POST", "/api/v1/evaluations/999999/adjust", (401, 403, 403, 404)
    ),
    Case(
        "api.publish_evaluation", "POST", "/api/v1/evaluations/999999/publish", (401, 403, 403, 404)
    ),
    Case(
        "api.list_objections", "GET", "/api/v1/evaluations/999999/objections", (401, 404, 404, 404)
    ),
    Case(
        "api.file_objection", "POST", "/api/v1/evaluations/999999/objections", (401, 404, 404, 404)
    ),
    Case(
        "api.answer_objection",
        "POST",
        "/api/v1/evaluations/999999/objections/1/answer",
        (401, 403, 403, 404),
    ),
    Case("api.list_ledger", "GET", "/api/v1/ledger", (401, 200, 200, 200)),
    Case("api.get_ledger_entry", "GET", "/api/v1/ledger/999999", (401, 404, 404, 404)),
    Case("api.create_ledger_entry", "POST", "/api/v1/ledger", (401, 403, 422, 422)),
    Case("api.correct_ledger_entry", "POST", "/api/v1/ledger/999999/correct", (401, 404, 404, 404)),
    Case("api.verify_ledger", "GET", "/api/v1/ledger/verify", (401, 403, 403, 200)),
    Case("api.export_ledger_csv", "GET", "/api/v1/ledger/export.csv", (401, 200, 200, 200)),
    Case("api.export_ledger_xlsx", "GET", "/api/v1/ledger/export.xlsx", (401, 200, 200, 200)),
    Case("api.get_ledger_export", "GET", "/api/v1/ledger/exports/999999", (401, 404, 404, 404)),
    Case(
        "api.get_ledger_export_file",
        "GET",
        "/api/v1/ledger/exports/999999/file",
        (401, 404, 404, 404),
    ),
    Case("api.reassign_contract", "POST", "/api/v1/contracts/1/reassign", (401, 403, 403, 422)),
]

EMAILS = {
    "school": "school01@demo.local",
    "advisor": "advisor01@demo.local",
    "bureau": "bureau@demo.local",
}


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    return client if role == "anonymous" else login(client, EMAILS[role])


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    served = {
        (rule.endpoint, m)
        for rule in app.url_map.iter_rules()
        for m in rule.methods or ()
        if m not in ("HEAD", "OPTIONS")
    }
    covered = {(c.endpoint, c.method) for c in PAGES + API}
    assert served - covered == set(), "routes without an access test"
    assert covered - served == set(), "matrix rows for routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.id)
def test_pages(app: Flask, case: Case, role: str, count_queries: QueryCounter) -> None:
    client = _client(app, role)
    before = count_queries.count
    response = client.open(case.path, method=case.method)
    expected = case.expect[ROLES.index(role)]
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    # No page, for anybody, runs more than MAX_QUERIES statements (issue 9).
    ran = count_queries.statements[before:]
    assert len(ran) <= MAX_QUERIES, "\n".join(ran)
    if role == "anonymous" and expected == LOGIN and case.endpoint != "accounts.set_language":
        assert "/login" in response.location


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API, ids=lambda c: c.id)
def test_api(app: Flask, case: Case, role: str) -> None:
    headers = {}
    if role != "anonymous":
        with app.app_context():
            user = accounts.get_user_by_email(db.session, EMAILS[role])
            assert user is not None
            _token, clear = accounts.create_token(db.session, user, "matrix")
            db.session.commit()
        headers["Authorization"] = f"Bearer {clear}"
    response = app.test_client().open(case.path, method=case.method, headers=headers)
    assert response.status_code == case.expect[ROLES.index(role)], response.get_data(as_text=True)[
        :300
    ]
    if not case.path.endswith(("/file", ".docx", ".csv", ".xlsx")) or response.status_code != 200:
        assert response.is_json
    if response.status_code >= 400:
        assert set(response.json["error"]) >= {"code", "message"}
