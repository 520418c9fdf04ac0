"""The comparison levels written in SQL (for Splink) and in Python (online) agree, pair by pair.

Online resolution scores with the Python; Splink trains and re-links with the SQL. Pairs come from
a generated authority's children, blocked as batch linkage blocks them, so every level that real
data reaches is exercised on DuckDB and, in tests/functional/cli, through Spark.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from joinedup.people.linkage.comparisons import COMPARISONS, splink_comparison
from joinedup.people.linkage.csvfile import read
from joinedup.people.linkage.model import KEY_COLUMNS, load_model
from joinedup.people.linkage.train import prepare, to_arrow
from joinedup.people.linkage.types import Identity
from tests.factories.linkage import child_mentions


def _case(name: str) -> str:
    spec = next(c for c in COMPARISONS if c.name == name)
    levels = splink_comparison(spec, "duckdb")["comparison_levels"]
    whens = [
        f"WHEN {level['sql_condition']} THEN {index}"
        for index, level in enumerate(levels)
        if level["sql_condition"] != "ELSE"
    ]
    return f"CASE {' '.join(whens)} ELSE {len(levels) - 1} END AS {name}"


def test_sql_and_python_give_every_pair_the_same_levels(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    authority = child_mentions(150, 5, Path(tmp_path_factory.mktemp("parity")))
    data = read(authority.write(tmp_path_factory.mktemp("csv") / "children.csv"))
    model = load_model()
    # Rare levels that a small authority may not reach, added by hand.
    zofia = Identity(given_names="Zofia", family_name="Nowak", date_of_birth="2015-03-07")
    home = replace(zofia, postcode="KF1 1AA", address="Flat 3, Ash House, 1 Ash Road")
    extra = [
        zofia,
        replace(zofia, date_of_birth="2015-07-03"),
        replace(zofia, date_of_birth="2014-03-07"),  # the year one out
        replace(zofia, date_of_birth="2015-03-03"),
        replace(zofia, date_of_birth="2015-03-30"),  # the day's digits exchanged
        replace(zofia, date_of_birth="2015-03"),
        replace(zofia, given_names="Nowak", family_name="Zofia"),
        replace(zofia, given_names="Nowakk", family_name="Zofia"),  # swapped with a slip
        replace(zofia, given_names="Zof"),  # a short form
        replace(zofia, given_names="Zo"),  # too short to be one
        replace(zofia, given_names="Kasia"),
        replace(zofia, given_names="Kassia"),  # a slip of a form learned or known
        replace(zofia, given_names="Jimm"),
        replace(zofia, given_names="James"),
        home,
        replace(home, address="Flat 9, Ash House, 1 Ash Road"),
        replace(home, postcode="KF9 9ZZ"),
    ]
    prepared = prepare([*data.identities, *extra], model.equivalences)
    table = to_arrow(prepared.rows)
    columns = [c for c in table.column_names if c != "unique_id" and not c.startswith("k_")]
    side = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in columns)
    blocked = " OR ".join(f'l."{k}" = r."{k}"' for k in KEY_COLUMNS)
    with duckdb.connect() as db:
        db.register("identities", table)
        pairs = db.execute(
            f"""
            WITH pairs AS (
                SELECT l.unique_id AS a, r.unique_id AS b, {side}
                FROM identities l JOIN identities r ON l.unique_id < r.unique_id AND ({blocked})
            )
            SELECT a, b, {", ".join(_case(c.name) for c in COMPARISONS)} FROM pairs
            """  # noqa: S608 - built from our own comparison specs
        ).fetchall()
    assert len(pairs) > 1000
    reached: set[tuple[str, int]] = set()
    for a, b, *sql_levels in pairs:
        for spec, sql_level in zip(COMPARISONS, sql_levels, strict=True):
            python_level = spec.level_of(prepared.rows[a], prepared.rows[b])
            assert python_level == sql_level, (spec.name, prepared.rows[a], prepared.rows[b])
            reached.add((spec.name, sql_level))
    # Every level of the name and date comparisons occurs in real data, so all were compared.
    for spec in COMPARISONS:
        if spec.name in ("given", "family", "dob", "place"):
            assert {(spec.name, i) for i in range(len(spec.levels))} <= reached, spec.name
