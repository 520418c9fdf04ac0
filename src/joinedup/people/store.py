"""The person store's batch queries: one query per kind of look-up per batch, never per mention.

Every look-up is answered from an index: person_keys by key, person_identities by sig or id,
persons by id, mention_links by mention id, link_constraints by mention id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Table, and_, bindparam, exists, select, update
from sqlalchemy.orm import Session, aliased

from joinedup.db.bulk import bulk_insert, bulk_insert_all, reserve_ids
from joinedup.intake.models import Event, Mention
from joinedup.people.batchsql import VALUES, among, among_bound, run_among
from joinedup.people.mentions import CHUNK, chunks
from joinedup.people.models import (
    LinkConstraint,
    LinkHistory,
    MentionLink,
    Person,
    PersonIdentity,
    PersonKey,
    ReviewTask,
)

T_PERSON: Table = Person.__table__  # type: ignore[assignment]
T_IDENTITY: Table = PersonIdentity.__table__  # type: ignore[assignment]
T_KEY: Table = PersonKey.__table__  # type: ignore[assignment]
T_LINK: Table = MentionLink.__table__  # type: ignore[assignment]
T_HISTORY: Table = LinkHistory.__table__  # type: ignore[assignment]
T_TASK: Table = ReviewTask.__table__  # type: ignore[assignment]
T_CONSTRAINT: Table = LinkConstraint.__table__  # type: ignore[assignment]
_M: Table = Mention.__table__  # type: ignore[assignment]
_E: Table = Event.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class IdentityState:
    """A person's identity as the batch sees it; `dirty` when its sightings changed."""

    id: int
    person_id: int
    sig: str
    features: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    mention_count: int
    new: bool = False
    dirty: bool = False

    def sighted(self, at: datetime) -> None:
        self.first_seen = min(self.first_seen, at)
        self.last_seen = max(self.last_seen, at)
        self.mention_count += 1
        self.dirty = True


# The online look-ups, built once per dialect (`run_among`): building a statement and its cache
# key each time cost several times what the indexed look-up itself does.
def _run(
    session: Session, name: str, build: Callable[[str], Executable], values: Iterable[Any]
) -> Iterator[Any]:
    return run_among(session, f"store.{name}", build, values, CHUNK)


def _key_query(dialect: str) -> Executable:
    return select(T_KEY.c.key, T_KEY.c.person_id, T_KEY.c.identity_id).where(
        among_bound(dialect, T_KEY.c.key, VALUES)
    )


