"""People services: resolving mentions to persons, the review queue, merges, and persons.

Every function takes the acting `Actor` and passes the access gate; work and its audit entry
share the caller's transaction. Services flush, never commit. Resolution inside intake is one
audit entry per batch (ADR 0004), listing the mentions it linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.config import Settings
from joinedup.core.dates import UK
from joinedup.db import locks
from joinedup.intake.models import Event, Mention
from joinedup.people import households, merges, review, search, store
from joinedup.people.linkage.model import LinkageModel, load_model
from joinedup.people.mentions import Scorer
from joinedup.people.models import (
    Household,
    HouseholdMember,
    LinkHistory,
    MentionLink,
    Person,
    PersonMerge,
    Relationship,
    ReviewTask,
)
from joinedup.people.resolve import Batch, Resolution, Thresholds
from joinedup.people.review import Decision
from joinedup.people.search_terms import SearchQuery, terms_of
from joinedup.people.views import (
    LinkView,
    MembershipView,
    MergeView,
    PersonDetail,
    RelationshipView,
    ReviewTaskDetail,
    ReviewTaskPage,
    SearchResults,
)

__all__ = [
    "Decision",
    "PersonDetail",
    "Resolution",
    "ReviewTaskDetail",
    "ReviewTaskPage",
    "SearchQuery",
    "SearchResults",
    "Thresholds",
    "attach_mentions",
    "decide_review_task",
    "get_person",
    "get_review_task",
    "linkage_model",
    "list_review_tasks",
    "merge_persons",
    "person_for_mention",
    "person_kind",
    "reopen_review_task",
    "resolve_mentions",
    "search_children",
    "unmerge",
]


def linkage_model(settings: Settings) -> LinkageModel:
    """The model the settings name (`link_model_path`), or the packaged default; cached."""
    return load_model(settings.link_model_path)


# -- resolution -------------------------------------------------------------------------------


def resolve_mentions(
    *,
    session: Session,
    actor: Actor,
    mention_ids: Sequence[int],
    now: datetime,
    model: Scorer,
    thresholds: Thresholds,
) -> Resolution:
    """Link each mention to a person and update households, as one unit (see resolve.py).

    Mentions already linked are left as they are, so calling this twice changes nothing.
    """
    authorise(session=session, actor=actor, action=Action.PEOPLE_RESOLVE, resource_type="mention")
    if not mention_ids:
        return Resolution()
    # Concurrent resolutions queue (PostgreSQL), so that two submissions about a child new to
    # both find one person rather than making two. SQLite's writers are serialised already.
    locks.lock(session, "people", ["resolve"])
    result, rows = Batch(session, model, thresholds, actor, now).run(mention_ids)
    persons = dict(result.links)
    unknown = [r.id for r in rows if r.id not in persons]
    persons.update(store.linked(session, unknown))
    households.Households(session).apply(*households.read_events(rows, persons))
    record(
        session=session,
        actor=actor,
        action=Action.PEOPLE_RESOLVE,
        resource_type="mention",
        resource_ids=sorted(result.links),
        detail=result.counts(),
        now=now,
    )
    return result


def attach_mentions(
    *,
    session: Session,
    actor: Actor,
    mention_ids: Sequence[int],
    person_id: int,
    method: str,
    now: datetime,
) -> int:
    """Link mentions to a person the caller already knows (a step recorded on a child's case).

    No model decides these: the record was written about this person, so the link's provenance
    is `method` (e.g. "casework") and the acting account. Returns the person the mentions now
    belong to (the survivor, if the person was merged).
    """
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_RESOLVE,
        resource_type="person",
        resource_ids=[person_id],
        detail={"method": method, "mentions": len(mention_ids)},
        now=now,
    )
    person = merges.survivor_of(session, person_id)
    for mention_id in mention_ids:
        session.add(
            MentionLink(
                mention_id=mention_id,
                person_id=person,
                method=method,
                decided_by=actor.label,
                decided_by_user_id=actor.user_id,
                decided_at=now,
            )
        )
        session.add(
            LinkHistory(
                mention_id=mention_id,
                from_person_id=None,
                to_person_id=person,
                method=method,
                actor=actor.label,
                actor_user_id=actor.user_id,
                at=now,
            )
        )
    session.flush()
    return person


def person_kind(session: Session, person_id: int) -> str | None:
    """child, adult or unborn; None for no such person (no personal data: for validation)."""
    return session.scalar(select(Person.kind).where(Person.id == person_id))


def person_for_mention(*, session: Session, actor: Actor, mention_id: int) -> int | None:
    """The person a mention is now (following merges), or None if it is not linked."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_READ,
        resource_type="mention",
        resource_ids=[mention_id],
    )
    person = session.scalar(
        select(MentionLink.person_id).where(MentionLink.mention_id == mention_id)
    )
    return None if person is None else merges.survivor_of(session, person)


