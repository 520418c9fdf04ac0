"""Chronology services: a child's chronology, the child page, and curating significant events.

Every function takes the acting `Actor`, checks the policy and writes one audit entry naming
every person whose records it shows, in the caller's transaction. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Table, case, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.chronology import child, query
from joinedup.chronology.models import ChronologyLook, ChronologyMark
from joinedup.chronology.views import (
    ChildRecord,
    Chronology,
    Entry,
    Filters,
    Relative,
    Visibility,
)
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.intake.models import Event, Mention
from joinedup.people.circle import Circle, circle_of, with_names
from joinedup.people.models import MentionLink

__all__ = [
    "ChildRecord",
    "Chronology",
    "Entry",
    "Filters",
    "Timeline",
    "Visibility",
    "case_open",
    "get_child",
    "get_chronology",
    "get_timelines",
    "mark_significant",
    "unmark_significant",
]

# Looks closer together than this are one visit: filtering does not clear what is new.
VISIT = timedelta(minutes=30)
PER_PAGE = 100  # entries on a page of the chronology
NOTE_LIMIT = 2000
LOOKS: Table = ChronologyLook.__table__  # type: ignore[assignment]


def get_chronology(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    filters: Filters,
    now: datetime,
    page: int = 1,
    per_page: int | None = PER_PAGE,
) -> Chronology:
    """One page of the child's chronology, filtered, oldest first (`per_page=None`: every
    matching entry); remembers the look for "new since you last looked".

    A page beyond the last reads as the last. The counts (total, matching, new) and the
    agencies and types present are the whole chronology's, counted by the database in the
    statement that chooses the page's events.
    """
    circle = _visible(
        session, actor, circle_of(session=session, actor=actor, person_id=person_id, named=False)
    )
    household = [m.person_id for m in circle.members] if filters.household else []
    _audit(session, actor, Action.CHRONOLOGY_READ, circle, household, now, filters)
    looked = _look(session, actor, circle.person_id, now)
    scope, reader = _scope(circle, household), _reader(actor, looked)
    marks = query.read_marks(session, circle.persons)
    per_page = None if per_page is None else max(1, per_page)
    first = 0 if per_page is None else (max(1, page) - 1) * per_page
    counts = query.outline(session, scope, reader, filters, marks, first=first, per_page=per_page)
    circle = with_names(circle, counts.names)  # the outline read the scope's mentions' names
    pages = 1 if per_page is None else max(1, -(-counts.matching // per_page))
    page = min(max(1, page), pages)  # the outline's page is this one
    entries = query.read_entries(session, scope, reader, counts.page, marks, circle.names)
    return Chronology(
        person_id=circle.person_id,
        name=circle.names.get(circle.person_id, ""),
        entries=entries,
        total=counts.total,
        filters=filters,
        agencies=counts.agencies,
        types=counts.types,
        last_looked_at=looked,
        new_count=counts.new_count,
        restricted_withheld=counts.restricted_withheld,
        persons=[*circle.persons, *household],
        page=page,
        per_page=per_page,
        matching=counts.matching,
    )


def get_child(*, session: Session, actor: Actor, person_id: int, now: datetime) -> ChildRecord:
    """The child page: identity, household and relationships, status, involvement, visibility."""
    circle = _visible(session, actor, circle_of(session=session, actor=actor, person_id=person_id))
    _audit(session, actor, Action.CHRONOLOGY_READ, circle, [], now, None, view="child")
    entries = _entries(session, actor, circle, [], None)
    facts = child.identity(session, circle.persons)
    return ChildRecord(
        person_id=circle.person_id,
        kind=circle.kind,
        name=circle.names.get(circle.person_id, ""),
        names=facts["names"],
        other_names=facts["other_names"],
        dates_of_birth=facts["dobs"],
        sexes=facts["sexes"],
        nhs_numbers=facts["nhs"],
        upns=facts["upn"],
        addresses=child.addresses(session, circle.persons),
        relatives=[
            Relative(
                m.person_id,
                circle.names.get(m.person_id, ""),
                m.kind,
                m.relationships,
                m.lives_with,
                m.from_date,
                m.to_date,
            )
            for m in circle.members
        ],
        status=child.status(entries),
        involved=child.involved(entries, now),
        visibility=child.visibility(entries, now),
        merged_person_ids=list(circle.persons[1:]),
    )


def mark_significant(
    *, session: Session, actor: Actor, person_id: int, event_id: int, note: str, now: datetime
) -> None:
    """Mark an event on the child's chronology as significant; the record itself is untouched."""
    _curate(session, actor, person_id, event_id, "mark", note, now)


def unmark_significant(
    *, session: Session, actor: Actor, person_id: int, event_id: int, note: str, now: datetime
) -> None:
    """Withdraw a mark; the mark and its withdrawal both stay in the history."""
    _curate(session, actor, person_id, event_id, "unmark", note, now)


@dataclass(frozen=True, slots=True)
class Timeline:
    """A child's household chronology and recorded date of birth, for the rules."""

    person_id: int
    entries: list[Entry]
    birth: str | None  # the most often recorded date of birth, as sent (YYYY, YYYY-MM, ...)


