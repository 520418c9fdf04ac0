"""Serious incidents: notification, rapid review, local review, learning actions and replay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from joinedup.people import service as people_service
from joinedup.quality import actions, incidents
from joinedup.quality.models import SeriousIncident
from joinedup.rules.config import default_rules
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, adult, child, nhs, people, rec
from tests.unit.quality.support import LEADER, NOW, TODAY, WORKER, person

__all__ = ["people"]  # the fixture
POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Testshire Primary"}


def notify(session: Session, person_id: int, **changes: Any) -> SeriousIncident:
    values: dict[str, Any] = {
        "kind": "serious_harm",
        "incident_on": date(2026, 11, 16),
        "aware_on": date(2026, 11, 17),
        "summary": "Admitted with a head injury.",
    }
    values.update(changes)
    return incidents.notify(session=session, actor=LEADER, person_id=person_id, now=NOW, **values)


def clocks(session: Session, row: SeriousIncident, now: Any = NOW) -> list[Any]:
    view = incidents.get(
        session=session, actor=LEADER, incident_id=row.id, now=now, publication_months=6
    )
    return [(c.title, c.due_on, c.done_on, c.late) for c in view.clocks]


def test_a_serious_incident_starts_the_notification_clock(session: Session) -> None:
    row = notify(session, person(session))
    assert (row.review_from, row.review_to) == (date(2024, 11, 16), date(2026, 11, 16))
    # Aware on Tuesday 17 November: notify by Tuesday 24th; rapid review by 15 WD after that.
    assert clocks(session, row) == [
        ("Notify the national panel", date(2026, 11, 24), None, False),
        ("Complete the rapid review", date(2026, 12, 8), None, False),
    ]
    later = NOW + timedelta(days=2)  # Wednesday 25th: the notification is overdue
    assert clocks(session, row, later)[0][3] is True


def test_the_whole_life_of_an_incident(session: Session) -> None:
    row = notify(session, person(session))
    incidents.record_notification(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        notified_on=date(2026, 11, 20),
        reference="CSPRP-0001",
        expected_version=row.version,
        now=NOW,
    )
    with pytest.raises(InvalidTransition, match="Complete the rapid review"):
        incidents.decide_review(
            session=session,
            actor=LEADER,
            incident_id=row.id,
            decision="commission",
            expected_version=row.version,
            now=NOW,
        )
    incidents.save_rapid_review(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        review_from=date(2026, 1, 1),
        review_to=date(2026, 11, 16),
        analysis="Health and school each held part of the picture.",
        complete=True,
        expected_version=row.version,
        now=NOW,
    )
    incidents.decide_review(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        decision="commission",
        expected_version=row.version,
        now=NOW,
    )
    found = clocks(session, row)
    assert found[0] == ("Notify the national panel", date(2026, 11, 24), date(2026, 11, 20), False)
    # 15 WD from Friday 20 November is Friday 11 December.
    assert found[1] == ("Complete the rapid review", date(2026, 12, 11), TODAY, False)
    assert found[2] == ("Publish the local practice review", date(2027, 5, 23), None, False)
    incidents.record_publication(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        published_on=TODAY,
        expected_version=row.version,
        now=NOW,
    )
    assert clocks(session, row)[2][2:] == (TODAY, False)


def test_late_steps_stay_late_once_done(session: Session) -> None:
    row = notify(
        session, person(session), incident_on=date(2026, 10, 1), aware_on=date(2026, 10, 1)
    )
    incidents.record_notification(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        notified_on=date(2026, 10, 20),
        reference="",
        expected_version=row.version,
        now=NOW,
    )
    assert clocks(session, row)[0] == (
        "Notify the national panel",
        date(2026, 10, 8),
        date(2026, 10, 20),
        True,
    )
    # The rapid review was due 15 WD after 20 October (10 November) and is not done.
    assert clocks(session, row)[1] == ("Complete the rapid review", date(2026, 11, 10), None, True)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "minor"}, ["kind"]),
        ({"aware_on": date(2026, 11, 15)}, ["aware_on"]),  # before the incident
        (
            {"incident_on": TODAY + timedelta(days=1), "aware_on": TODAY + timedelta(days=1)},
            ["incident_on", "aware_on"],
        ),
        ({"summary": "  "}, ["summary"]),
        ({"incident_on": None}, ["incident_on"]),
    ],
)
def test_an_incident_is_validated(
    session: Session, changes: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        notify(session, person(session), **changes)
    assert [e.field for e in caught.value.errors] == fields


def test_an_incident_is_about_a_child(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        notify(session, person(session, "adult"))
    assert [e.field for e in caught.value.errors] == ["person_id"]


def test_the_notification_cannot_precede_awareness_nor_be_recorded_twice(
    session: Session,
) -> None:
    row = notify(session, person(session))
    with pytest.raises(ValidationFailed):
        incidents.record_notification(
            session=session,
            actor=LEADER,
            incident_id=row.id,
            notified_on=date(2026, 11, 16),
            reference="",
            expected_version=row.version,
            now=NOW,
        )
    incidents.record_notification(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        notified_on=TODAY,
        reference="",
        expected_version=row.version,
        now=NOW,
    )
    with pytest.raises(InvalidTransition, match="already recorded"):
        incidents.record_notification(
            session=session,
            actor=LEADER,
            incident_id=row.id,
            notified_on=TODAY,
            reference="",
            expected_version=row.version,
            now=NOW,
        )


def test_the_rapid_review_completes_only_after_notification(session: Session) -> None:
    row = notify(session, person(session))
    with pytest.raises(ValidationFailed) as caught:
        incidents.save_rapid_review(
            session=session,
            actor=LEADER,
            incident_id=row.id,
            review_from=date(2026, 1, 1),
            review_to=date(2025, 1, 1),
            analysis="",
            complete=True,
            expected_version=row.version,
            now=NOW,
        )
    assert [e.field for e in caught.value.errors] == ["review_to", "analysis", "complete"]


def test_a_social_worker_may_not_manage_incidents(session: Session) -> None:
    with pytest.raises(NotPermitted):
        incidents.notify(
            session=session,
            actor=WORKER,
            person_id=person(session),
            kind="death",
            incident_on=TODAY,
            aware_on=TODAY,
            summary="x",
            now=NOW,
        )


def test_learning_actions_are_tracked_to_completion(session: Session) -> None:
    row = notify(session, person(session))
    action = actions.add(
        session=session,
        actor=LEADER,
        incident_id=row.id,
        description="Health visitors to ask who lives in the home.",
        owner="Designated nurse",
        due_on=TODAY + timedelta(days=60),
        now=NOW,
    )
    listed = actions.list_for(session=session, actor=LEADER, incident_id=row.id, now=NOW)
    assert [v.action.id for v in listed] == [action.id]
    actions.complete(
        session=session,
        actor=LEADER,
        action_id=action.id,
        note="Briefing delivered to every team.",
        expected_version=action.version,
        now=NOW,
    )
    assert action.status == "done"


def da(day: str, subject: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return rec(
        subject,
        adult(),
        type="domestic_abuse_incident",
        source=POLICE,
        **changes,
        attributes={"children_present": True},
        occurred_at=f"{day}T22:00:00+00:00",
        date_precision="minute",
    )


def test_rapid_review_and_replay_from_the_childs_records(session: Session, people: Store) -> None:
    subject = child(nhs_number=nhs(7100))
    people.submit(
        da("2026-03-02", subject, record_id="t:si-first"),
        da("2026-06-10", subject),
        rec(
            subject,
            source=SCHOOL,
            type="concern",
            attributes={"category": "neglect"},
            occurred_at="2026-09-01T09:00:00+00:00",
            date_precision="minute",
        ),
    )
    child_id = people.person("t:si-first")
    row = notify(session, child_id, incident_on=date(2026, 11, 16), aware_on=date(2026, 11, 17))
    system = Actor.system("test")
    review = incidents.rapid_review(session=session, actor=system, incident_id=row.id, now=NOW)
    involvement = {i.agency: (i.records, i.first, i.last) for i in review.involvement}
    assert involvement == {
        "police": (2, date(2026, 3, 2), date(2026, 6, 10)),
        "education": (1, date(2026, 9, 1), date(2026, 9, 1)),
    }
    _, found = incidents.replay(
        session=session, actor=LEADER, incident_id=row.id, rules=default_rules().rules, now=NOW
    )
    repeat = [p for p in found if p.rule_id == "domestic-abuse-repeat"]
    # the school's concern, another agency's, joins the police's two incidents
    assert repeat and repeat[0].as_of == date(2026, 9, 1)
    assert repeat[0].before_incident and repeat[0].days_before == 76


def test_the_rapid_review_counts_contacts_about_a_person_since_merged_into_the_child(
    session: Session, people: Store
) -> None:
    """The school's contact was raised on a second person of the same child (an NHS number
    mistyped into another valid one) that identity review later merged into the child: the
    rapid review counts it among the front door's contacts (ADR 0019)."""
    subject = child(nhs_number=nhs(7100))
    people.submit(da("2026-03-02", subject, record_id="t:si-known"))
    people.submit(rec(child(nhs_number=nhs(7200), given_names="Alex", date_of_birth="2016-07-04"),
                      record_id="t:si-typo"))  # fmt: skip
    known, typo = people.person("t:si-known"), people.person("t:si-typo")
    assert known != typo
    school = Desk(session, people.clock, typo)  # the school's contact, in the review period
    school.contact(received_at=datetime(2026, 9, 14, 10, 0, tzinfo=UTC))
    people_service.merge_persons(session=session, actor=Actor.system("review"), from_id=typo,
                                 into_id=known,
                                 reason="The same boy.", now=people.clock.now())  # fmt: skip
    row = notify(session, known, incident_on=date(2026, 11, 16), aware_on=date(2026, 11, 17))
    review = incidents.rapid_review(session=session, actor=Actor.system("test"),
                                    incident_id=row.id, now=NOW)  # fmt: skip
    raised = {i.agency: i.contacts for i in review.involvement}
    assert raised.get("education") == 1
