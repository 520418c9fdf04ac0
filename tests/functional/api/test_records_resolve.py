"""Records sent through the API are linked to persons in the same transaction, or not at all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.models import Mention, SourceRecord
from joinedup.intake.validation import parse_object
from joinedup.people.linkage.types import Comparison, Features, Identity
from joinedup.people.models import MentionLink, Person
from joinedup.testing import FrozenClock
from tests.factories.records import numbered


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


def test_every_subject_of_an_accepted_batch_is_linked(
    client: TestClient, clean_engine: Engine
) -> None:
    answer = client.post("/api/v1/records", json=[numbered(1), numbered(2)])
    assert answer.status_code == 200, answer.text
    assert count(clean_engine, MentionLink) == count(clean_engine, Mention) == 4
    with clean_engine.connect() as connection:
        children = connection.scalars(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(Mention.ref == "c1")
        ).all()
    assert len(children) == 2 and len(set(children)) == 1  # the same NHS number


def test_a_rejected_batch_writes_no_links(client: TestClient, clean_engine: Engine) -> None:
    answer = client.post("/api/v1/records", json=[numbered(1), numbered(2, type="burglary")])
    assert answer.status_code == 422
    assert count(clean_engine, MentionLink) == count(clean_engine, Person) == 0


class BrokenModel:
    version = "broken"

    def features(self, identity: Identity) -> Features:
        raise RuntimeError("the model failed")

    def blocking_keys(self, features: Features) -> list[str]:
        return []

    def compare(self, a: Features, b: Features) -> Comparison:
        raise AssertionError


def test_a_failure_to_resolve_stores_no_records_either(
    clean_engine: Engine, settings: Settings, clock: FrozenClock, feed_actor: Actor
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(clean_engine) as session:
        submit_and_resolve(
            session=session,
            actor=feed_actor,
            parsed_records=[parse_object(numbered(1))],
            now=clock.now(),
            settings=settings,
            model=BrokenModel(),
        )
    assert count(clean_engine, SourceRecord) == count(clean_engine, MentionLink) == 0
