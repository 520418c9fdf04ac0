"""`column IN (values)` for a whole batch, as one bound parameter.

SQLAlchemy's expanding IN renders one placeholder per value, and compiling thousands of them
costs more than the query. So the values go as one parameter: a PostgreSQL array
(`= ANY(%s)`) or a JSON array read by SQLite's `json_each`; both engines search the column's
index for each value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Executable,
    String,
    Text,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def among(
    session: Session, column: Any, values: Iterable[int] | Iterable[str]
) -> ColumnElement[bool]:
    wanted = sorted(set(values))  # type: ignore[type-var]
    if session.get_bind().dialect.name == "postgresql":
        kind = Text() if wanted and isinstance(wanted[0], str) else BigInteger()
        return column == any_(bindparam(None, wanted, type_=ARRAY(kind)))  # type: ignore[no-any-return]
    listed: Any = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, orjson.dumps(wanted).decode()))
    )
    return column.in_(listed)  # type: ignore[no-any-return]


def among_bound(dialect: str, column: Any, name: str) -> ColumnElement[bool]:
    """`among` with the values left to the named parameter `name` (bind `bound_values`), for a
    statement built once and run many times: building a statement and its cache key costs
    several times what running a look-up by index does. The same SQL as `among`."""
    if dialect == "postgresql":
        kind = Text() if isinstance(column.type, String) else BigInteger()
        return column == any_(bindparam(name, type_=ARRAY(kind)))  # type: ignore[no-any-return]
    listed: Any = select(literal_column("value")).select_from(func.json_each(bindparam(name)))
    return column.in_(listed)  # type: ignore[no-any-return]


def bound_values(dialect: str, values: Iterable[int] | Iterable[str]) -> Any:
    """The value of an `among_bound` parameter: the distinct values, sorted."""
    wanted = sorted(set(values))  # type: ignore[type-var]
    return wanted if dialect == "postgresql" else orjson.dumps(wanted).decode()


# Statements run for every record online, built once per dialect (see `among_bound`).
_BUILT: dict[tuple[str, str], Executable] = {}
VALUES = "b_values"


def built(session: Session, name: str, build: Callable[[str], Executable]) -> tuple[str, Any]:
    """The dialect's name and the statement `name`, built by `build(dialect)` on first use."""
    dialect = session.get_bind().dialect.name
    statement = _BUILT.get((dialect, name))
    if statement is None:
        statement = _BUILT[(dialect, name)] = build(dialect)
    return dialect, statement


def run_among(
    session: Session,
    name: str,
    build: Callable[[str], Executable],
    values: Iterable[Any],
    chunk: int,
    params: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """The rows of the built statement `name` (whose `among_bound` parameter is `VALUES`) for
    these values, `chunk` values a statement; `params` binds its other `among_bound` ones."""
    dialect, statement = built(session, name, build)
    other = {k: bound_values(dialect, v) for k, v in (params or {}).items()}
    wanted = sorted(set(values))
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        yield from session.execute(statement, {VALUES: bound_values(dialect, part), **other})
