"""Account rules: passwords, sign-in with throttling, browser sessions, API tokens.

Services add and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from advisor.accounts.models import ApiToken, LoginAttempt, LoginSession, Notification, Role, User
from advisor.db import utcnow
from advisor.errors import Conflict, NotFound, TooManyRequests, ValidationError
from advisor.text import has_controls, search_term

PASSWORD_MIN = 8
PASSWORD_MAX = 128
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=2)
# A session's last-seen and a token's last-used time are written at most this often,
# so that a busy page or script does not write on every request.
USE_RECORDED_EVERY = timedelta(minutes=1)
TOKEN_PREFIX = "adv_"  # the public prefix every token shows, not a secret  # nosec B105
TOKEN_DAYS = 90
TOKEN_DAYS_CHOICES = (30, 90, 180, 365)
TOKEN_DAYS_MAX = 365


@cache
def _dummy_hash(method: str) -> str:
    """A constant hash to compare against when the account does not exist, so that a
    wrong e-mail and a wrong password take the same time: by the method real passwords
    are hashed with, made on first use (scrypt costs every process start ~0.1 s)."""
    return generate_password_hash("not-a-real-password", method=method)


def _password_method() -> str:
    return current_app.config["ADVISOR"].password_hash if has_app_context() else "scrypt"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Raise ValidationError unless the password is 8 to 128 characters long and holds
    no control character or bidirectional override (refused, never removed: see
    advisor.text)."""
    if has_controls(password):
        raise ValidationError(
            _l("Password not accepted."),
            fields={"password": _l("No control characters (such as a tab) in a password.")},
        )
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            _l("Password too short."),
            fields={"password": _l("At least %(n)d characters.", n=PASSWORD_MIN)},
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError(
            _l("Password too long."),
            fields={"password": _l("At most %(n)d characters.", n=PASSWORD_MAX)},
        )


def hash_password(password: str) -> str:
    """A hash of ``password`` by the configured method (scrypt unless a test application
    chose a cheaper one; outside an application, scrypt)."""
    check_password_rules(password)
    return generate_password_hash(password, method=_password_method())


# --- throttling --------------------------------------------------------------------


def locked_until(
    failures: Sequence[datetime], now: datetime, *, limit: int, window: timedelta
) -> datetime | None:
    """When a lock-out ends, or None if there is none.

    ``limit`` failures within ``window`` lock further attempts for ``window``
    counted from the failure that reached the limit.
    """
    times = sorted(failures)
    for i in range(len(times) - limit + 1):
        last = times[i + limit - 1]
        if last - times[i] <= window and now < last + window:
            return last + window
    return None


