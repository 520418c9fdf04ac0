"""Transaction-scoped locks on a name, so that concurrent writers of the same thing queue.

PostgreSQL: `pg_advisory_xact_lock`, released at commit or rollback. SQLite needs none: every
writer already holds the database's write lock from `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session


def _key(namespace: str, name: str) -> int:
    digest = hashlib.blake2b(f"{namespace}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock(session: Session, namespace: str, names: Iterable[str]) -> None:
    """Wait for and hold each named lock until the transaction ends; sorted, so no deadlock."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for key in sorted({_key(namespace, name) for name in names}):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