def get_timelines(
    *, session: Session, actor: Actor, person_ids: Sequence[int], now: datetime
) -> list[Timeline]:
    """Each child's chronology in household mode, for evaluating the rules; one audit entry.

    Rules run inside intake as whoever submitted the records (`prompts:evaluate`), and read
    every record, sensitive and sealed ones too: no human sees them here, and a prompt shows
    its evidence only to readers entitled to it.
    """
    authorise(session=session, actor=actor, action=Action.PROMPTS_EVALUATE, resource_type="person")
    reader = Actor.system("rules")
    circles = {}
    for pid in person_ids:
        circle = circle_of(session=session, actor=reader, person_id=pid)
        if circle.kind in {"child", "unborn"}:
            circles[circle.person_id] = circle
    everyone = sorted({p for c in circles.values() for p in c.everyone})
    record(
        session=session,
        actor=actor,
        action=Action.PROMPTS_EVALUATE,
        resource_type="person",
        resource_ids=everyone,
        detail={"view": "rules", "children": sorted(circles)},
        now=now,
    )
    found = []
    for circle in circles.values():
        household = [m.person_id for m in circle.members]
        entries = _entries(session, reader, circle, household, None)
        dobs = child.identity(session, circle.persons)["dobs"]
        found.append(Timeline(circle.person_id, entries, dobs[0].value if dobs else None))
    return found


def case_open(entries: Sequence[Entry]) -> bool:
    """Whether the statutory records on a chronology leave the child's case open."""
    return child.status(entries).open_case_since is not None


# -- internals ---------------------------------------------------------------------------------


def _curate(
    session: Session,
    actor: Actor,
    person_id: int,
    event_id: int,
    action: str,
    note: str,
    now: datetime,
) -> None:
    if len(note) > NOTE_LIMIT:
        message = f"Enter a note of at most {NOTE_LIMIT} characters"
        raise ValidationFailed(message, [FieldError("note", message)])
    # The role first: a refusal must not tell a child who exists from one who does not.
    authorise(session=session, actor=actor, action=Action.CHRONOLOGY_MARK, resource_type="person")
    circle = circle_of(session=session, actor=actor, person_id=person_id)
    require(
        session=session,
        actor=actor,
        action=Action.CHRONOLOGY_MARK,
        resource_type="person",
        resource_ids=[circle.person_id],
        detail={"event_id": event_id, "action": action},
        now=now,
        child=circle.persons,
    )
    if not _on_chronology(session, circle, event_id):
        raise NotFound(f"event {event_id} is not on this child's chronology")
    marked = event_id in query.read_marks(session, circle.persons)
    if marked == (action == "mark"):
        raise InvalidTransition("already marked" if marked else "not marked")
    session.execute(
        insert(ChronologyMark),
        [{"person_id": circle.person_id, "event_id": event_id, "action": action,
          "note": note.strip() or None, "by": actor.label, "by_user_id": actor.user_id,
          "at": now}],
    )  # fmt: skip
    session.flush()


def _visible(session: Session, actor: Actor, circle: Circle) -> Circle:
    """The circle without the restricted people the actor may not see (ADR 0012): a restricted
    sibling or parent is left out of another child's household, relatives and chronology."""
    hidden = hidden_from(session, actor, [m.person_id for m in circle.members])
    if not hidden:
        return circle
    return replace(circle, members=tuple(m for m in circle.members if m.person_id not in hidden))


def _on_chronology(session: Session, circle: Circle, event_id: int) -> bool:
    linked = (
        select(MentionLink.mention_id)
        .join(Mention, Mention.id == MentionLink.mention_id)
        .where(Mention.event_id == event_id, MentionLink.person_id.in_(circle.everyone))
    )
    return bool(session.scalar(select(exists(linked)))) and session.get(Event, event_id) is not None


def _entries(
    session: Session,
    actor: Actor,
    circle: Circle,
    household: list[int],
    seen_up_to: datetime | None,
) -> list[Entry]:
    """Every entry of the circle's chronology (the child page and the rules read them all)."""
    scope, reader = _scope(circle, household), _reader(actor, seen_up_to)
    return query.entries_for(session, scope, circle.names, reader)


def _scope(circle: Circle, household: list[int]) -> query.Scope:
    adults = tuple(m.person_id for m in circle.members if m.kind == "adult")
    return query.Scope(own=tuple(circle.persons), adults=adults, household=tuple(household))


def _reader(actor: Actor, seen_up_to: datetime | None) -> query.Reader:
    return query.Reader(
        sensitive=permits(actor.role, Action.RECORDS_READ_SENSITIVE),
        restricted=permits(actor.role, Action.RECORDS_READ_RESTRICTED),
        seen_up_to=seen_up_to,
    )


def _look(session: Session, actor: Actor, person_id: int, now: datetime) -> datetime | None:
    """Record this look; return what the reader had seen up to before this visit.

    One statement: the first look is inserted (nothing was seen); a later one moves
    `seen_up_to` on to the last look if that was more than a visit ago."""
    if actor.user_id is None:
        return None
    t = LOOKS
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert(t) if dialect == "postgresql" else sqlite.insert(t)
    statement = (
        upsert.values(user_id=actor.user_id, person_id=person_id, seen_up_to=None,
                      last_looked_at=now)
        .on_conflict_do_update(
            index_elements=[t.c.user_id, t.c.person_id],
            set_={
                "seen_up_to": case((t.c.last_looked_at < now - VISIT, t.c.last_looked_at),
                                   else_=t.c.seen_up_to),
                "last_looked_at": case((t.c.last_looked_at < now, now),
                                       else_=t.c.last_looked_at),
            },
        )
        .returning(t.c.seen_up_to)
    )  # fmt: skip
    seen: datetime | None = session.execute(statement).scalar_one()
    return seen


def _audit(
    session: Session,
    actor: Actor,
    action: Action,
    circle: Circle,
    household: list[int],
    now: datetime,
    filters: Filters | None,
    view: str = "chronology",
) -> None:
    detail: dict[str, object] = {"view": view, "child": circle.person_id}
    if filters is not None:
        detail.update(household=filters.household, filtered=filters.narrowed)
    require(
        session=session,
        actor=actor,
        action=action,
        resource_type="person",
        resource_ids=[*circle.persons, *household],
        detail=detail,
        now=now,
        child=circle.persons,
    )
