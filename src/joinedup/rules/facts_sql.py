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
from functools import cache
from typing import Any, NamedTuple

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from joinedup.chronology import classify, query
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people.models import MentionLink
from joinedup.rules.circles import CHILD_KINDS, Scope, read_named_scopes
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
    dialect = _dialect(session)
    persons = {p for s in scopes for p in s.everyone}
    values: dict[str, Any] = {"persons": _ids(dialect, persons), "also": _ids(dialect, also)}
    plan = _plan(reach) if since is not None else None
    if plan is not None and since is not None:
        values.update({f"start_{back}": _start(since, back) for back in _windows(plan)})
    owns = {s.child: s.own for s in scopes}
    if dialect == "postgresql":  # one round trip: the links, their events, the dates of birth
        values["own"] = _ids(dialect, (p for own in owns.values() for p in own))
        rows, events, born = _read_together(session, plan, values)
    else:  # in-process: three plain statements are quicker than one compound
        rows = list(session.execute(_facts_statement(dialect, plan), values).all())
        events, born = [], None
    if since is not None and reach.sightings is not None:
        rows += _first_sightings(session, scopes, rows, {r.event_id for r in rows})
    unread = {r.event_id for r in rows} - {e[0] for e in events}
    if unread:
        wanted = {"events": _ids(dialect, unread)}
        events += session.execute(_events_statement(dialect), wanted).all()
    births = read_births(session, owns) if born is None else _tally(owns, born)
    store = _Store(rows, events)
    return {s.child: store.timeline(s, births.get(s.child)) for s in scopes}


def read_births(session: Session, owns: Mapping[int, Collection[int]]) -> dict[int, str]:
    """Each child's most often recorded date of birth, as sent (`YYYY`, `YYYY-MM` or a day);
    of equally frequent ones, the first recorded (`chronology.child.identity`'s choice)."""
    dialect = _dialect(session)
    persons = {p for own in owns.values() for p in own}
    rows = session.execute(_births_statement(dialect), {"persons": _ids(dialect, persons)})
    return _tally(owns, rows)


def _tally(owns: Mapping[int, Collection[int]], rows: Iterable[Any]) -> dict[int, str]:
    """`read_births`'s choice from the rows of its statement (person, date of birth, how many
    records, the first record's time and mention)."""
    tally: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    whose = defaultdict(list)
    for child, own in owns.items():
        for p in own:
            whose[p].append(child)
    for person, dob, n, first_at, first_id in rows:
        for child in whose[person]:
            seen = tally[child].setdefault(dob, [0, first_at, first_id])
            seen[0] += n
            seen[1:] = min(seen[1:], [first_at, first_id])
    return {
        child: min(found, key=lambda d: (-found[d][0], found[d][1], found[d][2]))
        for child, found in tally.items()
    }


def touched(session: Session, event_ids: Collection[int]) -> dict[int, Scope]:
    """The circle of every child the events touch (`touched_since`)."""
    return touched_since(session, event_ids)[0]


def touched_since(
    session: Session, event_ids: Collection[int]
) -> tuple[dict[int, Scope], date | None]:
    """The circle of every child the events touch: the children they name, and the children in
    the circle of anyone they name (a record about an adult is on the household chronology of
    every child living with them); and the earliest day the events happened (the first day the
    rules are evaluated as of). The circles of the persons named, with the events' earliest day
    and the circles of the children found there who are not named,
    in one statement (`circles.read_named_scopes`)."""
    named, found, since = read_named_scopes(session, event_ids)
    children = {scope.child for scope in named.values() if scope.kind in CHILD_KINDS}
    children.update(found)
    known = {scope.child: scope for scope in (*named.values(), *found.values())}
    chosen = {c: known[c] for c in sorted(children) if known[c].kind in CHILD_KINDS}
    return chosen, since


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
    """A linked mention of a current event: who, in what part, and the event's type."""
    found: Any = (
        select(
            ML.c.person_id,
            M.c.id.label("mention_id"),
            M.c.event_id,
            M.c.role,
            M.c.relationship,
            M.c.victim,
            M.c.perpetrator,
            E.c.type,
        )
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .join(E, E.c.id == M.c.event_id)
        .where(E.c.superseded == false())
    )
    return found  # type: ignore[no-any-return]


@cache
def _events_statement(dialect: str) -> Select[Any]:
    """The events `:events` themselves, once each (their typed columns read once an event, not
    once a linked mention)."""
    found: Any = (
        select(E.c.id, E.c.occurred_at, SR.c.record_id, E.c.date_precision, E.c.agency, E.c.type,
               E.c.attributes)
        .join(SR, SR.c.id == E.c.source_record_id)
        .where(_in(dialect, E.c.id, "events"))
    )  # fmt: skip
    return found  # type: ignore[no-any-return]