def _recent_failures(
    session: orm.Session, *, by_email: bool, value: str, since: datetime
) -> list[datetime]:
    column = LoginAttempt.email if by_email else LoginAttempt.ip
    stmt = sa.select(LoginAttempt.at).where(
        column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    if by_email:
        # A successful login clears the account's earlier failures.
        last_ok = (
            sa.select(sa.func.max(LoginAttempt.at))
            .where(LoginAttempt.email == value, LoginAttempt.succeeded.is_(True))
            .scalar_subquery()
        )
        stmt = stmt.where(sa.or_(last_ok.is_(None), LoginAttempt.at > last_ok))
    return list(session.scalars(stmt))


def check_login_allowed(
    session: orm.Session,
    *,
    email: str,
    ip: str,
    now: datetime,
    limit: int,
    window: timedelta,
    address_limit: int | None = None,
) -> None:
    """Raise TooManyRequests while the account or the address is locked out.

    An account is paused after ``limit`` failures within ``window``, from wherever they
    came. An address is paused only after ``address_limit`` failures across accounts
    (default: ten times ``limit``): a whole school signs in from one NAT address, and
    five typing mistakes by five clerks must not lock out the sixth.
    """
    since = now - 2 * window
    email = normalise_email(email)
    minutes = int(window.total_seconds() // 60)
    account_failures = _recent_failures(session, by_email=True, value=email, since=since)
    if locked_until(account_failures, now, limit=limit, window=window):
        raise TooManyRequests(
            _l(
                "Too many failed sign-ins. Sign-in is paused for %(minutes)d minutes;"
                " try again later or ask the bureau to reset your password.",
                minutes=minutes,
            )
        )
    address_failures = _recent_failures(session, by_email=False, value=ip, since=since)
    if locked_until(address_failures, now, limit=address_limit or 10 * limit, window=window):
        raise TooManyRequests(
            _l(
                "Too many failed sign-ins from this network address. Sign-in from here is"
                " paused for %(minutes)d minutes; ask the bureau if this keeps happening.",
                minutes=minutes,
            )
        )


def authenticate(
    session: orm.Session,
    *,
    email: str,
    password: str,
    ip: str,
    now: datetime,
    limit: int = 5,
    window: timedelta = timedelta(minutes=15),
    address_limit: int | None = None,
) -> User | None:
    """Check the credentials and record the attempt.

    Returns the user, or None for any failure (unknown account, wrong password,
    deactivated account), so the caller cannot reveal which. Raises
    TooManyRequests while locked out; a locked-out attempt is not recorded.
    """
    email = normalise_email(email)
    check_login_allowed(
        session,
        email=email,
        ip=ip,
        now=now,
        limit=limit,
        window=window,
        address_limit=address_limit,
    )
    user = session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        check_password_hash(_dummy_hash(_password_method()), password)
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password) and user.is_active
    session.add(LoginAttempt(email=email[:254], ip=ip, at=now, succeeded=ok))
    session.flush()
    return user if ok else None


# --- browser sessions --------------------------------------------------------------


def start_session(session: orm.Session, user: User, *, ip: str | None, now: datetime) -> str:
    """Open a new browser session for ``user`` and return its fresh random id."""
    sid = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            id=sid,
            user=user,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
            ip=ip,
        )
    )
    session.flush()
    user.login_session_id = sid
    return sid


@dataclass(frozen=True, slots=True)
class SessionCheck:
    """What a request's session cookie came to: its user, or why there is none."""

    user: User | None
    # The session was live but unused for longer than the idle limit, and has now ended.
    timed_out: bool = False
    # Something was written (last-seen time or the ending); the caller commits.
    wrote: bool = False


@cache
def _live_session() -> sa.Select[User, LoginSession, int]:
    """The user and row of session ``:sid`` if it is live at ``:now``. Built once: every
    request runs it, and building a statement anew costs SQLAlchemy more than running it
    (issue 19, item 3). With it, the user's unread notices: the bell on every page shows
    them, and one statement fewer a page is about a tenth of a cheap page's cost."""
    unread = (
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return (
        sa.select(User, LoginSession, unread)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.id == sa.bindparam("sid"),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > sa.bindparam("now"),
            User.is_active.is_(True),
        )
    )


def check_session(
    session: orm.Session,
    sid: str,
    now: datetime,
    *,
    idle: timedelta = SESSION_IDLE,
    record: bool = True,
) -> SessionCheck:
    """The active user of a live session, recording that it was seen.

    A session is live until its 12 hours are over, it is revoked or its user is
    deactivated, and while it has been seen within ``idle``; one unused for longer is
    ended now (``timed_out``). Because the last-seen time is written at most once a
    minute, a session may end up to a minute before ``idle`` has passed since its very
    last request, never after. Writes flush; ``wrote`` tells the caller to commit. With
    ``record`` false nothing is written (the answer is the same).
    """
    row = session.execute(_live_session(), {"sid": sid, "now": now}).first()
    if row is None:
        return SessionCheck(None)
    user, found, unread = row
    if now - found.last_seen_at > idle:
        if record:
            found.revoked_at = now
            session.flush()
        return SessionCheck(None, timed_out=True, wrote=record)
    wrote = record and now - found.last_seen_at >= USE_RECORDED_EVERY
    if wrote:
        found.last_seen_at = now
        session.flush()
    user.login_session_id, user.unread = found.id, int(unread)
    return SessionCheck(user, wrote=wrote)


