"""New password hashes use the configured method: scrypt in every real installation, a
cheap one only in the test suite (whose thousands of sign-ins it would otherwise slow)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from advisor.accounts import services as accounts
from config import Config


def test_an_installation_hashes_with_scrypt_whatever_the_environment() -> None:
    config = Config.from_env({"SECRET_KEY": "x" * 64, "PASSWORD_HASH": "plain"})
    assert config.password_hash == "scrypt"
    assert accounts.hash_password("correct-horse-9").startswith("scrypt:")  # no app


def test_the_application_uses_its_configured_method(
    make_app: Callable[..., Flask], session: object
) -> None:
    with make_app(password_hash="scrypt").app_context():
        strong = accounts.hash_password("correct-horse-9")
    with make_app().app_context():  # the suite's cheap method
        cheap = accounts.hash_password("correct-horse-9")
    assert strong.startswith("scrypt:") and cheap.startswith("pbkdf2:sha256:1$")
    assert accounts.check_password_hash(strong, "correct-horse-9")
    assert accounts.check_password_hash(cheap, "correct-horse-9")
