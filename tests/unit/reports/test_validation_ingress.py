"""The runner reads a CIN census a batch of children at a time (validators/cin_tables.py), which
gives exactly the tables the CIN validator's `convert_data` gives for the whole file: compared in
.venv-validators, table by table (columns, dtypes, values and their types, index), in batches of
two children, on the valid fixture and on one full of awkward shapes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from joinedup.reports import validation

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "returns"
COMPARE = """
import json, sys, xml.etree.ElementTree as ET
sys.path.insert(0, sys.argv[1])
import cin_tables
from cin_validator import cin_validator
def types(frame):
    return [list(map(type, row)) for row in frame.values]
found = {}
for path in sys.argv[2:]:
    root = ET.parse(path).getroot()
    theirs, ours = cin_validator.convert_data(root), cin_tables.convert(root, batch=2)
    assert list(theirs) == list(ours), (list(theirs), list(ours))
    found[path] = {}
    for name, a in theirs.items():
        b = ours[name]
        same = (a.equals(b) and list(a.columns) == list(b.columns) and a.index.equals(b.index)
                and list(a.dtypes) == list(b.dtypes)
                and a.astype(str).values.tolist() == b.astype(str).values.tolist()
                and types(a) == types(b))
        found[path][name] = [len(a), same]
print(json.dumps(found))
"""


@pytest.mark.parametrize("name", ["cin_2026_valid.xml", "cin_ingress_edge_cases.xml"])
def test_our_reading_of_a_census_matches_the_validators(name: str) -> None:
    path = str(FIXTURES / name)
    done = subprocess.run(
        [str(validation.validators_python()), "-c", COMPARE, str(validation.RUNNER.parent), path],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    tables = json.loads(done.stdout)[path]
    assert all(same for _, same in tables.values()), tables
    assert len(tables) == 11 and sum(rows for rows, _ in tables.values()) > 10
