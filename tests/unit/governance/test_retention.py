"""Retention classes, the review list, legal holds, decisions and disposal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.core.errors import Conflict, NotPermitted, ValidationFailed
from joinedup.governance import disposal, stewardship
from joinedup.governance.retention import (
    ADOPTION,
    CHILD_PROTECTION,
    DEFAULT,
    LOOKED_AFTER,
    Rules,
    _History,
    _retention,
    retention_dates,
)
from joinedup.intake.models import Event, Mention, RecordVersion
from joinedup.people.models import PersonKey
from joinedup.testing import FrozenClock
from tests.unit.casework.support import WORKER
from tests.unit.governance.support import IG, Family, family

RULES = Rules()
BORN = date(2010, 2, 28)


@pytest.mark.parametrize(
    ("history", "kind", "until"),
    [
        (_History(born=BORN), DEFAULT, date(2035, 2, 28)),
        (_History(born=BORN, looked_after=True), LOOKED_AFTER, date(2085, 2, 28)),
        (_History(born=BORN, looked_after=True, adoption_on=date(2013, 6, 1)), ADOPTION,
         date(2113, 6, 1)),
        (_History(born=BORN, plan_closed_on=[date(2020, 1, 31)]), CHILD_PROTECTION,
         date(2055, 1, 31)),
        # A plan that closed young: to the 25th birthday is longer than 35 years after? No:
        # the longest date wins whichever class gives it.
        (_History(born=BORN, plan_closed_on=[date(1999, 1, 1)]), DEFAULT, date(2035, 2, 28)),
        # No date of birth: the first day the child was known stands in for it.
        (_History(first_known=date(2012, 2, 29)), DEFAULT, date(2037, 2, 28)),
    ],
)  # fmt: skip
def test_each_class_and_the_longest_wins(history: _History, kind: str, until: date) -> None:
    found = _retention(7, history, RULES)
    assert (found.retention_class, found.until) == (kind, until)


def test_the_numbers_are_settings() -> None:
    rules = Rules.from_settings(Settings(retention_default_age=30, retention_adoption_years=90))
    assert _retention(1, _History(born=BORN), rules).until == date(2040, 2, 28)
    assert rules.adoption_years == 90
    with pytest.raises(ValueError, match="retention_default_age"):
        Settings(retention_default_age=5)


@pytest.fixture
def known(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Family:
    return family(session, feed_actor, clock, settings)


def test_the_review_list_holds_a_child_once_their_date_has_passed(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    (mine,) = [r for r in retention_dates(session, RULES) if r.person_id == known.child]
    assert (mine.retention_class, mine.until, mine.open_case) == (DEFAULT, date(2041, 4, 7), False)
    listed = stewardship.review_list(session=session, actor=IG, rules=RULES,
                                     as_of=date(2041, 4, 7), now=clock.now())  # fmt: skip
    assert known.child in [i.retention.person_id for i in listed]
    before = stewardship.review_list(session=session, actor=IG, rules=RULES,
                                     as_of=date(2041, 4, 6), now=clock.now())  # fmt: skip
    assert known.child not in [i.retention.person_id for i in before]
    with pytest.raises(NotPermitted):
        stewardship.review_list(session=session, actor=WORKER, rules=RULES,
                                as_of=date(2041, 4, 7), now=clock.now())  # fmt: skip


def test_nothing_is_disposed_of_before_its_date_or_under_a_hold(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    now = clock.now()
    with pytest.raises(Conflict, match="has not passed"):
        stewardship.decide(session=session, actor=IG, rules=RULES, person_id=known.child,
                           decision="dispose", reason="Due.", now=now)  # fmt: skip
    young = Rules(default_age=5)  # due in 2021: past
    hold = stewardship.place_hold(session=session, actor=IG, person_id=known.child,
                                  reason="Public inquiry.", now=now)  # fmt: skip
    with pytest.raises(Conflict, match="legal hold"):
        stewardship.decide(session=session, actor=IG, rules=young, person_id=known.child,
                           decision="dispose", reason="Due.", now=now)  # fmt: skip
    stewardship.lift_hold(session=session, actor=IG, hold_id=hold.id, reason="Inquiry closed.",
                          now=now)  # fmt: skip
    stewardship.decide(session=session, actor=IG, rules=young, person_id=known.child,
                       decision="dispose", reason="Due, nothing open.", now=now)  # fmt: skip
    again = stewardship.place_hold(session=session, actor=IG, person_id=known.child,
                                   reason="A claim is threatened.", now=now)  # fmt: skip
    held = disposal.dispose_decided(session=session, actor=IG, rules=young, now=now)
    assert held.disposed == [] and held.skipped == {known.child: "a legal hold is in force"}
    assert "Alexander" in _names_of(session, known.child)
    stewardship.lift_hold(session=session, actor=IG, hold_id=again.id, reason="Withdrawn.",
                          now=now)  # fmt: skip
    done = disposal.dispose_decided(session=session, actor=IG, rules=young, now=now)
    assert done.disposed == [known.child]
    assert _names_of(session, known.child) == {None}
    assert session.scalars(select(PersonKey).where(PersonKey.person_id == known.child)).all() == []
    incident = session.get(RecordVersion, known.incident_event)
    school = session.get(Event, known.school_event)
    assert incident is not None and school is not None
    assert "Alexander" not in incident.payload and "2016-04-07" not in incident.payload
    # The school's record is Bella's too: kept, with the disposed child's name struck out.
    assert school.summary == "Bella and [disposed] arrived hungry."
    assert disposal.dispose_decided(session=session, actor=IG, rules=young, now=now).disposed == []
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("governance:%"))).all()  # fmt: skip
    assert actions.count("governance:dispose") == 1
    assert actions.count("governance:retention") == 5  # 2 holds placed, 2 lifted, 1 decision


def test_decisions_are_validated_field_by_field(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        stewardship.decide(session=session, actor=IG, rules=RULES, person_id=known.child,
                           decision="shred", reason=" ", now=clock.now())  # fmt: skip
    assert {e.field for e in caught.value.errors} == {"decision", "reason"}
    with pytest.raises(ValidationFailed) as caught:
        stewardship.decide(session=session, actor=IG, rules=RULES, person_id=known.child,
                           decision="extend", reason="Litigation likely.",
                           review_on=clock.now().date(), now=clock.now())  # fmt: skip
    assert [e.field for e in caught.value.errors] == ["review_on"]
    kept = stewardship.decide(session=session, actor=IG, rules=RULES, person_id=known.child,
                              decision="extend", reason="Litigation likely.",
                              review_on=clock.now().date() + timedelta(days=365),
                              now=clock.now())  # fmt: skip
    assert kept.due_on == date(2041, 4, 7) and kept.retention_class == DEFAULT
    with pytest.raises(NotPermitted):
        stewardship.place_hold(session=session, actor=WORKER, person_id=known.child,
                               reason="Mine.", now=clock.now())  # fmt: skip


def _names_of(session: Session, person_id: int) -> set[str | None]:
    from joinedup.people.models import MentionLink

    rows = session.scalars(
        select(Mention.given_names)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .where(MentionLink.person_id == person_id)
    )
    return set(rows)
