"""A step's fields are refused with the field named when a DfE code is wrong."""

from __future__ import annotations

import pytest

from joinedup.casework import steps
from joinedup.core.errors import ValidationFailed


def _refusal(fields: dict[str, object]) -> str:
    with pytest.raises(ValidationFailed) as caught:
        steps.validate("save_assessment", fields)
    return "; ".join(f"{e.field}: {e.message}" for e in caught.value.errors)


def test_disabilities_are_dfe_codes_with_none_alone() -> None:
    assert steps.validate("save_assessment", {"disabilities": ["AUT", "COMM"]})
    assert "not DfE disability codes: ADHD" in _refusal({"disabilities": ["ADHD"]})
    assert "NONE (no disability) must stand alone" in _refusal({"disabilities": ["NONE", "VIS"]})
    assert "listed twice" in _refusal({"disabilities": ["VIS", "VIS"]})


def test_factor_21_stands_alone() -> None:
    assert "factor 21" in _refusal({"factors": ["21", "16A"]})
