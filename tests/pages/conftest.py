"""Fixtures of the page tests: the app on the small seeded catalog of ``tests/api``, signing in
through the form, a finished match run, and for the browser tests a live server (uvicorn in a
thread, on a free port) with the system Chromium driven by Playwright.

Browser tests are marked ``browser``. Without ``/usr/bin/chromium`` they are skipped, saying
why — unless ``CI=true``, where a missing browser fails them (CI installs it: ``.ci/run``).
Each main page's screenshot goes to ``test-artifacts/screenshots/<name>.png``.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.runs.worker import execute_run
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, upgrade_database
from catalog.models import Need

from ..api.conftest import PASSWORD, headers_for, seed_catalog
from ..api.conftest import test_settings as app_settings
from ..api.test_runs import prepare_run_catalog

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: A phone: the pages must work 390 px wide.
PHONE = {"width": 390, "height": 844}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF field of the first form of a page."""
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form at ``/`` (as a browser would: the page, then its form)."""
    token = csrf_of(client.get("/").text)
    return client.post("/masuk", data={"username": username, "password": password,
                                       "csrf_token": token}, follow_redirects=False)


def need_ids(url: str) -> dict[str, int]:
    """The needs' ids by product name."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return dict(session.execute(select(Need.product_name, Need.id)).all())
    finally:
        engine.dispose()


def finish_a_run(client: TestClient, url: str) -> int:
    """Queue a run as the admin and execute it here, as its worker would; its id."""
    response = client.post("/api/v1/runs", json={"time_limit_s": 10},
                           headers=headers_for(client, "admin"))
    assert response.status_code == 202, response.text
    run_id = int(response.json()["id"])
    engine = make_engine(url)
    try:
        assert execute_run(run_id, engine=engine) == "succeeded"
    finally:
        engine.dispose()
    return run_id


@pytest.fixture
def pages_url(database_url: str) -> str:
    """The seeded catalog of ``tests/api`` (SQLite, and PostgreSQL when configured)."""
    seed_catalog(database_url)
    return database_url


@pytest.fixture
def client(pages_url: str) -> Iterator[TestClient]:
    """A browser-like client of the app, nobody signed in."""
    with TestClient(create_app(app_settings(pages_url))) as test_client:
        yield test_client


@pytest.fixture
def buyer(client: TestClient) -> TestClient:
    """The client signed in as IMIP's buyer."""
    assert sign_in(client, "buyer.imip").status_code == 303
    return client


@pytest.fixture
def matched(client: TestClient, pages_url: str) -> TestClient:
    """The client on the catalog prepared to match (needs due in 30 days, a park in East
    Java), with one run finished; nobody signed in."""
    prepare_run_catalog(pages_url)
    finish_a_run(client, pages_url)
    return client


# --- the browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """The app served by uvicorn in a thread of this process (with ``settings``, or the
    tests' settings for ``url``: no run dispatcher)."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        self.database_url = url
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings or app_settings(url)), host="127.0.0.1",
                                port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="live-server",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a seeded SQLite catalog with one finished match run, served on a free
    port. (The browser checks what people see; the backends are the TestClient tests'.)"""
    _require_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'simpul.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    seed_catalog(url)
    prepare_run_catalog(url)
    server = LiveServer(url)
    with TestClient(create_app(app_settings(url))) as queueing:
        finish_a_run(queueing, url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system Chromium, headless, driven by Playwright (never a downloaded browser)."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page the size of a phone, in its own context (no cookies)."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, name)`` saves the whole page to
    ``test-artifacts/screenshots/<name>.png`` and returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