def _facts_statement(dialect: str, plan: _Plan | None) -> Select[Any]:
    """Every linked mention of the persons (`:persons`) on a current event that the plan
    reaches (`None`: every one), or on one of the events `:also`."""
    return _facts_statements(dialect, plan)


@cache
def _facts_statements(dialect: str, plan: _Plan | None) -> Select[Any]:
    query = _columns().where(_in(dialect, ML.c.person_id, "persons"))
    if plan is None:
        return query
    ever, any_days, typed, sightings = plan
    terms: list[ColumnElement[bool]] = [_in(dialect, E.c.id, "also")]
    if any_days is not None:
        terms.append(E.c.occurred_at >= bindparam(f"start_{any_days}"))
    if ever:
        terms.append(E.c.type.in_(ever))
    for back, kinds in typed:
        terms.append(and_(E.c.type.in_(kinds), E.c.occurred_at >= bindparam(f"start_{back}")))
    if sightings is not None:
        adult = M.alias("adult")
        named = exists().where(adult.c.event_id == E.c.id, adult.c.role == "adult")
        terms.append(and_(E.c.occurred_at >= bindparam(f"start_{sightings}"), named))
    return query.where(or_(*terms))


# (types read at any age, days back for every type or None, ((days back, types), ...),
#  days back for the records naming an adult or None)
_Plan = tuple[tuple[str, ...], int | None, tuple[tuple[int, tuple[str, ...]], ...], int | None]


def _plan(reach: Reach) -> _Plan | None:
    """The reach as the facts statement's shape (None: every record at any age)."""
    if ANY_TYPE in reach.days and reach.days[ANY_TYPE] is None:
        return None
    ever = tuple(sorted(t for t, back in reach.days.items() if back is None))
    any_days = reach.days.get(ANY_TYPE)
    by_days: dict[int, list[str]] = defaultdict(list)
    for kind, back in reach.days.items():
        if kind != ANY_TYPE and back is not None and (any_days is None or back > any_days):
            by_days[back].append(kind)
    typed = tuple((back, tuple(sorted(kinds))) for back, kinds in sorted(by_days.items()))
    return ever, any_days, typed, reach.sightings


def _windows(plan: _Plan) -> list[int]:
    _, any_days, typed, sightings = plan
    found = [back for back, _ in typed]
    return found + [d for d in (any_days, sightings) if d is not None]


@cache
def _births_statement(dialect: str, persons: str = "persons") -> Select[Any]:
    found: Any = (
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
        .where(_in(dialect, ML.c.person_id, persons))
        .where(E.c.superseded == false(), M.c.date_of_birth.is_not(None), M.c.date_of_birth != "")
        .group_by(ML.c.person_id, M.c.date_of_birth)
    )
    return found  # type: ignore[no-any-return]


def _read_together(
    session: Session, plan: _Plan | None, values: dict[str, Any]
) -> tuple[list[Any], list[Any], list[Any]]:
    """The facts statement's links, their events and the dates of birth of `:own`, read in one
    statement (`_together`) and told apart by its first column."""
    links: list[Any] = []
    events: list[Any] = []
    births: list[Any] = []
    for row in session.execute(_together(plan), values):
        part, event, occurred_at, record_id, precision, agency, kind, attributes = row[:8]
        person, mention, role, relationship, victim, perpetrator, dob, n = row[8:]
        if part == 0:
            links.append(_Link(person, mention, event, role, relationship, victim, perpetrator,
                               kind))  # fmt: skip
        elif part == 1:
            events.append((event, occurred_at, record_id, precision, agency, kind, attributes))
        else:
            births.append((person, dob, n, occurred_at, mention))
    return links, events, births


@cache
def _together(plan: _Plan | None) -> Any:
    """PostgreSQL: the facts statement (a CTE, read once), the events it names and the dates of
    birth, as one `UNION ALL` of rows of the events' columns then the links' (the rest NULL).
    The events come first, so the result's column types (an instant in UTC, a JSON document)
    are theirs."""
    links = _facts_statements("postgresql", plan).cte("links")
    born = _births_statement("postgresql", "own").subquery("born")
    cols = [E.c.id, E.c.occurred_at, SR.c.record_id, E.c.date_precision, E.c.agency, E.c.type,
            E.c.attributes]  # fmt: skip
    tails = [ML.c.person_id, M.c.id, M.c.role, M.c.relationship, M.c.victim, M.c.perpetrator,
             M.c.date_of_birth, born.c[2]]  # fmt: skip

    def none(columns: Sequence[Any]) -> list[Any]:
        return [cast(null(), c.type) for c in columns]

    events = select(literal(1), *cols, *none(tails)).join(SR, SR.c.id == E.c.source_record_id)
    events = events.where(E.c.id.in_(select(links.c.event_id)))
    facts = select(literal(0), links.c.event_id, *none(cols[1:5]), links.c.type, *none(cols[6:]),
                   links.c.person_id, links.c.mention_id, links.c.role, links.c.relationship,
                   links.c.victim, links.c.perpetrator, *none(tails[6:]))  # fmt: skip
    births = select(literal(2), *none(cols[:1]), born.c[3], *none(cols[2:]), born.c[0],
                    born.c[4], *none(tails[2:6]), born.c[1], born.c[2])  # fmt: skip
    return union_all(events, facts, births)


