"""The demo bureau: the source report's size, every school covered, and loading twice changes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.demo.bureau import BUREAU_NAME, load_demo
from advisor.directory.models import Advisor, Assignment, LawFirm, School
from advisor.directory.validation import is_valid_credit_code, is_valid_licence_no
from config import PROJECT_ROOT


def _counts(session: orm.Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in (User, LawFirm, Advisor, School, Assignment)
    )


def test_demo_has_the_source_reports_shape(session: orm.Session) -> None:
    assert _counts(session) == (1 + 35 + 60, 5, 35, 60, 60 + 20)
    names = set(session.scalars(sa.select(School.name)))
    assert {"乌苏市第一中学", "乌苏市实验小学", "乌苏市中等职业技术学校"} <= names
    assert any(name.endswith("幼儿园") for name in names)
    assert all(is_valid_credit_code(c) for c in session.scalars(sa.select(LawFirm.credit_code)))
    assert all(is_valid_licence_no(n) for n in session.scalars(sa.select(Advisor.licence_no)))


def test_every_school_has_a_primary_advisor(session: orm.Session) -> None:
    covered = session.scalar(
        sa.select(sa.func.count(sa.distinct(Assignment.school_id))).where(
            Assignment.kind == "primary", Assignment.ends_on.is_(None)
        )
    )
    assert covered == 60


def test_loading_twice_changes_nothing(session: orm.Session) -> None:
    before = _counts(session)
    assert load_demo(session).created == 0
    session.flush()
    assert _counts(session) == before


def test_demo_command_is_idempotent_and_prints_accounts(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "0 records added" in result.output
    assert "bureau@demo.local" in result.output and "demo12345" in result.output
    skipped = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert "not loaded" in skipped.output


def test_make_run_names_the_demo_bureau_unless_bureau_name_is_set() -> None:
    """The demo's exports open with its bureau's name (issue 20, item 9): `make run` passes
    the demo's BUREAU_NAME when the environment sets none; make serve sets no default."""
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"DEMO_BUREAU_NAME := {BUREAU_NAME}\n" in makefile
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert 'BUREAU_NAME="$${BUREAU_NAME:-$(DEMO_BUREAU_NAME)}"' in run
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "BUREAU_NAME" not in serve
