"""The circles of many children in one prepared statement, for the rules.

`people.circle.circle_of` is the people domain's read interface for one person (ADR 0007): one
statement a person. Live intake needs the circles of every person a batch of records names, and
a backtest those of every child in the store (75,000 in the benchmark), so the rules read them
in batches. The rules need less of a circle (who the child is, with everyone merged into them;
who else is on their household chronology; what kind of person each is). This statement reads
the same tables the same way (merges up to the survivor and down to everyone merged into them;
the households the child lived in, over their whole stay there; everyone whose stay overlapped
it; relationships either way; each of those followed to their survivor) and is built once per
engine, its persons one bound array. `tests/unit/rules/test_circles.py` keeps it equal to
`circle_of`. It belongs in `people/circle.py` as a batch read beside `circle_of`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import orjson
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger

CHILD_KINDS = frozenset({"child", "unborn"})

_TOP = """
up{s}(start, id, into_id) AS (
  SELECT p.id, p.id, p.merged_into_id FROM persons p WHERE {p_in_start}
  UNION
  SELECT up.start, p.id, p.merged_into_id FROM {up_step}),
top{s}(start, id) AS (SELECT start, id FROM up{s} WHERE into_id IS NULL),"""

_CIRCLES = """
down{s}(top, id) AS (
  SELECT DISTINCT id, id FROM top{s}
  UNION
  SELECT down.top, p.id FROM {down_step}),
stays{s}(top, household_id, from_date, to_date) AS (
  SELECT d.top, hm.household_id, MIN(hm.from_date), MAX(hm.to_date)
  FROM household_members hm JOIN down{s} d ON hm.person_id = d.id
  WHERE {hm_person_in_down}
  GROUP BY d.top, hm.household_id),
others{s}(top, person_id) AS (
  SELECT s.top, hm.person_id FROM household_members hm
  JOIN stays{s} s ON hm.household_id = s.household_id
  WHERE {hm_household_in_stays} AND hm.from_date <= s.to_date AND hm.to_date >= s.from_date
  UNION
  SELECT d.top, r.related_person_id FROM relationships r JOIN down{s} d ON r.person_id = d.id
  WHERE {r_person_in_down}
  UNION
  SELECT d.top, r.person_id FROM relationships r JOIN down{s} d ON r.related_person_id = d.id
  WHERE {r_related_in_down}),
chain{s}(top, id, into_id, kind) AS (
  SELECT o.top, p.id, p.merged_into_id, p.kind FROM persons p JOIN others{s} o
  ON p.id = o.person_id
  WHERE {p_in_others}
  UNION
  SELECT c.top, p.id, p.merged_into_id, p.kind FROM {chain_step})"""

# The rows of one set of circles: the persons asked for and their survivors (and the survivor's
# kind), everyone merged into each survivor, and everyone else in each circle with their kind.
_PARTS = """
SELECT {own} AS part, t.start AS a, t.id AS b, p.kind AS kind
  FROM top{s} t JOIN persons p ON p.id = t.id