class _Link(NamedTuple):
    """A row of the facts statement."""

    person_id: int
    mention_id: int
    event_id: int
    role: str
    relationship: str | None
    victim: bool | None
    perpetrator: bool | None
    type: str


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _in(dialect: str, column: Any, name: str) -> ColumnElement[bool]:
    """`column` among the ids of the named parameter (`_ids`): a PostgreSQL array or a JSON
    array read by SQLite's `json_each`, as `people.batchsql.among`, but named, so that the
    statement is built once and only the values change."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(BigInteger())))  # type: ignore[no-any-return]
    listed: Any = select(literal_column("value")).select_from(func.json_each(bindparam(name)))
    return column.in_(listed)  # type: ignore[no-any-return]


def _ids(dialect: str, values: Iterable[int]) -> Any:
    wanted = sorted(set(values))
    return wanted if dialect == "postgresql" else orjson.dumps(wanted).decode()


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
    dialect = _dialect(session)
    values = {
        "own": _ids(dialect, (p for s in scopes for p in s.own)),
        "offenders": _ids(dialect, offenders),
        "persons": _ids(dialect, (p for s in scopes for p in s.everyone)),
    }
    return [r for r in session.execute(_together_statement(dialect), values)
            if r.event_id not in have]  # fmt: skip


@cache
def _together_statement(dialect: str) -> Select[Any]:
    adult_ml, adult_m = ML.alias("adult_link"), M.alias("adult_mention")
    together = (
        select(M.c.event_id)
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .join(adult_m, adult_m.c.event_id == M.c.event_id)
        .join(adult_ml, adult_ml.c.mention_id == adult_m.c.id)
        .where(_in(dialect, ML.c.person_id, "own"))
        .where(_in(dialect, adult_ml.c.person_id, "offenders"), adult_m.c.role == "adult")
    )
    found: Any = (
        _columns().where(_in(dialect, ML.c.person_id, "persons")).where(M.c.event_id.in_(together))
    )
    return found  # type: ignore[no-any-return]


# -- facts ---------------------------------------------------------------------------------


class _Store:
    """The rows read, once per event and once per linked person, for building each child's
    facts: the event's own fields are the same on every child's time line; who its subjects
    are (the child, or a relative) differs."""

    def __init__(self, rows: Sequence[Any], events: Sequence[Any]) -> None:
        self.events: dict[int, tuple[Any, ...]] = {}
        for event, occurred_at, record_id, precision, agency, kind, attributes in events:
            attributes = attributes or {}
            seen = classify.seen(kind, agency, attributes)
            day = occurred_at.date()
            self.events[event] = (occurred_at, record_id, day, precision, agency, kind,
                                  attributes, seen)  # fmt: skip
        self.links: dict[int, list[tuple[int, int, Who, Who]]] = {}
        who: dict[tuple[Any, ...], Who] = {}
        for person, mention, event, role, relationship, victim, perpetrator, _ in rows:
            key = (person, role, relationship, bool(perpetrator), bool(victim))
            other = who.get(key) or who.setdefault(key, Who(*key))
            key = (person, role, None, bool(perpetrator), bool(victim))
            own = who.get(key) or who.setdefault(key, Who(*key))
            self.links.setdefault(person, []).append((event, mention, own, other))

    def timeline(self, scope: Scope, birth: str | None) -> Timeline:
        """The child's facts: their subjects as seen from the child (their own persons with no
        relationship), in time order."""
        own, events = scope.own, self.events
        groups: dict[int, list[tuple[int, Who]]] = {}
        for person in scope.everyone:
            mine = person in own
            for event, mention, as_own, as_other in self.links.get(person, ()):
                groups.setdefault(event, []).append((mention, as_own if mine else as_other))
        facts: list[Fact] = []
        adults: set[int] = set()
        for event in sorted(groups, key=lambda e: (events[e][0], e)):
            links = sorted(groups[event]) if len(groups[event]) > 1 else groups[event]
            subjects = tuple(w for _, w in links)
            adults.update(w.person_id for w in subjects if w.role == "adult")
            _, record_id, occurred, precision, agency, kind, attributes, seen = events[event]
            about = any(w.person_id in own for w in subjects)
            facts.append(Fact(event, record_id, occurred, precision, agency, kind, attributes,
                              about, subjects, seen))  # fmt: skip
        born, precision = birth_of(birth)
        return Timeline(scope.child, tuple(facts), born, precision, frozenset(adults))
