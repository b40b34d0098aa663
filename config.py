"""Typed, frozen application settings, read from the environment once at start-up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


def _words(env: dict[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma- or space-separated list; unset keeps ``default``, an empty value none."""
    raw = env.get(name)
    if raw is None:
        return default
    return tuple(word for word in raw.replace(",", " ").split() if word)


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


# Keys that examples, tests and tutorials use: a production process refuses to sign
# sessions with them, as with any key shorter than MIN_SECRET_KEY_BYTES.
DEVELOPMENT_SECRET_KEYS = frozenset(
    {
        "",
        "dev",
        "development",
        "test",
        "testing",
        "test-secret",
        "secret",
        "secret-key",
        "change-me",
        "changeme",
        "please-change-me",
        "demo",
    }
)
MIN_SECRET_KEY_BYTES = 32
ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the application reads from its surroundings."""

    secret_key: str
    database_url: str
    instance_path: Path = DEFAULT_INSTANCE
    testing: bool = False
    # ADVISOR_ENV: "production" (the unit files, make serve) refuses a development key.
    environment: str = "development"
    csrf_enabled: bool = True
    session_cookie_secure: bool = False
    default_locale: str = "zh"
    timezone: str = "Asia/Shanghai"
    # The bureau's name, at the head of every export (the ledger, the yearly figures).
    bureau_name: str = ""
    # Sign-in lock-out: this many failures on one account within the window pause it;
    # one address (a school's NAT) is paused only after many more, across accounts.
    login_max_failures: int = 5
    login_address_max_failures: int = 50
    login_window_minutes: int = 15
    # Redis (e.g. redis://127.0.0.1:6379/0): shared rate-limit counters across workers.
    # Unset: each process counts in memory.
    redis_url: str = ""
    # Every Redis key this installation writes starts with this (several installations,
    # or a staging copy, may share one Redis).
    redis_prefix: str = "advisor"
    # API rate limits (Flask-Limiter notation), per token and per client address.
    api_rate_limit_token: str = "600 per minute"
    api_rate_limit_address: str = "1200 per minute"
    # Hosts a group-robot webhook may point to (https only); on-premise WeCom or DingTalk
    # gateways are added here.
    webhook_hosts: tuple[str, ...] = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
    # A signed-in session unused this long ends (beside the 12 hours it lasts at most).
    session_idle_minutes: int = 120
    # Werkzeug's method for new password hashes. Not read from the environment: only the
    # test suite chooses a cheaper one, since every signed-in test client pays for it.
    password_hash: str = "scrypt"
    objection_working_days: int = 5
    max_upload_bytes: int = 20 * 1024 * 1024
    files_path: Path | None = None
    parse_seconds: float = 20.0
    parse_memory_mb: int = 1024
    parse_max_pages: int = 500
    # Lists count their rows up to this many and say "10,000+" beyond: counting 177,000
    # matches of a ledger search costs more than showing the 50 on the page.
    list_count_cap: int = 10_000
    # Per web process: files parsed at once, how long an upload waits for a free parser
    # before 503 (as many may wait as parse), and uploads one user may have in flight.
    parse_workers: int = 1
    parse_queue_seconds: float = 5.0
    uploads_per_user: int = 2
    # Start the process's reader (the parent of every parse) when the app is built, not
    # on the first upload, which would wait 1.4 s for it (and import the pre-check's
    # rules then too, which the upload runs next: 0.5 s). On in the web server
    # (gunicorn.conf.py sets it); off by default for CLI commands and the scheduler,
    # which read no uploads, and for the tests.
    parse_warm_start: bool = False
    # Pre-check an upload after its answer is sent, in a thread of the web process, rather
    # than inside the request (issue 19, item 4: it was a fifth of a 50-page upload). The
    # version is marked pending in the upload's transaction and the scheduler's
    # ``precheck`` job runs whatever a stopped process left pending. On in the web server
    # (gunicorn.conf.py, make run); off for CLI commands, the scheduler and the tests,
    # which pre-check in the transaction that adds the version, as before.
    precheck_after_response: bool = False
    # How many reverse proxies sit in front (0: none). With 1, the client address is
    # taken from X-Forwarded-For, so sign-in throttling counts people, not the proxy.
    trust_proxy: int = 0
    # Reminders: sent at this Beijing time on working days; e-mail when smtp_host is set.
    reminder_time: str = "10:30"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = ""
    smtp_security: str = "none"  # none, starttls or ssl
    # Seconds the SMTP server may take to answer each step before the send counts as
    # failed (and is retried later).
    smtp_timeout: float = 30.0
    # Run the reminder scheduler inside this (development server) process.
    scheduler_in_process: bool = False
    # A scheduler runs against this database: /readyz fails when it has not run lately.
    scheduler_expected: bool = True
    # How long a web process reuses the dashboard's figures for the same filters (0: never).
    dashboard_cache_seconds: int = 60
    # The scheduler's daily backup goes to <backup_path>/<UTC time> when set; the newest
    # backup_keep backups there are kept, older ones removed.
    backup_path: Path | None = None
    backup_keep: int = 7
    # The ledger's anchor log: one line per anchor (time, sequence, hash), kept outside
    # the database so that removing or rewriting entries after an anchor is found.
    anchor_path: Path | None = None
    # Log lines on stderr: "text" for people, "json" for a log collector; at this level
    # and above (DEBUG, INFO, WARNING, ERROR).
    log_format: str = "text"
    log_level: str = "INFO"
    # A ledger .xlsx export of more rows than this is written in the background by the
    # scheduler process, with a progress page, instead of in the request (issue 19);
    # the files are removed this many days after they were made.
    export_job_threshold: int = 50_000
    export_keep_days: int = 7
    # Where those files are written (by the scheduler's host) and read (by every web
    # server): EXPORTS_PATH, a shared mount where the web runs on several machines.
    exports_path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        """Build the settings from environment variables, with safe local defaults."""
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("ADVISOR_INSTANCE_PATH") or DEFAULT_INSTANCE)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'advisor.db'}"
        return cls(
            secret_key=env.get("SECRET_KEY") or _secret_key(instance),
            database_url=database_url,
            instance_path=instance,
            environment=env.get("ADVISOR_ENV") or "development",
            session_cookie_secure=_bool(env, "SESSION_COOKIE_SECURE", False),
            login_max_failures=_int(env, "LOGIN_MAX_FAILURES", 5),
            login_address_max_failures=_int(env, "LOGIN_ADDRESS_MAX_FAILURES", 50),
            login_window_minutes=_int(env, "LOGIN_WINDOW_MINUTES", 15),
            redis_url=env.get("REDIS_URL", ""),
            redis_prefix=env.get("REDIS_PREFIX") or "advisor",
            api_rate_limit_token=env.get("API_RATE_LIMIT_TOKEN") or "600 per minute",
            api_rate_limit_address=env.get("API_RATE_LIMIT_ADDRESS") or "1200 per minute",
            webhook_hosts=_words(
                env, "WEBHOOK_HOSTS", ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
            ),
            session_idle_minutes=_int(env, "SESSION_IDLE_MINUTES", 120),
            objection_working_days=_int(env, "OBJECTION_WORKING_DAYS", 5),
            max_upload_bytes=_int(env, "MAX_UPLOAD_MB", 20) * 1024 * 1024,
            files_path=Path(env["FILES_PATH"]) if env.get("FILES_PATH") else None,
            parse_seconds=float(env.get("PARSE_SECONDS") or 20),
            parse_memory_mb=_int(env, "PARSE_MEMORY_MB", 1024),
            parse_max_pages=_int(env, "PARSE_MAX_PAGES", 500),
            list_count_cap=_int(env, "LIST_COUNT_CAP", 10_000),
            export_job_threshold=_int(env, "EXPORT_JOB_THRESHOLD", 50_000),
            export_keep_days=_int(env, "EXPORT_KEEP_DAYS", 7),
            exports_path=Path(env["EXPORTS_PATH"]) if env.get("EXPORTS_PATH") else None,
            parse_workers=_int(env, "PARSE_WORKERS", 1),
            parse_queue_seconds=float(env.get("PARSE_QUEUE_SECONDS") or 5),
            uploads_per_user=_int(env, "UPLOADS_PER_USER", 2),
            parse_warm_start=_bool(env, "PARSE_WARM_START", False),
            precheck_after_response=_bool(env, "PRECHECK_AFTER_RESPONSE", False),
            trust_proxy=_int(env, "TRUST_PROXY", 0),
            timezone=env.get("TIMEZONE") or "Asia/Shanghai",
            bureau_name=env.get("BUREAU_NAME", "").strip(),
            reminder_time=env.get("REMINDER_TIME") or "10:30",
            smtp_host=env.get("SMTP_HOST", ""),
            smtp_port=_int(env, "SMTP_PORT", 25),
            smtp_username=env.get("SMTP_USERNAME", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_sender=env.get("SMTP_SENDER", ""),
            smtp_security=env.get("SMTP_SECURITY") or "none",
            smtp_timeout=float(env.get("SMTP_TIMEOUT") or 30),
            dashboard_cache_seconds=_int(env, "DASHBOARD_CACHE_SECONDS", 60),
            scheduler_in_process=_bool(env, "SCHEDULER_IN_PROCESS", False),
            scheduler_expected=_bool(env, "SCHEDULER_EXPECTED", True),
            backup_path=Path(env["BACKUP_PATH"]) if env.get("BACKUP_PATH") else None,
            backup_keep=_int(env, "BACKUP_KEEP", 7),
            anchor_path=Path(env["ANCHOR_PATH"]) if env.get("ANCHOR_PATH") else None,
            log_format=(env.get("LOG_FORMAT") or "text").strip().lower(),
            log_level=env.get("LOG_LEVEL") or "INFO",
        )

    def refusal(self) -> str | None:
        """Why a process must not start with these settings (one line), or None.

        In production the session-signing key must not be a development one: a known
        constant or anything shorter than 32 bytes. A key generated into the instance
        folder (64 hex digits) is not one, so ``make serve`` on a laptop starts."""
        if self.environment not in ENVIRONMENTS:
            return f"ADVISOR_ENV must be development or production, not {self.environment!r}."
        if self.environment != "production":
            return None
        key = self.secret_key.strip()
        if key.lower() in DEVELOPMENT_SECRET_KEYS or len(key.encode()) < MIN_SECRET_KEY_BYTES:
            return (
                "Refusing to start: ADVISOR_ENV=production with a development SECRET_KEY;"
                f" set SECRET_KEY to at least {MIN_SECRET_KEY_BYTES} random bytes"
                " (python3 -c 'import secrets; print(secrets.token_hex(32))')"
                " or unset it to use the key generated in the instance folder."
            )
        return None

    @property
    def anchor_file(self) -> Path:
        """Where ledger anchors are appended: ANCHOR_PATH, else beside the instance data."""
        return self.anchor_path or self.instance_path / "ledger-anchors.log"

    @property
    def exports_dir(self) -> Path:
        """Where export jobs write their files: EXPORTS_PATH, else under the instance folder."""
        return self.exports_path or self.instance_path / "exports"

    @property
    def files_dir(self) -> Path:
        """Where uploaded files live: outside the web root, under the instance folder."""
        return self.files_path or self.instance_path / "files"

    def but(self, **changes: Any) -> Config:
        """A copy with some settings changed (used by tests and commands)."""
        return replace(self, **changes)
