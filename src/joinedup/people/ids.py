"""Keys for rows a batch creates, taken before the rows are written (no RETURNING per row)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from joinedup.db.bulk import reserve_many


class KeyPool:
    """New primary keys for one or more tables, drawn as needed, one statement for them all.

    PostgreSQL: drawn from the sequences `block` at a time (an unused key is a harmless gap);
    when one table's keys run out, every table whose keys have run out is refilled too.
    SQLite: counted up from each table's largest key, read for every table at the first take;
    safe because the writer holds the lock.
    """

    def __init__(self, session: Session, *tables: Table, block: int = 256) -> None:
        self._session = session
        self._tables = tables
        self.block = block
        self._pool: dict[Table, list[int]] = {table: [] for table in tables}
        self._next: dict[Table, int] = {}
        self._sqlite = session.connection().dialect.name == "sqlite"

    def take(self, table: Table | None = None) -> int:
        """A new key for `table` (by default the first table)."""
        table = self._tables[0] if table is None else table
        if self._sqlite:
            if not self._next:
                drawn = reserve_many(self._session, dict.fromkeys(self._tables, 1))
                self._next = {t: keys[0] for t, keys in drawn.items()}
            key = self._next[table]
            self._next[table] = key + 1
            return key
        if not self._pool[table]:
            empty = [t for t in self._tables if not self._pool[t]]
            drawn = reserve_many(self._session, dict.fromkeys(empty, max(self.block, 1)))
            for t, keys in drawn.items():
                self._pool[t] = sorted(keys, reverse=True)
        return self._pool[table].pop()
