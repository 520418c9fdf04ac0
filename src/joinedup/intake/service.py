"""Intake services: submitting records (idempotent, versioned) and reading them back.

Every function takes the acting `Actor` and passes the access gate; writes and their audit
entry share the caller's transaction. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record
from joinedup.db import locks
from joinedup.intake import store
from joinedup.intake.models import Mention, RecordVersion
from joinedup.intake.validation import Parsed

# Re-exported for the faces: reading records lives in its own module.
from joinedup.intake.views import (
    RecordDetail,
    RecordPage,
    RecordSummary,
    SubjectView,
    VersionView,
    get_record,
    list_records,
)

__all__ = [
    "Outcome",
    "RecordDetail",
    "RecordPage",
    "RecordSummary",
    "SubjectView",
    "Submitted",
    "VersionView",
    "get_record",
    "list_records",
    "mentions_of",
    "submit_records",
]


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"
    NEW_VERSION = "new_version"


@dataclass(frozen=True)
class Submitted:
    """What became of one submitted record."""

    record_id: str
    outcome: Outcome
    source_record_id: int
    version: int
    # What this submission wrote (accepted or a new version; unchanged: nothing): the event,
    # which shares its version's id, and its subjects' mentions.
    event_id: int | None = None
    mention_ids: tuple[int, ...] = ()


# Each write, by (organisation id, record_id) and version: its version's id and its mentions'.
_Written = dict[tuple[tuple[int, str], int], tuple[int, tuple[int, ...]]]


@dataclass
class _Plan:
    """The batch worked out in submission order before anything is written."""

    state: dict[tuple[int, str], tuple[int | None, int, str]]
    writes: list[tuple[Parsed, tuple[int, str], int]] = field(default_factory=list)
    outcomes: list[tuple[tuple[int, str], Outcome, int]] = field(default_factory=list)


def submit_records(
    *, session: Session, actor: Actor, records: Sequence[Parsed], now: datetime
) -> list[Submitted]:
    """Store a batch of validated records, in order, as one unit.

    The same (organisation, record_id) with the same content is a no-op; with other content it
    is the next version, the earlier ones kept. A record_id twice in one batch is taken in order,
    exactly as two submissions would be.
    """
    authorise(session=session, actor=actor, action=Action.RECORDS_SUBMIT, resource_type="record")
    if not records:
        return []
    orgs = store.organisation_ids(session, records, now)
    # Concurrent submissions from one organisation queue here, so a record new to both is
    # written once (PostgreSQL; SQLite's writers are serialised already).
    locks.lock(session, "intake:organisation", (str(org) for org in orgs.values()))
    authors = store.author_ids(session, records, orgs)
    keys = [(_org_of(item, orgs), item.record.record_id) for item in records]
    plan = _plan(records, keys, store.current_versions(session, set(keys)))
    source_ids, written = _write(session, plan, orgs, authors, now)
    record(
        session=session,
        actor=actor,
        action=Action.RECORDS_SUBMIT,
        resource_type="record_version",
        resource_ids=[event for event, _ in written.values()],
        detail=_counts(plan),
        now=now,
    )
    results = []
    for key, outcome, version in plan.outcomes:
        event, mentions = written[(key, version)] if outcome != Outcome.UNCHANGED else (None, ())
        results.append(Submitted(key[1], outcome, source_ids[key], version, event, mentions))
    return results


def _org_of(item: Parsed, orgs: dict[store.OrgKey, int]) -> int:
    return orgs[(item.record.source.agency, item.record.source.organisation)]


def _plan(
    records: Sequence[Parsed],
    keys: list[tuple[int, str]],
    existing: dict[tuple[int, str], tuple[int, int, str]],
) -> _Plan:
    plan = _Plan(state={k: (sid, v, h) for k, (sid, v, h) in existing.items()})
    for item, key in zip(records, keys, strict=True):
        current = plan.state.get(key)
        if current is not None and current[2] == item.content_hash:
            plan.outcomes.append((key, Outcome.UNCHANGED, current[1]))
            continue
        version = 1 if current is None else current[1] + 1
        outcome = Outcome.ACCEPTED if current is None else Outcome.NEW_VERSION
        plan.state[key] = (current[0] if current else None, version, item.content_hash)
        plan.writes.append((item, key, version))
        plan.outcomes.append((key, outcome, version))
    return plan


def _write(
    session: Session,
    plan: _Plan,
    orgs: dict[store.OrgKey, int],
    authors: dict[store.AuthorKey, int],
    now: datetime,
) -> tuple[dict[tuple[int, str], int], _Written]:
    """Insert the planned writes; return the source record ids, and for each write (its key
    and version) the new version's id and its mentions' ids."""
    known = {key: sid for key, (sid, _, _) in plan.state.items() if sid is not None}
    new_keys = [key for item, key, version in plan.writes if version == 1 and key not in known]
    ids = store.reserve(
        session,
        sources=len(new_keys),
        versions=len(plan.writes),
        mentions=sum(len(item.subjects) for item, _, _ in plan.writes),
    )
    source_ids = {**known, **dict(zip(new_keys, ids.sources, strict=True))}
    versions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    written: _Written = {}
    latest: dict[int, int] = {}
    mention_ids = iter(ids.mentions)
    for (item, key, version), version_id in zip(plan.writes, ids.versions, strict=True):
        source_id = source_ids[key]
        versions.append(
            {
                "id": version_id,
                "source_record_id": source_id,
                "version": version,
                "content_hash": item.content_hash,
                "payload": item.payload,
                "warnings": [w.as_dict() for w in item.warnings],
                "received_at": now,
            }
        )
        author = store.author_key(item, orgs)
        events.append(
            store.event_row(
                item, version_id, source_id, key[0], authors[author] if author else None, now
            )
        )
        subjects = [(next(mention_ids), subject) for subject in item.subjects]
        mentions.extend(store.mention_row(m, version_id, subject) for m, subject in subjects)
        written[(key, version)] = (version_id, tuple(m for m, _ in subjects))
        if version > 1:
            latest[source_id] = version
    store.insert_records(
        session,
        sources=[
            store.source_row(i, key, now) for key, i in zip(new_keys, ids.sources, strict=True)
        ],
        versions=versions,
        events=events,
        mentions=mentions,
    )
    store.raise_latest_versions(session, latest)
    return source_ids, written


def _counts(plan: _Plan) -> dict[str, Any]:
    counts = {outcome.value: 0 for outcome in Outcome}
    for _, outcome, _ in plan.outcomes:
        counts[outcome.value] += 1
    return counts


def mentions_of(session: Session, stored: Submitted) -> tuple[int, list[int]]:
    """The event (record version) a submission stored, and its subjects' mention ids: as
    intake returned them when it wrote them, else (unchanged) read from the store."""
    if stored.event_id is not None:
        return stored.event_id, list(stored.mention_ids)
    version_id = session.scalar(
        select(RecordVersion.id).where(
            RecordVersion.source_record_id == stored.source_record_id,
            RecordVersion.version == stored.version,
        )
    )
    if version_id is None:
        raise LookupError(f"no version {stored.version} of source record {stored.source_record_id}")
    mentions = session.scalars(
        select(Mention.id).where(Mention.event_id == version_id).order_by(Mention.id)
    )
    return version_id, list(mentions)
