"""Writing audit entries, including refusals that must outlive their rolled-back request.

An entry is inserted in the caller's transaction, so it commits, or fails, with the work it
records, and reads later in that transaction see it. The insert returns the entry's fields as
stored (`RETURNING`), exactly what a verifier will read. It is sealed into the hash chain (see
`access.chain`) just before that transaction commits: the sealer locks the chain's head row
(PostgreSQL: `SELECT ... FOR UPDATE`; SQLite's single writer is serialised already), gives
each of the transaction's entries the next position and its hash, and moves the head. The lock
is held only from the seal to the commit (two statements and the commit itself), and is the
last lock a transaction takes, so it cannot deadlock with the locks taken during the work.
Where a savepoint was rolled back in the transaction, the sealer reads the entries back
instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from joinedup.access import chain
from joinedup.access.models import AuditChainHead, AuditEntry
from joinedup.access.roles import Actor
from joinedup.db.session import keep_after_rollback

_PENDING = "joinedup_audit_unsealed"  # this transaction's entries, as stored
_ROLLED_BACK = "joinedup_audit_savepoint_rolled_back"  # some of them may be gone
_TABLE = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditChainHead.__table__)


def entry_row(
    *,
    actor: Actor,
    action: str,
    outcome: str,
    resource_type: str,
    resource_ids: Sequence[int | str],
    reason: str | None,
    detail: dict[str, Any] | None,
    now: datetime | None,
) -> dict[str, Any]:
    return {
        "occurred_at": now or datetime.now(UTC),
        "actor_user_id": actor.user_id,
        "actor_label": actor.label,
        "actor_role": actor.role.value,
        "action": action,
        "outcome": outcome,
        "resource_type": resource_type,
        "resource_ids": list(resource_ids),
        "reason": reason,
        "detail": detail or {},
    }


def append(session: Session, row: dict[str, Any]) -> None:
    """Append in the caller's transaction: the entry commits, or fails, with the work it records."""
    entry = session.execute(insert(_TABLE).returning(*chain.COLUMNS), [row]).one()
    _unsealed(session).append(dict(entry._mapping))


def remember_refusal(session: Session, row: dict[str, Any]) -> None:
    """A refusal is followed by a rollback; the entry must outlive it, chained like any other."""
    keep_after_rollback(session, lambda own: append(own, row))


def _unsealed(session: Session) -> list[dict[str, Any]]:
    """This transaction's entries not yet sealed; the first append hooks the session's commit."""
    pending: list[dict[str, Any]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "before_commit", seal)
        event.listen(session, "after_rollback", _rolled_back)
        event.listen(session, "after_transaction_end", _forget)
    return pending


def _rolled_back(session: Session) -> None:
    session.info[_ROLLED_BACK] = True


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: committed, or rolled back
        session.info.get(_PENDING, []).clear()
        session.info.pop(_ROLLED_BACK, None)


def seal(session: Session) -> None:
    """Chain this transaction's entries, in the order they were appended, onto the head.

    The entries' fields are as the database stored them (`append`), so the hashed bytes are
    exactly what a verifier will read; only then is the head locked: the lock covers two
    statements and the commit.
    """
    pending: list[dict[str, Any]] = session.info.get(_PENDING, [])
    if not pending or session.in_nested_transaction():  # a savepoint: the whole commit seals
        return
    fields = sorted(pending, key=itemgetter("id"))
    pending.clear()
    if session.info.pop(_ROLLED_BACK, False):
        # A savepoint rolled back: read what is there (SQLite may have given a rolled-back
        # entry's id to a later one).
        ids = sorted({entry["id"] for entry in fields})
        entries = session.execute(select(*chain.COLUMNS).where(_TABLE.c.id.in_(ids)).order_by("id"))
        fields = [dict(row._mapping) for row in entries]
    if not fields:  # all rolled back with savepoints
        return
    head = session.execute(
        select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
    ).one()
    seq, last = head.last_seq, head.last_hash
    seals = []
    for entry in fields:
        seq += 1
        last = chain.digest(last, {**entry, "seq": seq})
        seals.append({"entry_id": entry["id"], "entry_seq": seq, "entry_hash": last})
    session.execute(
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("entry_id"))
        .values(seq=bindparam("entry_seq"), hash=bindparam("entry_hash")),
        seals,
    )
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(last_seq=seq, last_hash=last))
