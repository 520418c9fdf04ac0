"""The tables csc-validator-be-cin's `convert_data` makes from a CIN census, in batches.

Part of the validators' runner (run.py): runs in .venv-validators, imports no Joined Up code.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

BATCH = 250  # children converted at a time


def convert(root: Any, *, batch: int = BATCH) -> dict[str, Any]:
    """The validator's own XML-to-tables conversion, `batch` children at a time, joined.

    Upstream grows each table by concatenating one child's rows at a time, so the time it takes
    grows with the square of the number of children (minutes for a few thousand). Its
    identifiers (CINdetailsID, AssessmentID, CPPID) restart with each child and every table is
    re-indexed from 0, so converting the children in batches and joining the batches' tables
    gives the same tables (tests/unit/reports/test_validation_ingress.py compares them).
    """
    import pandas as pd
    from cin_validator import cin_validator

    children = root.find("Children")
    kids = [] if children is None else children.findall("Child")
    if len(kids) <= batch:
        return dict(cin_validator.convert_data(root))
    parts = []
    for start in range(0, len(kids), batch):
        part = ET.Element(root.tag)
        part.extend(element for element in root if element.tag != "Children")
        ET.SubElement(part, "Children").extend(kids[start : start + batch])
        parts.append(cin_validator.convert_data(part))
    tables = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
    tables["Header"] = parts[0]["Header"]
    return tables
