"""Decisions not to share: recorded with ground and reason, audited with codes, append-only,
read by information governance."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotFound, NotPermitted, ValidationFailed
from joinedup.people.models import Person
from joinedup.sharing import withholding
from joinedup.sharing.models import AppendOnly, NonDisclosure
from joinedup.testing import FrozenClock

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
IG = Actor(role=Role.INFORMATION_GOVERNANCE, label="ig.one", user_id=109)
REASON = "The father is under investigation; telling the school now would alert him."


def decide(session: Session, clock: FrozenClock, **changes: Any) -> int:
    fields: dict[str, Any] = {
        "actor": WORKER, "action": Action.CHRONOLOGY_EXPORT, "person_ids": [7],
        "what": "chronology_export", "requester": "Sample Academy, DSL",
        "ground": "more_detrimental", "reason": REASON,
    }  # fmt: skip
    fields.update(changes)
    for person_id in fields["person_ids"]:  # the children the decision is about exist
        if session.get(Person, person_id) is None:
            session.add(Person(id=person_id, kind="child", created_at=clock.now()))
    session.flush()
    return withholding.record_decision_not_to_share(session=session, now=clock.now(), **fields)


def test_a_decision_is_recorded_and_audited_with_codes_only(
    session: Session, clock: FrozenClock
) -> None:
    made = decide(session, clock)
    row = session.get(NonDisclosure, made)
    assert row is not None and (row.ground, row.reason, row.by_label) == (
        "more_detrimental", REASON, "sw.one")  # fmt: skip
    (entry,) = session.scalars(select(AuditEntry)).all()
    assert entry.detail == {"non_disclosure": made, "what": "chronology_export",
                            "ground": "more_detrimental"}  # fmt: skip
    assert "investigation" not in str(entry.detail)


def test_bad_input_names_each_field(session: Session, clock: FrozenClock) -> None:
    with pytest.raises(ValidationFailed) as failed:
        decide(session, clock, requester=" ", ground="because", reason="")
    assert [e.field for e in failed.value.errors] == ["requester", "ground", "reason"]


def test_a_role_that_may_not_act_records_nothing(session: Session, clock: FrozenClock) -> None:
    partner = Actor(role=Role.PARTNER_PRACTITIONER, label="dsl.one", user_id=5)
    with pytest.raises(NotPermitted):
        decide(session, clock, actor=partner)
    assert session.scalars(select(NonDisclosure)).all() == []


def test_decisions_are_append_only(session: Session, clock: FrozenClock) -> None:
    row = session.get(NonDisclosure, decide(session, clock))
    assert row is not None
    row.reason = "changed"
    with pytest.raises(AppendOnly):
        session.flush()


def test_information_governance_reads_them_and_others_may_not(
    session: Session, clock: FrozenClock
) -> None:
    decide(session, clock)
    (view,) = withholding.list_decisions_not_to_share(session=session, actor=IG, limit=10,
                                                       now=clock.now())  # fmt: skip
    assert view.ground_label.startswith("Disclosure would be more detrimental to the child")
    with pytest.raises(NotPermitted):
        withholding.list_decisions_not_to_share(session=session, actor=WORKER, limit=10,
                                                now=clock.now())  # fmt: skip


def test_a_decision_about_a_child_who_does_not_exist_is_refused(
    session: Session, clock: FrozenClock
) -> None:
    decide(session, clock)
    with pytest.raises(NotFound):
        withholding.record_decision_not_to_share(
            session=session, now=clock.now(), actor=WORKER, action=Action.SHARING_WITHHOLD,
            person_ids=[7, 999_999], what="case_records", requester="Sample Academy, DSL",
            ground="more_detrimental", reason=REASON,
        )  # fmt: skip
    assert len(session.scalars(select(NonDisclosure)).all()) == 1


def test_the_register_reads_the_decisions_about_one_child(
    session: Session, clock: FrozenClock
) -> None:
    decide(session, clock)
    decide(session, clock, person_ids=[8], requester="Sample Surgery")
    decide(session, clock, person_ids=[7, 8], requester="Sample Police")
    about_7 = withholding.decisions_not_to_share(session=session, actor=IG, limit=10, person_id=7,
                                                 now=clock.now())  # fmt: skip
    assert (about_7.total, sorted(d.requester for d in about_7.items)) == (
        2, ["Sample Academy, DSL", "Sample Police"])  # fmt: skip
    first = withholding.decisions_not_to_share(session=session, actor=IG, limit=1, now=clock.now())
    assert first.total == 3 and len(first.items) == 1