# -- the review queue -------------------------------------------------------------------------


def list_review_tasks(
    *,
    session: Session,
    actor: Actor,
    status: str | None = review.OPEN,
    page: int = 1,
    per_page: int = 25,
) -> ReviewTaskPage:
    """Review tasks oldest first (status None: every status)."""
    found = review.page_of(session, status, max(page, 1), min(max(per_page, 1), 200))
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_REVIEW,
        resource_type="review_task",
        resource_ids=[t.id for t in found.items],
    )
    return found


def get_review_task(
    *, session: Session, actor: Actor, task_id: int, model: Scorer
) -> ReviewTaskDetail:
    """The mention and the candidate side by side, compared afresh so the words are current."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_REVIEW,
        resource_type="review_task",
        resource_ids=[task_id],
    )
    return review.detail(session, review.task_or_raise(session, task_id), model)


def decide_review_task(
    *,
    session: Session,
    actor: Actor,
    task_id: int,
    decision: Decision,
    rationale: str,
    now: datetime,
) -> ReviewTask:
    """Confirm (merge into the candidate, must_link) or reject (cannot_link) an open task."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_REVIEW,
        resource_type="review_task",
        resource_ids=[task_id],
        reason=rationale,
        detail={"decision": decision},
        now=now,
    )
    return review.decide(session, actor, review.task_or_raise(session, task_id), decision,
                         rationale, now)  # fmt: skip


def reopen_review_task(
    *, session: Session, actor: Actor, task_id: int, reason: str, now: datetime
) -> ReviewTask:
    """Undo a decision: a confirmed task's merge is undone, a rejection's constraint revoked."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_REVIEW,
        resource_type="review_task",
        resource_ids=[task_id],
        reason=reason,
        detail={"decision": "reopen"},
        now=now,
    )
    return review.reopen(session, actor, review.task_or_raise(session, task_id), reason, now)


# -- merges -----------------------------------------------------------------------------------


def merge_persons(
    *, session: Session, actor: Actor, from_id: int, into_id: int, reason: str, now: datetime
) -> PersonMerge:
    """Move every mention of one person onto another, with history and a must_link constraint."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_MERGE,
        resource_type="person",
        resource_ids=[from_id, into_id],
        reason=reason,
        now=now,
    )
    return merges.merge(session, actor, from_id, into_id, reason, now)


def unmerge(
    *, session: Session, actor: Actor, merge_id: int, reason: str, now: datetime
) -> PersonMerge:
    """Undo a merge exactly; a review task confirmed by it is open again."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_MERGE,
        resource_type="person_merge",
        resource_ids=[merge_id],
        reason=reason,
        now=now,
    )
    done = merges.unmerge(session, actor, merge_id, reason, now)
    for task in session.scalars(select(ReviewTask).where(ReviewTask.merge_id == merge_id)):
        review.reset(task, reason)
    session.flush()
    return done


# -- persons ----------------------------------------------------------------------------------


def get_person(*, session: Session, actor: Actor, person_id: int) -> PersonDetail:
    """A person's identities over time, links with provenance, merges and households."""
    require(
        session=session,
        actor=actor,
        action=Action.PEOPLE_READ,
        resource_type="person",
        resource_ids=[person_id],
        child=[person_id],
    )
    person = merges.person_or_raise(session, person_id)
    absorbed = review.absorbed(session, person_id)
    everyone = [person_id, *absorbed]
    return PersonDetail(
        id=person.id,
        kind=person.kind,
        created_at=person.created_at,
        merged_into_id=(merges.survivor_of(session, person_id) if person.merged_into_id else None),
        absorbed_person_ids=absorbed,
        identities=review.identities_of(session, person_id),
        links=_links(session, person_id),
        merges=_merges(session, everyone),
        households=_households(session, everyone),
        relationships=_relationships(session, everyone),
    )


