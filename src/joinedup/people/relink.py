"""Batch re-linking of the whole store (`joinedup link --all`), reconciled with the live links.

Every linked mention (unborn children apart: they are known by mother and due date) is
re-clustered by the batch linkage (Splink on DuckDB or Spark), retrained on the authority's own
records unless a model is given. People's decisions are hard constraints: confirmed links and
merges (must-link) and rejected ones (cannot-link) are never undone. Each new cluster keeps the
person that already holds most of its mentions, so person ids stay stable; a mention that moves
is written to the link history, and a person left with no mentions is merged into the person
that took most of them, as a merge that `unmerge` can undo. Each person's identities and
look-up keys are then rebuilt with the model, so online resolution scores against them.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record
from joinedup.db import locks
from joinedup.intake.models import Event, Mention
from joinedup.people import store
from joinedup.people.ids import KeyPool
from joinedup.people.linkage.batch import Engine, link
from joinedup.people.linkage.model import LinkageModel, blocking_keys
from joinedup.people.linkage.types import Features
from joinedup.people.mentions import COLUMNS, MentionRow, adults_of, mention_row
from joinedup.people.models import LinkConstraint, PersonMerge

Progress = Callable[[str], None]
METHOD = "batch"
# Links re-linking never undoes: people's merges and confirmations (the person is kept whole, as
# the human saw it), and casework records, which casework links straight to the child it was
# recorded about (casework/chronicle.py) and which carry no identity of their own: each follows
# the child's other records, without binding those records to one another.
HUMAN_METHODS = frozenset({"merge", "confirmed", "casework"})
CASEWORK = "casework"
REASON = "batch re-linking"
_M: Table = Mention.__table__  # type: ignore[assignment]
_E: Table = Event.__table__  # type: ignore[assignment]
_C: Table = LinkConstraint.__table__  # type: ignore[assignment]
_MERGE: Table = PersonMerge.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class RelinkSummary:
    mentions: int = 0
    distinct: int = 0
    persons_before: int = 0
    persons_after: int = 0
    moved: int = 0
    persons_created: int = 0
    persons_retired: int = 0
    must_links: int = 0
    cannot_links: int = 0
    refused: int = 0
    model_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.mentions:,} mentions ({self.distinct:,} distinct identities): "
            f"{self.persons_before:,} → {self.persons_after:,} persons; {self.moved:,} mentions "
            f"moved, {self.persons_created:,} persons created, {self.persons_retired:,} merged "
            f"away; {self.must_links + self.cannot_links:,} decisions by people kept"
        )


def relink_all(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    threshold: float,
    engine: Engine = "duckdb",
    model: LinkageModel | None = None,
    progress: Progress | None = None,
) -> tuple[RelinkSummary, LinkageModel]:
    """Re-cluster every linked mention and reconcile the store; returns the model used."""
    authorise(session=session, actor=actor, action=Action.PEOPLE_MERGE, resource_type="person")
    locks.lock(session, "people", ["resolve"])  # online resolution waits (PostgreSQL)
    say = progress or (lambda _text: None)
    summary = RelinkSummary()
    started = time.perf_counter()
    say("reading linked mentions")
    rows, current, kinds, human, attached = _load(session)
    summary.mentions = len(rows)
    summary.persons_before = len(set(current.values()))
    adults = adults_of(rows)
    identities = [r.identity(adults.get(r.event_id, ()) if r.kind == "child" else ()) for r in rows]
    index = {row.id: i for i, row in enumerate(rows)}
    must, cannot = _constraints(session, [r.id for r in rows], index, human, attached, current)
    summary.must_links, summary.cannot_links = len(must), len(cannot)
    cannot += named_together([(row.event_id, row.kind) for row in rows])
    summary.timings["read"] = time.perf_counter() - started
    result = link(
        identities, threshold=threshold, engine=engine, model=model, must=must, cannot=cannot,
        progress=say,
    )  # fmt: skip
    summary.distinct, summary.refused = result.distinct, result.refused
    summary.timings.update({f"link_{k}": v for k, v in result.timings.items()})
    step = time.perf_counter()
    say("reconciling with the store")
    new_person = _assign(session, rows, result.labels, current, kinds, now, summary)
    _apply(session, actor, now, rows, current, new_person, result.model, summary)
    say("rebuilding identities and look-up keys")
    _rebuild(session, rows, [result.features_of(i) for i in range(len(rows))], new_person)
    summary.persons_after = len(set(new_person.values()))
    summary.model_version = result.model.version
    summary.timings["store"] = time.perf_counter() - step
    summary.timings["total"] = time.perf_counter() - started
    record(
        session=session,
        actor=actor,
        action=Action.PEOPLE_MERGE,
        resource_type="person",
        resource_ids=[],
        detail={
            "relinked_mentions": summary.mentions,
            "moved": summary.moved,
            "persons_created": summary.persons_created,
            "persons_retired": summary.persons_retired,
            "model_version": summary.model_version,
        },
        now=now,
    )
    return summary, result.model


def _load(
    session: Session,
) -> tuple[list[MentionRow], dict[int, int], dict[int, str], list[int], set[int]]:
    """Linked mentions of born persons, each with its person (after merges); persons' kinds;
    the mentions a person placed (by a merge or a confirmed review task); and casework's."""
    links, persons = store.T_LINK, store.T_PERSON
    columns = [*COLUMNS, links.c.person_id, links.c.method]
    query = (
        select(*columns)
        .join(_E, _E.c.id == _M.c.event_id)
        .join(links, links.c.mention_id == _M.c.id)
        .join(persons, persons.c.id == links.c.person_id)
        .where(persons.c.kind != "unborn")
        .order_by(_M.c.id)
    )
    into = {p: i for p, i in session.execute(select(persons.c.id, persons.c.merged_into_id))}
    kinds = {p: k for p, k in session.execute(select(persons.c.id, persons.c.kind))}
    rows: list[MentionRow] = []
    current: dict[int, int] = {}
    human: list[int] = []
    attached: set[int] = set()
    for r in session.execute(query):
        rows.append(mention_row(r))
        current[r.id] = _survivor(into, r.person_id)
        if r.method == CASEWORK:
            attached.add(r.id)
        elif r.method in HUMAN_METHODS:
            human.append(r.id)
    return rows, current, kinds, human, attached


