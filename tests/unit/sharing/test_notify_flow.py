"""Who hears of what: Operation Encompass to the school or the elective home education team,
CP-IS to the lead social worker, a contact's outcome to the referrer — each also a disclosure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts
from joinedup.casework.models import Case
from joinedup.config import Settings
from joinedup.flows import notify as flow
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.validation import parse_object
from joinedup.sharing import inbox
from joinedup.sharing.models import Disclosure, Notification
from joinedup.testing import FrozenClock
from tests.unit.people.support import child, nhs, rec

POLICE = {"agency": "police", "organisation": "Testshire Police", "organisation_code": "99"}
SCHOOL = {"agency": "education", "organisation": "Kestrelford Primary School",
          "organisation_code": "990001"}  # fmt: skip
HOSPITAL = {"agency": "health", "organisation": "Testshire Hospital", "organisation_code": "RX1"}
FRIDAY_NIGHT = "2026-11-27T22:30:00+00:00"
PUPIL = child(nhs_number=nhs(41), given_names="Testa", family_name="Fixture")


@pytest.fixture
def clock() -> FrozenClock:
    """Early on Saturday 28 November 2026, just after the Friday-night incident."""
    return FrozenClock(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))


def submit(
    session: Session, actor: Actor, clock: FrozenClock, settings: Settings, *records: Any
) -> list[int]:
    """Submit through the intake flow, which writes the notifications the new events call for
    in the same transaction; the ids of the notifications this submission wrote."""
    before = set(session.scalars(select(Notification.id)))
    submit_and_resolve(session=session, actor=actor, now=clock.now(), settings=settings,
                       parsed_records=[parse_object(r) for r in records])  # fmt: skip
    return sorted(set(session.scalars(select(Notification.id))) - before)


def incident(**changes: Any) -> dict[str, Any]:
    changes.setdefault("source", POLICE)
    changes.setdefault("occurred_at", FRIDAY_NIGHT)
    changes.setdefault("recorded_at", None)
    return rec(PUPIL, type="domestic_abuse_incident",
               attributes={"children_present": True, "risk_level": "high"}, **changes)  # fmt: skip


def at_school(day: str, urn: str = "990001", **changes: Any) -> dict[str, Any]:
    changes.setdefault("source", SCHOOL)
    pupil = child(nhs_number=nhs(41), given_names="Testa", family_name="Fixture", school_urn=urn)
    return rec(pupil, occurred_at=day, date_precision="day", recorded_at=None, **changes)


def notifications(session: Session) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(Notification).order_by(Notification.id))
    return [(r.kind, r.channel, r.recipient) for r in rows]


def test_encompass_tells_the_school_before_the_next_school_day(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    written = submit(session, feed_actor, clock, settings, incident(record_id="p:1"))
    assert len(written) == 2
    assert notifications(session) == [
        ("encompass", "inbox", "org:990001"),
        ("encompass", "email", "dsl@kestrelford-primary.invalid"),
    ]
    school, mail = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert school.due_at == datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # Monday's start
    assert "Testa Fixture" in school.body and "27 November 2026" in school.body
    assert "high" not in school.body and "neighbour" not in school.body.lower()
    assert "Testa" not in mail.body  # the e-mail points to the inbox
    (disclosure,) = session.scalars(select(Disclosure)).all()
    assert disclosure.what == "notification_encompass"
    assert disclosure.recipient == "Designated safeguarding lead, Kestrelford Primary School"


def test_an_encompass_e_mail_undelivered_by_the_school_day_goes_to_the_front_door_once(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    submit(session, feed_actor, clock, settings, incident(record_id="p:9"))
    sweep = {"session": session, "actor": Actor.system("test")}
    before = datetime(2026, 11, 30, 8, 29, tzinfo=UTC)  # Monday, a minute before school
    assert flow.escalate_undelivered_encompass(**sweep, now=before) == 0
    late = datetime(2026, 11, 30, 8, 31, tzinfo=UTC)
    assert flow.escalate_undelivered_encompass(**sweep, now=late) == 1
    assert flow.escalate_undelivered_encompass(**sweep, now=late) == 0  # once per notice
    (told,) = session.scalars(select(Notification).where(
        Notification.kind == "encompass_undelivered"))  # fmt: skip
    assert told.recipient == "team:front_door" and "Phone the school" in told.body
    # Every e-mail delivered: a later incident's notice sent in time is not escalated.
    submit(session, feed_actor, clock, settings, incident(record_id="p:10"))
    for row in session.scalars(select(Notification).where(Notification.channel == "email")):
        row.status = "sent"
    session.flush()
    assert flow.escalate_undelivered_encompass(**sweep, now=late + timedelta(days=1)) == 0


def test_a_new_version_of_the_incident_does_not_notify_again(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    submit(session, feed_actor, clock, settings, incident(record_id="p:2"))
    corrected = incident(record_id="p:2", summary="Corrected: two children present.")
    assert submit(session, feed_actor, clock, settings, corrected) == []
    assert len(notifications(session)) == 2


def test_a_child_home_educated_goes_to_the_elective_home_education_team(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    left = at_school("2026-10-05", type="elective_home_education", attributes={})
    submit(session, feed_actor, clock, settings, left)
    submit(session, feed_actor, clock, settings, incident(record_id="p:3"))
    assert notifications(session) == [
        ("encompass", "inbox", "team:elective_home_education"),
        ("encompass", "email", "ehe@kestrelford.invalid"),
    ]


def test_a_child_with_no_school_on_record_goes_to_the_team(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, incident(record_id="p:4"))
    assert notifications(session)[0] == ("encompass", "inbox", "team:elective_home_education")


def test_a_change_of_school_moves_the_notification(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    moved = at_school("2026-10-01", urn="990001", type="change_of_school",
                      attributes={"from_urn": "990001", "to_urn": "990077"})  # fmt: skip
    submit(session, feed_actor, clock, settings, moved)
    submit(session, feed_actor, clock, settings, incident(record_id="p:5"))
    assert notifications(session) == [("encompass", "inbox", "org:990077")]  # no DSL address


def open_case(session: Session, person_id: int, stage: str, **more: Any) -> Case:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    fields: dict[str, Any] = {"person_id": person_id, "stage": stage,
                              "referral_on": date(2026, 10, 1), "referral_source": "2A",
                              "team": "Assessment team 1", "allocated_user_id": 13,
                              "allocated_label": "worker.one", "opened_at": now,
                              "updated_at": now, "version": 1}  # fmt: skip
    fields.update(more)
    case = Case(**fields)
    session.add(case)
    session.flush()
    return case


def attendance(record_id: str) -> dict[str, Any]:
    return rec(PUPIL, type="unscheduled_care", source=HOSPITAL, record_id=record_id,
               occurred_at="2026-11-22T03:00:00+00:00", recorded_at=None,
               attributes={"setting": "emergency_department", "reason": "fall"})  # fmt: skip


def person_of_pupil(session: Session, feed_actor: Actor, clock: FrozenClock,
                    settings: Settings) -> int:  # fmt: skip
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    found = flow.child_facts(session, nhs(41))
    assert found is not None
    return found.person_ids[0]


@pytest.mark.parametrize(("stage", "told"), [("child_protection", True), ("looked_after", True),
                                             ("child_in_need", False)])  # fmt: skip
def test_cp_is_tells_the_lead_social_worker_of_a_child_on_a_plan_or_looked_after(
    session: Session,
    feed_actor: Actor,
    clock: FrozenClock,
    settings: Settings,
    stage: str,
    told: bool,
) -> None:
    person = person_of_pupil(session, feed_actor, clock, settings)
    open_case(session, person, stage)
    submit(session, feed_actor, clock, settings, attendance("ed:1"))
    assert notifications(session) == ([("cp_is", "inbox", "user:13")] if told else [])
    if told:
        worker = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=13)
        (item,) = inbox.list_inbox(session=session, actor=worker, now=clock.now())
        assert "an emergency department on 22 November 2026" in item.body
        assert "fall" not in item.body  # the clinical reason stays with health


def test_cp_is_is_also_e_mailed_to_a_lead_worker_whose_account_has_an_address(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    worker = User(username="worker.two", display_name="Worker Two", role="social_worker",
                  password_hash="x", active=True, created_at=clock.now(),
                  email="worker.two@council.example")  # fmt: skip
    session.add(worker)
    session.flush()
    person = person_of_pupil(session, feed_actor, clock, settings)
    open_case(session, person, "child_protection", allocated_user_id=worker.id,
              allocated_label="worker.two")  # fmt: skip
    submit(session, feed_actor, clock, settings, attendance("ed:3"))
    assert notifications(session) == [("cp_is", "inbox", f"user:{worker.id}"),
                                      ("cp_is", "email", "worker.two@council.example")]  # fmt: skip
    (mail,) = session.scalars(select(Notification).where(Notification.channel == "email"))
    assert "emergency department" not in mail.body  # the e-mail only says where to read it


def test_cp_is_goes_to_the_team_when_nobody_is_allocated(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    person = person_of_pupil(session, feed_actor, clock, settings)
    open_case(session, person, "looked_after", allocated_user_id=None, allocated_label=None)
    submit(session, feed_actor, clock, settings, attendance("ed:2"))
    assert notifications(session) == [("cp_is", "inbox", "team:Assessment team 1")]


def test_the_inbox_shows_a_reader_only_their_own(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    person = person_of_pupil(session, feed_actor, clock, settings)
    open_case(session, person, "child_protection")
    submit(session, feed_actor, clock, settings, attendance("ed:3"))
    other = Actor(role=Role.SOCIAL_WORKER, label="worker.two", user_id=99)
    assert inbox.list_inbox(session=session, actor=other, now=clock.now()) == []
    worker = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=13)
    (item,) = inbox.list_inbox(session=session, actor=worker, now=clock.now())
    inbox.mark_read(session=session, actor=worker, notification_id=item.id, now=clock.now())
    (read,) = inbox.list_inbox(session=session, actor=worker, now=clock.now())
    assert read.read_at == clock.now()


def test_a_contacts_outcome_is_e_mailed_to_the_referrer_within_a_working_day(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    from tests.unit.casework.support import AUTHORITY, MANAGER, MASH, Desk

    person = person_of_pupil(session, feed_actor, clock, settings)
    now = clock.now()
    c = Desk(session, clock, person).contact()
    c = contacts.triage(session=session, actor=MASH, contact_id=c.id, urgency="amber",
                        expected_version=c.version, now=now)  # fmt: skip
    c = contacts.decide(session=session, actor=MASH, contact_id=c.id, decision="early_help",
                        rationale="Needs help.", expected_version=c.version, now=now)  # fmt: skip
    view = contacts.sign_off(session=session, actor=MANAGER, authority=AUTHORITY,
                             contact_id=c.id, approve=True, expected_version=c.version,
                             now=now)  # fmt: skip
    flow.send_outcome(session=session, actor=MANAGER, contact_id=view.id,
                      message="We are assessing; a social worker will call.",
                      expected_version=view.version, now=clock.now())  # fmt: skip
    (row,) = session.scalars(select(Notification)).all()
    assert (row.kind, row.channel, row.recipient) == ("contact_outcome", "email",
                                                      "dsl@school.test")  # fmt: skip
    assert "a social worker will call" in row.body and "Testa" not in row.body
    assert row.due_at == datetime(2026, 11, 30, 23, 59, tzinfo=UTC)  # 1 working day on


def test_history_is_not_news(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    """A previous authority's records or a replay of old ones notify nobody."""
    submit(session, feed_actor, clock, settings, at_school("2026-09-10"))
    old = incident(record_id="p:old", occurred_at="2026-11-20T22:30:00+00:00")  # 7 days+
    assert submit(session, feed_actor, clock, settings, old) == []


