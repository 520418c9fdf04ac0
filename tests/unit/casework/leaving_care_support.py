"""Two care leavers worked through the real casework and leaving care services (small, fast:
no demo authority), for the leaving care and returns tests.

- `leaver` (born 10 September 2007): looked after from 5 June 2024, leaves care at 18 (E5) on
  10 September 2025; leaving care support from the next day, a personal adviser, a pathway plan
  and a contact in December 2025.
Each case is allocated to worker.one (user 13) on the day of the referral (3 June 2024); once
a record has its personal adviser (pa.one, user 31; pa.two, user 32), the adviser acts on it
(the case has closed: the adviser holds the young person, ADR 0012).
- `relevant` (born 1 March 2008, a girl): looked after from 5 June 2024, home at 16 (E13) on
  1 December 2024; leaving care support, an adviser, and a contact around the 18th birthday
  (1 March 2026): in touch, independent living, suitable, training full time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework import leaving_care
from joinedup.casework.leaving_care import LeavingCareView
from joinedup.config import Settings
from joinedup.testing import FrozenClock
from tests.unit.casework.support import AUTHORITY, MANAGER, WORKER, Desk
from tests.unit.people.support import Store, child, nhs, rec

START = {"legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1",
         "urn": "SC999991", "placement_postcode": "KF2 3BB", "home_postcode": "KF1 1AA",
         "intended_to_18": True, "category_of_need": "N1"}  # fmt: skip
ASSESSED = {"child_seen": True, "seen_alone": True, "child_views": "Wants to stay safe.",
            "analysis": "Needs care.", "factors": ["16A"], "primary_need": "N1"}  # fmt: skip
WORKER_ALLOCATED = {"label": "worker.one", "team": "Children in care", "user_id": 13,
                    "sw_reason": "FCONTA"}  # fmt: skip
ADVISER = {"label": "pa.one", "team": "Leaving care team", "sw_reason": "TSPROC", "user_id": 31}
PA_ONE = Actor(role=Role.SOCIAL_WORKER, label="pa.one", user_id=31)
PA_TWO = Actor(role=Role.SOCIAL_WORKER, label="pa.two", user_id=32)
_ADVISERS = {a.label: a for a in (PA_ONE, PA_TWO)}
IN_TOUCH = {"in_touch": "YES", "activity": "F5", "accommodation": "U", "suitable": True}


@dataclass
class Leavers:
    session: Session
    clock: FrozenClock
    leaver: int
    relevant: int
    records: dict[int, LeavingCareView]

    def act(self, record: LeavingCareView, action: str, fields: dict[str, Any], on: date,
            actor: Actor | None = None, late_reason: str = "") -> LeavingCareView:  # fmt: skip
        """The action, by `actor` or else the record's adviser (or else worker.one)."""
        actor = actor or _ADVISERS.get(record.adviser_label or "", WORKER)
        return leaving_care.act(session=self.session, actor=actor, authority=AUTHORITY,
                                record_id=record.id, action=action, on=on, fields=fields,
                                expected_version=record.version, late_reason=late_reason,
                                now=self.clock.now())  # fmt: skip

    def open(self, person_id: int, on: date, actor: Actor = WORKER) -> LeavingCareView:
        return leaving_care.open_record(session=self.session, actor=actor, authority=AUTHORITY,
                                        person_id=person_id, on=on, fields={},
                                        now=self.clock.now())  # fmt: skip


def _child(store: Store, n: int, born: str, sex: str) -> int:
    store.submit(rec(child(nhs_number=nhs(n), date_of_birth=born, sex=sex, given_names="Lee"),
                     record_id=f"school:{n}", occurred_at="2024-06-01T10:00:00+00:00"))  # fmt: skip
    return store.person(f"school:{n}")


def build(session: Session, feed_actor: Actor, settings: Settings) -> Leavers:
    clock = FrozenClock(datetime(2024, 6, 3, 9, 0, tzinfo=UTC))
    store = Store(session, feed_actor, clock, settings)
    leaver, relevant = (
        _child(store, 4401, "2007-09-10", "M"),
        _child(store, 4402, "2008-03-01", "F"),
    )
    desks = Desk(session, clock, leaver), Desk(session, clock, relevant)
    for d in desks:
        d.referred()
    clock.advance(datetime(2026, 4, 10, 9, 0, tzinfo=UTC) - clock.now())
    for d, case_id in zip(desks, _cases(session, (leaver, relevant)), strict=True):
        _journey(d, case_id, date(2025, 9, 10) if d.person_id == leaver else date(2024, 12, 1))
    lv = Leavers(session, clock, leaver, relevant, {})
    a = lv.open(leaver, date(2025, 9, 10))
    a = lv.act(a, "allocate_adviser", ADVISER, date(2025, 9, 10), actor=MANAGER)
    a = lv.act(a, "pathway_plan", {"notes": "College and a flat."}, date(2025, 9, 15))
    a = lv.act(a, "keeping_in_touch", {**IN_TOUCH, "activity": "G5"}, date(2025, 12, 1))
    b = lv.open(relevant, date(2024, 12, 2))
    b = lv.act(b, "allocate_adviser", {**ADVISER, "label": "pa.two", "user_id": 32},
               date(2024, 12, 2), actor=MANAGER)  # fmt: skip
    b = lv.act(b, "keeping_in_touch", IN_TOUCH, date(2026, 2, 20))
    lv.records = {leaver: a, relevant: b}
    return lv


def _cases(session: Session, people: tuple[int, int]) -> list[int]:
    from joinedup.casework.service import open_case_of

    found = [open_case_of(session, p) for p in people]
    assert all(c is not None for c in found)
    return [c for c in found if c is not None]


def _journey(desk: Desk, case_id: int, ended: date) -> None:
    case = desk.case(case_id)
    case = desk.act(case, "allocate", "", WORKER_ALLOCATED, actor=MANAGER, on=date(2024, 6, 3))
    case = desk.act(case, "complete_assessment", "child_in_need", ASSESSED, on=date(2024, 6, 4))
    case = desk.act(case, "start_looked_after", "", START, on=date(2024, 6, 5))
    reason = "E5" if ended.year == 2025 else "E13"
    case = desk.act(case, "end_looked_after", "", {"reason_ceased": reason}, on=ended)
    desk.act(case, "close", "", {"closure_reason": "RC7"}, on=ended)