def end_session(session: orm.Session, sid: str, now: datetime) -> None:
    session.execute(
        sa.update(LoginSession)
        .where(LoginSession.id == sid, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def end_all_sessions(session: orm.Session, user: User, now: datetime) -> None:
    session.execute(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# --- users -------------------------------------------------------------------------


def _check_role_link(role: str, school_id: int | None, advisor_id: int | None) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError(_l("Unknown role."), fields={"role": _l("Choose a role.")})
    if role == Role.SCHOOL and not school_id:
        raise ValidationError(
            _l("A school account needs its school."),
            fields={"school_id": _l("Choose the school.")},
        )
    if role == Role.ADVISOR and not advisor_id:
        raise ValidationError(
            _l("An advisor account needs its advisor record."),
            fields={"advisor_id": _l("Choose the advisor.")},
        )


def _check_unique_email(session: orm.Session, email: str, user_id: int | None) -> None:
    stmt = sa.select(User.id).where(User.email == email)
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    if session.scalar(stmt) is not None:
        raise ValidationError(
            _l("This e-mail is already in use."),
            fields={"email": _l("This e-mail is already in use.")},
        )


def _check_advisor_unlinked(
    session: orm.Session, advisor_id: int | None, user_id: int | None
) -> None:
    if advisor_id is None:
        return
    stmt = sa.select(User.id).where(User.advisor_id == advisor_id)
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    if session.scalar(stmt) is not None:
        raise ValidationError(
            _l("This advisor already has an account."),
            fields={"advisor_id": _l("This advisor already has an account.")},
        )


def create_user(
    session: orm.Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    school_id: int | None = None,
    advisor_id: int | None = None,
    locale: str | None = None,
) -> User:
    """Create an account with exactly one role. Raises ValidationError on a taken
    e-mail, a weak password or a role without its school/advisor."""
    email = normalise_email(email)
    _check_role_link(role, school_id, advisor_id)
    _check_unique_email(session, email, None)
    _check_advisor_unlinked(session, advisor_id if role == Role.ADVISOR else None, None)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        school_id=school_id if role == Role.SCHOOL else None,
        advisor_id=advisor_id if role == Role.ADVISOR else None,
        password_hash=hash_password(password),
        locale=locale,
    )
    session.add(user)
    session.flush()
    return user


def update_user(
    session: orm.Session,
    user: User,
    *,
    email: str,
    name: str,
    role: str,
    school_id: int | None,
    advisor_id: int | None,
    now: datetime,
) -> User:
    """Change an account's details. A change of role or link ends its sessions and
    revokes its API tokens, since what they may see and do has changed (a script given
    a school clerk's token must not act with the bureau's rights after a promotion)."""
    email = normalise_email(email)
    _check_role_link(role, school_id, advisor_id)
    _check_unique_email(session, email, user.id)
    _check_advisor_unlinked(session, advisor_id if role == Role.ADVISOR else None, user.id)
    new_school = school_id if role == Role.SCHOOL else None
    new_advisor = advisor_id if role == Role.ADVISOR else None
    if (role, new_school, new_advisor) != (user.role, user.school_id, user.advisor_id):
        end_all_sessions(session, user, now)
        revoke_all_tokens(session, user, now)
    user.email, user.name, user.role = email, name.strip(), role
    user.school_id, user.advisor_id = new_school, new_advisor
    session.flush()
    return user


def set_password(session: orm.Session, user: User, password: str, now: datetime) -> None:
    """Set a new password, end every session of the user and revoke their API tokens
    (whoever held the old password may have made one)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    end_all_sessions(session, user, now)
    revoke_all_tokens(session, user, now)
    session.flush()


def change_own_password(
    session: orm.Session, user: User, *, current: str, new: str, now: datetime
) -> None:
    if not check_password_hash(user.password_hash, current):
        raise ValidationError(
            _l("The current password is wrong."),
            fields={"current_password": _l("The current password is wrong.")},
        )
    set_password(session, user, new, now)


def set_active(
    session: orm.Session, user: User, active: bool, *, actor: User, now: datetime
) -> None:
    """Activate or deactivate. Either way the user's API tokens are revoked, so a
    reactivated account starts without the tokens it had; deactivation also ends its
    sessions."""
    if not active and user.id == actor.id:
        raise Conflict(_l("You cannot deactivate your own account."))
    user.is_active = active
    if not active:
        end_all_sessions(session, user, now)
    revoke_all_tokens(session, user, now)
    session.flush()


def set_locale(session: orm.Session, user: User, locale: str) -> None:
    user.locale = locale
    session.flush()


def list_users(session: orm.Session, *, q: str = "", role: str = "") -> sa.Select[User]:
    stmt = sa.select(User).order_by(User.role, User.email)
    if term := search_term(q):
        stmt = stmt.where(
            sa.or_(
                User.email.icontains(term, autoescape=True),
                User.name.icontains(term, autoescape=True),
            )
        )
    if role:
        stmt = stmt.where(User.role == role)
    return stmt


def get_user(session: orm.Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def any_user(session: orm.Session) -> bool:
    return session.scalar(sa.select(User.id).limit(1)) is not None


def get_user_by_email(session: orm.Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


# --- API tokens --------------------------------------------------------------------


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough to keep them secret.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: orm.Session,
    user: User,
    name: str,
    *,
    days: int = TOKEN_DAYS,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token that works for ``days`` (1 to 365) from ``now``; the clear text
    is returned once and never stored. Raises ValidationError on another number of days.

    ``now`` defaults to the clock for the operator's command and test set-ups.
    """
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ValidationError(
            _l("A token lasts 1 to %(n)d days.", n=TOKEN_DAYS_MAX),
            fields={"days": _l("Between 1 and %(n)d days.", n=TOKEN_DAYS_MAX)},
        )
    now = now or utcnow()
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name.strip() or "API")[:100],
        token_hash=_token_hash(clear),
        prefix=clear[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return token, clear


def create_own_token(
    session: orm.Session, user: User, *, password: str, name: str, days: int, now: datetime
) -> tuple[ApiToken, str]:
    """A user creates a token for themself, confirming with their password, so that a
    browser left signed in cannot be turned into lasting API access. Raises
    ValidationError on a wrong password (and makes no token)."""
    if not check_password_hash(user.password_hash, password):
        raise ValidationError(
            _l("The password is wrong; no token was created."),
            fields={"password": _l("The password is wrong; no token was created.")},
        )
    return create_token(session, user, name, days=days, now=now)


def revoke_token(session: orm.Session, user: User, token_id: int, now: datetime) -> None:
    """Revoke one of the user's own tokens; another user's token is NotFound."""
    token = session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        raise NotFound(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = now
    session.flush()


def revoke_all_tokens(session: orm.Session, user: User, now: datetime) -> None:
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def list_tokens(session: orm.Session, user: User) -> Sequence[ApiToken]:
    return session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ).all()


def find_token(session: orm.Session, clear: str) -> ApiToken | None:
    """The token with this clear text, live or not, with its user loaded."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    return session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == _token_hash(clear))
        .options(orm.joinedload(ApiToken.user))
    )


def is_token_live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and now < token.expires_at and token.user.is_active


def record_token_use(session: orm.Session, token: ApiToken, now: datetime) -> bool:
    """Note that the token was used, at most once a minute; True if that wrote."""
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return False
    token.last_used_at = now
    session.flush()
    return True


# --- notifications -----------------------------------------------------------------


def notify(
    session: orm.Session, user_ids: Sequence[int], kind: str, *, link: str = "", **params: Any
) -> None:
    """Put a notice in each user's inbox; its text is rendered per reader from ``kind``."""
    for user_id in dict.fromkeys(user_ids):
        session.add(Notification(user_id=user_id, kind=kind, params=params, link=link))
    session.flush()


def bureau_user_ids(session: orm.Session) -> list[int]:
    return list(
        session.scalars(
            sa.select(User.id).where(User.role == Role.BUREAU, User.is_active.is_(True))
        )
    )


def advisor_user_ids(session: orm.Session, advisor_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(User.id).where(User.advisor_id == advisor_id, User.is_active.is_(True))
        )
    )


def school_user_ids(session: orm.Session, school_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(User.id).where(User.school_id == school_id, User.is_active.is_(True))
        )
    )


def list_notifications(session: orm.Session, user: User) -> sa.Select[Notification]:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
    )


@cache
def _unread() -> sa.Select[int]:
    """The count of ``:user_id``'s unread notifications; built once, as every page asks."""
    return sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)
    )


def unread_count(session: orm.Session, user: User) -> int:
    """The user's unread notices: as counted when the session was checked at the start of
    this request (check_session), else counted now."""
    if user.unread is not None:
        return user.unread
    return session.scalar(_unread(), {"user_id": user.id}) or 0


def mark_all_read(session: orm.Session, user: User, now: datetime) -> None:
    session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    user.unread = 0
