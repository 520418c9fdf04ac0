"""A family known to the store: a child, their mother, her partner and the child's sister,
two partner records, and two contacts (one from a neighbour, one from a school)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts
from joinedup.casework.views import Referrer
from joinedup.config import Settings
from joinedup.testing import FrozenClock
from tests.unit.casework.support import AUTHORITY, DSL
from tests.unit.people.support import Store, adult, child, nhs, rec

IG = Actor(role=Role.INFORMATION_GOVERNANCE, label="ig.one", user_id=21)
NEIGHBOUR = Referrer("Nora Nosey", "Member of the public", "public", "07000 000000")
SCHOOL = Referrer("Dana Testdsl", "Testshire Primary School", "education", "dsl@school.test")


@dataclass
class Family:
    child: int
    mother: int
    sister: int
    incident_event: int
    school_event: int
    neighbour_contact: int
    school_contact: int


def family(
    session: Session, actor: Actor, clock: FrozenClock, settings: Settings, born: str = "2016-04-07"
) -> Family:
    store = Store(session, actor, clock, settings)
    boy = child(nhs_number=nhs(7100), date_of_birth=born)
    store.submit(
        rec(
            boy,
            adult(),
            adult(
                "a2",
                "parents_partner",
                given_names="Mariusz",
                family_name="Otherman",
                date_of_birth="1985-01-01",
                sex="M",
            ),
            record_id="police:1",
            occurred_at="2026-10-01T22:00:00+00:00",
            summary="Mara said Mariusz Otherman shouted; Alexander hid upstairs.",
        ),
        rec(
            boy,
            child(
                ref="c2",
                given_names="Bella",
                date_of_birth="2019-05-05",
                sex="F",
                relationship="sibling",
            ),
            record_id="school:1",
            occurred_at="2026-10-05T09:00:00+00:00",
            source={
                "agency": "education",
                "organisation": "Testshire Primary School",
                "organisation_code": "100001",
            },
            author={"name": "Ms S Teacher", "role": "class teacher", "contact": "school office"},
            summary="Bella and Alexander arrived hungry.",
        ),
    )
    person = store.person("police:1")
    raised = [
        contacts.raise_contact(session=session, actor=DSL, authority=AUTHORITY, person_id=person,
                               source_kind=kind, referral_source=code, referrer=who,
                               summary=summary, received_at=clock.now(), now=clock.now())
        for kind, code, who, summary in (
            ("public", "1A", NEIGHBOUR, "Nora Nosey heard Mariusz shouting at Alexander."),
            ("partner", "3A", SCHOOL, "Dana Testdsl saw Alexander hungry again."),
        )
    ]  # fmt: skip
    return Family(
        child=person,
        mother=store.person("police:1", "a1"),
        sister=store.person("school:1", "c2"),
        incident_event=store.link("police:1").mention_id and _event(store, "police:1"),
        school_event=_event(store, "school:1"),
        neighbour_contact=raised[0].id,
        school_contact=raised[1].id,
    )


def _event(store: Store, record_id: str) -> int:
    from joinedup.intake.models import Mention

    mention = store.session.get(Mention, store.mention(record_id))
    assert mention is not None
    return mention.event_id
