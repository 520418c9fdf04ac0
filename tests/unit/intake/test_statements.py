"""Intake's round trips on PostgreSQL: a fixed few statements a batch, whatever it holds.

Each statement is a round trip to the server, and a record submitted alone pays every one of
them (`bench/resolve.py`: a mention's p95 is a record with one subject). These tests pin which
statements `intake.service.submit_records` sends, counted at the driver (the bulk writes go
past SQLAlchemy), so that a look-up or a write a table cannot come back unnoticed.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from joinedup.access.roles import Actor
from joinedup.db.session import make_engine
from joinedup.intake.models import Mention, Organisation, Practitioner
from joinedup.intake.service import Outcome, submit_records
from joinedup.intake.validation import parse_object
from joinedup.testing import FrozenClock
from tests.factories.records import numbered

# What each statement is, by a fragment of its text (the first that matches).
KINDS = [
    ("FROM organisations", "organisations"),
    ("INSERT INTO organisations", "new organisation"),
    ("pg_advisory_xact_lock", "lock"),
    ("FROM practitioners", "authors"),
    ("INSERT INTO practitioners", "new author"),
    ("FROM source_records", "current versions"),
    ("nextval", "keys"),
    ('INSERT INTO "source_records"', "records"),
    ('"record_versions"', "records"),
    ("INSERT INTO audit_entries", "audit entry"),
]
SENT: list[str] = []


class Counting(psycopg.Cursor):  # type: ignore[type-arg]
    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        text = str(query)
        SENT.append(next((kind for part, kind in KINDS if part in text), text[:60]))
        return super().execute(query, *args, **kwargs)

    def executemany(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        SENT.append("many: " + str(query)[:60])
        return super().executemany(query, *args, **kwargs)


def sent(own: Engine, actor: Actor, clock: FrozenClock, *records: dict[str, Any]) -> list[str]:
    parsed = [parse_object(r) for r in records]
    with Session(own) as session, session.begin():
        session.connection()  # connected (and pinged) before counting
        SENT.clear()
        results = submit_records(session=session, actor=actor, records=parsed, now=clock.now())
        found = list(SENT)
        assert all(r.outcome == Outcome.ACCEPTED for r in results)
        written = sorted(m for r in results for m in r.mention_ids)
        stored = session.scalars(select(Mention.id).where(Mention.event_id.in_(
            [r.event_id for r in results]))).all()  # fmt: skip
        assert written == sorted(stored)
    return found


def test_a_record_from_a_known_source_costs_seven_statements(
    database_url: str, engine: Engine, feed_actor: Actor, clock: FrozenClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("round trips are PostgreSQL's; SQLite is in-process")
    own = make_engine(database_url, poolclass=StaticPool,
                      connect_args={"cursor_factory": Counting})  # fmt: skip
    try:
        first = sent(own, feed_actor, clock, numbered(1))
        assert first[:5] == ["organisations", "new organisation", "organisations", "lock",
                             "authors"]  # fmt: skip
        steady = ["organisations", "lock", "authors", "current versions", "keys", "records",
                  "audit entry"]  # fmt: skip
        # Known organisation and author: looked up, not written again; the record's source
        # record, version, event and mentions in one statement, their keys in one before it.
        assert sent(own, feed_actor, clock, numbered(2)) == steady
        assert sent(own, feed_actor, clock, numbered(3), numbered(4), numbered(5)) == steady
        with Session(own) as session:
            assert len(session.scalars(select(Organisation.id)).all()) == 1
            assert len(session.scalars(select(Practitioner.id)).all()) == 1
    finally:
        own.dispose()
