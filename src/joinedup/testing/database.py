"""Test databases: a fresh schema migrated from scratch, and emptying it between tests."""

from __future__ import annotations

from sqlalchemy import Engine, text

from joinedup.db import migrate
from joinedup.db.models import Base
from joinedup.db.session import make_engine


def fresh_database(url: str) -> Engine:
    """An engine on an empty database, built by running the migrations (never create_all)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return engine


def empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
