"""The audit log's hash chain: how an entry is sealed, and walking the chain to verify it.

Entry n's hash is SHA-256(hash of entry n-1 || canonical bytes of entry n), the first entry's
predecessor being GENESIS. The canonical bytes are orjson with sorted keys over the fields
below, instants in UTC ISO form with microseconds, so SQLite and PostgreSQL give the same
bytes. This form is frozen: changing it would break every chain already written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Row, Table, select, tuple_
from sqlalchemy.orm import Session

from joinedup.access.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64

FIELDS = (
    "id",
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_label",
    "actor_role",
    "action",
    "outcome",
    "resource_type",
    "resource_ids",
    "reason",
    "detail",
)
_TABLE = cast(Table, AuditEntry.__table__)
COLUMNS = [_TABLE.c[name] for name in FIELDS]


def canonical(entry: Mapping[Any, Any]) -> bytes:
    """The entry's fields as the bytes that are hashed."""
    fields = {name: entry[name] for name in FIELDS}
    occurred: datetime = fields["occurred_at"]
    fields["occurred_at"] = occurred.astimezone(UTC).isoformat(timespec="microseconds")
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def digest(previous: str, entry: Mapping[Any, Any]) -> str:
    return hashlib.sha256(previous.encode("ascii") + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A position and hash kept outside the database (from an earlier verify)."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Break:
    entry_id: int | None
    seq: int | None
    problem: str  # "hash", "gap", "order", "unsealed", "head", "anchor"
    message: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    last_seq: int
    last_hash: str
    broken: Break | None


class _Walk:
    """The state of one walk along the chain, in position order."""

    def __init__(self, anchor: Anchor | None) -> None:
        self.checked = 0
        self.seq = 0
        self.hash = GENESIS
        self.anchor = anchor

    def step(self, entry: Mapping[Any, Any]) -> Break | None:
        if entry["seq"] != self.seq + 1:
            return self._misplaced(entry)
        if digest(self.hash, entry) != entry["hash"]:
            return Break(
                entry["id"],
                entry["seq"],
                "hash",
                "its fields do not match its seal: edited, swapped with another entry, or forged",
            )
        self.checked, self.seq, self.hash = self.checked + 1, entry["seq"], entry["hash"]
        if self.anchor and self.seq == self.anchor.seq and self.hash != self.anchor.hash:
            return Break(
                entry["id"], self.seq, "anchor", "the chain was rewritten before the anchor"
            )
        return None

    def _misplaced(self, entry: Mapping[Any, Any]) -> Break:
        if entry["seq"] > self.seq + 1:
            missing = f"{self.seq + 1}" + (
                f" to {entry['seq'] - 1}" if entry["seq"] > self.seq + 2 else ""
            )
            return Break(entry["id"], entry["seq"], "gap", f"position {missing} missing: deleted")
        return Break(
            entry["id"], entry["seq"], "order", f"position {entry['seq']} repeated: out of order"
        )


def verify(
    *,
    session: Session,
    chunk: int = 10_000,
    anchor: Anchor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Verdict:
    """Walk the whole chain in position order, `chunk` entries at a time, in one snapshot.

    Stops at the first broken link. Then checks that no entry is left unsealed, and that the
    chain ends where its head says (a deleted or forged tail shows there). `progress` is
    told the entries checked in each chunk and the length the head records.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)).one()
    walk = _Walk(anchor)
    report = (lambda n: progress(n, head.last_seq)) if progress else None
    broken = _walk(session, walk, chunk, report) or _after(session, walk, head)
    return Verdict(checked=walk.checked, last_seq=walk.seq, last_hash=walk.hash, broken=broken)


def _walk(
    session: Session, walk: _Walk, chunk: int, progress: Callable[[int], None] | None
) -> Break | None:
    key = (0, 0)
    while True:
        rows = session.execute(
            select(*COLUMNS, _TABLE.c.hash)
            .where(_TABLE.c.seq.is_not(None), tuple_(_TABLE.c.seq, _TABLE.c.id) > key)
            .order_by(_TABLE.c.seq, _TABLE.c.id)
            .limit(chunk)
        ).all()
        for row in rows:
            if broken := walk.step(row._mapping):
                return broken
        if progress:
            progress(len(rows))
        if len(rows) < chunk:
            return None
        key = (rows[-1].seq, rows[-1].id)


def _after(session: Session, walk: _Walk, head: Row[int, str]) -> Break | None:
    unsealed = session.scalar(
        select(_TABLE.c.id).where(_TABLE.c.seq.is_(None)).order_by(_TABLE.c.id).limit(1)
    )
    if unsealed is not None:
        return Break(
            unsealed, None, "unsealed", "not in the chain: written outside the append path"
        )
    if walk.seq < head.last_seq:
        message = f"the chain ends at position {walk.seq} but its head records {head.last_seq}"
        return Break(None, walk.seq, "head", message + ": entries deleted from the end")
    if walk.seq > head.last_seq:
        message = f"the chain runs to position {walk.seq} but its head records {head.last_seq}"
        return Break(None, walk.seq, "head", message + ": entries forged at the end")
    if walk.hash != head.last_hash:
        message = "the last entry's hash is not the head's: the head or the last entry altered"
        return Break(None, walk.seq, "head", message)
    if walk.anchor and walk.anchor.seq > walk.seq:
        return Break(None, walk.anchor.seq, "anchor", "the anchor's position is not in the chain")
    return None
