"""Backing up and restoring the whole database, and the figures that show a restore is whole.

SQLite: the sqlite3 online backup API, a consistent copy taken while the service runs (WAL and
all), written as one self-contained file. PostgreSQL: `pg_dump --format=custom` and
`pg_restore`, which restore every sequence at its value, so a restored copy never hands out an
id it already holds. A restore goes only into an empty database: nothing is merged or overwritten.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404: runs pg_dump/pg_restore, named by absolute path, no shell
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url

from joinedup.config import sqlite_path
from joinedup.core.errors import FieldError, ValidationFailed

_CHUNK = 5_000


@dataclass(frozen=True)
class TableFigure:
    """One table's row count and a SHA-256 of its rows in primary-key order."""

    name: str
    rows: int
    digest: str


def backup(engine: Engine, out: Path) -> None:
    """Write a backup of the whole database to `out`: whole or not at all (temporary + rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(out) as temporary:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_file(engine), temporary)
        else:
            _run(_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={temporary}", url=engine.url)  # fmt: skip
        os.replace(temporary, out)


def restore(engine: Engine, backup_file: Path) -> None:
    """Restore `backup_file` into the (empty) database behind `engine`, in one transaction.

    The backup is checked before the target is touched: a refused restore creates nothing."""
    if not backup_file.is_file():
        raise _invalid("backup_file", f"{backup_file} does not exist or is not a file")
    if engine.dialect.name == "sqlite":
        target = _sqlite_file(engine)
        _check_sqlite_backup(backup_file)
        if target.exists() and _sqlite_tables(target):
            raise _not_empty()
        _sqlite_restore(backup_file, target)
        return
    if inspect(engine).get_table_names():
        raise _not_empty()
    engine.dispose()  # the inspection's connection must not linger in the restored database
    _run(_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", f"--dbname={engine.url.database}", str(backup_file),
         url=engine.url)  # fmt: skip


def _not_empty() -> ValidationFailed:
    return _invalid("database_url", "the target database is not empty: restore into a new one")


def figures(engine: Engine) -> list[TableFigure]:
    """Every table's row count and content digest (rows in primary-key order, values as the
    driver returns them), to compare a restored copy with its original on the same engine."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        quote = engine.dialect.identifier_preparer.quote
        result = []
        for name in sorted(inspector.get_table_names()):
            keys = inspector.get_pk_constraint(name).get("constrained_columns") or [
                column["name"] for column in inspector.get_columns(name)
            ]
            order = ", ".join(quote(key) for key in keys)
            rows = connection.exec_driver_sql(
                f"SELECT * FROM {quote(name)} ORDER BY {order}"  # noqa: S608 (names from the schema)
            )
            digest, count = hashlib.sha256(), 0
            while chunk := rows.fetchmany(_CHUNK):
                for row in chunk:
                    digest.update(orjson.dumps(list(row), default=_plain, option=_OPTIONS))
                    digest.update(b"\n")
                count += len(chunk)
            result.append(TableFigure(name=name, rows=count, digest=digest.hexdigest()))
        connection.rollback()
    return result


_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _plain(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


def _sqlite_file(engine: Engine) -> Path:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        raise _invalid("database_url", "an in-memory SQLite database cannot be backed up")
    return path


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise _invalid("database_url", f"{source} does not exist")
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it


def _sqlite_tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
        return {row[0] for row in database.execute("SELECT name FROM sqlite_master")}


def _check_sqlite_backup(backup_file: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as saved:
            verdict = saved.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise _invalid("backup_file", f"{backup_file} is not a SQLite database") from error
    if verdict != ("ok",) or "alembic_version" not in _sqlite_tables(backup_file):
        raise _invalid("backup_file", f"{backup_file} is not a whole Joined Up backup")


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(target) as temporary:
        with (
            closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as saved,
            closing(sqlite3.connect(temporary)) as copy,
        ):
            saved.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, target)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise _invalid(
            "database_url",
            f"{name} is not on PATH: install the PostgreSQL client tools of the server's version",
        )
    return found


def _run(tool: str, *args: str, url: URL) -> None:
    """Run a PostgreSQL client tool with the connection in libpq's environment variables, so
    that no password appears on a command line."""
    url = make_url(url.render_as_string(hide_password=False))
    env = {**os.environ, "PGHOST": url.host or "", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "", "PGDATABASE": url.database or ""}  # fmt: skip
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run([tool, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ValidationFailed(f"{Path(tool).name} failed: {done.stderr.strip()[:2000]}")


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()  # the tools create it themselves
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [FieldError(field=field, message=message)])
