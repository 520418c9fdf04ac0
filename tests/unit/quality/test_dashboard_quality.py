"""The dashboard's quality section: incidents' overdue clocks and open actions, counted."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from joinedup.quality import actions, incidents
from joinedup.reports.dashboard_quality import quality
from tests.unit.quality.support import LEADER, NOW, TODAY, person


def test_overdue_notifications_reviews_and_actions_are_counted(session: Session) -> None:
    def notify(aware: date) -> incidents.SeriousIncident:
        return incidents.notify(
            session=session,
            actor=LEADER,
            person_id=person(session),
            kind="death",
            incident_on=aware,
            aware_on=aware,
            summary="Died at home.",
            now=NOW,
        )

    late = notify(date(2026, 11, 2))  # notification due 9 November: overdue
    notified = notify(date(2026, 10, 1))  # notified in time, rapid review overdue
    incidents.record_notification(
        session=session,
        actor=LEADER,
        incident_id=notified.id,
        notified_on=date(2026, 10, 2),
        reference="",
        expected_version=notified.version,
        now=NOW,
    )
    notify(TODAY)  # in time for both
    actions.add(
        session=session,
        actor=LEADER,
        incident_id=late.id,
        description="Brief GPs.",
        owner="Designated doctor",
        due_on=TODAY,
        now=NOW,
    )
    found = quality(session, None, TODAY + timedelta(days=1))
    assert found.incidents_open == 3
    # `late`: notification overdue, and its rapid review (15 WD from awareness) too; `notified`:
    # rapid review due 23 October, overdue.
    assert (found.notifications_overdue, found.rapid_reviews_overdue) == (1, 2)
    assert (found.actions_open, found.actions_overdue) == (1, 1)
    assert found.themes.graded == 0
    assert [g for g, _ in found.grades] == [
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
    ]
