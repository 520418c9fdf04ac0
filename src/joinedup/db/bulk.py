"""Bulk inserts at the engine's own speed: COPY on PostgreSQL (one multi-row INSERT for a few
rows, which is one round trip where COPY takes two), one prepared statement run by the
driver's `executemany` on SQLite.

Values pass through SQLAlchemy's bind processors for each column's type first, so what is
stored is exactly what the ORM would store (UTC instants, JSON text, booleans, dates).
The rows join the session's current transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from psycopg import sql
from sqlalchemy import Column, Table
from sqlalchemy.orm import Session

# Below this many rows PostgreSQL gets one multi-row INSERT instead of a COPY (measured: the
# INSERT is faster up to about 16 rows, even at 32 to 64, slower beyond).
FEW_ROWS = 32


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = [column for column in table.columns if column.key in rows[0]]
    values = _values(columns, rows, dialect)
    driver = connection.connection.driver_connection
    if dialect.name != "postgresql":
        _executemany(driver, table, columns, values)
    elif len(values) < FEW_ROWS:
        _insert_values(driver, table, columns, values)
    else:
        _copy(driver, table, columns, values)


def bulk_insert_all(
    session: Session, writes: Sequence[tuple[Table, Sequence[dict[str, Any]]]]
) -> None:
    """Several tables' rows, in the order given (a table's rows may refer to an earlier one's).

    PostgreSQL: each run of tables with few rows goes as one statement, the first tables'
    INSERTs in WITH clauses (foreign keys are checked at the statement's end, as for any
    other), so a batch's writes cost one round trip. Otherwise as `bulk_insert`, table by table.
    """
    writes = [(table, rows) for table, rows in writes if rows]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, rows in writes:
            bulk_insert(session, table, rows)
        return
    run: list[tuple[Table, list[Column[Any]], list[tuple[Any, ...]]]] = []
    for table, rows in writes:
        if len(rows) >= FEW_ROWS:
            _insert_run(connection, run)
            run = []
            bulk_insert(session, table, rows)
            continue
        columns = [column for column in table.columns if column.key in rows[0]]
        run.append((table, columns, _values(columns, rows, connection.dialect)))
    _insert_run(connection, run)


def _insert_run(
    connection: Any, run: list[tuple[Table, list[Column[Any]], list[tuple[Any, ...]]]]
) -> None:
    if not run:
        return
    inserts = [_values_statement(table, columns, len(values)) for table, columns, values in run]
    *first, last = inserts
    head = f"WITH {', '.join(f'w{i} AS ({s})' for i, s in enumerate(first))} " if first else ""
    params = [value for _, _, values in run for row in values for value in row]
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(head + last, params)


def _values(columns: list[Column[Any]], rows: Sequence[dict[str, Any]], dialect: Any) -> list[Any]:
    """Rows as tuples in column order, each column converted by its type, column by column.

    Values are taken out in C (`itemgetter`); only columns whose type has a bind processor
    (instants, JSON, and on SQLite booleans and dates) pass through Python, one `map` each.
    """
    take = itemgetter(*(column.key for column in columns))
    tuples = [take(row) for row in rows]
    if len(columns) == 1:
        tuples = [(value,) for value in tuples]
    processors = [(i, _processor(c, dialect)) for i, c in enumerate(columns)]
    converting = [(i, p) for i, p in processors if p is not None]
    if not converting:
        return tuples
    by_column: list[Any] = list(zip(*tuples, strict=True))
    for i, processor in converting:
        by_column[i] = map(processor, by_column[i])
    return list(zip(*by_column, strict=True))


def _processor(column: Column[Any], dialect: Any) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _copy(
    driver: Any, table: Table, columns: list[Column[Any]], values: list[tuple[Any, ...]]
) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)


def _names(table: Table, columns: list[Column[Any]]) -> str:
    names = ", ".join(f'"{c.name}"' for c in columns)
    return f'"{table.name}" ({names})'


def _executemany(
    driver: Any, table: Table, columns: list[Column[Any]], values: list[tuple[Any, ...]]
) -> None:
    marks = ", ".join("?" for _ in columns)
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO {_names(table, columns)} VALUES ({marks})", values)  # noqa: S608 - names come from the table's own metadata
    finally:
        cursor.close()


def _insert_values(
    driver: Any, table: Table, columns: list[Column[Any]], values: list[tuple[Any, ...]]
) -> None:
    with driver.cursor() as cursor:
        cursor.execute(
            _values_statement(table, columns, len(values)),
            [value for row_values in values for value in row_values],
        )


def _values_statement(table: Table, columns: list[Column[Any]], rows: int) -> str:
    row = f"({', '.join('%s' for _ in columns)})"
    return f"INSERT INTO {_names(table, columns)} VALUES {', '.join([row] * rows)}"  # noqa: S608 - names come from the table's own metadata


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` new primary keys for `table`, taken before the rows are written."""
    return reserve_many(session, {table: count})[table]


def reserve_many(session: Session, counts: Mapping[Table, int]) -> dict[Table, list[int]]:
    """New primary keys for several tables at once (one statement), taken before the rows
    are written.

    PostgreSQL: drawn from each `id` column's sequence. SQLite: the next numbers after each
    table's largest key; safe because a writer holds the database's write lock from BEGIN
    IMMEDIATE onwards.
    """
    found: dict[Table, list[int]] = {table: [] for table in counts}
    tables = [table for table, count in counts.items() if count > 0]
    if not tables:
        return found
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        draw = "SELECT %s, nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
        params = [value for i, t in enumerate(tables) for value in (i, t.name, counts[t])]
        for i, key in connection.exec_driver_sql(
            " UNION ALL ".join([draw] * len(tables)), tuple(params)
        ):
            found[tables[i]].append(int(key))
        return found
    tops = connection.exec_driver_sql(
        "SELECT " + ", ".join(f'(SELECT COALESCE(MAX(id), 0) FROM "{t.name}")' for t in tables)  # noqa: S608 - the tables' own names
    ).one()
    for table, top in zip(tables, tops, strict=True):
        found[table] = list(range(int(top or 0) + 1, int(top or 0) + 1 + counts[table]))
    return found
