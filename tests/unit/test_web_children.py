"""How the child pages put time and counts into words, never more precisely than known."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from joinedup.web.routes.children import ago, counted

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "precision", "words"),
    [
        (datetime(2026, 11, 23, 0, 30, tzinfo=UTC), "minute", "today"),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "minute", "yesterday"),
        (datetime(2026, 10, 10, tzinfo=UTC), "day", "44 days ago"),
        (datetime(2023, 11, 23, tzinfo=UTC), "day", "1,096 days ago"),
        (datetime(2026, 11, 1, tzinfo=UTC), "month", "this month"),
        (datetime(2026, 10, 1, tzinfo=UTC), "month", "last month"),
        (datetime(2024, 6, 1, tzinfo=UTC), "month", "29 months ago"),
        (datetime(2025, 1, 1, tzinfo=UTC), "year", "last year"),
        (datetime(2011, 1, 1, tzinfo=UTC), "year", "15 years ago"),
    ],
)
def test_how_long_ago_is_no_more_precise_than_the_date(
    moment: datetime, precision: str, words: str
) -> None:
    assert ago(moment, precision, NOW) == words


def test_the_count_says_what_is_shown_of_what() -> None:
    assert counted(0, 12, 12, 340) == "Showing 12 of 340 entries"
    assert counted(0, 1, 1, 1) == "Showing 1 of 1 entry"
    assert counted(100, 100, 340, 340) == "Showing 101 to 200 of 340 entries"
    assert counted(100, 50, 150, 340) == "Showing 101 to 150 of 150 entries (340 in all)"
