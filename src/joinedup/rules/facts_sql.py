"""The facts query: what the rules read of a batch of children, in a few statements.

The chronology builds every entry of a child's history for a person to read; rules need far
less. This reads, for all the children of a batch at once, only the records the configured
rules can reach (`engine.Reach`: per event type, how far back from the earliest day they will
be evaluated as of), with the chronology's semantics (ADR 0007): each record at its latest
version (`Event.superseded`), every record linked to the child, to anyone merged into them and
to everyone in their circle (household mode: the people they lived with and their relatives),
each record's subjects as linked persons of that circle, and a record known only to the month
or year at the start of its period (as intake stores it). `tests/unit/rules/test_facts_sql.py`
compares the result with `timeline.from_chronology` on the same store, on both engines.

Statements: one for the records in reach (every linked mention of the batch's persons, one
row each), one for the dates of birth; and, only when an adult in reach has a recorded offence
and a rule reads first sightings, one for the records naming that adult with the child at any
age (so "new to the child" is decided on the whole history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from joinedup.chronology import classify, query
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink
from joinedup.rules.circles import CHILD_KINDS, Scope, read_scopes
from joinedup.rules.engine import ANY_TYPE, Reach
from joinedup.rules.facts import Fact, Timeline, Who
from joinedup.rules.timeline import birth_of


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


ML, M, E, SR = _table(MentionLink), _table(Mention), _table(Event), _table(SourceRecord)


def read_timelines(
    session: Session,
    scopes: Sequence[Scope],
    reach: Reach,
    *,
    since: date | None,
    also: Collection[int] = (),
) -> dict[int, Timeline]:
    """Each child's time line of the records the rules reach when evaluated as of `since` or
    later (`None`: every record at any age); events in `also` (the records just submitted) are
    read whatever their type or age."""
    if not scopes:
        return {}
    persons = sorted({p for s in scopes for p in s.everyone})
    rows = list(session.execute(_facts_query(session, persons, reach, since, also)))
    if since is not None and reach.first_sightings and ANY_TYPE in reach.days:
        rows += _first_sightings(session, scopes, rows, {r.event_id for r in rows})
    births = read_births(session, {s.child: s.own for s in scopes})
    by_person = rows_by_person(rows)
    return {s.child: _timeline(s, by_person, births.get(s.child)) for s in scopes}


def read_births(session: Session, owns: Mapping[int, Collection[int]]) -> dict[int, str]:
    """Each child's most often recorded date of birth, as sent (`YYYY`, `YYYY-MM` or a day);
    of equally frequent ones, the first recorded (`chronology.child.identity`'s choice)."""
    persons = sorted({p for own in owns.values() for p in own})
    query = (
        select(
            ML.c.person_id,
            M.c.date_of_birth,
            func.count(),
            func.min(E.c.occurred_at),
            func.min(M.c.id),
        )
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .join(E, E.c.id == M.c.event_id)
        .where(among(session, ML.c.person_id, persons))
        .where(E.c.superseded == false(), M.c.date_of_birth.is_not(None), M.c.date_of_birth != "")
        .group_by(ML.c.person_id, M.c.date_of_birth)
    )
    tally: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    whose = defaultdict(list)
    for child, own in owns.items():
        for p in own:
            whose[p].append(child)
    for person, dob, n, first_at, first_id in session.execute(query):
        for child in whose[person]:
            seen = tally[child].setdefault(dob, [0, first_at, first_id])
            seen[0] += n
            seen[1:] = min(seen[1:], [first_at, first_id])
    return {
        child: min(found, key=lambda d: (-found[d][0], found[d][1], found[d][2]))
        for child, found in tally.items()
    }


def rows_by_person(rows: Iterable[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        found[row.person_id].append(row)
    return found


def touched(session: Session, event_ids: Collection[int]) -> dict[int, Scope]:
    """The circle of every child the events touch: the children they name, and the children in
    the circle of anyone they name (a record about an adult is on the household chronology of
    every child living with them). Two statements (`circles.read_scopes`): the circles of the
    persons named, then those of the children found there."""
    named = select(ML.c.person_id).join(M, M.c.id == ML.c.mention_id)
    persons = set(session.scalars(named.where(among(session, M.c.event_id, event_ids))))
    found = read_scopes(session, persons)
    children: set[int] = set()
    for scope in found.values():
        if scope.kind in CHILD_KINDS:
            children.add(scope.child)
        children.update(p for p, kind in scope.members.items() if kind in CHILD_KINDS)
    known = {scope.child: scope for scope in found.values()}
    known.update(read_scopes(session, children - known.keys()))
    return {c: known[c] for c in sorted(children) if c in known and known[c].kind in CHILD_KINDS}


def earliest_day(session: Session, event_ids: Collection[int]) -> date | None:
    """The earliest day the events happened (the first day the rules evaluate as of)."""
    first = session.scalar(
        select(func.min(E.c.occurred_at)).where(among(session, E.c.id, event_ids))
    )
    return None if first is None else first.date()


def case_open(session: Session, scope: Scope) -> bool:
    """Whether the statutory records on the child's chronology leave their case open: read
    (only when a prompt is about to open, to route it) through the chronology's own query."""
    adults = tuple(p for p, kind in scope.members.items() if kind == "adult")
    household = tuple(scope.members)
    circle = query.Scope(own=tuple(sorted(scope.own)), adults=adults, household=household)
    reader = query.Reader(sensitive=True, restricted=True, seen_up_to=None)
    statutory = Filters(types=frozenset(classify.STATUTORY))
    found = query.outline(session, circle, reader, statutory, {})
    entries = query.read_entries(session, circle, reader, found.page, {}, {})
    return chronology.case_open(entries)


# -- statements ----------------------------------------------------------------------------


def _columns() -> Select[Any]:
    found: Any = (
        select(
            ML.c.person_id,
            M.c.id.label("mention_id"),
            M.c.event_id,
            M.c.role,
            M.c.relationship,
            M.c.victim,
            M.c.perpetrator,
            E.c.occurred_at,
            E.c.date_precision,
            E.c.agency,
            E.c.type,
            E.c.attributes,
            SR.c.record_id,
        )
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .join(E, E.c.id == M.c.event_id)
        .join(SR, SR.c.id == E.c.source_record_id)
        .where(E.c.superseded == false())
    )
    return found  # type: ignore[no-any-return]


def _facts_query(
    session: Session,
    persons: Sequence[int],
    reach: Reach,
    since: date | None,
    also: Collection[int],
) -> Select[Any]:
    query = _columns().where(among(session, ML.c.person_id, persons))
    if since is not None:
        query = query.where(in_reach(session, reach, since, also))
    return query


def in_reach(
    session: Session, reach: Reach, since: date, also: Collection[int] = ()
) -> ColumnElement[bool]:
    """An event the rules can read as of `since` or later: per type, as far back as reached."""
    ever = sorted(t for t, back in reach.days.items() if back is None and t != ANY_TYPE)
    if reach.days.get(ANY_TYPE, 0) is None:
        return true()
    any_days = reach.days.get(ANY_TYPE)
    by_days: dict[int, list[str]] = defaultdict(list)
    for kind, back in reach.days.items():
        if kind != ANY_TYPE and back is not None and (any_days is None or back > any_days):
            by_days[back].append(kind)
    terms: list[ColumnElement[bool]] = []
    if any_days is not None:
        terms.append(E.c.occurred_at >= _start(since, any_days))
    if ever:
        terms.append(E.c.type.in_(ever))
    for back, kinds in sorted(by_days.items()):
        terms.append(and_(E.c.type.in_(sorted(kinds)), E.c.occurred_at >= _start(since, back)))
    if also:
        terms.append(among(session, E.c.id, also))
    return or_(*terms) if terms else false()


def _start(since: date, days: int) -> datetime:
    return datetime.combine(since - timedelta(days=days), time(), UTC)


def _first_sightings(
    session: Session, scopes: Sequence[Scope], rows: Sequence[Any], have: set[int]
) -> list[Any]:
    """The records, at any age, that name an adult with a recorded offence together with a
    child of the batch: the first of them is when that adult was first recorded with the child
    (`NewAdultWithViolence`), which the window alone cannot tell."""
    offenders = {r.person_id for r in rows if r.type == "adult_offence" and r.role == "adult"}
    if not offenders:
        return []
    own = sorted({p for s in scopes for p in s.own})
    adult_ml, adult_m = ML.alias("adult_link"), M.alias("adult_mention")
    together = (
        select(M.c.event_id)
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .join(adult_m, adult_m.c.event_id == M.c.event_id)
        .join(adult_ml, adult_ml.c.mention_id == adult_m.c.id)
        .where(among(session, ML.c.person_id, own))
        .where(among(session, adult_ml.c.person_id, offenders), adult_m.c.role == "adult")
    )
    everyone = sorted({p for s in scopes for p in s.everyone})
    query = (
        _columns().where(among(session, ML.c.person_id, everyone)).where(M.c.event_id.in_(together))
    )
    return [r for r in session.execute(query) if r.event_id not in have]


# -- facts ---------------------------------------------------------------------------------


def _timeline(scope: Scope, by_person: Mapping[int, list[Any]], birth: str | None) -> Timeline:
    events: dict[int, list[Any]] = defaultdict(list)
    for person in scope.everyone:
        for row in by_person.get(person, ()):
            events[row.event_id].append(row)
    ordered = sorted(events.values(), key=lambda g: (g[0].occurred_at, g[0].event_id))
    facts = [_fact(scope, sorted(group, key=lambda r: r.mention_id)) for group in ordered]
    adults = frozenset(s.person_id for f in facts for s in f.subjects if s.role == "adult")
    born, precision = birth_of(birth)
    return Timeline(scope.child, tuple(facts), born, precision, adults)


def _fact(scope: Scope, group: Sequence[Any]) -> Fact:
    first = group[0]
    attributes = first.attributes or {}
    subjects = tuple(
        Who(
            r.person_id,
            r.role,
            None if r.person_id in scope.own else r.relationship,
            bool(r.perpetrator),
            bool(r.victim),
        )
        for r in group
    )
    return Fact(
        event_id=first.event_id,
        record_id=first.record_id,
        occurred=first.occurred_at.date(),
        precision=first.date_precision,
        agency=first.agency,
        type=first.type,
        attributes=dict(attributes),
        about_child=any(r.person_id in scope.own for r in group),
        subjects=subjects,
        seen=classify.seen(first.type, first.agency, attributes),
    )