def _links(session: Session, person_id: int) -> list[LinkView]:
    query = (
        select(MentionLink, Event.id, Event.type, Event.agency, Event.occurred_at)
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .where(MentionLink.person_id == person_id)
        .order_by(Event.occurred_at, MentionLink.mention_id)
    )
    return [
        LinkView(
            mention_id=link.mention_id,
            event_id=event_id,
            event_type=kind,
            agency=agency,
            occurred_at=at,
            method=link.method,
            match_weight=link.match_weight,
            match_probability=link.match_probability,
            model_version=link.model_version,
            decided_by=link.decided_by,
            decided_at=link.decided_at,
        )
        for link, event_id, kind, agency, at in session.execute(query)
    ]


def _merges(session: Session, persons: list[int]) -> list[MergeView]:
    query = (
        select(PersonMerge)
        .where(PersonMerge.into_person_id.in_(persons) | PersonMerge.from_person_id.in_(persons))
        .order_by(PersonMerge.at, PersonMerge.id)
    )
    return [
        MergeView(
            m.id,
            m.from_person_id,
            m.into_person_id,
            list(m.moved_mention_ids),
            m.reason,
            m.by,
            m.at,
            m.undone_at,
            m.undone_by,
        )
        for m in session.scalars(query)
    ]


def _households(session: Session, persons: list[int]) -> list[MembershipView]:
    query = (
        select(HouseholdMember, Household.postcode)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.person_id.in_(persons))
        .order_by(HouseholdMember.from_date, HouseholdMember.id)
    )
    return [
        MembershipView(m.household_id, postcode, m.from_date, m.to_date, m.source)
        for m, postcode in session.execute(query)
    ]


def _relationships(session: Session, persons: list[int]) -> list[RelationshipView]:
    query = (
        select(Relationship)
        .where(Relationship.person_id.in_(persons) | Relationship.related_person_id.in_(persons))
        .order_by(Relationship.from_date, Relationship.id)
    )
    return [
        RelationshipView(r.person_id, r.related_person_id, r.kind, r.from_date, r.to_date)
        for r in session.scalars(query)
    ]


# -- finding a child --------------------------------------------------------------------------

SEARCH_LIMIT = 20


def search_children(
    *,
    session: Session,
    actor: Actor,
    query: SearchQuery,
    now: datetime | None = None,
    model: LinkageModel | None = None,
    limit: int = SEARCH_LIMIT,
) -> SearchResults:
    """Children (and unborn children) who fit the search, best first, at most `limit`.

    A search that is not valid raises ValidationFailed naming each field. The audit entry
    lists the children shown and which fields were searched on, never what was typed.
    """
    authorise(session=session, actor=actor, action=Action.CHILDREN_SEARCH, resource_type="person")
    moment = now or datetime.now(UTC)
    terms = terms_of(query, moment.astimezone(UK).date())
    found = search.find(session, terms, (model or load_model()).equivalences)
    # A restricted child is left out for everyone it does not name (ADR 0012).
    hidden = hidden_from(session, actor, [c.person_id for c in found.candidates])
    visible = [c for c in found.candidates if c.person_id not in hidden]
    shown = visible[: max(limit, 1)]
    more = found.truncated or len(visible) > len(shown)
    fields = query.filled()
    require(
        session=session,
        actor=actor,
        action=Action.CHILDREN_SEARCH,
        resource_type="person",
        resource_ids=[c.person_id for c in shown],
        detail={"fields": fields, "results": len(shown), "more": more},
        now=now,
    )
    return SearchResults(search.summaries(session, shown), more, max(limit, 1), fields)
