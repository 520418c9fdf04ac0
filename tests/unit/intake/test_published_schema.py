"""The JSON Schema in docs/ is the validator's own, and agrees with it on good and bad records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from joinedup.intake.jsonschema import render
from joinedup.intake.validation import RecordInvalid, parse_object
from tests.factories.records import record

PUBLISHED = Path(__file__).parents[3] / "docs" / "exchange" / "joinedup-1.schema.json"


def test_the_published_schema_is_current() -> None:
    assert PUBLISHED.read_bytes() == render(), (
        "docs/exchange/joinedup-1.schema.json is stale: "
        "python -m joinedup.intake.jsonschema > docs/exchange/joinedup-1.schema.json"
    )


def _with(path: str, value: Any) -> dict[str, Any]:
    built = record()
    target: Any = built
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return built


CASES = [
    record(),
    record(type="note", attributes={}),
    record(occurred_at="2011", date_precision="year"),
    record(extra_field=1),
    record(type="burglary"),
    record(summary=None),
    _with("attributes.children_present", "yes"),
    _with("source.agency", "army"),
    _with("subjects.0.sex", "X"),
    _with("subjects.0.upn", "not-a-upn"),
    _with("subjects.0.date_of_birth", "15/07/2017"),
    record(subjects=[{"ref": "a1", "role": "adult"}]),
]


@pytest.mark.parametrize("value", CASES)
def test_schema_and_validator_agree(value: dict[str, Any]) -> None:
    schema = orjson.loads(PUBLISHED.read_bytes())
    schema_ok = Draft202012Validator(schema).is_valid(value)
    try:
        parse_object(value)
        validator_ok = True
    except RecordInvalid:
        validator_ok = False
    assert schema_ok == validator_ok
