"""Rate limits on the JSON API (issue 15, item 10; OWASP ASVS 5.0, V2.4).

Two budgets, both shared by every endpoint of the API: one per token (so one runaway
script cannot starve a bureau's other clients) and one per client address (so a client
rotating made-up tokens is held too). They are counted by Flask-Limiter: in Redis when
``REDIS_URL`` is set, so that every gunicorn worker counts against the same budget, and
in the process's memory otherwise (one development server). If Redis stops answering,
counting falls back to memory with a warning rather than refusing the API.

A request over either budget gets 429 in API.md's error format with ``Retry-After``
(seconds until the budget allows the next request) and ``X-RateLimit-Limit``. Other
answers carry no rate-limit headers: Flask-Limiter's own would put a ``Retry-After`` on
every answer, a 200 or a 503 included, and overwrite the one a 503 gives.

Pages are not limited here: signing in has its own lock-out
(``accounts.services.check_login_allowed``), and the rest needs a session.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any

from flask import Blueprint, Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from advisor.errors import json_error
from config import Config

log = logging.getLogger(__name__)

RATE_LIMITED = _l("Too many requests. Wait the number of seconds in Retry-After and try again.")


def _config() -> Config:
    config: Config = current_app.config["ADVISOR"]
    return config


def bearer_token() -> str:
    """The bearer token the request carries, or "" if it carries none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_key() -> str:
    """The per-token budget's key: a digest of the token, never the token itself
    (the counters may sit in a Redis that other software can read)."""
    return hashlib.sha256(bearer_token().encode("utf-8", "replace")).hexdigest()


def _no_token() -> bool:
    return not bearer_token()


def init_rate_limits(app: Flask, api: Blueprint) -> Limiter:
    """Count the API's requests per token and per address; answer 429 beyond either."""
    config: Config = app.config["ADVISOR"]
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=config.redis_url or "memory://",
        key_prefix=config.redis_prefix,
        strategy="moving-window",
        headers_enabled=False,
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    limiter.shared_limit(
        lambda: _config().api_rate_limit_token,
        scope="api-token",
        key_func=token_key,
        exempt_when=_no_token,
    )(api)
    limiter.shared_limit(
        lambda: _config().api_rate_limit_address, scope="api-address", key_func=get_remote_address
    )(api)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> Any:
        log.warning(
            "rate limit %s exceeded by %s on %s %s",
            error.limit.limit,
            get_remote_address(),
            request.method,
            request.path,
        )
        response, status = json_error(429, RATE_LIMITED)
        window = error.limit.limit.get_expiry()
        current = limiter.current_limit
        wait = math.ceil(current.reset_at - time.time()) if current else window
        response.headers["Retry-After"] = str(min(max(1, wait), window))
        response.headers["X-RateLimit-Limit"] = str(error.limit.limit.amount)
        return response, status

    return limiter
