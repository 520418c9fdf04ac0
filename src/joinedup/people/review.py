"""The review queue: a mention the model was unsure of, decided by a person, and reversible.

Status changes follow one table. Confirming merges the mention's (provisional) person into the
candidate, with a must_link constraint; rejecting records a cannot_link constraint between the
mention and the candidate's first mention. Reopening undoes either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.core.errors import InvalidTransition, NotFound
from joinedup.intake.models import Event, Mention
from joinedup.people import merges
from joinedup.people.linkage.types import Comparison
from joinedup.people.mentions import Scorer, adults_of, load_event_mentions
from joinedup.people.models import MentionLink, PersonIdentity, ReviewTask
from joinedup.people.views import (
    IdentityView,
    MentionView,
    ReviewTaskDetail,
    ReviewTaskPage,
    ReviewTaskSummary,
)

Decision = Literal["confirm", "reject"]
OPEN, CONFIRMED, REJECTED = "open", "confirmed", "rejected"
TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "confirm"): CONFIRMED,
    (OPEN, "reject"): REJECTED,
    (CONFIRMED, "reopen"): OPEN,
    (REJECTED, "reopen"): OPEN,
}


def task_or_raise(session: Session, task_id: int) -> ReviewTask:
    task = session.get(ReviewTask, task_id)
    if task is None:
        raise NotFound(f"review task {task_id} does not exist")
    return task


def transition(task: ReviewTask, action: str) -> str:
    target = TRANSITIONS.get((task.status, action))
    if target is None:
        raise InvalidTransition(f"a {task.status} review task cannot be {action}ed")
    return target


def summary(task: ReviewTask, agency: str = "", event_type: str = "") -> ReviewTaskSummary:
    return ReviewTaskSummary(
        agency=agency,
        event_type=event_type,
        id=task.id,
        status=task.status,
        reason=task.reason,
        mention_id=task.mention_id,
        person_id=task.person_id,
        candidate_person_id=task.candidate_person_id,
        match_probability=task.match_probability,
        created_at=task.created_at,
        decided_by=task.decided_by,
        decided_at=task.decided_at,
    )


def page_of(session: Session, status: str | None, page: int, per_page: int) -> ReviewTaskPage:
    query = select(ReviewTask)
    counted = select(func.count()).select_from(ReviewTask)
    if status is not None:
        query, counted = (
            query.where(ReviewTask.status == status),
            counted.where(ReviewTask.status == status),
        )
    rows = session.execute(
        query.add_columns(Event.agency, Event.type)
        .join(Mention, Mention.id == ReviewTask.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .order_by(ReviewTask.created_at, ReviewTask.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    total = session.scalar(counted) or 0
    items = [summary(task, agency, kind) for task, agency, kind in rows]
    return ReviewTaskPage(items, total, page, per_page)


def detail(session: Session, task: ReviewTask, model: Scorer) -> ReviewTaskDetail:
    rows = load_event_mentions(session, [task.mention_id])
    row = next(r for r in rows if r.id == task.mention_id)
    adults = adults_of(rows).get(row.event_id, ()) if row.role == "child" else ()
    features = model.features(row.identity(adults))
    candidate = merges.survivor_of(session, task.candidate_person_id)
    identities = identities_of(session, candidate)
    best: tuple[Comparison, IdentityView] | None = None
    for identity in identities:
        comparison = model.compare(features, identity.features)
        if best is None or comparison.match_weight > best[0].match_weight:
            best = (comparison, identity)
    return ReviewTaskDetail(
        task=summary(task),
        rationale=task.rationale,
        mention=MentionView(
            mention_id=row.id,
            event_id=row.event_id,
            event_type=row.event_type,
            agency=row.agency,
            occurred_at=row.occurred_at,
            role=row.role,
            given_names=row.given_names,
            family_name=row.family_name,
            other_names=list(row.other_names),
            date_of_birth=row.date_of_birth,
            sex=row.sex,
            nhs_number=row.nhs_number,
            upn=row.upn,
            address=", ".join(row.address_lines) or None,
            postcode=row.postcode,
            school_urn=row.school_urn,
        ),
        candidate=identities,
        compared_with=best[1] if best else None,
        levels=list(best[0].levels) if best else [],
        match_weight=best[0].match_weight if best else None,
        match_probability=best[0].match_probability if best else None,
        guard=best[0].guard if best else None,
        model_version=model.version,
    )


def identities_of(session: Session, person_id: int) -> list[IdentityView]:
    """A person's identities, with those of every person merged into it."""
    persons = absorbed(session, person_id)
    found = session.scalars(
        select(PersonIdentity)
        .where(PersonIdentity.person_id.in_([person_id, *persons]))
        .order_by(PersonIdentity.first_seen, PersonIdentity.id)
    )
    return [
        IdentityView(i.id, i.person_id, i.features, i.first_seen, i.last_seen, i.mention_count)
        for i in found
    ]


def absorbed(session: Session, person_id: int) -> list[int]:
    """Every person merged (directly or through others) into this one."""
    from joinedup.people.models import Person

    found: list[int] = []
    frontier = [person_id]
    while frontier:
        frontier = list(
            session.scalars(select(Person.id).where(Person.merged_into_id.in_(frontier)))
        )
        found.extend(frontier)
    return found


def decide(
    session: Session,
    actor: Actor,
    task: ReviewTask,
    decision: Decision,
    rationale: str,
    now: datetime,
) -> ReviewTask:
    status = transition(task, decision)
    candidate = merges.survivor_of(session, task.candidate_person_id)
    if decision == "confirm":
        current = session.get(MentionLink, task.mention_id)
        person = merges.survivor_of(session, current.person_id if current else task.person_id)
        if person != candidate:
            merge = merges.merge(
                session, actor, person, candidate, rationale, now, confirmed_mention=task.mention_id
            )
            task.merge_id, task.constraint_id = merge.id, merge.constraint_id
    else:
        constraint = merges.add_constraint(
            session,
            actor,
            merges.CANNOT_LINK,
            task.mention_id,
            merges.representative_mention(session, candidate),
            rationale,
            now,
        )
        task.constraint_id = constraint.id
    task.status, task.rationale = status, rationale
    task.decided_by, task.decided_by_user_id, task.decided_at = actor.label, actor.user_id, now
    session.flush()
    return task


def reopen(
    session: Session, actor: Actor, task: ReviewTask, reason: str, now: datetime
) -> ReviewTask:
    transition(task, "reopen")
    if task.status == CONFIRMED and task.merge_id is not None:
        merges.unmerge(session, actor, task.merge_id, reason, now)
    else:
        merges.revoke_constraint(session, actor, task.constraint_id, now)
    reset(task, reason)
    session.flush()
    return task


def reset(task: ReviewTask, reason: str | None) -> None:
    """Back to open; the earlier decision stays in the audit log and link history."""
    task.status = OPEN
    task.merge_id = task.constraint_id = None
    task.decided_by = task.decided_by_user_id = task.decided_at = None
    task.rationale = reason