UNION ALL SELECT {down}, d.top, d.id, CAST(NULL AS VARCHAR(8)) FROM down{s} d
UNION ALL SELECT {members}, c.top, c.id, c.kind FROM chain{s} c WHERE c.into_id IS NULL"""

# The second round of a named read (`read_named_scopes`): the children found in the circles of
# the persons named, less those named, whose circles the first round has read. Each is a
# survivor (`chain` followed their merges), so their own top: no merges to follow up.
_FOUND = """,
top2(start, id) AS (
  SELECT c.id, c.id FROM chain c WHERE c.into_id IS NULL AND c.kind IN ('child', 'unborn')
  EXCEPT SELECT t.id, t.id FROM top t),"""

# Each join from a small CTE into a large table also says which keys it wants, as a condition
# the planner can use: on PostgreSQL `= ANY(ARRAY(SELECT ...))` (an array computed first, so
# index look-ups), as its guesses for recursive CTEs run to millions of rows and it would
# otherwise merge-join whole indexes; on SQLite the same as `IN (SELECT ...)`.
_WANTED = {
    "p_in_start": ("p.id", "id", "start"),
    "hm_person_in_down": ("hm.person_id", "id", "down"),
    "hm_household_in_stays": ("hm.household_id", "household_id", "stays"),
    "r_person_in_down": ("r.person_id", "id", "down"),
    "r_related_in_down": ("r.related_person_id", "id", "down"),
    "p_in_others": ("p.id", "person_id", "others"),
}


# Each recursive step (a merge followed up or down) joins the few rows found so far to persons.
# PostgreSQL guesses the work table at hundreds of rows and hashes the whole persons table for
# it (a sequential scan of every person, each step, for the one or two rows there are); as a
# lateral look-up behind `OFFSET 0`, which it cannot flatten, each row is one index probe.
_STEPS = {  # the work table, its alias, the join, the columns
    "up_step": ("up", "up", "p.id = up.into_id", "p.id, p.merged_into_id"),
    "down_step": ("down", "down", "p.merged_into_id = down.id", "p.id"),
    "chain_step": ("chain", "c", "p.id = c.into_id", "p.id, p.merged_into_id, p.kind"),
}


def _wanted(dialect: str, s: str = "") -> dict[str, str]:
    """The conditions, from this module's constants only (no value is ever formatted in), for
    the CTEs named with the suffix `s`."""
    form = "{} = ANY(ARRAY(SELECT {} FROM {}))" if dialect == "postgresql" else (
        "{} IN (SELECT {} FROM {})")  # fmt: skip
    found = {k: form.format(column, key, cte + s) for k, (column, key, cte) in _WANTED.items()}
    step = "{0} {1} CROSS JOIN LATERAL (SELECT {3} FROM persons p WHERE {2} OFFSET 0) p" if (
        dialect == "postgresql") else "persons p JOIN {0} {1} ON {2}"  # fmt: skip
    for key, (cte, alias, join, columns) in _STEPS.items():
        found[key] = step.format(cte + s, alias, join, columns)
    return found


def _circles(dialect: str, s: str = "", top: bool = True) -> str:
    """The CTEs of a round of circles, named with the suffix `s`: from `start{s}` (`top`) or
    from the survivors `top{s}` already chosen."""
    wanted = _wanted(dialect, s)
    return (_TOP.format(s=s, **wanted) if top else "") + _CIRCLES.format(s=s, **wanted)


_START = {
    "sqlite": "start(id) AS (SELECT CAST(value AS INTEGER) FROM json_each(:persons)),",
    "postgresql": "start(id) AS (SELECT unnest(:persons)),",
}


@dataclass(frozen=True, slots=True)
class Scope:
    """A child's circle as the rules read it: the child (the survivor of any merge) with
    everyone merged into them, and everyone else on their household chronology, by kind."""

    child: int
    kind: str
    own: frozenset[int]
    members: dict[int, str]  # person -> kind (child, adult, unborn), the child's own excluded

    @property
    def everyone(self) -> frozenset[int]:
        return self.own | self.members.keys()


# Starting from the persons some events name, with the earliest day they happened (part 3).
_NAMED = {
    "sqlite": "start(id) AS (SELECT ml.person_id FROM mention_links ml JOIN mentions m ON "
    "m.id = ml.mention_id WHERE m.event_id IN (SELECT CAST(value AS INTEGER) FROM "
    "json_each(:events))),",
    "postgresql": "start(id) AS (SELECT ml.person_id FROM mention_links ml JOIN mentions m ON "
    "m.id = ml.mention_id WHERE m.event_id = ANY(:events)),",
}
_DAY = {
    "sqlite": "UNION ALL SELECT 3, NULL, NULL, substr(MIN(e.occurred_at), 1, 10) FROM events e "
    "WHERE e.id IN (SELECT CAST(value AS INTEGER) FROM json_each(:events))",
    "postgresql": "UNION ALL SELECT 3, NULL, NULL, to_char(MIN(e.occurred_at) AT TIME ZONE "
    "'UTC', 'YYYY-MM-DD') FROM events e WHERE e.id = ANY(:events)",
}


@cache
def _statement(dialect: str, named: bool = False) -> TextClause:
    """The circles of `:persons` (parts 0-2); or of the persons `:events` name (parts 0-2),
    the events' earliest day (part 3), and the circles of the children found in those circles
    who were not named (parts 4-6), in one statement."""
    if not named:
        body = _START[dialect] + _circles(dialect) + _PARTS.format(s="", own=0, down=1, members=2)
    else:
        first = _PARTS.format(s="", own=0, down=1, members=2)
        second = _PARTS.format(s="2", own=4, down=5, members=6)
        rounds = _circles(dialect) + _FOUND + _circles(dialect, "2", top=False)
        body = (_NAMED[dialect] + rounds + first + "\nUNION ALL" + second + "\n"
                + _DAY[dialect])  # fmt: skip
    statement = text("WITH RECURSIVE " + body)
    if dialect == "postgresql":
        name = "events" if named else "persons"
        return statement.bindparams(bindparam(name, type_=ARRAY(BigInteger())))
    return statement


def without_jit(session: Session) -> None:
    """On PostgreSQL, no JIT compilation for the rest of the transaction. The planner's guesses
    for recursive CTEs are millions of rows, which makes it compile this statement (and the
    facts statement after it) for over a second; their real work is a few milliseconds."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # Where the database's or role's own setting is already off (`ALTER DATABASE ... SET jit =
    # off`), nothing to do: asked once a connection (its value on reset, whatever this
    # transaction has set), which saves a round trip a transaction thereafter.
    info = session.connection().info
    if _JIT_OFF not in info:
        info[_JIT_OFF] = session.scalar(_JIT_DEFAULT) == "off"
    if not info[_JIT_OFF]:
        session.execute(text("SET LOCAL jit = off"))