def test_an_information_request_reaches_the_partner_and_escalates_when_overdue(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    from tests.unit.casework.support import MASH, Desk

    person = person_of_pupil(session, feed_actor, clock, settings)
    c = Desk(session, clock, person).contact()
    c = contacts.triage(session=session, actor=MASH, contact_id=c.id, urgency="red",
                        expected_version=c.version, now=clock.now())  # fmt: skip
    asked = flow.request_information(
        session=session, actor=MASH, contact_id=c.id, agency="education",
        organisation="Kestrelford Primary School", question="Has Testa been in school?",
        now=clock.now(),
    )  # fmt: skip
    assert notifications(session) == [("information_request", "inbox", "org:990001")]
    assert flow.escalate_overdue_requests(session=session, actor=MASH, now=clock.now()) == 0
    late = asked.due_at + timedelta(minutes=1)
    assert flow.escalate_overdue_requests(session=session, actor=MASH, now=late) == 1
    assert flow.escalate_overdue_requests(session=session, actor=MASH, now=late) == 0
    assert notifications(session)[1:] == [
        ("request_overdue", "inbox", "team:front_door"),
        ("information_request", "inbox", "org:990001"),
    ]
    reminder = session.scalars(select(Notification).order_by(Notification.id.desc())).first()
    assert reminder is not None and reminder.subject.startswith("Reminder: overdue")
