"""Workforce services on a real database: posts, caseloads, suggestions, the cap and history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.flows import allocation
from joinedup.flows.allocation import OverCap
from joinedup.testing import FrozenClock
from joinedup.workforce import service as workforce
from joinedup.workforce.service import Rules
from tests.unit.casework.support import AUTHORITY, MANAGER, WORKER, Desk
from tests.unit.people.support import Store, child, nhs, rec

RULES = Rules(workforce.DEFAULT_RULES.weights, 2.0)  # a cap of 2 children per FTE
LEADER = Actor(role=Role.SENIOR_LEADER, label="head.one", user_id=16)


@pytest.fixture
def family(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> tuple[Desk, Desk, Desk]:
    """Two siblings in one household and an unrelated child, each referred (an open case)."""
    store = Store(session, feed_actor, clock, settings)
    sister = child(ref="c2", given_names="Bea", sex="F", date_of_birth="2018-05-01",
                   nhs_number=nhs(4302))  # fmt: skip
    store.submit(rec(child(nhs_number=nhs(4301)), sister, record_id="school:9"))
    far = {"lines": ["9 Far Lane"], "town": "Testtown", "postcode": "ZZ9 9ZZ"}
    other = child(given_names="Cyril", family_name="Elsewhere", nhs_number=nhs(4303),
                  address=far)  # fmt: skip
    store.submit(rec(other, record_id="school:10"))
    return (Desk(session, clock, store.person("school:9")),
            Desk(session, clock, store.person("school:9", "c2")),
            Desk(session, clock, store.person("school:10")))  # fmt: skip


def staff(session: Session, desk: Desk) -> int:
    now = desk.clock.now()
    team = workforce.create_team(session=session, actor=MANAGER, name="Assessment",
                                 manager_user_id=MANAGER.user_id, manager_label="manager.one",
                                 now=now)  # fmt: skip
    post = {"session": session, "actor": MANAGER, "team_id": team, "role": "social_worker",
            "start_on": date(2025, 1, 1), "now": now}  # fmt: skip
    workforce.add_worker(**post, label="worker.one", user_id=WORKER.user_id, fte=1.0,
                         contract="permanent", annual_cost=48_000)  # fmt: skip
    workforce.add_worker(**post, label="agency.two", user_id=21, fte=0.5, contract="agency",
                         annual_cost=70_000)  # fmt: skip
    workforce.add_worker(**post, label="vacancy.1", fte=1.0, contract="permanent",
                         annual_cost=48_000, vacant=True)  # fmt: skip
    return team


def allocate(desk: Desk, case_id: int, user_id: int, confirm: bool = False) -> None:
    view = desk.case(case_id)
    allocation.allocate(
        session=desk.session, actor=MANAGER, authority=AUTHORITY, rules=RULES,
        request=allocation.Request(case_id, user_id, desk.today(), view.version,
                                   confirm_over_cap=confirm),
        now=desk.clock.now(),
    )  # fmt: skip


def test_a_post_is_validated_and_kept_by_managers(
    session: Session, family: tuple[Desk, ...]
) -> None:
    team = staff(session, family[0])
    with pytest.raises(ValidationFailed) as caught:
        workforce.add_worker(session=session, actor=MANAGER, team_id=team, label="x",
                             role="wizard", fte=1.5, contract="loan", annual_cost=-1,
                             start_on=None, now=family[0].clock.now())  # fmt: skip
    assert {e.field for e in caught.value.errors} == {"role", "fte", "contract", "annual_cost"}
    with pytest.raises(NotPermitted):
        workforce.create_team(session=session, actor=WORKER, name="X", manager_user_id=None,
                              manager_label=None, now=family[0].clock.now())  # fmt: skip


def test_suggestions_put_the_siblings_worker_first_and_the_cap_asks_for_confirmation(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    first, sister, other = family
    staff(session, first)
    cases = [d.referred().id for d in family]
    now, today = first.clock.now(), first.today()
    waiting = workforce.unallocated(session=session, actor=MANAGER, today=today, now=now)
    assert {w.case_id for w in waiting} == set(cases)
    allocate(first, cases[0], 21)  # the agency worker: 0.5 FTE, cap 1
    ranked = workforce.suggest(session=session, actor=MANAGER, rules=RULES, case_id=cases[1],
                               today=today, now=now)  # fmt: skip
    assert [(s.load.post.label, s.continuity, s.over_cap) for s in ranked] == [
        ("agency.two", True, True), ("worker.one", False, False)]  # fmt: skip
    with pytest.raises(OverCap) as caught:
        allocate(sister, cases[1], 21)
    assert caught.value.load is not None and caught.value.load.children == 1
    allocate(sister, cases[1], 21, confirm=True)
    assert sister.case(cases[1]).allocated_label == "agency.two"
    assert sister.case(cases[1]).team == "Assessment"
    audit = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "cases:oversee"))
    assert {"step": "allocation_period", "over_cap": True, "user": 21} in list(audit)
    allocate(other, cases[2], WORKER.user_id or 0)
    found = workforce.caseloads(session=session, actor=LEADER, rules=RULES, today=today, now=now)
    loads = {x.post.label: x for x in found}
    assert (loads["agency.two"].children, loads["agency.two"].per_fte) == (2, 4)
    assert loads["worker.one"].children == 1 and "vacancy.1" not in loads
    assert workforce.unallocated(session=session, actor=MANAGER, today=today, now=now) == []


def test_a_change_of_worker_closes_the_last_period(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    first = family[0]
    staff(session, first)
    case_id = first.referred().id
    allocate(first, case_id, 21)
    first.days(3)
    allocate(first, case_id, WORKER.user_id or 0)
    periods = workforce.history(session=session, actor=MANAGER, case_id=case_id,
                                now=first.clock.now())  # fmt: skip
    assert [(p.label, p.to_on is None) for p in periods] == [("agency.two", False),
                                                             ("worker.one", True)]  # fmt: skip
    assert periods[0].to_on == periods[1].from_on


def test_absent_workers_are_not_suggested_and_others_may_not_read_caseloads(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    first = family[0]
    staff(session, first)
    case_id = first.referred().id
    worker_id = next(w.id for w in workforce.list_workers(session, first.today())
                     if w.user_id == 21)  # fmt: skip
    workforce.record_absence(session=session, actor=MANAGER, worker_id=worker_id,
                             from_on=first.today(), to_on=first.today(), kind="sickness",
                             now=first.clock.now())  # fmt: skip
    ranked = workforce.suggest(session=session, actor=MANAGER, rules=RULES, case_id=case_id,
                               today=first.today(), now=first.clock.now())  # fmt: skip
    assert [s.load.post.label for s in ranked] == ["worker.one"]
    with pytest.raises(NotPermitted):
        workforce.caseloads(session=session, actor=WORKER, rules=RULES, today=first.today(),
                            now=first.clock.now())  # fmt: skip


def test_a_case_allocated_by_name_only_is_not_waiting_and_counts_for_the_named_post(
    session: Session, family: tuple[Desk, Desk, Desk]
) -> None:
    first = family[0]
    team = staff(session, first)
    workforce.add_worker(session=session, actor=MANAGER, team_id=team, label="worker.noaccount",
                         role="social_worker", fte=1.0, contract="agency", annual_cost=67_000,
                         start_on=None, now=first.clock.now())  # fmt: skip
    case = first.referred()
    today, now = first.today(), first.clock.now()
    assert [w.case_id for w in workforce.unallocated(session=session, actor=MANAGER, today=today,
                                                      now=now)] == [case.id]  # fmt: skip
    first.act(case, "allocate", fields={"label": "worker.noaccount", "team": "Assessment"},
              actor=MANAGER)  # fmt: skip
    assert workforce.unallocated(session=session, actor=MANAGER, today=today, now=now) == []
    found = workforce.caseloads(session=session, actor=MANAGER, rules=RULES, today=today, now=now)
    assert {x.post.label: x.children for x in found} == {
        "worker.one": 0, "agency.two": 0, "worker.noaccount": 1}  # fmt: skip
    ranked = workforce.suggest(session=session, actor=MANAGER, rules=RULES, case_id=case.id,
                               today=today, now=now)  # fmt: skip
    assert "worker.noaccount" not in [s.load.post.label for s in ranked]  # nobody to allocate to
