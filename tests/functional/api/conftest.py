"""The API under test, called by a partner system with its own token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.access import accounts
from joinedup.access.roles import Actor, Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock


def make_token(engine: Engine, clock: FrozenClock, username: str, role: Role) -> str:
    """An account with this role, and an API token for it."""
    system = Actor.system("test")
    with unit_of_work(engine) as session:
        user = accounts.create_user(
            session=session,
            actor=system,
            username=username,
            display_name=username,
            role=role,
            password="x" * 16,
            now=clock.now(),
        )
        return accounts.issue_api_token(
            session=session, actor=system, user=user, label="test", now=clock.now()
        )


@pytest.fixture
def client(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    token = make_token(clean_engine, clock, "police.feed", Role.PARTNER_SYSTEM)
    with TestClient(create_app(settings, clock=clock)) as test_client:
        test_client.headers["Authorization"] = f"Bearer {token}"
        yield test_client