_JIT_OFF = "joinedup_jit_off_by_default"
_JIT_DEFAULT = text("SELECT reset_val FROM pg_settings WHERE name = 'jit'")


def read_scopes(session: Session, persons: Collection[int]) -> dict[int, Scope]:
    """The circle of each person asked for (by the id asked for: a merged-away person's is
    their survivor's); persons that do not exist are left out. (On PostgreSQL, call
    `without_jit` first in the transaction.)"""
    if not persons:
        return {}
    dialect = session.get_bind().dialect.name
    rows = session.execute(_statement(dialect), {"persons": _ids(dialect, persons)})
    return _scopes(rows)[0][0]


def read_named_scopes(
    session: Session, event_ids: Collection[int]
) -> tuple[dict[int, Scope], dict[int, Scope], date | None]:
    """The circle of each person the events name (by their id); the circle of each child found
    in those circles who is not one of them (by the child's id, a survivor); and the earliest
    day the events happened: one statement."""
    if not event_ids:
        return {}, {}, None
    dialect = session.get_bind().dialect.name
    rows = session.execute(_statement(dialect, named=True), {"events": _ids(dialect, event_ids)})
    (named, found), day = _scopes(rows)
    return named, found, day


def _ids(dialect: str, values: Iterable[int]) -> object:
    wanted = sorted(set(values))
    return wanted if dialect == "postgresql" else orjson.dumps(wanted).decode()


def _scopes(rows: Iterable[Any]) -> tuple[list[dict[int, Scope]], date | None]:
    """The circles of each round of the statement's rows (parts 0-2, then 4-6), and the day of
    part 3."""
    survivor: list[dict[int, int]] = [{}, {}]
    kinds: dict[int, str] = {}
    own: dict[int, set[int]] = defaultdict(set)
    members: dict[int, dict[int, str]] = defaultdict(dict)
    day = None
    for part, a, b, kind in rows:
        role = part % 4
        if role == 0:
            survivor[part // 4][a], kinds[b] = b, kind
        elif role == 1:
            own[a].add(b)
        elif role == 2:
            members[a][b] = kind
        elif kind is not None:
            day = date.fromisoformat(kind)
    scopes = {}
    for top in {t for found in survivor for t in found.values()}:
        mine = frozenset(own[top])
        others = {p: k for p, k in members[top].items() if p not in mine}
        scopes[top] = Scope(top, kinds[top], mine, others)
    return [{start: scopes[top] for start, top in found.items()} for found in survivor], day
