"""`column IN (values)` for a whole batch, as one bound parameter.

SQLAlchemy's expanding IN renders one placeholder per value, and compiling thousands of them
costs more than the query. So the values go as one parameter: a PostgreSQL array
(`= ANY(%s)`) or a JSON array read by SQLite's `json_each`; both engines search the column's
index for each value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
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
