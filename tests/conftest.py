"""Every test runs on a real database built by the migrations: SQLite by default, PostgreSQL
when JOINEDUP_TEST_DATABASE_URL is set (CI sets it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import make_engine
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_tables, fresh_database


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--only-database-tests", action="store_true",
        help="run only the tests that use the database (CI's PostgreSQL pass: the tests that "
             "touch no database ran in its SQLite pass, and would run identically again)",
    )  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --only-database-tests, keep the tests that reach the database: every one does so
    through the `database_url` fixture (directly or through `engine`, `session`, `settings`),
    which is the only reader of JOINEDUP_TEST_DATABASE_URL."""
    if not config.getoption("--only-database-tests"):
        return
    kept, engine_free = [], []
    for item in items:
        uses = "database_url" in getattr(item, "fixturenames", ())
        (kept if uses else engine_free).append(item)
    if engine_free:
        config.hook.pytest_deselected(items=engine_free)
        items[:] = kept


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("JOINEDUP_TEST_DATABASE_URL")
    if url:
        return _own_database(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _own_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the one named
    (`test` → `test_gw0`, `test_gw1`), made afresh; run alone, the named one itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    own = f"{base.database}_{worker}"
    postgres = base.set(database="postgres").render_as_string(hide_password=False)
    maintenance = make_engine(postgres, isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own}"'))
    maintenance.dispose()
    return base.set(database=own).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = fresh_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose whole test is one transaction, rolled back at the end."""
    connection = engine.connect()
    transaction = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def clean_engine(engine: Engine) -> Iterator[Engine]:
    """For tests that commit (CLI, API, pages): the tables are emptied afterwards."""
    empty_tables(engine)
    yield engine
    empty_tables(engine)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, environment="test", demo_accounts=True)


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def feed_actor() -> Actor:
    return Actor(role=Role.PARTNER_SYSTEM, label="police-feed", user_id=None)
