"""Advisor: the school legal-advisor programme of an education bureau."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from advisor import cli, errors
from advisor.accounts.views import bp as accounts_bp
from advisor.api.views import bp as api_bp
from advisor.auth import init_login
from advisor.contracts.extraction import start_reader
from advisor.contracts.settings_views import bp as contracts_settings_bp
from advisor.contracts.views import bp as contracts_bp
from advisor.converters import IdConverter
from advisor.db import configure_sqlite, include_name
from advisor.directory.views import bp as directory_bp
from advisor.evaluation.ruleset_views import bp as evaluation_rules_bp
from advisor.evaluation.views import bp as evaluation_bp
from advisor.extensions import alembic, csrf, db
from advisor.health import bp as health_bp
from advisor.home import bp as home_bp
from advisor.i18n import init_i18n
from advisor.ledger.views import bp as ledger_bp
from advisor.logs import configure_logging, init_request_logging
from advisor.menu import init_menu
from advisor.model_contracts.views import bp as model_contracts_bp
from advisor.precheck.runner import init_runner
from advisor.precheck.views import bp as precheck_settings_bp
from advisor.ratelimits import init_rate_limits
from advisor.reminders import scheduler
from advisor.reminders.kinds import subject_text
from advisor.reminders.views import bp as reminders_bp
from advisor.reports.jobs import refresh_summaries
from advisor.reports.views import bp as reports_bp
from advisor.reviews.settings_views import bp as reviews_settings_bp
from advisor.reviews.views import bp as reviews_bp
from advisor.security import init_security
from advisor.security_log import receivers  # noqa: F401  (connects accounts' signals)
from advisor.security_log.edge import init_security_log
from advisor.security_log.views import bp as security_log_bp
from advisor.template_globals import init_template_globals
from config import PROJECT_ROOT, Config


def create_app(config: Config | None = None) -> Flask:
    """Build the application from ``config`` (default: the environment)."""
    config = config or Config.from_env()
    if refusal := config.refusal():
        raise SystemExit(refusal)  # one line on stderr, exit status 1
    app = Flask(
        __name__,
        instance_path=str(config.instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        ADVISOR=config,
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        # A pooled connection is tested before use, so the first request after a
        # database restart reconnects instead of failing.
        SQLALCHEMY_ENGINES={"default": {"url": config.database_url, "pool_pre_ping": True}},
        ALEMBIC={"script_location": str(PROJECT_ROOT / "migrations")},
        ALEMBIC_CONTEXT={
            "render_as_batch": True,
            "compare_type": True,
            "include_name": include_name,
        },
        WTF_CSRF_ENABLED=config.csrf_enabled,
        WTF_CSRF_TIME_LIMIT=None,
        # Uploads are refused above the configured size; the margin is for form fields.
        MAX_CONTENT_LENGTH=config.max_upload_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.session_cookie_secure,
        BABEL_DEFAULT_LOCALE=config.default_locale,
        BABEL_DEFAULT_TIMEZONE=config.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        **config.extra,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    configure_logging(config)
    init_request_logging(app)  # first, so its clock starts before other hooks
    if config.database_url.startswith("sqlite"):
        config.instance_path.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    _drop_async_teardown(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    alembic.init_app(app)
    if config.precheck_after_response:
        init_runner(app)
    csrf.init_app(app)
    init_login(app)
    init_i18n(app)
    init_template_globals(app)
    init_menu(app)
    errors.register_error_handlers(app)
    app.url_map.converters["int"] = IdConverter
    init_security(app)
    init_security_log(app)
    init_rate_limits(app, api_bp)
    for bp in (
        health_bp,
        home_bp,
        accounts_bp,
        directory_bp,
        contracts_bp,
        contracts_settings_bp,
        reviews_bp,
        reviews_settings_bp,
        ledger_bp,
        evaluation_bp,
        evaluation_rules_bp,
        reminders_bp,
        precheck_settings_bp,
        reports_bp,
        security_log_bp,
        model_contracts_bp,
        api_bp,
    ):
        app.register_blueprint(bp)
    csrf.exempt(api_bp)
    app.jinja_env.globals["reminder_subject"] = subject_text
    scheduler.provide("summaries", refresh_summaries)
    cli.register(app)
    if config.trust_proxy:
        n = config.trust_proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    if config.scheduler_in_process and not config.testing:
        scheduler.start_in_process(app)
    if config.parse_warm_start:
        start_reader()
        # The other half of an upload: the pre-check's rules, imported now rather than by
        # the first upload (commands, which leave warm start off, never import them).
        importlib.import_module("advisor.precheck.engine")
    return app


def _drop_async_teardown(app: Flask) -> None:
    """Flask-SQLAlchemy-Lite registers a teardown that closes async sessions. Advisor has no
    async engine, and Flask runs an ``async def`` teardown through asgiref, which starts a
    thread for it at the end of every request: about 2 ms of a cheap page's time, for
    nothing (issue 19, item 3)."""
    app.teardown_appcontext_funcs[:] = [
        teardown
        for teardown in app.teardown_appcontext_funcs
        if not inspect.iscoroutinefunction(teardown)
    ]
