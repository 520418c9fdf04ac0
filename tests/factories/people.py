"""Review tasks made the way real ones are: records ingested through the intake flow.

The second record names the same child with a date of birth one day off, no identifiers and a
far address: the default model scores the pair between `link_lower` and `link_upper`, so a
person must decide.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import Engine, select

from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.validation import parse_object
from joinedup.people.models import MentionLink, ReviewTask
from joinedup.testing import FrozenClock
from tests.factories.records import record

FEED = Actor(role=Role.PARTNER_SYSTEM, label="police.feed")
HOME = {"lines": ["1 Sample Road"], "town": "Testtown", "postcode": "ZZ1 1ZZ"}
FAR = {"lines": ["9 Far Lane"], "town": "Elsewhere", "postcode": "ZZ9 9ZZ"}
_SERIAL = itertools.count(1)


def child(given: str = "Alexander", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": "c1",
        "role": "child",
        "given_names": given,
        "family_name": "Testperson",
        "date_of_birth": "2016-04-07",
        "sex": "M",
        "address": HOME,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def concern(subject: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changes.setdefault("record_id", f"rv:{next(_SERIAL):06d}")
    changes.setdefault("type", "concern")
    changes.setdefault("attributes", {"category": "neglect"})
    return record(subjects=[subject], **changes)


def ingest(
    engine: Engine, settings: Settings, clock: FrozenClock, *records: dict[str, Any]
) -> None:
    with unit_of_work(engine) as session:
        submit_and_resolve(
            session=session,
            actor=FEED,
            parsed_records=[parse_object(r) for r in records],
            now=clock.now(),
            settings=settings,
        )


def unsure_pair(
    engine: Engine, settings: Settings, clock: FrozenClock, given: str = "Alexander"
) -> int:
    """Ingest a child, then a near match of them; the id of the review task that follows."""
    before = set(task_ids(engine))
    ingest(engine, settings, clock, concern(child(given)))
    ingest(engine, settings, clock, concern(child(given, date_of_birth="2016-05-07", address=FAR)))
    (task,) = set(task_ids(engine)) - before
    return task


def task_ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.scalars(select(ReviewTask.id).order_by(ReviewTask.id)))


def task_row(engine: Engine, task_id: int) -> dict[str, Any]:
    with engine.connect() as connection:
        table = ReviewTask.__table__
        row = connection.execute(select(table).where(table.c.id == task_id)).one()
    return dict(row._mapping)


def person_of(engine: Engine, mention_id: int) -> int:
    with engine.connect() as connection:
        person = connection.scalar(
            select(MentionLink.person_id).where(MentionLink.mention_id == mention_id)
        )
    assert person is not None
    return person
