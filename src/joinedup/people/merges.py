"""Merging two persons and undoing it exactly; human decisions kept as hard constraints.

A merge moves every mention linked to one person onto another, points the merged person at
its survivor, and records a must_link constraint and each moved link as it was, so that an
unmerge restores exactly those mentions with their original provenance. A cannot_link
constraint between the two persons' mentions refuses the merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, select
from sqlalchemy.orm import Session, aliased

from joinedup.access.roles import Actor
from joinedup.core.errors import Conflict, InvalidTransition, NotFound
from joinedup.people.batchsql import among
from joinedup.people.models import (
    LinkConstraint,
    LinkHistory,
    MentionLink,
    Person,
    PersonMerge,
)

MUST_LINK = "must_link"
CANNOT_LINK = "cannot_link"


def person_or_raise(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"person {person_id} does not exist")
    return person


def survivor_of(session: Session, person_id: int) -> int:
    """The person a (possibly merged) person now is."""
    seen: set[int] = set()
    while person_id not in seen:
        seen.add(person_id)
        into = session.scalar(select(Person.merged_into_id).where(Person.id == person_id))
        if into is None:
            return person_id
        person_id = into
    return person_id


def family(session: Session, person_ids: Iterable[int]) -> CTE:
    """A recursive CTE of each asked person and everyone merged into it, directly or through
    others: columns `member` (a person) and `asked` (the one of `person_ids` it belongs to).
    Records that other domains keep against a person (a case, a contact) stay on the person
    they were made for; reading them through the family finds them on the survivor after a
    merge and back on their own person after an unmerge, with nothing moved."""
    start = select(Person.id.label("member"), Person.id.label("asked")).where(
        among(session, Person.id, person_ids)
    )
    found = start.cte("merge_family", recursive=True)
    below = aliased(Person)
    # UNION, not UNION ALL: a row met twice ends the recursion, as a walk's seen set would
    return found.union(
        select(below.id, found.c.asked).where(below.merged_into_id == found.c.member)
    )


def survivors(session: Session, person_ids: Iterable[int]) -> dict[int, int]:
    """Each of these persons that was merged, and the person it now is (its survivor); persons
    not merged are left out. For readers that meet persons through other domains' records
    (a case kept against the person it was opened on)."""

    def merged(ids: Iterable[int]) -> dict[int, int]:
        rows = session.execute(
            select(Person.id, Person.merged_into_id).where(
                among(session, Person.id, ids), Person.merged_into_id.is_not(None)
            )
        )
        return {pid: into for pid, into in rows if into is not None}

    found = frontier = merged(person_ids)
    seen = set(found) | set(found.values())
    while frontier:  # a chain: merged into a person that was merged in turn
        up = merged(set(frontier.values()))
        frontier = {pid: up[into] for pid, into in frontier.items() if into in up}
        found = {**found, **frontier}
        frontier = {pid: into for pid, into in frontier.items() if into not in seen}
        seen |= set(frontier.values())
    return found


def representative_mention(session: Session, person_id: int) -> int:
    """The person's first linked mention: the one constraints name for the person."""
    mention = session.scalar(
        select(MentionLink.mention_id)
        .where(MentionLink.person_id == person_id)
        .order_by(MentionLink.mention_id)
        .limit(1)
    )
    if mention is None:
        raise Conflict(f"person {person_id} has no linked records")
    return mention


