"""Engines and units of work.

SQLite runs in WAL mode with `synchronous=FULL` and foreign keys on. Writers take
`BEGIN IMMEDIATE`, so two writers queue on the lock instead of failing half-way with
"database is locked" at their first write; read-only units begin deferred and never block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from joinedup.config import sqlite_path

_BEGIN_OPTION = "joinedup_sqlite_begin"
_AFTER_ROLLBACK = "joinedup_after_rollback"


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if database_url.startswith("sqlite"):
        return _sqlite_engine(database_url, **kwargs)
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return create_engine(database_url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(database_url: str, **kwargs: Any) -> Engine:
    path = sqlite_path(database_url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that BEGIN is ours to say.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def reader(engine: Engine) -> Engine:
    """The same engine, for units of work that only read (SQLite: a deferred transaction)."""
    return engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction, opened at the edge: commit on success, roll back on any error.

    Writes kept with `keep_after_rollback` (the access gate's refusals) are made after the
    rollback, in their own transaction, so that a refused request still leaves its trace.
    """
    session = Session(bind=engine if write else reader(engine), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        _write_kept_rows(session, engine)
        raise
    finally:
        session.close()


def keep_after_rollback(session: Session, write: Callable[[Session], None]) -> None:
    """Call `write` in a transaction of its own if this unit of work is rolled back."""
    session.info.setdefault(_AFTER_ROLLBACK, []).append(write)


def _write_kept_rows(session: Session, engine: Engine) -> None:
    kept: list[Callable[[Session], None]] = session.info.pop(_AFTER_ROLLBACK, [])
    if not kept:
        return
    with Session(bind=engine) as own, own.begin():
        for write in kept:
            write(own)
