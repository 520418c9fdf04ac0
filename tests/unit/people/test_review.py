"""The review queue and merges: decided by a person, audited, and undone exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import Conflict, InvalidTransition, NotPermitted
from joinedup.people import service, store
from joinedup.people.linkage.model import load_model
from joinedup.people.models import LinkConstraint, LinkHistory, MentionLink, ReviewTask
from joinedup.testing import FrozenClock
from tests.unit.people.support import Store, child, people, rec

__all__ = ["people"]  # the fixture

MANAGER = Actor(role=Role.TEAM_MANAGER, label="tm.test", user_id=None)
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.test", user_id=None)
FAR = {"lines": ["9 Far Lane"], "postcode": "ZZ9 9ZZ"}


def unsure_pair(people: Store) -> tuple[dict, dict, ReviewTask]:
    first = rec(child())
    unsure = rec(child(date_of_birth="2016-05-07", address=FAR))
    people.submit(first)
    people.submit(unsure)
    return first, unsure, people.session.scalars(select(ReviewTask)).one()


def links(session: Session) -> dict[int, tuple[int, str]]:
    return {
        link.mention_id: (link.person_id, link.method)
        for link in session.scalars(select(MentionLink))
    }


def active(session: Session, kind: str) -> list[LinkConstraint]:
    return list(
        session.scalars(
            select(LinkConstraint).where(
                LinkConstraint.kind == kind, LinkConstraint.revoked_at.is_(None)
            )
        )
    )


def test_the_queue_lists_open_tasks_and_shows_both_sides_in_words(people: Store) -> None:
    _, _unsure, task = unsure_pair(people)
    page = service.list_review_tasks(session=people.session, actor=MASH)
    assert [t.id for t in page.items] == [task.id] and page.total == 1
    detail = service.get_review_task(
        session=people.session, actor=MASH, task_id=task.id, model=load_model()
    )
    assert detail.mention.date_of_birth == "2016-05-07"
    assert [i.features["dob_y"] for i in detail.candidate] == [2016]
    assert {lv.comparison for lv in detail.levels} >= {"given", "family", "dob", "place"}
    assert all(lv.text for lv in detail.levels) and detail.guard is None


def test_confirm_merges_with_history_and_a_must_link_reopen_undoes_it(
    people: Store, clock: FrozenClock
) -> None:
    first, unsure, task = unsure_pair(people)
    before = links(people.session)
    service.decide_review_task(
        session=people.session, actor=MASH, task_id=task.id, decision="confirm",
        rationale="same school, same mother", now=clock.now(),
    )  # fmt: skip
    assert people.person(unsure["record_id"]) == people.person(first["record_id"])
    link = people.link(unsure["record_id"])
    assert (link.method, link.decided_by) == ("confirmed", "mash.test")
    (must,) = active(people.session, "must_link")
    assert {must.mention_id, must.other_mention_id} == {
        people.mention(unsure["record_id"]),
        people.mention(first["record_id"]),
    }
    moves = people.session.scalars(
        select(LinkHistory)
        .where(LinkHistory.mention_id == link.mention_id)
        .order_by(LinkHistory.id)
    ).all()
    assert [m.method for m in moves] == ["new_person", "confirmed"]
    with pytest.raises(InvalidTransition):
        service.decide_review_task(
            session=people.session, actor=MASH, task_id=task.id, decision="reject",
            rationale="changed my mind", now=clock.now(),
        )  # fmt: skip
    service.reopen_review_task(
        session=people.session, actor=MANAGER, task_id=task.id, reason="wrong", now=clock.now()
    )
    assert links(people.session) == before
    assert task.status == "open" and not active(people.session, "must_link")


def test_reject_records_a_cannot_link_honoured_afterwards(
    people: Store, clock: FrozenClock
) -> None:
    first, unsure, task = unsure_pair(people)
    service.decide_review_task(
        session=people.session, actor=MASH, task_id=task.id, decision="reject",
        rationale="a different child: the school says so", now=clock.now(),
    )  # fmt: skip
    (cannot,) = active(people.session, "cannot_link")
    assert cannot.mention_id == people.mention(unsure["record_id"])
    again = rec(child(date_of_birth="2016-05-07", address=FAR))
    people.submit(again)
    assert people.person(again["record_id"]) == people.person(unsure["record_id"])
    assert people.session.scalars(select(ReviewTask)).all() == [task]
    with pytest.raises(Conflict):
        service.merge_persons(
            session=people.session, actor=MANAGER, from_id=people.person(unsure["record_id"]),
            into_id=people.person(first["record_id"]), reason="", now=clock.now(),
        )  # fmt: skip
    service.reopen_review_task(
        session=people.session, actor=MASH, task_id=task.id, reason="re-check", now=clock.now()
    )
    assert not active(people.session, "cannot_link")


def test_merge_then_unmerge_restores_exactly(people: Store, clock: FrozenClock) -> None:
    a = rec(child(given_names="Ben", family_name="Able", date_of_birth="2014-02-02"))
    b = rec(child(given_names="Bo", family_name="Baker", date_of_birth="2013-03-03", address=FAR))
    b2 = rec(child(given_names="Bo", family_name="Baker", date_of_birth="2013-03-03", address=FAR))
    people.submit(a, b, b2)
    before = {m: (p, method) for m, (p, method) in links(people.session).items()}
    source, target = people.person(b["record_id"]), people.person(a["record_id"])
    merge = service.merge_persons(
        session=people.session, actor=MANAGER, from_id=source, into_id=target,
        reason="known to be one child", now=clock.now(),
    )  # fmt: skip
    assert {p for p, _ in links(people.session).values()} == {target}
    assert sorted(merge.moved_mention_ids) == sorted(
        [people.mention(b["record_id"]), people.mention(b2["record_id"])]
    )
    detail = service.get_person(session=people.session, actor=MASH, person_id=target)
    assert detail.absorbed_person_ids == [source] and len(detail.identities) == 2
    assert len(detail.links) == 3 and detail.merges[0].id == merge.id
    assert (
        service.get_person(session=people.session, actor=MASH, person_id=source).merged_into_id
        == target
    )
    with pytest.raises(Conflict):
        service.merge_persons(
            session=people.session, actor=MANAGER, from_id=source, into_id=target, reason="",
            now=clock.now(),
        )  # fmt: skip
    service.unmerge(
        session=people.session, actor=MANAGER, merge_id=merge.id, reason="two children",
        now=clock.now(),
    )  # fmt: skip
    assert links(people.session) == before
    with pytest.raises(InvalidTransition):
        service.unmerge(
            session=people.session, actor=MANAGER, merge_id=merge.id, reason="", now=clock.now()
        )


def test_only_entitled_roles_review_or_merge_and_every_decision_is_audited(
    people: Store, clock: FrozenClock
) -> None:
    _, _, task = unsure_pair(people)
    partner = Actor(role=Role.PARTNER_PRACTITIONER, label="gp.test")
    with pytest.raises(NotPermitted):
        service.list_review_tasks(session=people.session, actor=partner)
    social_worker = Actor(role=Role.SOCIAL_WORKER, label="sw.test")
    with pytest.raises(NotPermitted):
        service.merge_persons(
            session=people.session, actor=social_worker, from_id=task.person_id,
            into_id=task.candidate_person_id, reason="", now=clock.now(),
        )  # fmt: skip
    service.decide_review_task(
        session=people.session, actor=social_worker, task_id=task.id, decision="reject",
        rationale="different", now=clock.now(),
    )  # fmt: skip
    entry = people.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "people:review")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.resource_ids == [task.id] and entry.reason == "different"


def test_confirm_moves_the_provisional_persons_other_records_and_unmerge_reopens(
    people: Store, clock: FrozenClock
) -> None:
    first, unsure, task = unsure_pair(people)
    again = rec(child(date_of_birth="2016-05-07", address=FAR))
    people.submit(again)
    assert people.person(again["record_id"]) == task.person_id
    service.decide_review_task(
        session=people.session, actor=MASH, task_id=task.id, decision="confirm",
        rationale="one child", now=clock.now(),
    )  # fmt: skip
    target = people.person(first["record_id"])
    assert people.person(again["record_id"]) == target
    assert people.link(again["record_id"]).method == "merge"
    assert task.merge_id is not None
    service.unmerge(
        session=people.session, actor=MANAGER, merge_id=task.merge_id, reason="no",
        now=clock.now(),
    )  # fmt: skip
    assert task.status == "open" and task.merge_id is None
    assert people.person(again["record_id"]) == people.person(unsure["record_id"]) != target


def test_the_store_tells_whether_any_cannot_link_is_in_force(
    people: Store, clock: FrozenClock
) -> None:
    first, _, task = unsure_pair(people)
    persons = {people.person(first["record_id"])}
    assert store.persons_and_cannot_links(people.session, persons)[1] is False
    service.decide_review_task(
        session=people.session, actor=MASH, task_id=task.id, decision="reject",
        rationale="a different child", now=clock.now(),
    )  # fmt: skip
    found, in_force = store.persons_and_cannot_links(people.session, persons)
    assert in_force is True and found == store.persons(people.session, persons)
    service.reopen_review_task(
        session=people.session, actor=MASH, task_id=task.id, reason="re-check", now=clock.now()
    )
    assert store.persons_and_cannot_links(people.session, persons)[1] is False
