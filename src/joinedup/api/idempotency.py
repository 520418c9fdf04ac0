"""Idempotency-Key: the first answer to a key is kept, and a retry of the same request gets it
again instead of running twice. The same key with a different request is a conflict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.core.errors import Conflict
from joinedup.core.ids import sha256_hex
from joinedup.db import locks
from joinedup.intake.models import IdempotentRequest


def replay_or_run(
    *,
    session: Session,
    actor: Actor,
    key: str | None,
    body: bytes,
    now: datetime,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    if key is None:
        return run()
    digest = sha256_hex(body)
    # A retry racing its original waits here for the first answer.
    locks.lock(session, "api:idempotency", [f"{actor.label}\0{key}"])
    earlier = session.scalar(
        select(IdempotentRequest)
        .where(IdempotentRequest.actor_label == actor.label, IdempotentRequest.key == key)
        .with_for_update()
    )
    if earlier is not None:
        if earlier.request_hash != digest:
            raise Conflict("That Idempotency-Key was already used for a different request.")
        return earlier.status_code, dict(earlier.response)
    status, answer = run()
    session.add(
        IdempotentRequest(
            actor_label=actor.label,
            key=key,
            request_hash=digest,
            status_code=status,
            response=answer,
            created_at=now,
        )
    )
    session.flush()
    return status, answer
