"""Pages under test: the app on the test database, with the demo accounts in place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from joinedup.access.demo_accounts import ensure_demo_accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_tables


@pytest.fixture(scope="module")
def demo_users(engine: Engine) -> list[dict[str, Any]]:
    """The demo accounts made once through `ensure_demo_accounts` (hashing ten passwords takes
    a second), kept as rows so that each test can put them back in a moment."""
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
