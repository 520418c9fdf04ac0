"""Every setting is in the operator's table in docs/operations.md, and nothing else is: a new
setting fails here until an operator can find it."""

from __future__ import annotations

import re
from pathlib import Path

from joinedup.config import Settings

OPERATIONS = Path(__file__).parents[2] / "docs" / "operations.md"


def test_every_setting_is_in_the_operations_table_and_no_other() -> None:
    documented = re.findall(r"^\| `JOINEDUP_([A-Z0-9_]+)` \|", OPERATIONS.read_text(), re.M)
    expected = [name.upper() for name in Settings.model_fields]
    assert sorted(documented) == sorted(expected)
    assert len(documented) == len(set(documented))  # each once
