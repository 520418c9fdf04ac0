"""Tiny hand-made records about synthetic children, submitted and resolved in one transaction."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.core.identifiers import nhs_number_valid, upn_check_letter
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.intake.validation import parse_object
from joinedup.people.mentions import Scorer
from joinedup.people.models import MentionLink, Person
from joinedup.testing import FrozenClock
from tests.factories.records import record

_SERIAL = itertools.count(1)


def nhs(seed: int) -> str:
    """A valid NHS number in the synthetic 999 range."""
    for n in itertools.count(seed * 10):
        value = f"999{n:07d}"
        if nhs_number_valid(value):
            return value
    raise AssertionError


def upn(seed: int) -> str:
    body = f"93820{seed:06d}1"
    return upn_check_letter(body) + body


def child(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": "c1",
        "role": "child",
        "given_names": "Alexander",
        "family_name": "Testperson",
        "date_of_birth": "2016-04-07",
        "sex": "M",
        "address": {"lines": ["1 Sample Road"], "town": "Testtown", "postcode": "ZZ1 1ZZ"},
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def adult(ref: str = "a1", relationship: str = "mother", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": ref,
        "role": "adult",
        "relationship": relationship,
        "given_names": "Mara",
        "family_name": "Testperson",
        "date_of_birth": "1988-02-01",
        "sex": "F",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def rec(*subjects: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changes.setdefault("record_id", f"t:{next(_SERIAL):06d}")
    changes.setdefault("type", "concern")
    changes.setdefault("attributes", {"category": "neglect"})
    return record(subjects=list(subjects), **changes)


class Store:
    """Submit records through the flow and look at what became of their subjects."""

    def __init__(
        self, session: Session, actor: Actor, clock: FrozenClock, settings: Settings
    ) -> None:
        self.session, self.actor, self.clock, self.settings = session, actor, clock, settings
        self.model: Scorer | None = None

    def submit(self, *records: dict[str, Any]) -> None:
        submit_and_resolve(
            session=self.session,
            actor=self.actor,
            parsed_records=[parse_object(r) for r in records],
            now=self.clock.now(),
            settings=self.settings,
            model=self.model,
        )

    def link(self, record_id: str, ref: str = "c1") -> MentionLink:
        query = (
            select(MentionLink)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .join(Event, Event.id == Mention.event_id)
            .join(SourceRecord, SourceRecord.id == Event.source_record_id)
            .where(SourceRecord.record_id == record_id, Mention.ref == ref)
            .order_by(Event.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).one()

    def person(self, record_id: str, ref: str = "c1") -> int:
        return self.link(record_id, ref).person_id

    def mention(self, record_id: str, ref: str = "c1") -> int:
        return self.link(record_id, ref).mention_id

    def persons(self) -> int:
        return len(self.session.scalars(select(Person.id)).all())


@pytest.fixture
def people(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Store:
    return Store(session, feed_actor, clock, settings)
