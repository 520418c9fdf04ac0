"""The exchange format as a published JSON Schema (Draft 2020-12), built from the validator's own
models and attribute table so that the two cannot drift: `python -m joinedup.intake.jsonschema`.

The schema states structure, types, enumerations and per-type attributes. A few checks need
code and are stated in the schema's description instead: real calendar dates, modulus-11 and
UPN check characters (warnings), unique subject refs, and a child subject for most types.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

from joinedup.intake.attributes import ADULT_ONLY_TYPES, ATTRIBUTES, EVENT_TYPES
from joinedup.intake.schemas import ExchangeRecord

SCHEMA_ID = "https://joinedup.example/schemas/joinedup-1.schema.json"
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FULL_DATE = r"^\d{4}-\d{2}-\d{2}$"
MOMENT = r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$"


def build_schema() -> dict[str, Any]:
    schema = ExchangeRecord.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Joined Up exchange record, joinedup/1"
    schema["description"] = (__doc__ or "").strip().split("\n\n")[1].replace("\n", " ")
    props = schema["properties"]
    props["type"] = {"type": "string", "enum": list(EVENT_TYPES), "title": "Type"}
    props["occurred_at"]["pattern"] = MOMENT
    props["recorded_at"]["anyOf"][0]["pattern"] = MOMENT
    props["attributes"] = {
        "type": "object",
        "title": "Attributes",
        "description": "Type-specific; unknown keys are kept with a warning.",
    }
    subject = schema["$defs"]["Subject"]["properties"]
    subject["date_of_birth"]["anyOf"][0]["pattern"] = PARTIAL_DATE
    subject["expected_date_of_delivery"]["anyOf"][0]["pattern"] = FULL_DATE
    subject["nhs_number"]["anyOf"][0]["pattern"] = r"^(\d ?){9}\d$"
    subject["upn"]["anyOf"][0]["pattern"] = r"^[A-Z]\d{11}[0-9A-Z]$"
    schema["allOf"] = [_attributes_rule(kind) for kind in EVENT_TYPES] + [_child_rule()]
    return schema


def _attributes_rule(kind: str) -> dict[str, Any]:
    properties = {key: spec.json_schema() for key, spec in ATTRIBUTES[kind].items()}
    return {
        "if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
        "then": {"properties": {"attributes": {"type": "object", "properties": properties}}},
    }


def _child_rule() -> dict[str, Any]:
    has_child = {"contains": {"properties": {"role": {"enum": ["child", "unborn"]}}}}
    return {
        "if": {"properties": {"type": {"enum": sorted(ADULT_ONLY_TYPES)}}},
        "else": {"properties": {"subjects": has_child}},
    }


def render() -> bytes:
    return orjson.dumps(build_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


if __name__ == "__main__":
    sys.stdout.buffer.write(render())
