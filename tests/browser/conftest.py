"""A real app on a real port, driven by Debian's Chromium through Playwright's sync API.

The browser is the system package (`/usr/bin/chromium`), never one Playwright downloads.
Without it these tests fail under CI (CI is set) and are skipped, with a reason, elsewhere.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import Engine
from tests.factories.records import record

from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.roles import Actor
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.intake.service import submit_records
from joinedup.intake.validation import parse_object
from joinedup.testing import FrozenClock
from joinedup.web.assets import TARGET

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium package is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if not (TARGET / "govuk-frontend.min.css").is_file():
        pytest.fail("GOV.UK Frontend assets are missing: run `make setup` (npm ci + assets)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_server(database_url: str, engine: Engine) -> Iterator[str]:
    """The whole app, served by uvicorn in a thread on a free 127.0.0.1 port, on the test DB."""
    settings = Settings(database_url=database_url, environment="test", demo_accounts=True)
    app = create_app(settings, clock=FrozenClock())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()
    app.state.engine.dispose()


@pytest.fixture
def seeded(clean_engine: Engine, clock: FrozenClock) -> dict[str, Any]:
    """Demo accounts and a few records, committed, for the server to show."""
    actor = Actor.system("test")
    with unit_of_work(clean_engine) as session:
        ensure_demo_accounts(session=session, actor=actor, now=clock.now(), demo=True)
    records = [
        record(record_id="POL-2011-0001", occurred_at="2011-03-14T23:10:00+00:00"),
        record(record_id="POL-2011-0002", occurred_at="2011-03", date_precision=None),
        record(
            record_id="SCH-2011-0003",
            occurred_at="2011",
            date_precision=None,
            source={"agency": "education", "organisation": "Testshire Primary School"},
            summary="Pupil arrived hungry again <script>alert(1)</script>",
        ),
    ]
    with unit_of_work(clean_engine) as session:
        submit_records(
            session=session,
            actor=actor,
            now=clock.now(),
            records=[parse_object(r) for r in records],
        )
    return {"password": DEMO_PASSWORD}


@pytest.fixture
def context(browser: Browser, live_server: str, seeded: dict[str, Any]) -> Iterator[BrowserContext]:
    made = browser.new_context(base_url=live_server)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def _sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the real form, as a person would: `sign_in(page, username[, password])`."""
    return _sign_in
