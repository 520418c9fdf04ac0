"""Test databases: a fresh schema migrated from scratch, and emptying it between tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from joinedup.access.chain import GENESIS
from joinedup.db import migrate
from joinedup.db.models import Base
from joinedup.db.session import make_engine

# The audit log refuses row deletes (and on PostgreSQL TRUNCATE) by trigger, in tests as in
# production; `empty_tables` lifts those triggers for its own transaction only.
APPEND_ONLY = ("audit_entries", "audit_chain_head")


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
            if table.name not in APPEND_ONLY:
                connection.execute(table.delete())
        _restart_audit_chain(connection)


def empty_audit_log(engine: Engine) -> None:
    """Only the audit log back to its genesis (for a test that wrote nothing else)."""
    with engine.begin() as connection:
        _restart_audit_chain(connection)


def _restart_audit_chain(connection: Connection) -> None:
    """Delete every audit entry and reset the head to the genesis."""
    with append_only_lifted(connection):
        connection.execute(text("DELETE FROM audit_entries"))
        connection.execute(
            text("UPDATE audit_chain_head SET last_seq = 0, last_hash = :genesis WHERE id = 1"),
            {"genesis": GENESIS},
        )


@contextmanager
def append_only_lifted(connection: Connection) -> Iterator[None]:
    """The audit tables' triggers lifted within this connection's transaction alone: dropped
    and recreated from their own stored text on SQLite, disabled and enabled again on
    PostgreSQL (which locks the tables meanwhile). Other connections never see them unguarded.
    The tamper tests use it too, as an attacker with the database's owner rights would."""
    if connection.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        for table in APPEND_ONLY:
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (:a, :b)"),
        {"a": APPEND_ONLY[0], "b": APPEND_ONLY[1]},
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        connection.execute(text(sql))
