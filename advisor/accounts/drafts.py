"""Drafts: what a user typed into a form that could not be taken, kept to be put back.

A form sent after its author's session ended (two idle hours, twelve in all, signed out
elsewhere) or from a page too old to send (its CSRF token no longer the session's) would
otherwise lose what was typed. advisor.auth keeps the posted fields here, bound to the
user whose session it was, and sends them to sign in; the form's page, opened again
with the draft's id (``?restore=``) by that same user, is filled from it
(advisor.forms.AppForm).

Rules: never a password (``secret`` names) and never a file (only the names of the file
fields that had one, so the page can ask for them again); at most MAX_CHARS of text, else
nothing is kept; a draft lasts DRAFT_FOR and each user has at most PER_USER, and every new
draft first removes those whose time is over. These functions add, delete and flush;
the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import FormDraft, LoginSession, User

DRAFT_FOR = timedelta(hours=1)
PER_USER = 5
MAX_CHARS = 100_000
ID_LENGTH = 43  # secrets.token_urlsafe(32)
# Posted fields that are never typed by the user: the CSRF token, a draft's own id.
NOT_TYPED = frozenset({"csrf_token"})


def typed_fields(posted: Iterable[tuple[str, str]], *, secret: Collection[str]) -> list[list[str]]:
    """The posted pairs worth keeping: without the CSRF token and without any field whose
    name (after a form's prefix, ``pw-confirm`` → ``confirm``) is a password's, or says
    password."""
    kept = []
    for name, value in posted:
        bare = name.rsplit("-", 1)[-1]
        if name in NOT_TYPED or bare in secret or "password" in name.lower():
            continue
        kept.append([name, value])
    return kept


def keep_draft(
    session: orm.Session,
    *,
    owner_id: int,
    page: str,
    fields: list[list[str]],
    files: list[str],
    now: datetime,
) -> FormDraft | None:
    """Keep ``fields`` for ``owner_id`` to fill the forms of ``page`` (a path); None when
    there is nothing typed to keep, or more than MAX_CHARS."""
    if not fields or sum(len(n) + len(v) for n, v in fields) > MAX_CHARS or len(page) > 500:
        return None
    session.execute(sa.delete(FormDraft).where(FormDraft.created_at <= now - DRAFT_FOR))
    draft = FormDraft(
        id=secrets.token_urlsafe(32),
        user_id=owner_id,
        page=page,
        fields=fields,
        files=sorted(set(files)),
        created_at=now,
    )
    session.add(draft)
    session.flush()
    surplus = session.scalars(
        sa.select(FormDraft.id)
        .where(FormDraft.user_id == owner_id)
        .order_by(FormDraft.created_at.desc(), FormDraft.id)
        .offset(PER_USER)
    ).all()
    if surplus:
        session.execute(sa.delete(FormDraft).where(FormDraft.id.in_(surplus)))
    return draft


def get_draft(
    session: orm.Session, owner: User, draft_id: str, page: str, now: datetime
) -> FormDraft | None:
    """The owner's draft of this id for this page while its time lasts; None otherwise
    (anyone else's, another page's, an old one)."""
    if len(draft_id) != ID_LENGTH:
        return None
    return session.scalar(
        sa.select(FormDraft).where(
            FormDraft.id == draft_id,
            FormDraft.user_id == owner.id,
            FormDraft.page == page,
            FormDraft.created_at > now - DRAFT_FOR,
        )
    )


def session_owner(session: orm.Session, session_id: str) -> int | None:
    """The active user a browser session belonged to, ended or not (a draft is kept for
    the person whose session it was, and only they get it back)."""
    return session.scalar(
        sa.select(User.id)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == session_id, User.is_active.is_(True))
    )