def key_rows(session: Session, keys: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """For each key: the (person, identity) pairs that hold it."""
    found: dict[str, list[tuple[int, int]]] = {}
    for key, person, identity in _run(session, "keys", _key_query, keys):
        found.setdefault(key, []).append((person, identity))
    return found


def _identity_query(column: str) -> Callable[[str], Executable]:
    def build(dialect: str) -> Executable:
        t = T_IDENTITY
        return select(
            t.c.id, t.c.person_id, t.c.sig, t.c.features, t.c.first_seen, t.c.last_seen,
            t.c.mention_count,
        ).where(among_bound(dialect, t.c[column], VALUES))  # fmt: skip

    return build


_BY_SIG, _BY_ID, _BY_PERSON = (
    _identity_query("sig"),
    _identity_query("id"),
    _identity_query("person_id"),
)


def identities_by_sig(session: Session, sigs: Iterable[str]) -> list[IdentityState]:
    return [IdentityState(*row) for row in _run(session, "identities_by_sig", _BY_SIG, sigs)]


def identities_by_id(session: Session, ids: Iterable[int]) -> list[IdentityState]:
    return [IdentityState(*row) for row in _run(session, "identities_by_id", _BY_ID, ids)]


def identities_of_persons(session: Session, person_ids: Iterable[int]) -> list[IdentityState]:
    return [
        IdentityState(*row)
        for row in _run(session, "identities_of_persons", _BY_PERSON, person_ids)
    ]


def persons(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """(kind, merged_into_id) of each person, following merges to their survivors."""
    return _persons(session, ids, None)[0]


def persons_and_cannot_links(
    session: Session, ids: Iterable[int]
) -> tuple[dict[int, tuple[str, int | None]], bool]:
    """`persons`, and whether any cannot_link constraint is in force at all (told by the same
    query, so that a store without any costs no look-up of them)."""
    return _persons(session, ids, _IN_FORCE)


_IN_FORCE = exists().where(
    T_CONSTRAINT.c.kind == "cannot_link", T_CONSTRAINT.c.revoked_at.is_(None)
)


def _persons(
    session: Session, ids: Iterable[int], flag: Any
) -> tuple[dict[int, tuple[str, int | None]], bool]:
    found: dict[int, tuple[str, int | None]] = {}
    flagged = False
    columns = [T_PERSON.c.id, T_PERSON.c.kind, T_PERSON.c.merged_into_id]

    def build(dialect: str) -> Executable:
        return select(*columns, *([flag] if flag is not None else [])).where(
            among_bound(dialect, T_PERSON.c.id, VALUES)
        )

    name = "persons" if flag is None else "persons_and_cannot_links"
    wanted = set(ids)
    while wanted:
        for pid, kind, into, *told in _run(session, name, build, wanted):
            found[pid] = (kind, into)
            flagged = flagged or bool(told and told[0])
        wanted = {into for _, into in found.values() if into is not None} - set(found)
    return found, flagged


def linked(session: Session, mention_ids: Iterable[int]) -> dict[int, int]:
    """The person each of these mentions is linked to now (mentions not linked are absent)."""
    found: dict[int, int] = {}
    for part in chunks(sorted(set(mention_ids))):
        query = select(T_LINK.c.mention_id, T_LINK.c.person_id).where(
            among(session, T_LINK.c.mention_id, part)
        )
        found.update({m: p for m, p in session.execute(query)})
    return found


def previous_versions(
    session: Session, source_record_ids: Iterable[int], exclude_events: set[int]
) -> dict[tuple[int, str], tuple[int, int]]:
    """For each (source record, ref): the (event, person) of the latest earlier linked mention."""
    found: dict[tuple[int, str], tuple[int, int]] = {}
    for part in chunks(sorted(set(source_record_ids))):
        query = (
            select(_E.c.source_record_id, _M.c.ref, _E.c.id, T_LINK.c.person_id)
            .join(_M, _M.c.event_id == _E.c.id)
            .join(T_LINK, T_LINK.c.mention_id == _M.c.id)
            .where(among(session, _E.c.source_record_id, part))
        )
        for source, ref, event, person in session.execute(query):
            if event in exclude_events:
                continue
            current = found.get((source, ref))
            if current is None or current[0] < event:
                found[(source, ref)] = (event, person)
    return found


def current_identities(session: Session, identity_ids: Iterable[int]) -> set[int]:
    """Those of the identities that a mention of a current record holds (a record's earlier
    versions are superseded by its latest)."""
    found: set[int] = set()
    for part in chunks(sorted(set(identity_ids))):
        query = (
            select(T_LINK.c.identity_id)
            .join(_M, _M.c.id == T_LINK.c.mention_id)
            .join(_E, _E.c.id == _M.c.event_id)
            .where(among(session, T_LINK.c.identity_id, part), _E.c.superseded.is_(False))
            .distinct()
        )
        found.update(session.scalars(query))
    return found


def cannot_link_pairs(session: Session, person_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Active cannot_link constraints touching these persons, as pairs of (linked) persons."""
    left, right = aliased(T_LINK), aliased(T_LINK)
    c = T_CONSTRAINT
    found: list[tuple[int, int]] = []
    for part in chunks(sorted(set(person_ids))):
        query = (
            select(left.c.person_id, right.c.person_id)
            .select_from(c)
            .join(left, left.c.mention_id == c.c.mention_id)
            .join(right, right.c.mention_id == c.c.other_mention_id)
            .where(
                and_(c.c.kind == "cannot_link", c.c.revoked_at.is_(None)),
                among(session, left.c.person_id, part) | among(session, right.c.person_id, part),
            )
        )
        found.extend((a, b) for a, b in session.execute(query))
    return found


def update_identities(session: Session, identities: Sequence[IdentityState]) -> None:
    if not identities:
        return
    t = T_IDENTITY
    statement = (
        update(t)
        .where(t.c.id == bindparam("b_id"))
        .values(
            first_seen=bindparam("b_first"),
            last_seen=bindparam("b_last"),
            mention_count=bindparam("b_count"),
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "b_id": i.id,
                "b_first": i.first_seen,
                "b_last": i.last_seen,
                "b_count": i.mention_count,
            }
            for i in identities
        ],
    )


def reserve(session: Session, table: Table, count: int) -> list[int]:
    return reserve_ids(session, table, count)


def insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    bulk_insert(session, table, rows)


def insert_all(session: Session, writes: Sequence[tuple[Table, Sequence[dict[str, Any]]]]) -> None:
    """Several tables' rows, in order (see `bulk_insert_all`)."""
    bulk_insert_all(session, writes)
