"""The dashboard's figures on hand-made posts and allocation periods."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from joinedup.workforce import service as workforce
from joinedup.workforce.dashboard import band_labels, changes_band, dashboard
from tests.unit.casework.support import ASSESSED, MANAGER, Desk
from tests.unit.workforce.test_workforce_service import RULES, allocate, family, staff

__all__ = ["family"]


def test_bands_and_changes() -> None:
    assert band_labels([0, 6, 12]) == ["0 to 5", "6 to 11", "12 or more"]
    assert [changes_band(n) for n in (1, 2, 3, 4, 9)] == [0, 1, 2, 3, 3]


def test_rates_spend_cost_per_case_and_changes_of_worker(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    first = family[0]
    team = staff(session, first)  # 1.0 permanent £48k, 0.5 agency £70k, 1.0 vacant
    workforce.add_worker(session=session, actor=MANAGER, team_id=team, label="gone.one",
                         role="social_worker", fte=1.0, contract="permanent", annual_cost=48_000,
                         start_on=date(2024, 1, 1), end_on=first.today() - timedelta(days=30),
                         now=first.clock.now())  # fmt: skip
    cases = [d.referred().id for d in family]
    allocate(first, cases[0], 21, confirm=True)
    first.days(2)
    allocate(first, cases[0], 13)
    d = dashboard(session=session, actor=MANAGER, rules=RULES, today=first.today(),
                  now=first.clock.now())  # fmt: skip
    assert (d.posts_fte, d.vacant_fte, d.agency_fte) == (2.5, 1.0, 0.5)
    assert round(d.vacancy_rate, 2) == 0.4 and round(d.agency_rate, 2) == 0.33
    assert [b.value for b in d.spend] == [48_000, 70_000]
    assert round(d.cost_per_open_case) == 118_000 // 3
    assert (d.open_cases, d.unallocated, d.leavers) == (3, 2, 1)
    assert [b.value for b in d.changes] == [0, 1, 0, 0]
    assert [b.value for b in d.distribution] == [2, 0, 0, 0, 0, 0]


def test_a_child_whose_case_closed_before_the_year_is_not_counted_as_held(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    """Closing a case leaves its last allocation period open in workforce's table; the case's
    closure ends it, so the child drops out of the changes of worker a year later."""
    third = family[2]
    staff(session, third)
    case = third.referred()
    allocate(third, case.id, 13)
    done = third.act(third.case(case.id), "complete_assessment", "no_further_action", ASSESSED)
    third.act(done, "close", fields={"closure_reason": "RC8"})

    def held() -> int:
        d = dashboard(session=session, actor=MANAGER, rules=RULES, today=third.today(),
                      now=third.clock.now())  # fmt: skip
        return sum(b.value for b in d.changes)

    assert held() == 1  # closed today: held within the last 12 months
    third.days(366)
    assert held() == 0
