"""The serious-incident clocks: known answers and properties over 2000–2040."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.casework.clocks import add_months
from joinedup.core.workdays import add_working_days, is_working_day, working_days_between
from joinedup.quality import clocks
from joinedup.quality.clocks import is_late, notification_due, publication_due, rapid_review_due

PROPERTIES = settings(max_examples=300, deadline=None)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
WORKING_DAY_CLOCKS: list[tuple[Callable[[date], date], int]] = [
    (notification_due, 5),
    (rapid_review_due, 15),
]


@pytest.mark.parametrize(
    ("clock", "start", "expected"),
    [
        # Aware on a Monday: five working days is the Monday after.
        (notification_due, date(2026, 11, 23), date(2026, 11, 30)),
        # Aware on a Saturday: Monday is day 1, due the Friday.
        (notification_due, date(2026, 11, 21), date(2026, 11, 27)),
        # Aware on Christmas Eve 2026 (a Thursday): 25, 26 (Saturday; substitute 28), 27 and
        # 28 December and 1 January are not working days.
        (notification_due, date(2026, 12, 24), date(2027, 1, 5)),
        # Aware on 29 February 2024 (a Thursday): due Thursday 7 March.
        (notification_due, date(2024, 2, 29), date(2024, 3, 7)),
        # Aware on Maundy Thursday 2025: Good Friday and Easter Monday are skipped.
        (notification_due, date(2025, 4, 17), date(2025, 4, 28)),
        # Notified on Monday 23 November 2026: 15 working days is Monday 14 December.
        (rapid_review_due, date(2026, 11, 23), date(2026, 12, 14)),
        # Notified on 15 December 2026: across Christmas and the new year.
        (rapid_review_due, date(2026, 12, 15), date(2027, 1, 8)),
        # Notified on 20 February 2024: across 29 February.
        (rapid_review_due, date(2024, 2, 20), date(2024, 3, 12)),
    ],
)
def test_known_answers(clock: Callable[[date], date], start: date, expected: date) -> None:
    assert clock(start) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 10), 6, date(2026, 9, 10)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # clamped to a leap day
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2026, 7, 4), 6, date(2027, 1, 4)),  # across the year end
        (date(2026, 3, 10), 9, date(2026, 12, 10)),  # a partnership's own setting
    ],
)
def test_publication_known_answers(start: date, months: int, expected: date) -> None:
    assert publication_due(start, months) == expected


def test_publication_refuses_no_months() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        publication_due(date(2026, 1, 1), 0)


@PROPERTIES
@given(DAYS, st.sampled_from(WORKING_DAY_CLOCKS))
def test_working_day_clocks_land_on_a_working_day_strictly_after_the_start(
    start: date, clock: tuple[Callable[[date], date], int]
) -> None:
    due_of, days = clock
    due = due_of(start)
    assert due > start
    assert is_working_day(due)
    assert working_days_between(start, due) == days
    # The day before the due date leaves a working day still to go.
    assert working_days_between(start, due - timedelta(days=1)) == days - 1


@PROPERTIES
@given(DAYS, st.sampled_from(WORKING_DAY_CLOCKS))
def test_a_weekend_or_bank_holiday_start_counts_from_the_next_working_day(
    start: date, clock: tuple[Callable[[date], date], int]
) -> None:
    due_of, _ = clock
    following = start + timedelta(days=1)
    if not is_working_day(following):
        # Becoming aware on a day before a non-working day gives the same due date as the day
        # after: the non-working day adds nothing to the count.
        assert due_of(start) == due_of(following)


@PROPERTIES
@given(DAYS, DAYS, st.sampled_from(WORKING_DAY_CLOCKS))
def test_working_day_clocks_never_go_backwards(
    a: date, b: date, clock: tuple[Callable[[date], date], int]
) -> None:
    due_of, _ = clock
    first, second = sorted((a, b))
    assert due_of(first) <= due_of(second)


@PROPERTIES
@given(DAYS)
def test_the_rapid_review_always_falls_after_the_notification_deadline(aware: date) -> None:
    notified = notification_due(aware)  # notified on the last day allowed
    assert rapid_review_due(notified) > notified
    assert working_days_between(aware, rapid_review_due(notified)) == 20


@PROPERTIES
@given(DAYS, st.integers(min_value=1, max_value=24))
def test_publication_is_calendar_months_strictly_after_commissioning(
    start: date, months: int
) -> None:
    due = publication_due(start, months)
    assert due > start
    assert due == add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    # 29 February, 30 and 31 clamp to the month's end; a day every month has is kept.
    if start.day <= 28:
        assert due.day == start.day


@PROPERTIES
@given(DAYS, st.integers(min_value=0, max_value=40), st.integers(min_value=-40, max_value=40))
def test_late_means_after_the_due_day(due: date, ahead: int, done_offset: int) -> None:
    today = due + timedelta(days=ahead)
    done = due + timedelta(days=done_offset)
    assert is_late(due, None, today) == (today > due)
    assert is_late(due, done, today) == (done > due)


def test_the_year_end_and_leap_day_are_crossed_day_by_day() -> None:
    # The clocks agree with a plain count for every start day across two year ends and a leap year.
    day = date(2023, 12, 1)
    while day < date(2025, 1, 31):
        for due_of, days in WORKING_DAY_CLOCKS:
            assert due_of(day) == add_working_days(day, days)
            counted, probe = 0, day
            while counted < days:
                probe += timedelta(days=1)
                counted += is_working_day(probe)
            assert due_of(day) == probe
        day += timedelta(days=1)


def test_the_module_never_reads_the_system_time() -> None:
    tree = ast.parse(inspect.getsource(clocks))
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    called |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - {"today"}
    assert not called & {"now", "today", "utcnow", "time_ns", "monotonic"}
