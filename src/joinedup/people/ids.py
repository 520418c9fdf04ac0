"""Keys for rows a batch creates, taken before the rows are written (no RETURNING per row)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from joinedup.db.bulk import reserve_ids


class KeyPool:
    """New primary keys for one table, drawn as needed.

    PostgreSQL: drawn from the sequence a block at a time (an unused key is a harmless gap).
    SQLite: counted up from the largest key, which is safe because the writer holds the lock.
    """

    def __init__(self, session: Session, table: Table, block: int = 256) -> None:
        self._session = session
        self._table = table
        self._block = block
        self._pool: list[int] = []
        self._next: int | None = None
        self._sqlite = session.connection().dialect.name == "sqlite"

    def take(self) -> int:
        if self._sqlite:
            if self._next is None:
                self._next = reserve_ids(self._session, self._table, 1)[0]
            key, self._next = self._next, self._next + 1
            return key
        if not self._pool:
            self._pool = reserve_ids(self._session, self._table, self._block)[::-1]
        return self._pool.pop()
