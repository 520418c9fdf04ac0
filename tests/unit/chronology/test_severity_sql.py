"""The severity filter runs in SQL; entries take their severity from `classify.severity`.

For every type the catalogue knows and every attribute value that matters to the rule (the
strings it compares, flags of every JSON kind, missing and null), the CASE expression of
`severity_sql` and the Python function must agree, on the engine the tests run on.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from joinedup.chronology import classify, severity_sql
from joinedup.db.types import JSONDoc

MISSING = object()
# Values a source may send: what the rule compares with, its near misses, and each JSON kind.
FLAGS: list[Any] = [MISSING, None, True, False, 0, 1, 2.5, 0.0, "", "yes", "false", [], [0], {},
                    {"a": 1}]  # fmt: skip
STRINGS = {
    "risk_level": ["high", "medium", "HIGH"],
    "explanation_consistent": ["no", "yes"],
    "child_mobile": ["no", "yes"],
    "category": [*sorted(classify._HIGH_CATEGORIES), "violence", "sexual", "weapons", "theft"],
    "kind": ["permanent", "fixed_term"],
}
FLAG_KEYS = ["physical_violence", "children_present", "against_child", "persistent"]
OTHER_TYPES = ["note", "referral", "assessment", "adult_risk", "housing", "was_not_brought",
               "unscheduled_care", "change_of_household", "something_new"]  # fmt: skip
RULED_TYPES = ["domestic_abuse_incident", "injury", "adult_offence", "concern",
               "anonymous_report", "school_absence", "exclusion"]  # fmt: skip


def cases() -> list[tuple[str, dict[str, Any]]]:
    """Each type with no attributes; each ruled type with each value of each key alone, and
    with the pairs of keys that its rule combines."""
    kinds = sorted({*classify._HIGH_TYPES, *classify._LOW_TYPES, *classify.STATUTORY,
                    *OTHER_TYPES, *RULED_TYPES})  # fmt: skip
    found: list[tuple[str, dict[str, Any]]] = [(kind, {}) for kind in kinds]
    # a list or an object cannot be looked up in a set of strings (classify raises): scalars only
    scalars = [v for v in FLAGS if not isinstance(v, list | dict)]
    values = {key: [*scalars, *strings] for key, strings in STRINGS.items()}
    values |= {key: FLAGS for key in FLAG_KEYS}
    for kind in RULED_TYPES:
        for key, options in values.items():
            found += [(kind, {key: v}) for v in options if v is not MISSING]
    pairs = [("risk_level", "physical_violence"), ("children_present", "risk_level"),
             ("explanation_consistent", "child_mobile"), ("against_child", "category")]  # fmt: skip
    for first, second in pairs:
        for a, b in itertools.product(values[first][:8], values[second][:8]):
            chosen = {k: v for k, v in ((first, a), (second, b)) if v is not MISSING}
            found += [(kind, chosen) for kind in RULED_TYPES[:3]]
    return found


def test_the_sql_severity_agrees_with_the_python_rule(session: Session) -> None:
    table = Table(
        "severity_cases",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("type", String(40)),
        Column("attributes", JSONDoc),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    table.create(connection)
    checked = cases()
    connection.execute(
        insert(table),
        [{"id": i, "type": kind, "attributes": attrs} for i, (kind, attrs) in enumerate(checked)],
    )
    dialect = connection.dialect.name
    query = select(table.c.id, severity_sql.severity(table, dialect)).order_by(table.c.id)
    by_sql = {i: sev for i, sev in connection.execute(query)}
    differ = [
        (kind, attrs, by_sql[i], classify.severity(kind, attrs))
        for i, (kind, attrs) in enumerate(checked)
        if by_sql[i] != classify.severity(kind, attrs)
    ]
    assert len(checked) > 500 and not differ
    assert set(by_sql.values()) == set(classify.SEVERITIES)


def test_a_null_attributes_document_reads_as_no_attributes(session: Session) -> None:
    table = Table(
        "severity_nulls",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("type", String(40)),
        Column("attributes", JSONDoc, nullable=True),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    table.create(connection)
    kinds = [*RULED_TYPES, "disclosure", "note"]
    connection.execute(insert(table), [{"id": i, "type": k} for i, k in enumerate(kinds)])
    query = select(table.c.id, severity_sql.severity(table, connection.dialect.name))
    by_sql = {i: sev for i, sev in connection.execute(query)}
    assert [by_sql[i] for i in range(len(kinds))] == [classify.severity(k, {}) for k in kinds]
