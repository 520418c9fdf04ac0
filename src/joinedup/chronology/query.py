"""Reading a circle's chronology as pages: which events belong, counted and filtered in SQL.

The query reads the record store and the people tables directly (ADR 0007). The events that
belong on a chronology (the child's own, the household's in household mode, and the adults'
records that bear on the child's safety) are chosen by the database, at each record's latest
version; so are the counts the page shows and the filters. Only the page asked for is read in
full and built into entries, so a chronology's cost follows its page size, not the child's
history.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from joinedup.chronology import classify, severity_sql
from joinedup.chronology.models import ChronologyMark
from joinedup.chronology.views import Entry, Filters, Mark, Subject
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)
from joinedup.people.batchsql import among
from joinedup.people.circle import commonest_names
from joinedup.people.models import MentionLink

# An adult's records that belong on a child's own chronology (the household's are all shown in
# household mode): what the adult did or suffered that bears on the child's safety.
ADULT_TYPES = frozenset(
    {"domestic_abuse_incident", "adult_offence", "adult_risk", "change_of_household", "housing"}
)
WITHHELD_SENSITIVE = "Health or sexual-health detail: not shown to your role."


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


ML, M, E = _table(MentionLink), _table(Mention), _table(Event)
RV, SR = _table(RecordVersion), _table(SourceRecord)
ORG, PR = _table(Organisation), _table(Practitioner)


@dataclass(frozen=True, slots=True)
class Reader:
    """What this reader may see, and what is new to them."""

    sensitive: bool  # may read health and sexual-health detail
    restricted: bool  # may read sealed records
    seen_up_to: datetime | None  # entries received after this are new (None: nothing is new)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose records: the child (and anyone merged into them), adults, and the household."""

    own: tuple[int, ...]
    adults: tuple[int, ...] = ()
    household: tuple[int, ...] = ()

    @property
    def persons(self) -> set[int]:
        return {*self.own, *self.adults, *self.household}


@dataclass(frozen=True, slots=True)
class Outline:
    """The whole chronology in counts, and the events of the page asked for, oldest first."""

    total: int  # entries this reader may see, before filtering
    matching: int  # of those, the entries the filters keep
    agencies: list[str]  # present on the entries this reader may see, for the filter form
    types: list[str]
    new_count: int  # received since the reader last looked
    restricted_withheld: int  # sealed records not shown to this reader
    page: list[int]  # the page's events, in the chronology's order
    names: dict[int, str]  # each of the scope's persons' display name (`circle.display_names`)


def linked(session: Session, scope: Scope) -> CTE:
    """Every mention linked to the scope's persons, with what the chronology reads of it: its
    event and part in it (for `belonging`) and its name (for `names`). Read once a statement."""
    found: Any = (
        select(ML.c.person_id, ML.c.mention_id, M.c.event_id, M.c.perpetrator,
               M.c.given_names, M.c.family_name)
        .select_from(ML)
        .join(M, M.c.id == ML.c.mention_id)
        .where(among(session, ML.c.person_id, scope.persons))
        .cte("linked")
        .prefix_with("MATERIALIZED")
    )  # fmt: skip
    return found  # type: ignore[no-any-return]


def belonging(session: Session, scope: Scope, mentions: CTE) -> Select[Any]:
    """Each (event, linked mention) whose event belongs on the chronology, at its record's
    latest version (`Event.superseded`: no look-up of the record's pointer); an event appears
    once per such mention (`_belongs` before)."""
    m = mentions.c
    rule = or_(
        among(session, m.person_id, [*scope.own, *scope.household]),
        and_(
            among(session, m.person_id, scope.adults),
            or_(E.c.type.in_(sorted(ADULT_TYPES)), m.perpetrator == true()),
        ),
    )
    found: Any = (
        select(E.c.id)
        .select_from(mentions)
        .join(E, E.c.id == m.event_id)
        .where(E.c.superseded == false())
        .where(rule)
    )
    return found  # type: ignore[no-any-return]


