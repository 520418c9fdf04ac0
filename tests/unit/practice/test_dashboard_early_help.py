"""Early help's figures on the leaders' dashboard: started, stepped down, stepped up, closed and
open at each month's end, counted from the episodes' own dates."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.practice import early_help
from joinedup.practice.views import Lead
from joinedup.reports import dashboard_early_help
from tests.unit.casework.support import AUTHORITY, MASH, Desk, desk
from tests.unit.people.support import Store, child, nhs, rec

__all__ = ["desk"]  # the fixture

LEAD = Lead("Hana Testvisitor", "health", "Testshire Health Visiting")


def test_a_month_of_early_help_in_figures(desk: Desk, store_child: int) -> None:
    first = early_help.start_episode(
        session=desk.session, actor=MASH, authority=AUTHORITY, person_id=desk.person_id,
        origin="partner", lead=LEAD, started_on=date(2026, 10, 20), now=desk.clock.now(),
    )  # fmt: skip
    second = early_help.start_episode(
        session=desk.session, actor=MASH, authority=AUTHORITY, person_id=store_child,
        origin="partner", lead=LEAD, started_on=date(2026, 11, 2), now=desk.clock.now(),
    )  # fmt: skip
    early_help.step_up(session=desk.session, actor=MASH, authority=AUTHORITY,
                       episode_id=second.id, reasons="Injury.", contact_route="hv@nhs.test",
                       expected_version=second.version, now=desk.clock.now())  # fmt: skip
    months = [date(2026, 10, 1), date(2026, 11, 1)]
    table = dashboard_early_help.rows(desk.session, months)
    assert table == [
        (date(2026, 10, 1), [1, 0, 0, 0, 1]),
        (date(2026, 11, 1), [1, 0, 1, 0, 1]),  # the second stepped up on 23 November
    ]
    assert dashboard_early_help.headline(table) == [
        ("Open at the end of the period", 1, "count"),
        ("Started in the period", 2, "count"),
        ("Stepped up to social care in the period", 1, "count"),
    ]
    assert first.status == "open"
    assert dashboard_early_help.rows(desk.session, []) == []


@pytest.fixture
def store_child(desk: Desk, feed_actor, settings) -> int:  # type: ignore[no-untyped-def]
    store = Store(desk.session, feed_actor, desk.clock, settings)
    store.submit(rec(child(given_names="Bea", nhs_number=nhs(4400)), record_id="school:2",
                     occurred_at="2026-11-02T10:00:00+00:00"))  # fmt: skip
    return store.person("school:2")
