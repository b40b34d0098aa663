"""Production mode (ADVISOR_ENV=production) refuses a development secret key, in
create_app, so every process (web workers, the scheduler, flask commands) does."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import create_app
from config import Config


@pytest.mark.parametrize(
    "key", ["", "dev", "test-secret", "change-me", "CHANGE-ME", " secret ", "k" * 31]
)
def test_production_refuses_a_development_key(tmp_path: Path, key: str) -> None:
    config = Config(
        secret_key=key,
        database_url=f"sqlite:///{tmp_path / 'a.db'}",
        instance_path=tmp_path,
        environment="production",
    )
    with pytest.raises(SystemExit) as refused:
        create_app(config)
    message = str(refused.value.code)
    assert message.startswith("Refusing to start: ADVISOR_ENV=production with a development")
    assert "\n" not in message


def test_a_generated_key_is_a_production_key(tmp_path: Path) -> None:
    """make serve on a laptop: no SECRET_KEY, the key generated into the instance folder."""
    config = Config.from_env({"ADVISOR_ENV": "production", "ADVISOR_INSTANCE_PATH": str(tmp_path)})
    assert config.environment == "production"
    assert config.secret_key == (tmp_path / "secret_key").read_text().strip()
    assert config.refusal() is None
    assert create_app(config).config["SECRET_KEY"] == config.secret_key


def test_development_mode_accepts_any_key_and_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    base = {"ADVISOR_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "dev"}
    assert Config.from_env(base).environment == "development"
    assert Config.from_env(base).refusal() is None
    assert Config.from_env({**base, "ADVISOR_ENV": "development"}).refusal() is None
    assert Config.from_env({**base, "ADVISOR_ENV": "prod"}).refusal() == (
        "ADVISOR_ENV must be development or production, not 'prod'."
    )
