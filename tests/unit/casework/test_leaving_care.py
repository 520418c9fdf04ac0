"""The leaving care service: who it is for (known answers), its clock, and its records through
the services, each bad field refused by name with nothing written, every call audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NoRelationship
from joinedup.casework import clocks, eligibility, lists
from joinedup.casework.eligibility import Care
from joinedup.casework.leaving_care_models import LeavingCare, LeavingCareStep
from joinedup.config import Settings
from joinedup.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.factories.relationships import allocate
from tests.unit.access.test_relationships import kept_refusals
from tests.unit.casework.leaving_care_support import IN_TOUCH, PA_ONE, Leavers, build
from tests.unit.casework.support import DSL, WORKER

BORN = date(2008, 3, 1)  # 14 on 1 March 2022, 16 on 1 March 2024, 18 on 1 March 2026


@pytest.mark.parametrize(
    ("periods", "on", "extended", "expected"),
    [
        # 16, looked after for 13 weeks (91 days) since 14: eligible; 90 days: not yet.
        ([Care(date(2024, 3, 1), None)], date(2024, 5, 31), False, "eligible"),
        ([Care(date(2024, 3, 1), None)], date(2024, 5, 30), False, None),
        # 13 weeks made of two periods since 14, one before 16, the last going on after 16.
        ([Care(date(2022, 3, 1), date(2022, 4, 1)), Care(date(2024, 2, 1), date(2024, 4, 1))],
         date(2024, 6, 1), False, "relevant"),
        # Care before 14 does not count: only the days after the 14th birthday.
        ([Care(date(2021, 1, 1), date(2022, 3, 31)), Care(date(2024, 3, 10), date(2024, 4, 1))],
         date(2024, 6, 1), False, "qualifying"),
        # Short breaks (V3) do not count.
        ([Care(date(2024, 1, 1), date(2024, 8, 1), "V3")], date(2024, 9, 1), False, None),
        # Left at 16 after 13 weeks: relevant; at 18 former relevant; at 21 only on request.
        ([Care(date(2023, 1, 1), date(2024, 6, 1))], date(2025, 1, 1), False, "relevant"),
        ([Care(date(2023, 1, 1), date(2024, 6, 1))], date(2026, 3, 1), False, "former_relevant"),
        ([Care(date(2023, 1, 1), date(2024, 6, 1))], date(2029, 3, 1), False, None),
        ([Care(date(2023, 1, 1), date(2024, 6, 1))], date(2029, 3, 1), True, "former_relevant"),
        ([Care(date(2023, 1, 1), date(2024, 6, 1))], date(2033, 3, 1), True, None),
        # Left care before 16: owed nothing; adopted: owed nothing.
        ([Care(date(2022, 3, 1), date(2024, 2, 1))], date(2024, 6, 1), False, None),
        ([Care(date(2023, 1, 1), date(2024, 6, 1), "C2", "E11")], date(2025, 1, 1), False,
         None),
    ],
)  # fmt: skip
def test_the_categories(
    periods: list[Care], on: date, extended: bool, expected: str | None
) -> None:
    assert eligibility.category(born=BORN, periods=periods, on=on, extended=extended) == expected


def test_a_pathway_plan_is_reviewed_at_most_every_six_months() -> None:
    assert clocks.pathway_review_due(date(2025, 9, 15)) == date(2026, 3, 15)
    assert clocks.pathway_review_due(date(2025, 8, 31)) == date(2026, 2, 28)


@pytest.fixture
def leavers(session: Session, feed_actor: Actor, settings: Settings) -> Leavers:
    return build(session, feed_actor, settings)


def _steps(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LeavingCareStep)) or 0


def test_records_with_adviser_plan_review_clock_and_contacts(leavers: Leavers) -> None:
    a = leavers.records[leavers.leaver]
    assert a.category == "former_relevant" and a.adviser_label == "pa.one"
    [review] = a.due
    assert (review.kind, review.due_on) == ("pathway_review", date(2026, 3, 15))
    assert review.overdue  # the clock is at 10 April 2026
    with pytest.raises(ValidationFailed) as late:
        leavers.act(a, "pathway_review", {"notes": "Reviewed."}, date(2026, 3, 20))
    assert [e.field for e in late.value.errors] == ["late_reason"]
    a = leavers.act(a, "pathway_review", {"notes": "Reviewed."}, date(2026, 3, 20),
                    late_reason="Young person ill.")  # fmt: skip
    assert [s.due_on for s in a.due] == [date(2026, 9, 20)]
    kinds = [s.kind for s in a.done]
    assert kinds == ["pathway_review", "keeping_in_touch", "pathway_plan", "adviser", "open"]
    b = leavers.records[leavers.relevant]
    assert b.category == "former_relevant"  # 18 on 1 March 2026


BAD_CONTACTS = [
    ({"in_touch": "MAYBE"}, "in_touch"),
    ({"in_touch": "YES", "accommodation": "U", "suitable": True}, "activity"),
    ({**IN_TOUCH, "accommodation": "S", "suitable": True}, "suitable"),
    ({**IN_TOUCH, "accommodation": "Q"}, "accommodation"),
    ({"in_touch": "DIED", "activity": "F1"}, "activity"),
    ({**IN_TOUCH, "accommodation": "U", "suitable": None}, "suitable"),
]


def test_a_bad_contact_is_refused_naming_its_field_and_nothing_is_written(
    leavers: Leavers,
) -> None:
    before = _steps(leavers.session)
    record = leavers.records[leavers.leaver]
    for fields, field in BAD_CONTACTS:
        with pytest.raises(ValidationFailed) as refused:
            leavers.act(record, "keeping_in_touch", fields, date(2026, 1, 5))
        assert field in [e.field for e in refused.value.errors], fields
    with pytest.raises(ValidationFailed) as young:  # a foyer is for 18 and over
        leavers.act(leavers.records[leavers.relevant], "keeping_in_touch",
                    {**IN_TOUCH, "accommodation": "T"}, date(2026, 2, 1))  # fmt: skip
    assert [e.field for e in young.value.errors] == ["accommodation"]
    with pytest.raises(ValidationFailed) as ahead:  # the clock stands at 10 April 2026
        leavers.act(record, "keeping_in_touch", IN_TOUCH, date(2026, 4, 11))
    assert [(e.field, e.message) for e in ahead.value.errors] == [("on", "not after today")]
    assert _steps(leavers.session) == before


def test_who_may_open_and_who_is_refused(leavers: Leavers) -> None:
    with pytest.raises(InvalidTransition):  # open already, told to the adviser who holds it
        leavers.open(leavers.leaver, date(2026, 1, 1), actor=PA_ONE)
    with pytest.raises(NoRelationship):  # and to nobody without a relationship
        leavers.open(leavers.leaver, date(2026, 1, 1))
    audited = leavers.session.scalars(select(AuditEntry).where(
        AuditEntry.resource_type == "leaving_care")).all()  # fmt: skip
    assert len(audited) == 7 and all(e.outcome == "permitted" for e in audited)
    assert {e.detail["step"] for e in audited} >= {"open", "allocate_adviser", "keeping_in_touch"}
    before = _steps(leavers.session)
    with pytest.raises(NotPermitted):  # a school's DSL records nothing here
        leavers.act(leavers.records[leavers.leaver], "keeping_in_touch", IN_TOUCH,
                    date(2026, 1, 5), actor=DSL)  # fmt: skip
    assert _steps(leavers.session) == before
    closed = leavers.act(leavers.records[leavers.relevant], "close",
                         {"reason": "no_longer_required"}, date(2026, 3, 30))  # fmt: skip
    assert closed.actions == [] and closed.closed_on == date(2026, 3, 30)
    with pytest.raises(ValidationFailed) as too_young:  # 16 on 1 March 2024: care began later
        leavers.open(leavers.relevant, date(2024, 2, 1))
    assert [e.field for e in too_young.value.errors] == ["on"]


def test_pathway_reviews_due_are_in_the_advisers_deadlines(leavers: Leavers) -> None:
    mine = lists.deadlines(session=leavers.session, actor=WORKER, now=leavers.clock.now(),
                           user_id=31)  # fmt: skip
    assert [(i.kind, i.person_id, i.due_on, i.overdue, i.allocated_label) for i in mine] == [
        ("pathway_review", leavers.leaver, date(2026, 3, 15), True, "pa.one")]  # fmt: skip
    assert lists.deadlines(session=leavers.session, actor=WORKER, now=leavers.clock.now(),
                           user_id=32) == []  # fmt: skip


def test_a_refused_open_leaves_no_record_only_the_refusal(leavers: Leavers) -> None:
    """The relationship is checked before anything is written: a worker with none is refused
    with no leaving-care row left in the session, and the refusal is audited; the allocated
    worker then opens it, with one entry naming the relationship."""
    young = leavers.relevant
    leavers.act(leavers.records[young], "close", {"reason": "no_longer_required"},
                date(2026, 3, 30))  # fmt: skip
    allocate(leavers.session, person_id=young, worker=WORKER)
    stranger = Actor(role=Role.SOCIAL_WORKER, label="worker.other", user_id=77)
    rows = select(func.count()).select_from(LeavingCare).where(LeavingCare.person_id == young)
    before = leavers.session.scalar(rows)
    with pytest.raises(NoRelationship):
        leavers.open(young, date(2026, 4, 1), actor=stranger)
    assert leavers.session.scalar(rows) == before
    kept_refusals(leavers.session)
    [refused] = leavers.session.scalars(select(AuditEntry).where(
        AuditEntry.actor_label == "worker.other")).all()  # fmt: skip
    assert (refused.action, refused.outcome, refused.resource_type) == (
        "cases:write",
        "refused",
        "leaving_care",
    )
    assert refused.detail == {"person": young, "step": "open", "child": young,
                              "relationship": None}  # fmt: skip
    opened = leavers.open(young, date(2026, 4, 1), actor=WORKER)
    assert leavers.session.scalar(rows) == (before or 0) + 1
    [entry] = [e for e in leavers.session.scalars(select(AuditEntry).where(
        AuditEntry.resource_type == "leaving_care", AuditEntry.outcome == "permitted"))
        if e.resource_ids == [opened.id] and e.detail.get("step") == "open"]  # fmt: skip
    assert entry.detail["relationship"] == "allocated"
