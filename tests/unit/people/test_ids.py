"""Keys for new rows, several tables' in one statement; rows of several tables written together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from joinedup.people import store
from joinedup.people.ids import KeyPool
from joinedup.people.models import Person

# The bulk paths write through the driver, whose own error comes up (as `bulk_insert`'s does).
REFUSED = (IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)


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


def test_rows_of_several_tables_referring_to_each_other_are_written_together(
    session: Session,
) -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    pool = KeyPool(session, store.T_PERSON, store.T_IDENTITY, block=2)
    person, identity = pool.take(store.T_PERSON), pool.take(store.T_IDENTITY)
    keys = [{"key": f"k:{n}", "person_id": person, "identity_id": identity} for n in range(40)]
    store.insert_all(
        session,
        [
            (store.T_PERSON, [{"id": person, "kind": "child", "created_at": now}]),
            (store.T_IDENTITY, [{
                "id": identity, "person_id": person, "sig": "s", "features": {"given": "Zoë"},
                "first_seen": now, "last_seen": now, "mention_count": 1,
            }]),
            (store.T_KEY, keys),  # enough rows for the engine's bulk path
            (store.T_HISTORY, []),
        ],
    )  # fmt: skip
    assert store.key_rows(session, ["k:0", "k:39"]) == {
        "k:0": [(person, identity)], "k:39": [(person, identity)]
    }  # fmt: skip
    [held] = store.identities_by_id(session, [identity])
    assert (held.person_id, held.features, held.first_seen) == (person, {"given": "Zoë"}, now)


def test_a_row_referring_to_nothing_is_refused_when_written_together(session: Session) -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    pool = KeyPool(session, store.T_PERSON, store.T_IDENTITY, block=1)
    person, identity = pool.take(store.T_PERSON), pool.take(store.T_IDENTITY)
    with pytest.raises(REFUSED), session.begin_nested():
        store.insert_all(
            session,
            [
                (store.T_PERSON, [{"id": person, "kind": "child", "created_at": now}]),
                (store.T_KEY, [{"key": "k", "person_id": person, "identity_id": identity}]),
            ],
        )
