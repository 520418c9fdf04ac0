"""The security battery: the whole app on the migrated test database, with the demo accounts.

Shared by the battery's files; each test prints its measured figure beside its target.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.models import AuditEntry, User
from joinedup.access.roles import Actor
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_tables

ORIGIN = "http://testserver"  # the TestClient's own site


@pytest.fixture(scope="module")
def demo_users(engine: Engine) -> list[dict[str, Any]]:
    """The demo accounts, made once a module (hashing their passwords takes a second)."""
    empty_tables(engine)
    with unit_of_work(engine) as session:
        ensure_demo_accounts(
            session=session, actor=Actor.system("test"), now=FrozenClock().now(), demo=True
        )
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(User.__table__))]
    empty_tables(engine)
    return rows


@pytest.fixture
def app(
    settings: Settings, clock: FrozenClock, clean_engine: Engine, demo_users: list[dict[str, Any]]
) -> Iterator[FastAPI]:
    with unit_of_work(clean_engine) as session:
        session.execute(insert(User), demo_users)
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def hidden(html: str, name: str = "csrf_token") -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> str:
    """Sign in through the real form; the session's CSRF token, as its pages carry it."""
    data = {"username": username, "password": DEMO_PASSWORD}
    data["csrf_token"] = hidden(client.get("/sign-in").text)
    answer = client.post("/sign-in", data=data, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    return hidden(client.get("/").text)


def figure(line: str) -> None:
    """The battery's measured figure beside its target, in the test's output (`pytest -s`)."""
    print(line)  # noqa: T201 - the acceptance asks each test to print its figure


# -- audit coverage of the battery's traffic --------------------------------------------------

# The paths whose 2xx answers read or write a child's (or a person's) data.
PERSONAL = re.compile(
    r"^/(api/v1/(records|persons|review-tasks|merges)"
    r"|children/\d+|people/\d+|people/review/\d+|records/\d+|contacts/\d+|cases/\d+"
    r"|prompts/\d+|concerns$|children$)"
)


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    audited: list[tuple[int | None, str, str]]  # (actor's user id, action, outcome)

    @property
    def personal(self) -> bool:
        """A read answered 2xx, or a write answered 2xx or 303 (a form's "done, now see")."""
        done = 200 <= self.status < 300 or (self.method != "GET" and self.status == 303)
        return done and PERSONAL.match(self.path) is not None

    @property
    def covered(self) -> bool:
        """An entry by the caller (a person or a partner's system), never the platform's own."""
        return any(user is not None and outcome == "permitted" for user, _, outcome in self.audited)


class AuditWatch:
    """ASGI wrapper around the app under test: for each request, the audit entries it wrote.

    Requests run one at a time in the battery, so the entries with ids above the highest before
    the request are the request's own.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.engine: Engine = app.state.engine
        self.exchanges: list[Exchange] = []

    def _last_id(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.max(AuditEntry.id))) or 0

    def _since(self, last: int) -> list[tuple[int | None, str, str]]:
        columns = (AuditEntry.actor_user_id, AuditEntry.action, AuditEntry.outcome)
        with self.engine.connect() as connection:
            rows = connection.execute(select(*columns).where(AuditEntry.id > last))
            return [(user, action, outcome) for user, action, outcome in rows]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        last = await run_in_threadpool(self._last_id)
        status = 0

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watching)
        audited = await run_in_threadpool(self._since, last)
        self.exchanges.append(Exchange(scope["method"], scope["path"], status, audited))

    def coverage(self) -> tuple[int, int, list[Exchange]]:
        """(personal-data requests answered 2xx, of them audited, the ones that were not)."""
        personal = [e for e in self.exchanges if e.personal]
        missing = [e for e in personal if not e.covered]
        return len(personal), len(personal) - len(missing), missing


def assert_audited(watch: AuditWatch, what: str) -> None:
    """Every personal-data read and write the traffic made has its audit entry (and there was
    some such traffic: the check cannot pass on nothing)."""
    total, audited, missing = watch.coverage()
    share = 100 * audited / total if total else 0
    figure(f"audit coverage of {what}: {audited}/{total} personal-data requests audited "
           f"({share:.0f} %, target 100 %)")  # fmt: skip
    assert total > 0, "no personal-data traffic to measure"
    assert missing == [], [(e.method, e.path, e.status) for e in missing[:10]]