def _survivor(into: dict[int, int | None], person: int) -> int:
    seen = 0
    while (nxt := into.get(person)) is not None and seen < 1000:
        person, seen = nxt, seen + 1
    return person


def _constraints(
    session: Session,
    ids: Sequence[int],
    index: dict[int, int],
    human: list[int],
    attached: set[int],
    current: dict[int, int],
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """People's decisions as index pairs: must-links and cannot-links on record, and every
    mention of a person that a person merged or confirmed bound together (the merge is kept
    whole as it was decided, not only at its anchor, until a person undoes it)."""
    query = select(_C.c.kind, _C.c.mention_id, _C.c.other_mention_id).where(
        _C.c.revoked_at.is_(None)
    )
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    for kind, a, b in session.execute(query):
        if a in index and b in index:
            (must if kind == "must_link" else cannot).append((index[a], index[b]))
    # A person a human merged or confirmed is kept whole, as the human saw it.
    decided = {current[mention] for mention in human}
    anchors: dict[int, int] = {}
    for position, mention in enumerate(ids):
        person = current[mention]
        if person in decided:
            anchor = anchors.setdefault(person, position)
            if anchor != position:
                must.append((anchor, position))
    # A casework record follows its child's first other record (or, for a child known only to
    # casework, the child's first casework record): it binds nothing else together, so a
    # person's "these two records are not the same child" still holds for the rest.
    if attached:
        firsts: dict[int, int] = {}
        for position, mention in enumerate(ids):
            if mention not in attached:
                firsts.setdefault(current[mention], position)
        for position, mention in enumerate(ids):
            person = current[mention]
            if mention in attached and person not in decided:
                anchor = firsts.setdefault(person, position)
                if anchor != position:
                    must.append((anchor, position))
    return must, cannot


def named_together(records: Sequence[Hashable]) -> list[tuple[int, int]]:
    """The subjects of one record are different people (ADR 0005, 2026-11-25): given each
    identity's record and kind (`(event_id, kind)`), every pair of positions of one record and
    kind, to be held apart as a person's "not the same" is."""
    by_record: dict[Hashable, list[int]] = {}
    for position, key in enumerate(records):
        by_record.setdefault(key, []).append(position)
    return [pair for found in by_record.values() if len(found) > 1
            for pair in combinations(found, 2)]  # fmt: skip


def _assign(
    session: Session,
    rows: Sequence[MentionRow],
    labels: Sequence[int],
    current: dict[int, int],
    kinds: dict[int, str],
    now: datetime,
    summary: RelinkSummary,
) -> dict[int, int]:
    """Each mention's person after re-linking: a cluster keeps the person holding most of it."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        clusters[label].append(i)
    claimed: set[int] = set()
    new_person: dict[int, int] = {}
    pool = KeyPool(session, store.T_PERSON)
    created: list[dict[str, Any]] = []
    for members in sorted(clusters.values(), key=lambda m: (-len(m), m[0])):
        holders = Counter(current[rows[i].id] for i in members)
        person = next((p for p, _ in holders.most_common() if p not in claimed), None)
        if person is None:
            person = pool.take()
            kind = Counter(rows[i].kind for i in members).most_common(1)[0][0]
            created.append({"id": person, "kind": kind, "created_at": now})
            kinds[person] = kind
        claimed.add(person)
        for i in members:
            new_person[rows[i].id] = person
    store.insert(session, store.T_PERSON, created)
    summary.persons_created = len(created)
    return new_person


def _apply(
    session: Session,
    actor: Actor,
    now: datetime,
    rows: Sequence[MentionRow],
    current: dict[int, int],
    new_person: dict[int, int],
    model: LinkageModel,
    summary: RelinkSummary,
) -> None:
    """Move the mentions whose person changed, with history; merge away emptied persons."""
    moved = [r.id for r in rows if new_person[r.id] != current[r.id]]
    summary.moved = len(moved)
    if not moved:
        return
    links = store.T_LINK
    previous = {
        r.mention_id: dict(r._mapping)
        for part in _parts(moved)
        for r in session.execute(select(links).where(links.c.mention_id.in_(part)))
    }
    session.connection().execute(
        update(links)
        .where(links.c.mention_id == bindparam("b_mention"))
        .values(
            person_id=bindparam("b_person"),
            method=METHOD,
            match_weight=None,
            match_probability=None,
            model_version=model.version,
            decided_by_user_id=None,
            decided_by=None,
            decided_at=now,
        ),
        [{"b_mention": m, "b_person": new_person[m]} for m in moved],
    )
    store.insert(
        session,
        store.T_HISTORY,
        [
            {
                "mention_id": m, "from_person_id": current[m], "to_person_id": new_person[m],
                "method": METHOD, "reason": REASON, "actor": actor.label,
                "actor_user_id": actor.user_id, "at": now,
            }
            for m in moved
        ],
    )  # fmt: skip
    # A person left with no mentions is merged into the one that took most of them.
    remaining = Counter(new_person.values())
    went: dict[int, Counter[int]] = defaultdict(Counter)
    moved_from: dict[int, list[int]] = defaultdict(list)
    for m in moved:
        went[current[m]][new_person[m]] += 1
        moved_from[current[m]].append(m)
    retired = [p for p in went if remaining[p] == 0]
    merges = []
    for person in retired:
        into = went[person].most_common(1)[0][0]
        merges.append(
            {
                "from_person_id": person, "into_person_id": into,
                "moved_mention_ids": sorted(moved_from[person]),
                "previous_links": [_json_link(previous[m]) for m in sorted(moved_from[person])],
                "reason": REASON, "by": actor.label, "by_user_id": actor.user_id, "at": now,
                "constraint_id": None,
            }
        )  # fmt: skip
        session.connection().execute(
            update(store.T_PERSON).where(store.T_PERSON.c.id == person).values(merged_into_id=into)
        )
    store.insert(session, _MERGE, merges)
    summary.persons_retired = len(retired)


def _json_link(link: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in link.items()
    }


def _rebuild(
    session: Session,
    rows: Sequence[MentionRow],
    features: Sequence[Features],
    new_person: dict[int, int],
) -> None:
    """Every born person's identities and keys, anew from their mentions with this model."""
    links, ids, keys = store.T_LINK, store.T_IDENTITY, store.T_KEY
    born = select(store.T_PERSON.c.id).where(store.T_PERSON.c.kind != "unborn")
    connection = session.connection()
    connection.execute(update(links).where(links.c.person_id.in_(born)).values(identity_id=None))
    old = select(ids.c.id).where(ids.c.person_id.in_(born))
    connection.execute(delete(keys).where(keys.c.identity_id.in_(old)))
    connection.execute(delete(ids).where(ids.c.person_id.in_(born)))
    built: dict[tuple[int, str], dict[str, Any]] = {}
    key_rows: dict[tuple[str, int], tuple[int, str]] = {}  # a key once a person, as online
    identity_of: dict[int, tuple[int, str]] = {}
    for row, feats in zip(rows, features, strict=True):
        person = new_person[row.id]
        slot = (person, feats["sig"])
        entry = built.get(slot)
        if entry is None:
            entry = built[slot] = {
                "person_id": person, "sig": feats["sig"], "features": feats,
                "first_seen": row.occurred_at, "last_seen": row.occurred_at, "mention_count": 0,
            }  # fmt: skip
        entry["first_seen"] = min(entry["first_seen"], row.occurred_at)
        entry["last_seen"] = max(entry["last_seen"], row.occurred_at)
        entry["mention_count"] += 1
        identity_of[row.id] = slot
        for key in (*blocking_keys(feats), *row.local_keys()):
            key_rows.setdefault((key, person), slot)
    new_ids = store.reserve(session, ids, len(built))
    for new_id, entry in zip(new_ids, built.values(), strict=True):
        entry["id"] = new_id
    store.insert(session, ids, list(built.values()))
    store.insert(
        session,
        keys,
        [
            {"key": key, "person_id": person, "identity_id": built[slot]["id"]}
            for (key, person), slot in sorted(key_rows.items())
        ],
    )
    connection.execute(
        update(links)
        .where(and_(links.c.mention_id == bindparam("b_mention")))
        .values(identity_id=bindparam("b_identity")),
        [{"b_mention": m, "b_identity": built[slot]["id"]} for m, slot in identity_of.items()],
    )


def _parts(values: Sequence[int], size: int = 10_000) -> list[Sequence[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
