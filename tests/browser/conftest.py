"""Browser fixtures: a live server on a fresh demo database, and Chromium driven by Playwright."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from advisor import create_app
from advisor.demo.bureau import load_demo
from advisor.evaluation.services import ensure_default_rule_set
from advisor.extensions import alembic, db
from config import PROJECT_ROOT, Config

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CALL_REPORT = pytest.StashKey[pytest.TestReport]()

PageFactory = Callable[..., Page]
T = TypeVar("T")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as a browser test, and run them last.

    They run last because the Playwright sync API keeps an event loop running in the
    main thread until the session ends, and while it runs, popping an app context in
    the main thread (as the other tests' fixtures do) fails (see ``_off_main_thread``).
    """
    ours = [item for item in items if HERE in item.path.parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    chosen = set(ours)
    items[:] = [item for item in items if item not in chosen] + ours


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the outcome of the test body, so the page fixture can take a screenshot."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


def _off_main_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a helper thread and return its result.

    Popping a Flask app context runs Flask-SQLAlchemy-Lite's async teardown through
    asgiref, which refuses to run in a thread with a running event loop, and the
    Playwright sync API keeps one running in the main thread.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@contextmanager
def serve_demo(tmp: Path, seed: Callable[[Flask], None] | None = None) -> Iterator[str]:
    """Serve the application, with CSRF on, on a migrated SQLite file in ``tmp`` holding
    the demo bureau and whatever ``seed`` adds (called inside an app context); yields
    the server's address."""
    config = Config(
        secret_key=secrets.token_hex(32),
        database_url=f"sqlite:///{tmp / 'browser.db'}",
        instance_path=tmp,
        testing=True,
        csrf_enabled=True,
        password_hash="pbkdf2:sha256:1",  # as tests/conftest.py's make_config
    )

    def build() -> Flask:
        app = create_app(config)
        with app.app_context():
            alembic.upgrade()
            load_demo(db.session)
            ensure_default_rule_set(db.session)  # as `flask demo load`
            db.session.commit()
            if seed is not None:
                seed(app)
        return app

    def dispose() -> None:
        with app.app_context():
            db.engine.dispose()

    app = _off_main_thread(build)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        _off_main_thread(dispose)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The application, with CSRF on, on a migrated SQLite file holding the demo bureau."""
    with serve_demo(tmp_path_factory.mktemp("live")) as address:
        yield address


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test installs it)")
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture()
def new_page(
    browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> Iterator[PageFactory]:
    """Open pages, each in its own fresh browser context (own cookies), on the live server.

    On a failing test every open page is saved as a screenshot in test-artifacts/.
    """
    contexts: list[BrowserContext] = []

    def make(locale: str = "zh-CN") -> Page:
        context = browser.new_context(locale=locale, base_url=live_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make

    report = request.node.stash.get(CALL_REPORT, None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{stem}-{n}-{m}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page: PageFactory) -> Page:
    """A page in a fresh browser context whose language is Chinese (zh-CN)."""
    return new_page()
