"""A chronology's severity in SQL: the same rule as `classify.severity`, as a CASE expression,
so that the database can filter by severity before any entry is read.

`classify.severity` stays the one rule for entries; tests/unit/chronology/test_severity_sql.py
checks, on both engines, that the two agree for every type and the attribute values that matter.
Attributes are JSON (JSONB on PostgreSQL): a value counts as said only when it is that string,
and a flag is true as Python's truth of the value is (missing, null, false, 0, "", [] and {}
are false).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Numeric, Table, case, cast, false, func, or_, true

from joinedup.chronology import classify


def severity(events: Table, dialect: str) -> ColumnElement[str]:
    """`classify.severity(events.type, events.attributes)` as a CASE expression."""
    attributes = events.c.attributes
    t, truthy = events.c.type, _truthy(attributes, dialect)

    def said(key: str, *values: str) -> ColumnElement[bool]:
        """The attribute is a string, one of `values` (a boolean or number never reads as one)."""
        text: ColumnElement[str] = attributes[key].as_string()
        return text.in_(values) if len(values) > 1 else text == values[0]

    high, medium, low = classify.HIGH, classify.MEDIUM, classify.LOW

    def either(condition: ColumnElement[bool], yes: str, no: str) -> ColumnElement[str]:
        return case((condition, yes), else_=no)

    found: ColumnElement[str] = case(
        (t.in_(sorted(classify._HIGH_TYPES)), high),
        (t == "domestic_abuse_incident", either(or_(said("risk_level", "high"),
         truthy("physical_violence"), truthy("children_present")), high, medium)),
        (t == "injury", either(or_(said("explanation_consistent", "no"),
         said("child_mobile", "no")), high, medium)),
        (t == "adult_offence", either(or_(truthy("against_child"), said("category",
         "violence", "sexual", "weapons")), high, medium)),
        (t.in_(["concern", "anonymous_report"]), either(said("category",
         *sorted(classify._HIGH_CATEGORIES)), high, medium)),
        (t == "school_absence", either(truthy("persistent"), medium, low)),
        (t == "exclusion", either(said("kind", "permanent"), medium, low)),
        (t.in_(sorted(classify._LOW_TYPES)), low),
        else_=medium,
    )  # fmt: skip
    return found


def _truthy(attributes: Any, dialect: str) -> Any:
    """Python's truth of an attribute (missing, null, false, 0, "", [] and {} are false)."""

    def sqlite(key: str) -> ColumnElement[bool]:
        path = f'$."{key}"'
        value = func.json_extract(attributes, path)
        kind = func.json_type(attributes, path)
        return case(
            (kind == "true", true()),
            (kind.in_(["integer", "real"]), value != 0),
            (kind == "text", value != ""),
            (kind == "array", func.json_array_length(attributes, path) > 0),
            (kind == "object", value != "{}"),
            else_=false(),
        )

    def postgresql(key: str) -> ColumnElement[bool]:
        value, text = attributes[key], attributes[key].as_string()
        kind = func.jsonb_typeof(value)
        return case(
            (kind == "boolean", text == "true"),
            (kind == "number", cast(text, Numeric()) != 0),
            (kind == "string", text != ""),
            (kind == "array", func.jsonb_array_length(value) > 0),
            (kind == "object", text != "{}"),
            else_=false(),
        )

    return postgresql if dialect == "postgresql" else sqlite