def outline_query(
    session: Session,
    scope: Scope,
    reader: Reader,
    filters: Filters,
    marked: Collection[int],
    *,
    first: int = 0,
    per_page: int | None = None,
) -> Select[Any]:
    """One statement, one pass over the linked mentions: rows of the counts per agency, type
    and sealed or not (part 0), the ids of the page's events in order (part 1), and each
    person's names as recorded, counted (part 2, for `circle.commonest_names`).

    The page starts at entry `first` (from 0) or, past the last entry, at the last page's
    first entry; `per_page=None` gives every entry the filters keep. When something is new to
    the reader, each belonging event's version is read once for the time it was received."""
    seen, kept = reader.seen_up_to, narrowing(session, filters, marked)
    sealed = E.c.sensitivity == "restricted"
    mentions = linked(session, scope)
    events = (
        belonging(session, scope, mentions)
        .with_only_columns(
            E.c.id,
            E.c.occurred_at,
            E.c.agency,
            E.c.type,
            case((sealed, 1), else_=0).label("sealed"),
            (case((kept, 1), else_=0) if kept is not None else literal(1)).label("kept"),
        )
        .distinct()
        .cte("belonging")
        .prefix_with("MATERIALIZED")
    )  # fmt: skip
    b = events.c
    fresh: Any = literal(0)
    counted: Any = events
    if seen is not None:
        fresh = case((RV.c.received_at > seen, 1), else_=0)
        counted = events.join(RV, RV.c.id == b.id)
    counts = select(
        literal(0).label("part"), b.agency, b.type, b.sealed, func.count().label("n"),
        func.sum(fresh).label("fresh"), func.sum(b.kept).label("kept"), literal(0).label("id"),
        literal(0).label("rank"),
    ).select_from(counted).group_by(b.agency, b.type, b.sealed)  # fmt: skip
    m = mentions.c
    names = select(
        literal(2), m.given_names, m.family_name, literal(0), func.count(), literal(0),
        literal(0), m.person_id, func.min(m.mention_id),
    ).group_by(m.person_id, m.given_names, m.family_name)  # fmt: skip
    shown = b.kept == 1 if reader.restricted else and_(b.kept == 1, b.sealed == 0)
    ranked = (
        select(
            b.id,
            func.row_number().over(order_by=(b.occurred_at, b.id)).label("rank"),
            func.count().over().label("matching"),
        )
        .where(shown)
        .subquery("ranked")
    )
    r = ranked.c
    page = select(
        literal(1), literal(None), literal(None), literal(0), literal(0), literal(0), literal(0),
        r.id, r.rank,
    )  # fmt: skip
    if per_page is not None:
        start = case((literal(first) < r.matching, first),
                     else_=(r.matching - 1) // per_page * per_page)  # fmt: skip
        page = page.where(r.rank > start, r.rank <= start + per_page)
    both: Any = counts.union_all(page, names).subquery("outline")
    found: Any = select(*both.c).order_by(both.c.part, both.c.rank)
    return found  # type: ignore[no-any-return]


def outline(
    session: Session,
    scope: Scope,
    reader: Reader,
    filters: Filters,
    marked: Collection[int],
    *,
    first: int = 0,
    per_page: int | None = None,
) -> Outline:
    """The chronology's counts, the page's events and the scope's names (`outline_query`)."""
    statement = outline_query(session, scope, reader, filters, marked, first=first,
                              per_page=per_page)  # fmt: skip
    groups, page, names = [], [], []
    for part, agency, kind, sealed, n, fresh, kept, event, rank in session.execute(statement):
        if part == 1:
            page.append(event)
        elif part == 2:  # a person (`event`) and a name (`agency`, `kind`) as recorded
            names.append((event, agency, kind, n, rank))
        else:
            groups.append((agency, kind, bool(sealed), n, fresh or 0, kept or 0))
    shown = [g for g in groups if reader.restricted or not g[2]]
    return Outline(
        total=sum(g[3] for g in shown),
        matching=sum(g[5] for g in shown),
        agencies=sorted({g[0] for g in shown}),
        types=sorted({g[1] for g in shown}),
        new_count=sum(g[4] for g in shown),
        restricted_withheld=sum(g[3] for g in groups) - sum(g[3] for g in shown),
        page=page,
        names=commonest_names(names),
    )


def narrowing(session: Session, f: Filters, marked: Collection[int]) -> ColumnElement[bool] | None:
    """The filters as one condition on `events`, or None when nothing narrows the chronology."""
    found: list[ColumnElement[bool]] = []
    if f.agencies:
        found.append(E.c.agency.in_(sorted(f.agencies)))
    if f.types:
        found.append(E.c.type.in_(sorted(f.types)))
    if f.severities:
        found.append(severity_sql.severity(E, dialect(session)).in_(sorted(f.severities)))
    if f.since is not None:
        found.append(E.c.occurred_at >= datetime.combine(f.since, time(), UTC))
    if f.until is not None:
        found.append(E.c.occurred_at < datetime.combine(f.until + timedelta(1), time(), UTC))
    if f.significant_only:
        found.append(among(session, E.c.id, marked) if marked else false())
    return and_(*found) if found else None


def page_query(session: Session, events: Collection[int], persons: Collection[int]) -> Select[Any]:
    """The given events in full, with organisation and author, oldest first: a row for each of
    their mentions, in the order the source gave, with the subject's columns from SUBJECT on
    (the person NULL unless the mention is linked to one of `persons`)."""
    linked = and_(ML.c.mention_id == M.c.id, among(session, ML.c.person_id, persons))
    found: Any = (
        _events_query()
        .add_columns(ML.c.person_id, M.c.event_id, M.c.role, M.c.relationship, M.c.victim,
                     M.c.perpetrator)
        .outerjoin(M, M.c.event_id == E.c.id)
        .outerjoin(ML, linked)
        .where(among(session, E.c.id, events))
    )  # fmt: skip
    return found.order_by(E.c.occurred_at, E.c.id, M.c.id)  # type: ignore[no-any-return]


SUBJECT = 16  # the first of a `page_query` row's subject columns


def read_entries(
    session: Session,
    scope: Scope,
    reader: Reader,
    events: Collection[int],
    marks: Mapping[int, Mark],
    names: Mapping[int, str],
) -> list[Entry]:
    """The given events (`Outline.page`) as entries, oldest first: one query, the events in
    full with their linked subjects."""
    if not events:
        return []
    rows = session.execute(page_query(session, events, scope.persons)).all()
    own = set(scope.own)
    return [
        _entry(event, subjects, own, names, reader, marks.get(event[0]))
        for event, subjects in page_events(rows)
    ]


def page_events(rows: Sequence[Sequence[Any]]) -> list[tuple[Sequence[Any], list[Sequence[Any]]]]:
    """`page_query`'s rows by event: the event's first row, and the columns of its subjects
    (its mentions linked to the persons asked for)."""
    found: list[tuple[Sequence[Any], list[Sequence[Any]]]] = []
    for _, group in groupby(rows, key=itemgetter(0)):
        event = list(group)
        found.append((event[0], [r[SUBJECT:] for r in event if r[SUBJECT] is not None]))
    return found


def entries_for(
    session: Session, scope: Scope, names: Mapping[int, str], reader: Reader
) -> list[Entry]:
    """Every entry of a chronology, unfiltered (the child page and the rules read them all)."""
    marks = read_marks(session, scope.own)
    found = outline(session, scope, reader, Filters(), marks)
    return read_entries(session, scope, reader, found.page, marks, names)


def _events_query() -> Select[Any]:
    found: Any = (
        select(
            E.c.id,
            E.c.source_record_id,
            SR.c.record_id,
            E.c.occurred_at,
            E.c.date_precision,
            E.c.recorded_at,
            RV.c.received_at,
            E.c.agency,
            ORG.c.name,
            PR.c.name,
            PR.c.role,
            PR.c.contact,
            E.c.type,
            E.c.sensitivity,
            E.c.summary,
            E.c.attributes,
        )
        .select_from(E)
        .join(RV, RV.c.id == E.c.id)
        .join(SR, SR.c.id == E.c.source_record_id)
        .join(ORG, ORG.c.id == E.c.organisation_id)
        .outerjoin(PR, PR.c.id == E.c.author_id)
    )
    return found  # type: ignore[no-any-return]


# -- entries ----------------------------------------------------------------------------------


def _entry(
    r: Sequence[Any],
    group: Sequence[Sequence[Any]],
    own: Collection[int],
    names: Mapping[int, str],
    reader: Reader,
    mark: Mark | None,
) -> Entry:
    kind, agency, attributes = r[12], r[7], r[15] or {}
    hidden = r[13] == "sensitive" and not reader.sensitive
    subjects = tuple(
        Subject(
            row[0],
            names.get(row[0], ""),
            row[2],
            None if row[0] in own else row[3],
            bool(row[4]),
            bool(row[5]),
        )
        for row in group
    )
    return Entry(
        event_id=r[0],
        source_record_id=r[1],
        record_id=r[2],
        occurred_at=r[3],
        date_precision=r[4],
        recorded_at=r[5],
        received_at=r[6],
        agency=agency,
        organisation=r[8],
        author=r[9],
        author_role=r[10] or None,
        author_contact=r[11] or None,
        type=kind,
        summary=None if hidden else r[14],
        withheld=WITHHELD_SENSITIVE if hidden else None,
        attributes={} if hidden else dict(attributes),
        severity=classify.severity(kind, attributes),
        statutory=kind in classify.STATUTORY,
        seen=classify.seen(kind, agency, attributes),
        seen_alone=classify.seen_alone(attributes),
        voice=classify.voice(kind, attributes),
        subjects=subjects,
        about_child=any(s.person_id in own for s in subjects),
        new=reader.seen_up_to is not None and r[6] > reader.seen_up_to,
        mark=mark,
    )


def read_marks(session: Session, own: Iterable[int]) -> dict[int, Mark]:
    """The standing marks: the latest entry per event decides (mark or unmark)."""
    found: dict[int, Mark | None] = {}
    for m in session.scalars(marks_query(session, own)):
        found[m.event_id] = Mark(m.note, m.by, m.at) if m.action == "mark" else None
    return {event: mark for event, mark in found.items() if mark is not None}


def marks_query(session: Session, own: Iterable[int]) -> Select[ChronologyMark]:
    """Every mark and unmark of the child's events, oldest first."""
    return (
        select(ChronologyMark)
        .where(among(session, ChronologyMark.person_id, own))
        .order_by(ChronologyMark.id)
    )
