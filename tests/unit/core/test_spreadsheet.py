"""Formula injection: a cell that could run as a formula is shown as text; numbers stay numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.spreadsheet import (
    FORMULA_STARTS,
    is_formula_like,
    needs_care,
    neutralise,
    workbook_text,
)


@pytest.mark.parametrize(
    "value",
    [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "+44 7700 900000",
        "-2+3+cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        "=",
        "-",
    ],
)
def test_a_cell_that_could_start_a_formula_gets_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert is_formula_like(value) and not is_formula_like(neutralise(value))


@pytest.mark.parametrize("value", ["-3", "+1.5", "-0.25", "12", "-1e5", "", "a=b", "Hungry", "'=x"])
def test_numbers_and_ordinary_text_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


@given(st.text())
def test_nothing_neutralised_still_looks_like_a_formula(value: str) -> None:
    out = neutralise(value)
    assert out.endswith(value) and len(out) - len(value) in (0, 1)
    assert not is_formula_like(out)
    assert not out.startswith(FORMULA_STARTS) or out.lstrip("+-").replace(".", "", 1)[:1].isdigit()


def test_a_workbook_cell_loses_only_what_xml_cannot_hold() -> None:
    assert workbook_text("a\x1bb\x07c\td\ne\rf\x7fg") == "a\ufffdb\ufffdc\td\ne\rf\x7fg"
    assert workbook_text("=1+1\x00") == "'=1+1\ufffd"
    assert needs_care("bell\x07") and needs_care("@SUM(1)") and not needs_care("-3")
    assert not needs_care("plain text\twith a tab")
