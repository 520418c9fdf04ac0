"""Valid exchange records to start from; tests change one thing and watch what follows."""

from __future__ import annotations

import copy
from typing import Any

import orjson

_BASE: dict[str, Any] = {
    "format": "joinedup/1",
    "record_id": "tvp:INC-2024-000001",
    "source": {"agency": "police", "organisation": "Testshire Police", "organisation_code": "99"},
    "author": {"name": "PC T Example", "role": "response officer", "contact": "0300 000 0001"},
    "type": "domestic_abuse_incident",
    "occurred_at": "2024-03-14T23:10:00+00:00",
    "date_precision": "minute",
    "recorded_at": "2024-03-15T02:00:00+00:00",
    "summary": "Called by neighbour. Adult male arrested. Two children present.",
    "attributes": {"children_present": True, "risk_level": "medium", "arrest": True},
    "sensitivity": "normal",
    "subjects": [
        {
            "ref": "c1",
            "role": "child",
            "given_names": "Testa",
            "family_name": "Fixture",
            "date_of_birth": "2017-07-15",
            "sex": "F",
            "nhs_number": "9990000018",
            "address": {"lines": ["1 Sample Road"], "town": "Testtown", "postcode": "ZZ1 1ZZ"},
        },
        {
            "ref": "a1",
            "role": "adult",
            "relationship": "mother",
            "given_names": "Mara",
            "family_name": "Fixture",
            "date_of_birth": "1990",
            "sex": "F",
            "victim": True,
        },
    ],
}


def record(**changes: Any) -> dict[str, Any]:
    """A valid record with top-level fields replaced (None removes a field)."""
    built = copy.deepcopy(_BASE)
    for key, value in changes.items():
        if value is None:
            built.pop(key, None)
        else:
            built[key] = value
    return built


def numbered(n: int, **changes: Any) -> dict[str, Any]:
    return record(record_id=f"tvp:INC-2024-{n:06d}", **changes)


def line(value: Any) -> bytes:
    return orjson.dumps(value)


def jsonl(values: list[Any]) -> bytes:
    return b"".join(orjson.dumps(v) + b"\n" for v in values)
