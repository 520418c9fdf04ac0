"""Dates on pages are as precise as their source, never more; totals read with separators."""

from __future__ import annotations

from joinedup.web.formatting import partial_date
from joinedup.web.paging import showing


def test_partial_dates_read_by_their_precision() -> None:
    assert partial_date("1973-07-05") == "5 July 1973"
    assert partial_date("1973-07") == "July 1973"
    assert partial_date("1973") == "1973"
    assert partial_date(None) is None and partial_date("") is None


def test_large_totals_have_thousands_separators() -> None:
    assert showing(1, 50, 2738) == "Showing 1 to 50 of 2,738"
