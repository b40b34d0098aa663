"""A new installation has its evaluation rules from the first start: the commands that set
one up (the first bureau account, the demo bureau, a generated bureau) store the default
rule set, once, so ``GET /api/v1/rulesets`` lists it before any evaluation is run."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from advisor import create_app
from advisor.accounts import services as accounts
from advisor.demo import synthetic
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import RuleSetVersion
from advisor.evaluation.rulefile import to_json
from advisor.extensions import alembic, db
from tests.conftest import make_config


def _empty(tmp: Path) -> Flask:
    app = create_app(make_config(tmp, f"sqlite:///{tmp / 'new.db'}"))
    with app.app_context():
        alembic.upgrade()
    return app


def _listed(app: Flask, email: str) -> list[dict[str, object]]:
    """The rule sets GET /api/v1/rulesets gives the bureau account ``email``."""
    with app.app_context():
        user = accounts.get_user_by_email(db.session, email)
        assert user is not None
        _, token = accounts.create_token(db.session, user, "test")
        db.session.commit()
    response = app.test_client().get(
        "/api/v1/rulesets", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body is not None
    assert body["total"] == len(body["items"])
    return list(body["items"])


def _stored(app: Flask) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(RuleSetVersion)) or 0
        db.engine.dispose()
    return n


def test_the_first_bureau_account_comes_with_the_default_rules(tmp_path: Path) -> None:
    app = _empty(tmp_path)
    runner = app.test_cli_runner()
    args = ["users", "create-bureau", "fz@wusu.gov.cn", "--name", "法规科"]
    result = runner.invoke(args=[*args, "--password", "a-long-passphrase-1"])
    assert result.exit_code == 0, result.output

    [rules] = _listed(app, "fz@wusu.gov.cn")
    assert (rules["name"], rules["version"]) == ("学校法律顾问考核细则", 1)
    assert rules["rules"] == to_json(default_rule_set())
    # A second bureau account finds them stored and stores nothing more.
    args = ["users", "create-bureau", "ks@wusu.gov.cn", "--name", "科室"]
    assert runner.invoke(args=[*args, "--password", "a-long-passphrase-2"]).exit_code == 0
    assert _stored(app) == 1


def test_the_demo_bureau_comes_with_the_default_rules(tmp_path: Path) -> None:
    app = _empty(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert [r["version"] for r in _listed(app, "bureau@demo.local")] == [1]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _stored(app) == 1


def test_a_generated_bureau_comes_with_the_default_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = synthetic.Scale(schools=6, advisors=3, contracts=20, entries=60)
    monkeypatch.setitem(synthetic.SCALES, "city", small)
    app = _empty(tmp_path)
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--now", "2026-11-16T09:00:00+08:00"]
    )
    assert result.exit_code == 0, result.output
    assert [r["version"] for r in _listed(app, "bureau@demo.local")] == [1]
    assert _stored(app) == 1
