"""The collection year: 1 April to 31 March, named by the year it ends; nonsense refused."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.core.errors import ValidationFailed
from joinedup.reports.years import collection_year


def test_2026_is_april_2025_to_march_2026() -> None:
    year = collection_year(2026)
    assert (year.start, year.end, year.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    assert date(2025, 4, 1) in year and date(2026, 3, 31) in year
    assert date(2025, 3, 31) not in year and date(2026, 4, 1) not in year


@pytest.mark.parametrize("bad", [0, 26, 1999, 2101, -2026])
def test_an_unlikely_year_is_refused_naming_the_field(bad: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        collection_year(bad)
    assert refused.value.errors[0].field == "year"
    assert "2026 is 1 April 2025 to 31 March 2026" in refused.value.errors[0].message


def test_a_year_has_ended_only_once_its_31_march_has_passed() -> None:
    year = collection_year(2026)
    assert not year.ended_by(date(2025, 4, 1))
    assert not year.ended_by(date(2026, 3, 31))  # the reference date itself: still the year
    assert year.ended_by(date(2026, 4, 1))
