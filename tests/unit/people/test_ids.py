"""Keys for new rows: several tables' keys drawn in one statement, each above what is held."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from joinedup.people import store
from joinedup.people.ids import KeyPool
from joinedup.people.models import Person


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.connection().engine

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def _top(session: Session, table: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


def test_two_tables_keys_come_from_one_statement_and_are_new(
    session: Session, statements: list[str]
) -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    session.add(Person(kind="child", created_at=now))  # a key from the engine's own counter
    session.flush()
    held = _top(session, store.T_PERSON), _top(session, store.T_IDENTITY)
    pool = KeyPool(session, store.T_PERSON, store.T_IDENTITY, block=3)
    statements.clear()
    persons = [pool.take(store.T_PERSON) for _ in range(3)]
    identities = [pool.take(store.T_IDENTITY) for _ in range(3)]
    assert len(statements) == 1
    assert persons == sorted(set(persons)) and persons[0] > held[0]
    assert identities == sorted(set(identities)) and identities[0] > held[1]
    assert pool.take() not in persons  # the first table by default, still a new key