def add_constraint(
    session: Session,
    actor: Actor,
    kind: str,
    mention_id: int,
    other_mention_id: int,
    reason: str | None,
    now: datetime,
) -> LinkConstraint:
    constraint = LinkConstraint(
        kind=kind,
        mention_id=mention_id,
        other_mention_id=other_mention_id,
        reason=reason,
        created_by=actor.label,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(constraint)
    session.flush()
    return constraint


def revoke_constraint(
    session: Session, actor: Actor, constraint_id: int | None, now: datetime
) -> None:
    if constraint_id is None:
        return
    constraint = session.get(LinkConstraint, constraint_id)
    if constraint is not None and constraint.revoked_at is None:
        constraint.revoked_at, constraint.revoked_by = now, actor.label


def cannot_link_between(session: Session, a: int, b: int) -> bool:
    """Whether an active cannot_link constraint names a mention of each person."""
    left, right = aliased(MentionLink), aliased(MentionLink)
    c = LinkConstraint
    query = (
        select(c.id)
        .join(left, left.mention_id == c.mention_id)
        .join(right, right.mention_id == c.other_mention_id)
        .where(c.kind == CANNOT_LINK, c.revoked_at.is_(None))
        .where(
            ((left.person_id == a) & (right.person_id == b))
            | ((left.person_id == b) & (right.person_id == a))
        )
        .limit(1)
    )
    return session.scalar(query) is not None


def merge(
    session: Session,
    actor: Actor,
    from_id: int,
    into_id: int,
    reason: str | None,
    now: datetime,
    *,
    confirmed_mention: int | None = None,
) -> PersonMerge:
    """Move every mention of `from_id` onto `into_id` (both must be current persons)."""
    source, target = person_or_raise(session, from_id), person_or_raise(session, into_id)
    if from_id == into_id:
        raise Conflict("a person cannot be merged into itself")
    for person in (source, target):
        if person.merged_into_id is not None:
            raise Conflict(f"person {person.id} was merged into person {person.merged_into_id}")
    if cannot_link_between(session, from_id, into_id):
        raise Conflict("a decision on record says these are different people")
    links = session.scalars(
        select(MentionLink).where(MentionLink.person_id == from_id).order_by(MentionLink.mention_id)
    ).all()
    if not links:
        raise Conflict(f"person {from_id} has no linked records")
    anchor = confirmed_mention if confirmed_mention is not None else links[0].mention_id
    constraint = add_constraint(
        session, actor, MUST_LINK, anchor, representative_mention(session, into_id), reason, now
    )
    record = PersonMerge(
        from_person_id=from_id,
        into_person_id=into_id,
        moved_mention_ids=[link.mention_id for link in links],
        previous_links=[_snapshot(link) for link in links],
        reason=reason,
        by=actor.label,
        by_user_id=actor.user_id,
        at=now,
        constraint_id=constraint.id,
    )
    session.add(record)
    for link in links:
        method = "confirmed" if link.mention_id == confirmed_mention else "merge"
        _move(session, actor, link, into_id, method, reason, now)
    source.merged_into_id = into_id
    session.flush()
    return record


def unmerge(
    session: Session, actor: Actor, merge_id: int, reason: str | None, now: datetime
) -> PersonMerge:
    """Undo a merge: its moved mentions go back with the links they had, its constraint revoked."""
    record = session.get(PersonMerge, merge_id)
    if record is None:
        raise NotFound(f"merge {merge_id} does not exist")
    if record.undone_at is not None:
        raise InvalidTransition(f"merge {merge_id} was already undone")
    target = person_or_raise(session, record.into_person_id)
    if target.merged_into_id is not None:
        raise Conflict(
            f"person {target.id} was merged into person {target.merged_into_id} since; "
            "undo that merge first"
        )
    previous = {entry["mention_id"]: entry for entry in record.previous_links}
    links = session.scalars(
        select(MentionLink).where(
            MentionLink.mention_id.in_(record.moved_mention_ids),
            MentionLink.person_id == record.into_person_id,
        )
    ).all()
    for link in links:
        _move(session, actor, link, record.from_person_id, "unmerge", reason, now)
        _restore(link, previous[link.mention_id])
    person_or_raise(session, record.from_person_id).merged_into_id = None
    revoke_constraint(session, actor, record.constraint_id, now)
    record.undone_at, record.undone_by, record.undo_reason = now, actor.label, reason
    session.flush()
    return record


def _move(
    session: Session,
    actor: Actor,
    link: MentionLink,
    to_person: int,
    method: str,
    reason: str | None,
    now: datetime,
) -> None:
    session.add(
        LinkHistory(
            mention_id=link.mention_id,
            from_person_id=link.person_id,
            to_person_id=to_person,
            method=method,
            reason=reason,
            actor=actor.label,
            actor_user_id=actor.user_id,
            at=now,
        )
    )
    link.person_id = to_person
    if method in ("merge", "confirmed"):
        link.method = method
        link.decided_by, link.decided_by_user_id, link.decided_at = (
            actor.label,
            actor.user_id,
            now,
        )


_PROVENANCE = (
    "method", "match_weight", "match_probability", "model_version", "decided_by",
    "decided_by_user_id",
)  # fmt: skip


def _snapshot(link: MentionLink) -> dict[str, Any]:
    return {
        "mention_id": link.mention_id,
        **{name: getattr(link, name) for name in _PROVENANCE},
        "decided_at": link.decided_at.isoformat(),
    }


def _restore(link: MentionLink, entry: dict[str, Any]) -> None:
    for name in _PROVENANCE:
        setattr(link, name, entry[name])
    link.decided_at = datetime.fromisoformat(entry["decided_at"])


def mentions_of(session: Session, person_ids: Sequence[int]) -> list[int]:
    return list(
        session.scalars(
            select(MentionLink.mention_id)
            .where(MentionLink.person_id.in_(person_ids))
            .order_by(MentionLink.mention_id)
        )
    )
