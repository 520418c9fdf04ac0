"""Operation Encompass timing: the next school day from the authority's term dates as data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.sharing.schooldays import load_calendar

CALENDAR = load_calendar()


@pytest.mark.parametrize(
    ("incident", "due"),
    [
        # Friday night, in term: Monday's start (GMT in November).
        (datetime(2026, 11, 27, 22, 30, tzinfo=UTC), datetime(2026, 11, 30, 8, 30, tzinfo=UTC)),
        # Tuesday morning: Wednesday's start, not the same day.
        (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), datetime(2026, 11, 25, 8, 30, tzinfo=UTC)),
        # Friday night before the early May bank holiday: Tuesday, 08:30 BST.
        (datetime(2027, 4, 30, 21, 0, tzinfo=UTC), datetime(2027, 5, 4, 7, 30, tzinfo=UTC)),
        # The last day of the autumn term: the spring term's first day is an INSET day.
        (datetime(2026, 12, 18, 21, 0, tzinfo=UTC), datetime(2027, 1, 5, 8, 30, tzinfo=UTC)),
        # Friday before half term: the Monday after it.
        (datetime(2027, 2, 12, 20, 0, tzinfo=UTC), datetime(2027, 2, 22, 8, 30, tzinfo=UTC)),
        # Friday night before the Easter holidays: the summer term's first day, in summer time.
        (datetime(2027, 3, 26, 23, 30, tzinfo=UTC), datetime(2027, 4, 12, 7, 30, tzinfo=UTC)),
    ],
)
def test_encompass_is_due_by_the_start_of_the_next_school_day(
    incident: datetime, due: datetime
) -> None:
    assert CALENDAR.encompass_due(incident) == due


def test_after_the_last_term_on_file_the_next_working_day_stands_in() -> None:
    assert CALENDAR.next_school_day(date(2027, 12, 17)) == date(2027, 12, 20)
    assert CALENDAR.next_school_day(date(2027, 12, 24)) == date(2027, 12, 29)


@given(st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 12, 31)))
def test_the_next_school_day_is_later_and_never_a_weekend_or_bank_holiday(day: date) -> None:
    following = CALENDAR.next_school_day(day)
    assert following > day and following.weekday() < 5
    assert following not in CALENDAR.inset_days


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("[{start: 2026-09-10, end: 2026-09-01}]", "ends"),
        ("[{start: 2026-09-01, end: 2026-10-01}, {start: 2026-09-20, end: 2026-11-01}]",
         "overlap"),
        ("[]", "at least 1"),
    ],
)  # fmt: skip
def test_a_bad_calendar_is_refused_on_load(tmp_path: Path, terms: str, message: str) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        f'authority_code: "990"\nterms: {terms}\nelective_home_education: {{name: "EHE"}}\n'
    )
    with pytest.raises(ValueError, match=message):
        load_calendar(path)
